/*
 * Software timers multiplexed onto each CPU's EL2 physical timer: a sorted
 * per-CPU list of deadlines; the hardware is armed for the earliest one.
 * A timer is armed on the calling CPU (re-arming moves it there) and can be
 * cancelled from any CPU. Callbacks run on the arming CPU in IRQ context
 * with IRQs masked.
 */
#ifndef SHRIKE_KERNEL_SOFTTIMER_H
#define SHRIKE_KERNEL_SOFTTIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/list.h"

struct soft_timer {
    struct list_node link;
    uint64_t deadline; /* physical counter value */
    void (*fn)(struct soft_timer *t, uint64_t now);
    bool armed;
    unsigned cpu; /* the CPU whose queue holds it, while armed */
};

void softtimer_cpu_init(void);

/* (Re)arms t on this CPU for deadline; fn runs once the counter reaches it. */
void softtimer_arm(struct soft_timer *t, uint64_t deadline);

/* Disarms t if armed, wherever it was armed. */
void softtimer_cancel(struct soft_timer *t);

#ifdef SHRIKE_HOST_TEST
/* Host tests: how often t is linked on cpu's queue, or -1 if that queue is not a sound list. */
int softtimer_host_links(unsigned cpu, const struct soft_timer *t);
#endif

#endif
