/*
 * Software timers multiplexed onto this CPU's EL2 physical timer: a sorted
 * per-CPU list of deadlines; the hardware is armed for the earliest one.
 * A soft timer belongs to the CPU that armed it; arm and cancel it there
 * (cross-CPU: use smp_call). Callbacks run in IRQ context with IRQs masked.
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
};

void softtimer_cpu_init(void);

/* (Re)arms t on this CPU for deadline; fn runs once the counter reaches it. */
void softtimer_arm(struct soft_timer *t, uint64_t deadline);

/* Disarms t if armed (on the CPU that armed it). */
void softtimer_cancel(struct soft_timer *t);

#endif
