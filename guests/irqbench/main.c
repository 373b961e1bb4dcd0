/*
 * irqbench: interrupt path lengths, timed with CNTVCT_EL0 (under -icount one
 * tick is one instruction, counted across all CPUs). Prints
 * "bench: NAME total=T per_op=P" like the bench guest:
 *   sgi1r-empty  MSR ICC_SGI1R_EL1 with an empty target list (nobody)
 *   sgi1r-absent MSR ICC_SGI1R_EL1 to a vCPU the VM does not have (Aff0 3)
 *   vipi         vCPU 0 writes ICC_SGI1R_EL1 -> vCPU 1's handler runs, on
 *                another CPU where vCPU 1 waits in WFI
 *   vtimer-spin  CVAL reached -> the guest's first IRQ-vector instruction
 *                (stamp.S), the guest spinning
 *   vtimer-wfi   the same, the guest in WFI
 * Two vCPUs; the receiver answers each IPI so that the sender can wait in WFI.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define N           200
#define ROUNDS      50
#define SGI_PING    1
#define SGI_ACK     2
#define SGI_IDLE    3
#define TIMER_AHEAD 20000 /* counter ticks from arming to the deadline */

static volatile uint64_t t_recv;
static volatile unsigned pings, acks, timer_hits, secondary_ready;
static volatile uint64_t t_timer;

extern const char stamp_vectors[];

/* The counter at the IRQ vector's first instruction (stamp.S read it one instruction later). */
static uint64_t vector_stamp(void)
{
    return read_sysreg(tpidrro_el0) - 1;
}

static void on_ping(unsigned intid)
{
    (void)intid;
    t_recv = read_cntvct();
    pings = pings + 1;
    gic_send_sgi(SGI_ACK, 0);
}

static void on_ack(unsigned intid)
{
    (void)intid;
    acks = acks + 1;
}

static void on_timer(unsigned intid)
{
    (void)intid;
    t_timer = vector_stamp();
    timer_stop(TIMER_VIRT);
    timer_hits = timer_hits + 1;
}

static void secondary(unsigned me)
{
    (void)me;
    gic_cpu_init();
    gic_set_handler(SGI_PING, on_ping);
    gic_set_priority(SGI_PING, 0x80);
    gic_enable(SGI_PING);
    irq_local_enable();
    secondary_ready = 1;
    gic_send_sgi(SGI_ACK, 0); /* vCPU 0 waits in WFI: an interrupt must end it */
    while (pings < ROUNDS) {
        wfi();
    }
}

/* N bare MSR ICC_SGI1R_EL1 of value (the SGI is disabled: nothing is delivered). */
static uint64_t sgi1r_loop(uint64_t value)
{
    uint64_t t0 = read_cntvct();
    for (unsigned i = 0; i < N; i++) {
        write_sysreg(icc_sgi1r_el1, value);
    }
    return read_cntvct() - t0;
}

static uint64_t empty_loop(void)
{
    uint64_t t0 = read_cntvct();
    for (unsigned i = 0; i < N; i++) {
        __asm__ __volatile__("" : : : "memory");
    }
    return read_cntvct() - t0;
}

static uint64_t vipi(void)
{
    uint64_t sum = 0;
    for (unsigned r = 0; r < ROUNDS; r++) {
        unsigned want = acks + 1;
        uint64_t t0 = read_cntvct();
        gic_send_sgi(SGI_PING, 1);
        while (acks < want) {
            wfi();
        }
        sum += t_recv - t0;
    }
    return sum;
}

static uint64_t vtimer(bool sleep)
{
    uint64_t sum = 0;
    for (unsigned r = 0; r < ROUNDS; r++) {
        unsigned want = timer_hits + 1;
        uint64_t cval = read_cntvct() + TIMER_AHEAD;
        timer_arm_at(TIMER_VIRT, cval);
        while (timer_hits < want) {
            if (sleep) {
                wfi();
            }
        }
        sum += t_timer - cval;
    }
    return sum;
}

static void report(const char *name, uint64_t total, uint64_t per_op)
{
    printf("bench: %s total=%lu per_op=%lu\n", name, total, per_op);
}

void guest_main(void)
{
    if (!CHECK_EQ(gic_init(), 0, "GIC up") || guest_vcpu_count() < 2) {
        return;
    }
    gic_set_handler(SGI_ACK, on_ack);
    gic_set_priority(SGI_ACK, 0x80);
    gic_enable(SGI_ACK);
    gic_disable(SGI_IDLE);
    timer_set_handler(TIMER_VIRT, on_timer, 0x80);
    irq_local_enable();

    if (gic_version() == 3) { /* ICC_SGI1R_EL1 exists on GICv3 only (GICv2: UNDEF) */
        uint64_t empty = empty_loop();
        uint64_t idle = (uint64_t)SGI_IDLE << ICC_SGIR_INTID_SHIFT;
        uint64_t trap = sgi1r_loop(idle); /* TargetList 0 */
        report("sgi1r-empty", trap, (trap - empty) / N);
        trap = sgi1r_loop(idle | 1U << 3); /* Aff0 3: the VM has 2 vCPUs */
        report("sgi1r-absent", trap, (trap - empty) / N);
        CHECK_EQ(gic_is_pending(SGI_IDLE), false, "neither write pended an SGI here");
    }

    CHECK_EQ(guest_cpu_on(1, secondary), 0, "vCPU 1 started");
    while (!secondary_ready) {
        wfi();
    }
    uint64_t ipi = vipi();
    report("vipi", ipi, ipi / ROUNDS);
    CHECK_EQ(acks, ROUNDS + 1, "every IPI answered (and vCPU 1's start-up ack)");

    __asm__ __volatile__("msr vbar_el1, %0\n\tisb" : : "r"(stamp_vectors));
    uint64_t spin = vtimer(false);
    report("vtimer-spin", spin, spin / ROUNDS);
    uint64_t sleep = vtimer(true);
    report("vtimer-wfi", sleep, sleep / ROUNDS);
    CHECK_EQ(timer_hits, 2 * ROUNDS, "every timer interrupt taken");
}
