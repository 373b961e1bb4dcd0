/*
 * psci-suspend: CPU_SUSPEND waits like WFI, in the scheduler, not on the
 * physical CPU. Both vCPUs are pinned to physical CPU 0. vCPU 1 flags that it
 * is about to suspend and calls CPU_SUSPEND (standby) with IRQs unmasked;
 * vCPU 0, which can only run if vCPU 1 gave up the CPU, must get it at once
 * (within 2 ms of vCPU 1's call, where the time slice is 10 ms), waits 5 ms,
 * notes that vCPU 1 has not come back, and sends it SGI 1. vCPU 1 must return
 * from CPU_SUSPEND with SUCCESS after that SGI was sent, and take it. Three
 * rounds. (A CPU_SUSPEND that waits on the physical CPU keeps vCPU 0 off it
 * until the slice ends: the 2 ms check fails; tests/system/guest-psci-
 * suspend.json also counts vCPU 1's blocks in shrike's statistics.)
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"

#define ROUNDS    3
#define SGI_WAKE  1
#define DELAY_MS  5
#define WAIT_MS   2000
#define PROMPT_MS 2U

static unsigned suspending; /* round vCPU 1 is about to suspend in */
static unsigned sent;       /* round whose SGI vCPU 0 sent */
static unsigned returned;   /* round vCPU 1 returned from */
static unsigned sgis_taken;
static unsigned sent_at_return[ROUNDS + 1];
static unsigned taken_at_check[ROUNDS + 1];
static int64_t results[ROUNDS + 1];
static uint64_t suspend_at[ROUNDS + 1]; /* CNTVCT just before vCPU 1's call */

static void sgi_handler(unsigned intid)
{
    (void)intid;
    store_release(&sgis_taken, sgis_taken + 1);
}

static void vcpu1_main(unsigned idx)
{
    (void)idx;
    if (gic_cpu_init() != 0) {
        return;
    }
    gic_set_handler(SGI_WAKE, sgi_handler);
    gic_enable(SGI_WAKE);
    irq_local_enable();
    for (unsigned r = 1; r <= ROUNDS; r++) {
        suspend_at[r] = read_cntvct();
        store_release(&suspending, r);
        results[r] = psci_cpu_suspend(0, 0, 0);
        sent_at_return[r] = load_acquire(&sent);
        taken_at_check[r] = load_acquire(&sgis_taken);
        store_release(&returned, r);
    }
    irq_local_disable();
}

/* Spins (WFE yields the CPU to vCPU 1 where it waits) until *p reaches v or the time is up. */
static bool wait_for(const unsigned *p, unsigned v)
{
    uint64_t deadline = deadline_after_ms(WAIT_MS);
    while (load_acquire(p) < v && !deadline_passed(deadline)) {
        __asm__ __volatile__("wfe");
    }
    return load_acquire(p) >= v;
}

struct round {
    bool saw_suspend; /* vCPU 1 flagged its call */
    uint64_t late_ms; /* from its call to vCPU 0 seeing the flag */
    bool was_away;    /* vCPU 1 had not returned 5 ms later */
    bool saw_return;
};

/* One round, printing nothing (the console would hold vCPU 0 back: checks come afterwards). */
static struct round run_round(unsigned r)
{
    struct round o;
    o.saw_suspend = wait_for(&suspending, r);
    o.late_ms = (read_cntvct() - suspend_at[r]) / (read_cntfrq() / 1000);
    uint64_t until = deadline_after_ms(DELAY_MS);
    while (!deadline_passed(until)) {
    }
    o.was_away = load_acquire(&returned) < r;
    store_release(&sent, r);
    gic_send_sgi(SGI_WAKE, 1);
    o.saw_return = wait_for(&returned, r);
    return o;
}

void guest_main(void)
{
    struct round o[ROUNDS + 1];
    CHECK_EQ(gic_init(), 0, "GIC up");
    CHECK_EQ(guest_cpu_on(1, vcpu1_main), PSCI_RET_SUCCESS, "CPU_ON(1)");
    for (unsigned r = 1; r <= ROUNDS; r++) {
        o[r] = run_round(r);
    }
    for (unsigned r = 1; r <= ROUNDS; r++) {
        CHECK(o[r].saw_suspend, "round %u: vcpu 1 about to suspend", r);
        CHECK(o[r].late_ms < PROMPT_MS,
              "round %u: vcpu 0 got the CPU within %u ms of vcpu 1's call (%lu)", r, PROMPT_MS,
              o[r].late_ms);
        CHECK(o[r].was_away,
              "round %u: vcpu 0 ran while vcpu 1 was in CPU_SUSPEND (it had not returned)", r);
        CHECK(o[r].saw_return, "round %u: vcpu 1 returned from CPU_SUSPEND", r);
        CHECK_EQ(results[r], PSCI_RET_SUCCESS, "round %u: CPU_SUSPEND returned SUCCESS", r);
        CHECK_EQ(sent_at_return[r], r, "round %u: it returned after the SGI was sent", r);
        CHECK_EQ(taken_at_check[r], r, "round %u: and had taken the SGI (%u so far)", r, r);
    }
}
