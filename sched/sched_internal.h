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
    uint64_t last_exit;       /* when the last vCPU here left its guest (0: none) */
    uint64_t switch_ticks[2]; /* exit-to-entry time of switches: [incoming vCPU moved] */
    uint64_t switch_count[2];
};

extern struct sched_cpu scpus[CONFIG_MAX_CPUS];
extern struct runqueue rqs[CONFIG_MAX_CPUS]; /* an array, as sched/balance.c wants */
extern uint64_t online_mask;
extern uint64_t boot_time;

#endif
