/*
 * lr-overflow: more pending interrupts than the virtual CPU interface has
 * list registers (4 on QEMU's cortex-a57). With IRQs masked at PSTATE the
 * guest makes 12 SGIs pending (sent to itself, at 12 distinct priorities, in
 * scrambled order), then 12 level-triggered SPIs (pending through
 * GICD_ISPENDR), then all 24 at once; each time it unmasks and checks that
 * every one was handled exactly once, highest priority (lowest value) first,
 * with ICC_RPR_EL1 at the interrupt's priority inside its handler.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"

#define N_EACH    12U
#define FIRST_SPI GIC_SPI(8) /* INTIDs 40..51: no device behind them */
#define WAIT_MS   100
#define SEEN_MAX  64

/* Scrambled: priority of the i-th interrupt of a set, and the order they are made pending in. */
static const uint8_t prio_of[N_EACH] = {0x70, 0x20, 0xB0, 0x40, 0xC0, 0x10,
                                        0x90, 0x30, 0xA0, 0x60, 0x50, 0x80};
static const unsigned pend_order[N_EACH] = {5, 9, 0, 11, 2, 7, 4, 10, 1, 8, 3, 6};

static struct {
    unsigned intid;
    uint8_t rpr;
} seen[SEEN_MAX];
static unsigned logged;
static unsigned times[GIC_NR_INTIDS];
static uint8_t prio[GIC_NR_INTIDS];

static void handler(unsigned intid)
{
    if (logged < SEEN_MAX) {
        seen[logged].intid = intid;
        seen[logged].rpr = gic_rpr();
    }
    logged++;
    times[intid]++;
}

/* The n INTIDs of a round: SGIs 0..11, SPIs 40..51, or both. */
static unsigned round_intid(bool sgis, bool spis, unsigned i)
{
    if (sgis && spis) {
        return i % 2 == 0 ? pend_order[i / 2] : FIRST_SPI + pend_order[i / 2];
    }
    return (sgis ? 0 : FIRST_SPI) + pend_order[i];
}

static void setup(void)
{
    for (unsigned i = 0; i < N_EACH; i++) {
        prio[i] = prio_of[i];
        /* SPIs sit between the SGIs (odd multiples of 8) when both are pending. */
        prio[FIRST_SPI + i] = (uint8_t)(prio_of[i] + GIC_PRIO_STEP);
        gic_set_handler(i, handler);
        gic_set_priority(i, prio[i]);
        gic_enable(i);
        gic_set_handler(FIRST_SPI + i, handler);
        gic_set_priority(FIRST_SPI + i, prio[FIRST_SPI + i]);
        gic_route(FIRST_SPI + i, 0);
        gic_enable(FIRST_SPI + i);
    }
}

static void reset_log(void)
{
    logged = 0;
    for (unsigned i = 0; i < GIC_NR_INTIDS; i++) {
        times[i] = 0;
    }
}

static bool all_pending(unsigned n, bool sgis, bool spis)
{
    uint64_t deadline = deadline_after_ms(WAIT_MS);

    for (unsigned i = 0; i < n; i++) {
        if (!SPIN_UNTIL(gic_is_pending(round_intid(sgis, spis, i)), deadline)) {
            return false;
        }
    }
    return true;
}

static unsigned count_pending(unsigned n, bool sgis, bool spis)
{
    unsigned pending = 0;

    for (unsigned i = 0; i < n; i++) {
        pending += gic_is_pending(round_intid(sgis, spis, i));
    }
    return pending;
}

static void check_order(const char *what, unsigned n)
{
    bool ordered = true;
    bool rpr_ok = true;
    unsigned once = 0;

    for (unsigned i = 0; i < n && i < SEEN_MAX; i++) {
        unsigned intid = seen[i].intid;
        if (i > 0 && prio[intid] <= prio[seen[i - 1].intid]) {
            ordered = false;
        }
        if (seen[i].rpr != prio[intid]) {
            rpr_ok = false;
        }
        once += times[intid] == 1;
    }
    CHECK_EQ(logged, n, "%s: %u handled", what, n);
    CHECK_EQ(once, n, "%s: each exactly once", what);
    CHECK(ordered, "%s: in strictly increasing priority value (highest priority first)", what);
    CHECK(rpr_ok, "%s: ICC_RPR_EL1 is the interrupt's priority in each handler", what);
    if (!ordered || !rpr_ok) {
        for (unsigned i = 0; i < logged && i < SEEN_MAX; i++) {
            printf("  %s: #%u INTID %u priority 0x%x RPR 0x%x\n", what, i, seen[i].intid,
                   prio[seen[i].intid], seen[i].rpr);
        }
    }
}

static void run_round(const char *what, bool sgis, bool spis)
{
    unsigned n = (sgis ? N_EACH : 0U) + (spis ? N_EACH : 0U);
    uint64_t deadline;

    reset_log();
    irq_local_disable();
    for (unsigned i = 0; i < n; i++) {
        unsigned intid = round_intid(sgis, spis, i);
        if (intid < GIC_NR_SGIS) {
            gic_send_sgi(intid, 0);
        } else {
            gic_set_pending(intid);
        }
    }
    CHECK(all_pending(n, sgis, spis), "%s: all %u pending while PSTATE.I is set", what, n);
    CHECK_EQ(logged, 0, "%s: none taken while masked", what);
    irq_local_enable();
    deadline = deadline_after_ms(WAIT_MS);
    while (load_acquire(&logged) < n && !deadline_passed(deadline)) {
        cpu_relax();
    }
    irq_local_disable();
    check_order(what, n);
    CHECK_EQ(count_pending(n, sgis, spis), 0, "%s: none left pending (ISPENDR latches cleared)",
             what);
}

void guest_main(void)
{
    if (!CHECK_EQ(gic_init(), 0, "GIC distributor, redistributor and CPU interface up")) {
        return;
    }
    setup();
    run_round("12 SGIs", true, false);
    run_round("12 SPIs", false, true);
    run_round("12 SGIs + 12 SPIs", true, true);
    CHECK_EQ(gic_unhandled_count(0), 0, "no unexpected interrupt");
}
