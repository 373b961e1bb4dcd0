/*
 * reroute: a route change alone interrupts nobody (issue 10, defect 6).
 *
 * vCPU 0 (alone on CPU 0) pends SPI 40 for vCPU 1, which shares CPU 1 with
 * vCPU 2 and keeps its IRQs masked, so the SPI stays queued on vCPU 1 whether
 * it runs or waits its turn. vCPU 0 then rewrites GICD_IROUTER<40> ROUNDS
 * times, to a vCPU that does not exist and back. Every rewrite used to kick
 * vCPU 1's CPU with an IPI, interrupting whatever ran there (here vCPU 2; in
 * general another VM). shrike's statistics count the kick IPIs CPU 1 took:
 * the test bounds them far below ROUNDS. Finally vCPU 1 unmasks IRQs and must
 * take SPI 40 exactly once: nothing lost, nothing invented.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"

#define SPI     40
#define ROUNDS  20000
#define NOBODY  7 /* Aff0 of no vCPU */
#define WAIT_MS 2000

static unsigned spi_taken;
static unsigned started;
static unsigned rerouted;
static unsigned finished;

static void spi_handler(unsigned intid)
{
    (void)intid;
    store_release(&spi_taken, load_acquire(&spi_taken) + 1);
}

static bool wait_for(const unsigned *flag, unsigned n, uint64_t ms)
{
    uint64_t end = deadline_after_ms(ms);
    while (load_acquire(flag) < n && !deadline_passed(end)) {
        cpu_relax();
    }
    return load_acquire(flag) >= n;
}

static void holder(unsigned me)
{
    CHECK_EQ(gic_cpu_init(), 0, "vcpu %u: CPU interface up", me);
    __atomic_fetch_add(&started, 1, __ATOMIC_ACQ_REL);
    if (me == 1) {
        /* IRQs stay masked: SPI 40 waits on this vCPU's list while vCPU 0 reroutes it. */
        CHECK(wait_for(&rerouted, 1, 60000), "vcpu 1: vcpu 0 finished rerouting");
        irq_local_enable();
        wait_for(&spi_taken, 1, WAIT_MS);
        uint64_t quiet = deadline_after_ms(20);
        while (!deadline_passed(quiet)) {
            cpu_relax();
        }
        irq_local_disable();
        CHECK_EQ(load_acquire(&spi_taken), 1, "vcpu 1: SPI %u taken exactly once", SPI);
    } else {
        wait_for(&rerouted, 1, 60000); /* CPU-bound meanwhile: it shares CPU 1 */
    }
    __atomic_fetch_add(&finished, 1, __ATOMIC_ACQ_REL);
}

void guest_main(void)
{
    if (!CHECK_EQ(gic_init(), 0, "vcpu 0: GIC up") || !CHECK(guest_vcpu_count() >= 3, "3 vCPUs")) {
        return;
    }
    gic_set_handler_on(1, SPI, spi_handler);
    gic_set_priority(SPI, 0x80);
    gic_set_group1(SPI, true);
    gic_route(SPI, 1);
    gic_enable(SPI);
    for (unsigned i = 1; i < 3; i++) {
        CHECK_EQ(guest_cpu_on(i, holder), PSCI_RET_SUCCESS, "CPU_ON(%u)", i);
    }
    CHECK(wait_for(&started, 2, WAIT_MS), "vcpus 1 and 2 up");
    gic_set_pending(SPI);
    CHECK(gic_is_pending(SPI), "SPI %u pending for vcpu 1", SPI);
    for (unsigned i = 0; i < ROUNDS; i++) {
        gic_route(SPI, NOBODY);
        gic_route(SPI, 1);
    }
    CHECK_EQ(gic_route_get(SPI), 1, "SPI %u routed to vcpu 1 again", SPI);
    CHECK(gic_is_pending(SPI), "SPI %u still pending after %u reroutes", SPI, ROUNDS);
    store_release(&rerouted, 1);
    CHECK(wait_for(&finished, 2, WAIT_MS * 5), "vcpus 1 and 2 finished");
}
