/*
 * vtimer-wrap: a guest that abuses its virtual timer must not stop anyone.
 * Phase 1 writes 256 seeded values to CNTV_CTL/CVAL/TVAL_EL0 (many near 2^64,
 * the rest random) while it runs. Phase 2 arms CVAL = ~0 with the timer
 * enabled and unmasked and waits 1 s in WFI, woken only by its EL1 physical
 * timer, so that shrike deschedules it (put) with that CVAL. Checks:
 * the virtual counter reads as the physical one (CNTVOFF_EL2 = 0: QEMU 7.2
 * wraps CVAL + CNTVOFF into the past and freezes the machine otherwise), the
 * timer with CVAL near 2^64 never fires, and each wait wakes about once (a
 * deadline that wrapped in shrike wakes the vCPU again and again). Run beside
 * heartbeat; tests/system/irq-vtimer-wrap.json also bounds shrike's EL2
 * timer interrupts.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define WRITES       256U
#define LONG_WAIT_MS 1000U
#define MAX_WAKEUPS  3U /* per wait: its own timer, and a spurious return or two */

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A CVAL worth writing: near 2^64 (half of them), or any 64-bit value. */
static uint64_t nasty_cval(uint64_t r)
{
    return (r & 1) ? ~0ULL - ((r >> 8) & 0xFFFFFF) : next_random();
}

/* Waits in WFI (IRQs masked: the interrupt only ends the WFI) until the physical timer fires. */
static unsigned wait_on_ptimer(uint64_t ms)
{
    unsigned wakeups = 0;
    timer_arm_at(TIMER_PHYS, read_cntpct() + ms * timer_ticks_per_ms());
    while (!timer_fired(TIMER_PHYS)) {
        wfi();
        wakeups++;
    }
    timer_stop(TIMER_PHYS);
    return wakeups;
}

static void random_writes(void)
{
    unsigned fired = 0;
    for (unsigned i = 1; i <= WRITES; i++) {
        uint64_t r = next_random();
        switch (r % 3) {
        case 0:
            timer_set_ctl(TIMER_VIRT, (uint32_t)(next_random() & 7));
            break;
        case 1:
            timer_set_cval(TIMER_VIRT, nasty_cval(r >> 2));
            break;
        default:
            timer_set_tval(TIMER_VIRT, (int32_t)(uint32_t)next_random());
            break;
        }
        fired += timer_fired(TIMER_VIRT) ? 1 : 0;
    }
    /* Still a working timer: due at once, it fires (masked: no interrupt to take). */
    timer_set_ctl(TIMER_VIRT, TIMER_CTL_ENABLE | TIMER_CTL_IMASK);
    timer_set_tval(TIMER_VIRT, -1);
    CHECK(timer_fired(TIMER_VIRT), "then TVAL = -1, enabled: ISTATUS set");
    timer_stop(TIMER_VIRT);
    printf("random phase: %u writes to CNTV_CTL/CVAL/TVAL, ISTATUS seen %u times\n", WRITES, fired);
    CHECK(timer_count(TIMER_VIRT) > 0, "the machine still runs after %u random writes", WRITES);
}

static void cval_near_wrap(void)
{
    timer_set_cval(TIMER_VIRT, ~0ULL);
    timer_set_ctl(TIMER_VIRT, TIMER_CTL_ENABLE);
    CHECK(!timer_fired(TIMER_VIRT), "CVAL = ~0, enabled: ISTATUS clear");
    uint64_t start = read_cntpct();
    unsigned wakeups = wait_on_ptimer(LONG_WAIT_MS);
    uint64_t waited_ms = (read_cntpct() - start) / timer_ticks_per_ms();
    printf("cval ~0: %u wake-ups in %lu ms of WFI\n", wakeups, waited_ms);
    CHECK(wakeups >= 1 && wakeups <= MAX_WAKEUPS, "1 s of WFI woke 1..%u times (%u)", MAX_WAKEUPS,
          wakeups);
    CHECK(waited_ms >= LONG_WAIT_MS, "the WFI lasted the physical timer's 1000 ms (%lu)",
          waited_ms);
    CHECK(!timer_fired(TIMER_VIRT), "the virtual timer with CVAL = ~0 never fired");
    timer_stop(TIMER_VIRT);
}

void guest_main(void)
{
    uint64_t p0 = read_cntpct();
    uint64_t v = read_cntvct();
    uint64_t p1 = read_cntpct();
    CHECK(p0 <= v && v <= p1, "CNTVCT reads as CNTPCT (no CNTVOFF): %lu <= %lu <= %lu", p0, v, p1);
    CHECK_EQ(gic_init(), 0, "GIC up");
    gic_enable(TIMER_PHYS_INTID); /* the only interrupt that ends a WFI here */
    random_writes();
    cval_near_wrap();
}
