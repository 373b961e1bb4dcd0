/* State shared by sched/sched.c and sched/stats.c; nothing outside sched/ includes it. */
#ifndef SHRIKE_SCHED_SCHED_INTERNAL_H
#define SHRIKE_SCHED_SCHED_INTERNAL_H

#include <stdint.h>

#include "config/kernel.h"
#include "kernel/softtimer.h"
#include "kernel/spinlock.h"
#include "sched/runqueue.h"

struct vcpu;

struct sched_cpu {
    spinlock_t lock; /* guards rqs[cpu] */
    struct vcpu *curr;
    struct soft_timer slice;
    struct soft_timer balance;
    struct soft_timer force; /* test knob: sched.migrate_ms */
    uint64_t idle_since;     /* 0 while not idle */
    /* statistics */
    uint64_t switches;
    uint64_t migrations_in;
    uint64_t migrations_out;
    uint64_t idle_ticks;
    uint64_t timer_irqs;
};

extern struct sched_cpu scpus[CONFIG_MAX_CPUS];
extern struct runqueue rqs[CONFIG_MAX_CPUS]; /* an array, as sched/balance.c wants */
extern uint64_t online_mask;
extern uint64_t boot_time;

#endif
