/*
 * Software timers multiplexed onto each CPU's EL2 physical timer: a sorted
 * per-CPU list of deadlines; the hardware is armed for the earliest one.
 * A timer is armed on the calling CPU (re-arming moves it there). Arm and
 * cancel of one timer may run on any CPUs at once (its own lock serialises
 * them). Callbacks run on the arming CPU in IRQ context with IRQs masked and
 * hold no soft-timer lock: they may arm or cancel timers, their own included.
 * They should only flag and wake; state a callback shares with code on other
 * CPUs needs that state's own lock.
 */
#ifndef SHRIKE_KERNEL_SOFTTIMER_H
#define SHRIKE_KERNEL_SOFTTIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/list.h"
#include "kernel/spinlock.h"

struct soft_timer {
    struct list_node link;
    uint64_t deadline; /* physical counter value */
    void (*fn)(struct soft_timer *t, uint64_t now);
    spinlock_t lock;  /* serialises arm and cancel of this timer */
    bool armed;       /* on queues[cpu]; cleared under that queue's lock */
    unsigned cpu;     /* the CPU whose queue holds it, while armed */
    unsigned running; /* callbacks of this timer running right now */
};

void softtimer_cpu_init(void);

/* (Re)arms t on this CPU for deadline; fn runs once the counter reaches it. */
void softtimer_arm(struct soft_timer *t, uint64_t deadline);

/*
 * Disarms t if armed, wherever it was armed. Its callback may still be running elsewhere.
 * A timer that is not armed costs one load: no lock is taken.
 */
void softtimer_cancel(struct soft_timer *t);

/*
 * A CPU's own timer (one per CPU: the scheduler's slice): armed and
 * cancelled only on that CPU, with IRQs masked, and kept beside its queue
 * rather than on it: an arm walks no list (it takes the queue's lock to
 * program the hardware timer), a cancel is one store, with no lock. Its
 * callback runs from the expiry like any other's, in deadline order.
 * softtimer_own_init() makes t this CPU's own timer; t is then used only
 * with softtimer_own_arm() and softtimer_own_cancel(), never with the calls above.
 */
void softtimer_own_init(struct soft_timer *t);
void softtimer_own_arm(struct soft_timer *t, uint64_t deadline);
void softtimer_own_cancel(struct soft_timer *t);

/*
 * Disarms t and waits until its callback runs on no CPU: on return t is on
 * no queue and no callback of it runs (one that re-armed t is cancelled
 * again), unless someone else arms it meanwhile. Never from t's own callback.
 */
void softtimer_cancel_sync(struct soft_timer *t);

#ifdef SHRIKE_HOST_TEST
/* Host tests: how often t is linked on cpu's queue, or -1 if that queue is not a sound list. */
int softtimer_host_links(unsigned cpu, const struct soft_timer *t);
#endif

#endif
