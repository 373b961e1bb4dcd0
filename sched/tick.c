/* Periodic EL2 tick (see tick.h). */
#include "sched/tick.h"

#include "config/sched.h"
#include "kernel/cpu.h"
#include "kernel/softtimer.h"
#include "kernel/timer.h"

static struct tick_stats stats[CONFIG_MAX_CPUS];
static struct soft_timer tick_timers[CONFIG_MAX_CPUS];

static void tick_fire(struct soft_timer *t, uint64_t now)
{
    struct tick_stats *s = &stats[this_cpu_id()];
    if (now < s->deadline) {
        s->early++;
        softtimer_arm(t, s->deadline);
        return;
    }
    s->ticks++;
    if (now - s->deadline > s->max_late) {
        s->max_late = now - s->deadline;
    }
    s->deadline += s->period;
    if (s->stop_at == 0 || s->deadline <= s->stop_at) {
        softtimer_arm(t, s->deadline);
    }
}

void tick_start(uint64_t stop_after)
{
    struct tick_stats *s = &stats[this_cpu_id()];
    uint64_t now = timer_now();
    s->ticks = 0;
    s->early = 0;
    s->max_late = 0;
    s->period = timer_freq() / CONFIG_TICK_HZ;
    s->stop_at = stop_after ? now + stop_after : 0;
    s->first = now + s->period;
    s->deadline = s->first;
    struct soft_timer *t = &tick_timers[this_cpu_id()];
    t->fn = tick_fire;
    softtimer_arm(t, s->deadline);
}

const struct tick_stats *tick_stats(unsigned cpu)
{
    return &stats[cpu];
}
