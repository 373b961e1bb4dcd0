/* State shared by sched/sched.c and sched/stats.c; nothing outside sched/ includes it. */
#ifndef SHRIKE_SCHED_SCHED_INTERNAL_H
#define SHRIKE_SCHED_SCHED_INTERNAL_H

#include <stdint.h>

#include "config/kernel.h"
#include "kernel/softtimer.h"
#include "kernel/spinlock.h"
#include "sched/pool.h"
#include "sched/runqueue.h"
#include "sched/sched_arch.h" /* cpu_count */

struct sched_vcpu;
struct sched_pool;

struct sched_cpu {
    spinlock_t lock;               /* guards rqs[cpu] */
    struct runqueue *rq;           /* &rqs[cpu], from sched_cpu_init() */
    const struct sched_pool *pool; /* the CPU's pool (config/sched.h), from sched_cpu_init() */
    struct sched_vcpu *curr;
    struct soft_timer slice;
    struct soft_timer balance;
    struct soft_timer force; /* test knob: sched.migrate_ms */
    uint64_t idle_since;     /* 0 while not idle */
    uint64_t slice_end;      /* fair pools: when the running vCPU's slice, budget or cap ends */
    /* statistics */
    uint64_t switches;
    uint64_t migrations_in;
    uint64_t migrations_out;
    uint64_t idle_ticks;
    uint64_t timer_irqs;
    uint64_t el2_irqs_at_start; /* timer_irq_count() when the scheduler started here */
    uint64_t last_exit;         /* when the last vCPU here left its guest (0: none) */
    uint64_t switch_ticks[2];   /* exit-to-entry time of switches: [incoming vCPU moved] */
    uint64_t switch_count[2];
};

extern struct sched_cpu scpus[CONFIG_MAX_CPUS];
extern struct runqueue rqs[CONFIG_MAX_CPUS]; /* an array, as sched/balance.c wants */
extern uint64_t online_mask;
extern uint64_t boot_time;

struct vm_config;
const struct sched_pool *sched_pool_of_cpu(unsigned cpu);
const struct sched_pool *sched_pool_of_vm(const struct vm_config *c);
const char *sched_policy_name(enum sched_policy p); /* for the log and the statistics */
unsigned sched_npools(void);                        /* CONFIG_SCHED_POOLS' pools */

/* The CPUs the host has, as a mask. */
static inline uint64_t present_cpus(void)
{
    return cpu_count >= 64 ? ~0ULL : (1ULL << cpu_count) - 1U;
}

/* sched/vm_admit.c: vCPU 0 of c is created (its reservations count, its dedicated CPUs owned). */
void sched_admit_commit(const struct vm_config *c);
/* A dedicated vCPU's affinity: the one CPU it owns (else affinity unchanged). */
uint64_t sched_dedicated_affinity(const struct sched_vcpu *v, uint64_t affinity);

#endif
