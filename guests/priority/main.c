/*
 * priority: the priority mask and preemption on one vCPU.
 *   - PMR: with ICC_PMR_EL1 = 0x80 an SGI at priority 0xA0 stays pending and
 *     is not taken; with PMR = 0xA0 (equal) neither; raising PMR to 0xF0 lets
 *     it in.
 *   - Preemption: the handler of a priority-0xA0 SGI pends a 0xC0 SGI and,
 *     after irq_enable_nesting(), a 0x40 SGI to itself. The 0x40 one runs
 *     inside it (nesting depth 2), the 0xC0 one only after the 0xA0 handler's
 *     EOI: the order is A-start, H-start, H-end, A-end, C-start, C-end.
 *     ICC_RPR_EL1 is each handler's priority (0xA0 again after the nested
 *     one), and 0xFF when idle.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"

#define SGI_PMR    1
#define SGI_LOW    2 /* 0xA0: the outer handler */
#define SGI_HIGH   3 /* 0x40: preempts it */
#define SGI_LOWER  4 /* 0xC0: waits for its EOI */
#define PRIO_PMR   0xA0
#define PRIO_LOW   0xA0
#define PRIO_HIGH  0x40
#define PRIO_LOWER 0xC0
#define IDLE_PRIO  0xFF
#define SETTLE_MS  10
#define WAIT_MS    200
#define EVENTS     16

static unsigned pmr_taken;

/* The preemption run: events as characters (upper case: start, lower case: end). */
static char events[EVENTS + 1];
static unsigned nevents;
static unsigned depth_at[3];  /* nesting depth seen by LOW, HIGH, LOWER */
static uint8_t rpr_at[4];     /* RPR in LOW, HIGH, LOWER, and in LOW after HIGH returned */
static bool lower_inside_low; /* LOWER started before LOW ended */

static void event(char c)
{
    if (nevents < EVENTS) {
        events[nevents++] = c;
    }
}

static void settle(unsigned ms)
{
    uint64_t deadline = deadline_after_ms(ms);

    while (!deadline_passed(deadline)) {
        cpu_relax();
    }
}

static bool wait_for(const unsigned *counter, unsigned target, unsigned ms)
{
    return SPIN_UNTIL(load_acquire(counter) >= target, deadline_after_ms(ms));
}

static void pmr_handler(unsigned intid)
{
    (void)intid;
    pmr_taken++;
}

static void check_pmr(void)
{
    gic_set_handler(SGI_PMR, pmr_handler);
    gic_set_priority(SGI_PMR, PRIO_PMR);
    gic_enable(SGI_PMR);
    CHECK_EQ(gic_rpr(), IDLE_PRIO, "ICC_RPR_EL1 is 0x%x outside handlers", IDLE_PRIO);

    gic_set_pmr(0x80);
    CHECK_EQ(gic_pmr(), 0x80, "ICC_PMR_EL1 reads back 0x80");
    irq_local_enable();
    gic_send_sgi(SGI_PMR, 0);
    settle(SETTLE_MS);
    CHECK_EQ(load_acquire(&pmr_taken), 0, "PMR 0x80: an SGI at priority 0x%x is not taken",
             PRIO_PMR);
    CHECK(gic_is_pending(SGI_PMR), "PMR 0x80: it stays pending");

    gic_set_pmr(PRIO_PMR);
    settle(SETTLE_MS);
    CHECK_EQ(load_acquire(&pmr_taken), 0, "PMR 0x%x (equal): still not taken", PRIO_PMR);

    gic_set_pmr(0xF0);
    CHECK(wait_for(&pmr_taken, 1, WAIT_MS), "PMR 0xF0: taken");
    settle(SETTLE_MS);
    CHECK_EQ(load_acquire(&pmr_taken), 1, "PMR 0xF0: taken once");
    irq_local_disable();
    gic_set_pmr(GIC_PMR_ALL);
}

static void low_handler(unsigned intid)
{
    uint64_t deadline;

    (void)intid;
    event('A');
    depth_at[0] = gic_irq_depth();
    rpr_at[0] = gic_rpr();
    gic_send_sgi(SGI_LOWER, 0);
    irq_enable_nesting();
    gic_send_sgi(SGI_HIGH, 0);
    /* Wait for HIGH to come and go, then give LOWER a chance to (wrongly) preempt. */
    deadline = deadline_after_ms(WAIT_MS);
    while (__atomic_load_n(&nevents, __ATOMIC_ACQUIRE) < 3 && !deadline_passed(deadline)) {
        cpu_relax();
    }
    settle(SETTLE_MS);
    irq_local_disable();
    rpr_at[3] = gic_rpr();
    event('a');
}

static void high_handler(unsigned intid)
{
    (void)intid;
    event('H');
    depth_at[1] = gic_irq_depth();
    rpr_at[1] = gic_rpr();
    event('h');
}

static void lower_handler(unsigned intid)
{
    (void)intid;
    lower_inside_low = nevents > 0 && events[nevents - 1] != 'a';
    event('C');
    depth_at[2] = gic_irq_depth();
    rpr_at[2] = gic_rpr();
    event('c');
}

static bool events_are(const char *want)
{
    unsigned i = 0;

    while (i < nevents && want[i] != '\0' && events[i] == want[i]) {
        i++;
    }
    return want[i] == '\0' && i == nevents;
}

static void check_preemption(void)
{
    uint64_t deadline;

    gic_set_handler(SGI_LOW, low_handler);
    gic_set_handler(SGI_HIGH, high_handler);
    gic_set_handler(SGI_LOWER, lower_handler);
    gic_set_priority(SGI_LOW, PRIO_LOW);
    gic_set_priority(SGI_HIGH, PRIO_HIGH);
    gic_set_priority(SGI_LOWER, PRIO_LOWER);
    gic_enable(SGI_LOW);
    gic_enable(SGI_HIGH);
    gic_enable(SGI_LOWER);

    irq_local_enable();
    gic_send_sgi(SGI_LOW, 0);
    deadline = deadline_after_ms(2 * WAIT_MS);
    while (__atomic_load_n(&nevents, __ATOMIC_ACQUIRE) < 6 && !deadline_passed(deadline)) {
        cpu_relax();
    }
    irq_local_disable();

    events[nevents] = '\0';
    CHECK(events_are("AHhaCc"),
          "order: 0xA0 starts, 0x40 runs inside it, 0xA0 ends, then 0xC0 (got %s)", events);
    CHECK_EQ(depth_at[1], 2, "the 0x40 handler runs at nesting depth 2");
    CHECK_EQ(depth_at[0], 1, "the 0xA0 handler runs at depth 1");
    CHECK_EQ(depth_at[2], 1, "the 0xC0 handler runs at depth 1");
    CHECK(!lower_inside_low, "the 0xC0 SGI did not preempt the 0xA0 handler");
    CHECK_EQ(rpr_at[0], PRIO_LOW, "ICC_RPR_EL1 is 0x%x in the 0xA0 handler", PRIO_LOW);
    CHECK_EQ(rpr_at[1], PRIO_HIGH, "ICC_RPR_EL1 is 0x%x in the nested 0x40 handler", PRIO_HIGH);
    CHECK_EQ(rpr_at[3], PRIO_LOW, "ICC_RPR_EL1 is back to 0x%x after the nested EOI", PRIO_LOW);
    CHECK_EQ(rpr_at[2], PRIO_LOWER, "ICC_RPR_EL1 is 0x%x in the 0xC0 handler", PRIO_LOWER);
    CHECK_EQ(gic_rpr(), IDLE_PRIO, "ICC_RPR_EL1 is 0x%x again afterwards", IDLE_PRIO);
}

void guest_main(void)
{
    if (!CHECK_EQ(gic_init(), 0, "GIC distributor, redistributor and CPU interface up")) {
        return;
    }
    check_pmr();
    check_preemption();
    CHECK_EQ(gic_unhandled_count(0), 0, "no unexpected interrupt");
}
