/*
 * ipi: SGIs between every pair of vCPUs. Each vCPU sends K SGIs unicast to
 * every other vCPU (SGI = its index) and K broadcasts with IRM = 1 (SGI = 8 +
 * its index), so a receiver knows who sent what. SGIs coalesce while pending,
 * so a sender waits until the receiver's counter for it has advanced (the
 * receiver increments it in its handler) before it sends the next one to the
 * same target. Checks: every receiver got exactly K unicast and K broadcast
 * SGIs from every other vCPU, and none from itself.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"

#define K            10
#define SGI_UNICAST  0 /* + sender index */
#define SGI_BCAST    8 /* + sender index */
#define SGI_PRIO     0x80
#define SEND_TIMEOUT 20000 /* ms for all of one vCPU's sending: a hang, never a slow host */
#define QUIET_MS     10    /* after everyone is done: time for stray extra SGIs to show */
#define RUN_TIMEOUT  30000

static unsigned nr_vcpus;
/* [receiver][sender], written by the receiver's handler. */
static unsigned unicast[GUEST_MAX_VCPUS][GUEST_MAX_VCPUS];
static unsigned bcast[GUEST_MAX_VCPUS][GUEST_MAX_VCPUS];
static unsigned from_self[GUEST_MAX_VCPUS];
static unsigned ready;
static unsigned sent;
static unsigned done[GUEST_MAX_VCPUS];
static bool send_timed_out[GUEST_MAX_VCPUS];

static void bump(unsigned *counter)
{
    __atomic_store_n(counter, *counter + 1, __ATOMIC_RELEASE);
}

static void sgi_handler(unsigned intid)
{
    unsigned me = guest_vcpu_index();
    unsigned sender = intid % SGI_BCAST;

    if (sender == me) {
        bump(&from_self[me]);
    } else if (intid < SGI_BCAST) {
        bump(&unicast[me][sender]);
    } else {
        bump(&bcast[me][sender]);
    }
}

/* Increments *counter and waits (handling SGIs) until it reaches target. */
static void barrier(unsigned *counter, unsigned target, uint64_t deadline)
{
    __atomic_fetch_add(counter, 1, __ATOMIC_ACQ_REL);
    while (load_acquire(counter) < target && !deadline_passed(deadline)) {
        cpu_relax();
    }
}

/* Waits until *counter >= target; false at the deadline. */
static bool wait_count(const unsigned *counter, unsigned target, uint64_t deadline)
{
    return SPIN_UNTIL(load_acquire(counter) >= target, deadline);
}

static bool send_all(unsigned me, uint64_t deadline)
{
    for (unsigned k = 0; k < K; k++) {
        for (unsigned j = 0; j < nr_vcpus; j++) {
            if (j == me) {
                continue;
            }
            if (!wait_count(&unicast[j][me], k, deadline)) {
                return false;
            }
            gic_send_sgi(SGI_UNICAST + me, j);
        }
        for (unsigned j = 0; j < nr_vcpus; j++) {
            if (j != me && !wait_count(&bcast[j][me], k, deadline)) {
                return false;
            }
        }
        gic_send_sgi_others(SGI_BCAST + me);
    }
    for (unsigned j = 0; j < nr_vcpus; j++) {
        if (j != me && (!wait_count(&unicast[j][me], K, deadline) ||
                        !wait_count(&bcast[j][me], K, deadline))) {
            return false;
        }
    }
    return true;
}

static void check_received(unsigned me)
{
    for (unsigned s = 0; s < nr_vcpus; s++) {
        if (s == me) {
            continue;
        }
        CHECK_EQ(load_acquire(&unicast[me][s]), K, "vcpu %u: %u unicast SGIs from vcpu %u", me, K,
                 s);
        CHECK_EQ(load_acquire(&bcast[me][s]), K, "vcpu %u: %u broadcast SGIs from vcpu %u", me, K,
                 s);
    }
    CHECK_EQ(load_acquire(&from_self[me]), 0, "vcpu %u: none from itself", me);
    CHECK_EQ(gic_unhandled_count(me), 0, "vcpu %u: no unexpected interrupt", me);
}

static void run(unsigned me)
{
    uint64_t deadline = deadline_after_ms(RUN_TIMEOUT);
    uint64_t quiet;

    if (me != 0) {
        CHECK_EQ(gic_cpu_init(), 0, "vcpu %u: redistributor and CPU interface up", me);
    }
    for (unsigned sgi = 0; sgi < GIC_NR_SGIS; sgi++) {
        gic_set_handler(sgi, sgi_handler);
        gic_set_priority(sgi, SGI_PRIO);
        gic_enable(sgi);
    }
    irq_local_enable();
    barrier(&ready, nr_vcpus, deadline);

    send_timed_out[me] = !send_all(me, deadline_after_ms(SEND_TIMEOUT));
    barrier(&sent, nr_vcpus, deadline);
    quiet = deadline_after_ms(QUIET_MS);
    while (!deadline_passed(quiet)) {
        cpu_relax();
    }
    irq_local_disable();

    CHECK(!send_timed_out[me], "vcpu %u: every SGI it sent was delivered", me);
    check_received(me);
    store_release(&done[me], 1);
}

void guest_main(void)
{
    uint64_t deadline;

    nr_vcpus = guest_vcpu_count();
    if (nr_vcpus > GUEST_MAX_VCPUS) {
        nr_vcpus = GUEST_MAX_VCPUS;
    }
    if (!CHECK_EQ(gic_init(), 0, "vcpu 0: GIC distributor, redistributor and CPU interface up")) {
        return;
    }
    if (nr_vcpus < 2) {
        test_skip("1 vCPU", "SGIs between vCPUs");
        return;
    }
    for (unsigned i = 1; i < nr_vcpus; i++) {
        CHECK_EQ(guest_cpu_on(i, run), PSCI_RET_SUCCESS, "CPU_ON(%u)", i);
    }
    run(0);
    deadline = deadline_after_ms(RUN_TIMEOUT);
    for (unsigned i = 1; i < nr_vcpus; i++) {
        while (!load_acquire(&done[i]) && !deadline_passed(deadline)) {
            cpu_relax();
        }
        CHECK(load_acquire(&done[i]), "vcpu %u finished", i);
    }
}
