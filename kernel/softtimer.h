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
 * softtimer_cancel() of a timer that only this CPU arms and cancels, with IRQs
 * masked (a scheduler's per-CPU timer under its queue lock): t's own lock is
 * not needed, as no arm or cancel of t can run alongside; the queue's is kept
 * (other CPUs unlink their timers from this queue).
 */
void softtimer_cancel_local(struct soft_timer *t);

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
