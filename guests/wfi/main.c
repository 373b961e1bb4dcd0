/*
 * wfi: WFI blocks a vCPU until something is pending for it, and a blocked
 * vCPU is woken in time. vCPUs 1-3 come up, enable one SGI and sit in WFI for
 * about a second with nothing pending; only a final SGI from vCPU 0 wakes
 * them. Meanwhile vCPU 0 sleeps in WFI on its virtual timer: once 200 ms,
 * then 5 times 100 ms, each wake-up checked against the programmed CVAL (the
 * interrupt was taken, never early, late by less than 50 ms); then it waits
 * until the others have slept 1 s and sends each its SGI. Checks: each
 * sleeper's SGI handler ran exactly once, after the SGI was sent, and its WFI
 * returned only that once. The WFI loops mask IRQs at PSTATE around the
 * check and the WFI (no lost wake-up); an EL1 physical-timer watchdog bounds
 * vCPU 0's sleeps.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define SGI_WAKE    1
#define SGI_PRIO    0x80
#define TIMER_PRIO  0x80
#define FIRST_MS    200U
#define REPEAT_MS   100U
#define REPEATS     5U
#define MAX_LATE_MS 50U
#define SLEEP_MS    1000U /* how long vCPUs 1-3 sleep before the SGI */
#define GIVE_UP_MS  1000  /* past a CVAL: stop waiting for its interrupt */
#define READY_MS    3000
#define DONE_MS     2000
#define QUIET_MS    20

static unsigned nr_vcpus;
static unsigned ready;
static uint64_t sgi_sent_at;
static unsigned sgi_taken[GUEST_MAX_VCPUS];
static uint64_t sgi_at[GUEST_MAX_VCPUS];
static unsigned wfi_returns[GUEST_MAX_VCPUS]; /* until the SGI was taken */
static unsigned done[GUEST_MAX_VCPUS];

static unsigned vtimer_taken;
static uint64_t vtimer_at;

static void sgi_handler(unsigned intid)
{
    unsigned idx = guest_vcpu_index();

    (void)intid;
    sgi_at[idx] = read_cntvct();
    store_release(&sgi_taken[idx], sgi_taken[idx] + 1);
}

static void sleeper(unsigned idx)
{
    if (!CHECK_EQ(gic_cpu_init(), 0, "vcpu %u: redistributor and CPU interface up", idx)) {
        return;
    }
    timer_stop(TIMER_VIRT);
    timer_stop(TIMER_PHYS);
    gic_set_handler(SGI_WAKE, sgi_handler);
    gic_set_priority(SGI_WAKE, SGI_PRIO);
    gic_enable(SGI_WAKE);
    irq_local_disable();
    __atomic_fetch_add(&ready, 1, __ATOMIC_ACQ_REL);
    while (!load_acquire(&sgi_taken[idx])) {
        wfi();
        wfi_returns[idx]++;
        irq_local_enable(); /* the SGI is taken here */
        irq_local_disable();
    }
    store_release(&done[idx], 1);
}

static void vtimer_handler(unsigned intid)
{
    (void)intid;
    vtimer_at = read_cntvct();
    timer_stop(TIMER_VIRT);
    store_release(&vtimer_taken, vtimer_taken + 1);
}

/*
 * Arms the virtual timer at cval and waits in WFI until its interrupt has
 * been taken (or GIVE_UP_MS past cval, when the watchdog ends the WFI).
 * Returns the counter after the wake-up.
 */
static uint64_t sleep_until(uint64_t cval)
{
    uint64_t tpms = timer_ticks_per_ms();
    uint64_t now = read_cntvct();
    uint64_t give_up = cval + GIVE_UP_MS * tpms;
    uint64_t woke;

    vtimer_taken = 0;
    irq_local_disable();
    timer_watchdog_arm(TIMER_PHYS, (give_up - now) / tpms + 1);
    timer_arm_at(TIMER_VIRT, cval);
    while (!load_acquire(&vtimer_taken) && read_cntvct() < give_up) {
        wfi();
        irq_local_enable(); /* the timer's (or the watchdog's) interrupt is taken here */
        irq_local_disable();
    }
    woke = read_cntvct();
    timer_stop(TIMER_VIRT);
    timer_watchdog_cancel(TIMER_PHYS);
    return woke;
}

/* Sleep n (of ms milliseconds) armed for cval ended at woke. */
static void check_wake(unsigned n, unsigned ms, uint64_t cval, uint64_t woke)
{
    uint64_t tpms = timer_ticks_per_ms();
    uint64_t late = woke >= cval ? (woke - cval) * 1000 / tpms : 0;

    printf("wfi: sleep %u (%u ms): woke %lu us after CVAL\n", n, ms, late);
    CHECK_EQ(load_acquire(&vtimer_taken), 1,
             "vcpu 0: sleep %u (%u ms): the virtual-timer interrupt ended WFI", n, ms);
    CHECK(vtimer_at >= cval && woke >= cval, "vcpu 0: sleep %u (%u ms): not before CVAL", n, ms);
    CHECK(woke < cval + MAX_LATE_MS * tpms, "vcpu 0: sleep %u (%u ms): late by less than %u ms", n,
          ms, MAX_LATE_MS);
}

static void timer_sleeps(void)
{
    uint64_t tpms = timer_ticks_per_ms();
    uint64_t start, cval, woke;

    timer_set_handler(TIMER_VIRT, vtimer_handler, TIMER_PRIO);
    start = read_cntvct();
    cval = start + FIRST_MS * tpms;
    woke = sleep_until(cval);
    CHECK(woke - start >= FIRST_MS * tpms, "vcpu 0: WFI on a timer %u ms ahead: %lu us elapsed",
          FIRST_MS, (woke - start) * 1000 / tpms);
    check_wake(0, FIRST_MS, cval, woke);
    for (unsigned i = 1; i <= REPEATS; i++) {
        cval = read_cntvct() + REPEAT_MS * tpms;
        woke = sleep_until(cval);
        check_wake(i, REPEAT_MS, cval, woke);
    }
}

static void wake_sleepers(uint64_t ready_at)
{
    uint64_t deadline;

    /* Let them sleep SLEEP_MS in all; vCPU 0 sleeps too. */
    sleep_until(ready_at + SLEEP_MS * timer_ticks_per_ms());
    __atomic_store_n(&sgi_sent_at, read_cntvct(), __ATOMIC_RELEASE);
    for (unsigned i = 1; i < nr_vcpus; i++) {
        gic_send_sgi(SGI_WAKE, i);
    }
    deadline = deadline_after_ms(DONE_MS);
    for (unsigned i = 1; i < nr_vcpus; i++) {
        while (!load_acquire(&done[i]) && !deadline_passed(deadline)) {
            cpu_relax();
        }
        CHECK(load_acquire(&done[i]), "vcpu %u woke up and finished", i);
    }
    deadline = deadline_after_ms(QUIET_MS);
    while (!deadline_passed(deadline)) {
        cpu_relax();
    }
    for (unsigned i = 1; i < nr_vcpus; i++) {
        printf("wfi: vcpu %u: slept %lu ms, WFI returned %u times\n", i,
               sgi_at[i] > ready_at ? (sgi_at[i] - ready_at) / timer_ticks_per_ms() : 0,
               wfi_returns[i]);
        CHECK_EQ(load_acquire(&sgi_taken[i]), 1, "vcpu %u: woken by exactly one SGI", i);
        CHECK(sgi_at[i] >= sgi_sent_at, "vcpu %u: not before the SGI was sent", i);
        CHECK_EQ(wfi_returns[i], 1, "vcpu %u: WFI returned only for the SGI (%u ms asleep)", i,
                 SLEEP_MS);
        CHECK_EQ(gic_unhandled_count(i), 0, "vcpu %u: no unexpected interrupt", i);
    }
}

void guest_main(void)
{
    uint64_t deadline, ready_at;

    nr_vcpus = guest_vcpu_count();
    if (nr_vcpus > GUEST_MAX_VCPUS) {
        nr_vcpus = GUEST_MAX_VCPUS;
    }
    if (!CHECK_EQ(gic_init(), 0, "vcpu 0: GIC distributor, redistributor and CPU interface up")) {
        return;
    }
    for (unsigned i = 1; i < nr_vcpus; i++) {
        CHECK_EQ(guest_cpu_on(i, sleeper), PSCI_RET_SUCCESS, "CPU_ON(%u)", i);
    }
    deadline = deadline_after_ms(READY_MS);
    while (load_acquire(&ready) < nr_vcpus - 1 && !deadline_passed(deadline)) {
        cpu_relax();
    }
    ready_at = read_cntvct();
    CHECK_EQ(load_acquire(&ready), nr_vcpus - 1, "vcpus 1-%u up and in WFI", nr_vcpus - 1);

    timer_sleeps();
    if (nr_vcpus > 1) {
        wake_sleepers(ready_at);
    }
    CHECK_EQ(gic_unhandled_count(0), 0, "vcpu 0: no unexpected interrupt");
}
