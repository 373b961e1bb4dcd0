/*
 * The timer and ptimer guests' checks (see timer_test.h), run on every vCPU
 * at once:
 *   - TVAL: a write sets CVAL = counter + TVAL, a read gives CVAL - counter,
 *     negative once CVAL has passed;
 *   - periodic: 20 interrupts 5 ms apart, none taken before CVAL, the counter
 *     never going backwards, none after the timer is stopped (WFI between
 *     interrupts; the ptimer reprograms every other one with TVAL);
 *   - pending state: with the PPI disabled at the redistributor its
 *     GICR_ISPENDR0 bit follows the timer condition and drops with IMASK;
 *   - WFI with IRQs masked at PSTATE wakes when the timer fires, and the
 *     interrupt is taken once PSTATE.I is cleared.
 */
#include "guests/timer/timer_test.h"

#include "guests/lib/gic.h"
#include "guests/lib/guest.h"

#define PERIOD_MS      5
#define PERIODIC_N     20
#define TIMER_PRIO     0x80
/*
 * Every wait below ends as soon as what it waits for happens; its bound only
 * decides when to give up, so it is generous: without -icount (system.linux-pair
 * runs this guest beside Linux) the counter is the host's time, and a loaded
 * host can stop a vCPU for a good part of a second. WFI_MAX_LATE tells a WFI
 * the timer ended from one only the watchdog ended (WFI_WATCHDOG, twice as far).
 */
#define PENDING_WAIT   1000  /* ms for the pending bit to follow the timer condition */
#define WFI_ARM_MS     2     /* the WFI check's timer */
#define WFI_WATCHDOG   5000  /* ms: wakes a WFI that the timer failed to end */
#define WFI_MAX_LATE   2500  /* ms from CVAL to WFI returning */
#define TAKEN_WAIT_MS  1000  /* for the masked interrupt to be taken once PSTATE.I clears */
#define RUN_TIMEOUT_MS 10000 /* for the other vCPUs to finish */

static enum timer_id timer;
static const char *tname;
static unsigned done[GUEST_MAX_VCPUS];
static unsigned wfi_taken[GUEST_MAX_VCPUS];

static void check_tval(unsigned idx)
{
    int64_t t10 = (int64_t)(10 * timer_ticks_per_ms());
    uint64_t before, after, cval;
    int64_t tval;

    timer_set_ctl(timer, TIMER_CTL_ENABLE | TIMER_CTL_IMASK); /* TVAL reads are UNKNOWN if off */
    before = timer_count(timer);
    timer_set_tval(timer, (int32_t)t10);
    after = timer_count(timer);
    cval = timer_cval(timer);
    CHECK(cval >= before + (uint64_t)t10 && cval <= after + (uint64_t)t10,
          "vcpu %u: %s: a TVAL write sets CVAL = counter + TVAL", idx, tname);

    before = timer_count(timer);
    tval = timer_tval(timer);
    after = timer_count(timer);
    CHECK(tval <= (int64_t)(cval - before) && tval >= (int64_t)(cval - after),
          "vcpu %u: %s: TVAL reads CVAL - counter (%ld)", idx, tname, (long)tval);

    before = timer_count(timer); /* just after boot it may be below 10 ms */
    timer_set_cval(timer, before > (uint64_t)t10 ? before - (uint64_t)t10 : 0);
    tval = timer_tval(timer);
    CHECK(tval < 0 && timer_fired(timer),
          "vcpu %u: %s: TVAL negative and ISTATUS set once CVAL has passed (%ld)", idx, tname,
          (long)tval);
    timer_stop(timer);
}

static void check_periodic(unsigned idx)
{
    uint64_t period = PERIOD_MS * timer_ticks_per_ms();
    struct timer_periodic_result r;
    uint64_t quiet;

    irq_local_enable();
    timer_periodic_start(timer, period, PERIODIC_N, timer == TIMER_PHYS, TIMER_PRIO);
    CHECK(timer_periodic_wait(timer, deadline_after_ms(PERIOD_MS * PERIODIC_N * 10)),
          "vcpu %u: %s: periodic run finished", idx, tname);
    quiet = deadline_after_ms(4 * PERIOD_MS);
    while (!deadline_passed(quiet)) {
        cpu_relax();
    }
    irq_local_disable();
    r = timer_periodic_result(timer);
    CHECK_EQ(r.count, PERIODIC_N, "vcpu %u: %s: exactly %u interrupts, %u ms apart", idx, tname,
             PERIODIC_N, PERIOD_MS);
    CHECK_EQ(r.early, 0, "vcpu %u: %s: none before CVAL", idx, tname);
    CHECK_EQ(r.not_fired, 0, "vcpu %u: %s: ISTATUS set in every handler", idx, tname);
    CHECK(r.mono.backwards == 0 && r.mono.samples >= PERIODIC_N,
          "vcpu %u: %s: the counter never went backwards (%u samples)", idx, tname, r.mono.samples);
    printf("vcpu %u: %s: worst lateness %lu us\n", idx, tname,
           r.max_late * 1000 / timer_ticks_per_ms());
}

/* Polls the INTID's pending bit for up to PENDING_WAIT ms until it reads want. */
static bool pending_becomes(unsigned intid, bool want)
{
    return SPIN_UNTIL(gic_is_pending(intid) == want, deadline_after_ms(PENDING_WAIT));
}

static void check_pending(unsigned idx)
{
    unsigned intid = timer_intid(timer);

    gic_disable(intid);
    timer_arm_at(timer, timer_count(timer));
    CHECK(timer_fired(timer) && pending_becomes(intid, true),
          "vcpu %u: %s: GICR_ISPENDR0 bit %u reads 1 while the condition holds (disabled)", idx,
          tname, intid);
    timer_set_ctl(timer, TIMER_CTL_ENABLE | TIMER_CTL_IMASK);
    CHECK(pending_becomes(intid, false),
          "vcpu %u: %s: GICR_ISPENDR0 bit %u reads 0 once the timer is masked (IMASK)", idx, tname,
          intid);
    CHECK(timer_fired(timer), "vcpu %u: %s: ISTATUS stays set with IMASK", idx, tname);
    timer_stop(timer);
}

static void wfi_handler(unsigned intid)
{
    (void)intid;
    timer_stop(timer);
    wfi_taken[guest_vcpu_index()]++;
}

static void check_wfi_masked(unsigned idx)
{
    enum timer_id other = timer == TIMER_VIRT ? TIMER_PHYS : TIMER_VIRT;
    uint64_t cval, woke;
    uint64_t deadline;

    irq_local_disable();
    timer_set_handler(timer, wfi_handler, TIMER_PRIO);
    timer_watchdog_arm(other, WFI_WATCHDOG);
    cval = timer_count(timer) + WFI_ARM_MS * timer_ticks_per_ms();
    timer_arm_at(timer, cval);
    while (!timer_fired(timer)) {
        wfi();
    }
    woke = timer_count(timer);
    CHECK(woke - cval < WFI_MAX_LATE * timer_ticks_per_ms(),
          "vcpu %u: %s: WFI with PSTATE.I set returns when the timer fires (%lu us late)", idx,
          tname, (woke - cval) * 1000 / timer_ticks_per_ms());
    CHECK_EQ(wfi_taken[idx], 0, "vcpu %u: %s: not taken while masked", idx, tname);
    irq_local_enable();
    deadline = deadline_after_ms(TAKEN_WAIT_MS);
    while (load_acquire(&wfi_taken[idx]) == 0 && !deadline_passed(deadline)) {
        cpu_relax();
    }
    irq_local_disable();
    CHECK_EQ(wfi_taken[idx], 1, "vcpu %u: %s: taken once PSTATE.I is cleared", idx, tname);
    timer_watchdog_cancel(other);
    gic_disable(timer_intid(timer));
}

static void run(unsigned idx)
{
    if (idx != 0) {
        CHECK_EQ(gic_cpu_init(), 0, "vcpu %u: redistributor and CPU interface up", idx);
    }
    check_tval(idx);
    check_periodic(idx);
    check_pending(idx);
    check_wfi_masked(idx);
    CHECK_EQ(gic_unhandled_count(idx), 0, "vcpu %u: no unexpected interrupt", idx);
    store_release(&done[idx], 1);
}

void timer_test_main(enum timer_id t)
{
    unsigned n = guest_vcpu_count();
    uint64_t deadline;

    timer = t;
    tname = t == TIMER_VIRT ? "vtimer" : "ptimer";
    if (n > GUEST_MAX_VCPUS) {
        n = GUEST_MAX_VCPUS;
    }
    if (!CHECK_EQ(gic_init(), 0, "vcpu 0: GIC distributor, redistributor and CPU interface up")) {
        return;
    }
    for (unsigned i = 1; i < n; i++) {
        CHECK_EQ(guest_cpu_on(i, run), PSCI_RET_SUCCESS, "CPU_ON(%u)", i);
    }
    run(0);
    deadline = deadline_after_ms(RUN_TIMEOUT_MS);
    for (unsigned i = 1; i < n; i++) {
        while (!load_acquire(&done[i]) && !deadline_passed(deadline)) {
            cpu_relax();
        }
        CHECK(load_acquire(&done[i]), "vcpu %u finished", i);
    }
}
