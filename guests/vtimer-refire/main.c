/*
 * vtimer-refire: a virtual timer left firing fires again at once. The
 * vCPU, alone on its CPU (so no slice timer there), arms its virtual timer
 * and waits in WFI; the handler counts and leaves CVAL where it is for the
 * first REFIRES interrupts, so the timer's level stays high through the
 * guest's EOI, and then stops the timer. The GIC must signal the still-high
 * level again as soon as the guest has deactivated it: all REFIRES + 1
 * interrupts come within SPAN_MS of virtual time, with no help from the
 * EL1 physical-timer watchdog (re-armed every WATCHDOG_MS to bound each
 * WFI; its interrupts also make shrike look at the GIC, so a missing
 * re-signal shows as one interrupt per watchdog period).
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define REFIRES     7U
#define TIMER_PRIO  0x80
#define FIRST_MS    2U
#define SPAN_MS     2U
#define WATCHDOG_MS 20U
#define GIVE_UP_MS  500U

static unsigned taken;
static uint64_t first_at;
static uint64_t last_at;

static void refire_handler(unsigned intid)
{
    (void)intid;
    uint64_t now = read_cntvct();
    if (taken == 0) {
        first_at = now;
    }
    last_at = now;
    taken++;
    if (taken > REFIRES) {
        timer_stop(TIMER_VIRT); /* else CVAL stays in the past: the level stays high */
    }
}

void guest_main(void)
{
    if (!CHECK_EQ(gic_init(), 0, "GIC distributor, redistributor and CPU interface up")) {
        return;
    }
    uint64_t tick_ms = timer_ticks_per_ms();
    uint64_t give_up = deadline_after_ms(GIVE_UP_MS);
    unsigned watchdogs = 0;

    irq_local_disable();
    timer_set_handler(TIMER_VIRT, refire_handler, TIMER_PRIO);
    timer_arm_at(TIMER_VIRT, timer_count(TIMER_VIRT) + FIRST_MS * tick_ms);
    timer_watchdog_arm(TIMER_PHYS, WATCHDOG_MS);
    while (load_acquire(&taken) <= REFIRES && !deadline_passed(give_up)) {
        if (timer_watchdog_count() != watchdogs) {
            watchdogs = timer_watchdog_count();
            timer_watchdog_arm(TIMER_PHYS, WATCHDOG_MS);
        }
        wfi();
        irq_local_enable(); /* the interrupt that woke us is taken here */
        irq_local_disable();
    }
    timer_watchdog_cancel(TIMER_PHYS);
    timer_stop(TIMER_VIRT);

    CHECK_EQ(taken, REFIRES + 1, "vtimer: %u interrupts, the first and %u re-fires", REFIRES + 1,
             REFIRES);
    CHECK(last_at - first_at < SPAN_MS * tick_ms,
          "vtimer: the re-fires within %u ms of the first (took %lu ticks)", SPAN_MS,
          (unsigned long)(last_at - first_at));
    CHECK_EQ(timer_watchdog_count(), 0, "vtimer: no watchdog needed");
    CHECK_EQ(gic_unhandled_count(0), 0, "no unexpected interrupt");
}
