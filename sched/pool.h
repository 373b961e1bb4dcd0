/*
 * CPU pools: every physical CPU belongs to exactly one pool; a pool has a
 * policy, and its CPUs' run queues are balanced only among themselves. A
 * VM's vCPUs are placed in one pool (vm_config .pool), so placement and
 * balancing see only the pool's CPUs, within each vCPU's affinity.
 * A dedicated pool runs one vCPU per CPU: no slice timer, no balancing, and
 * a vCPU is placed only on a CPU of the pool that has none yet.
 * The pools are declared in config/sched.h (CONFIG_SCHED_POOLS); the default
 * is one round-robin pool of every CPU, which is today's scheduler.
 */
#ifndef SHRIKE_SCHED_POOL_H
#define SHRIKE_SCHED_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/runqueue.h"

enum sched_policy {
    SCHED_POLICY_RR,        /* sched/policy_rr.c */
    SCHED_POLICY_FAIR,      /* sched/policy_fair.c with sched/policy_edf.c ahead of it */
    SCHED_POLICY_DEDICATED, /* one vCPU per CPU, never preempted or moved */
};

struct sched_pool {
    const char *name;
    uint64_t cpus; /* bit n: CPU n is in this pool */
    enum sched_policy policy;
};

#define SCHED_MAX_POOLS 8

/*
 * Every CPU of `present` in exactly one pool, no pool empty of present CPUs,
 * at most SCHED_MAX_POOLS pools. On failure *bad_cpu is a CPU in no pool or
 * in two (or SCHED_MAX_CPUS for a bad pool count or an empty pool).
 */
bool pools_valid(const struct sched_pool *pools, unsigned npools, uint64_t present,
                 unsigned *bad_cpu);

/* The pool holding cpu, or npools. */
unsigned pool_of_cpu(const struct sched_pool *pools, unsigned npools, unsigned cpu);

/* Where a vCPU of the pool with this affinity goes (balance_place within the pool), or ncpus. */
unsigned pool_place(const struct sched_pool *pool, const struct runqueue *rqs, unsigned ncpus,
                    uint64_t online, uint64_t affinity);

/* balance_find and balance_pull within the pool; a dedicated pool never balances. */
bool pool_balance_find(const struct sched_pool *pool, const struct runqueue *rqs, unsigned ncpus,
                       uint64_t online, unsigned threshold, struct migration *out);
bool pool_balance_pull(const struct sched_pool *pool, const struct runqueue *rqs, unsigned ncpus,
                       uint64_t online, unsigned me, struct migration *out);

/* pool_needs_slice for a fair pool (sched/pool.c). */
bool pool_needs_slice_fair(const struct runqueue *rq, uint64_t now);

/*
 * Whether a CPU of this pool needs a slice timer for what it runs (dedicated:
 * never; round robin: when someone waits). Inline: asked at every pick.
 */
static inline bool pool_needs_slice(const struct sched_pool *pool, const struct runqueue *rq,
                                    uint64_t now)
{
    switch (pool->policy) {
    case SCHED_POLICY_DEDICATED:
        return false;
    case SCHED_POLICY_FAIR:
        return pool_needs_slice_fair(rq, now);
    case SCHED_POLICY_RR:
    default:
        return policy_preempt_needed(rq);
    }
}

/*
 * The run-queue API by the pool's policy (times in microseconds). Round robin
 * and dedicated: sched/policy_rr.c. Fair: a real-time entity (rt_budget_us)
 * goes to EDF (a wake-up applies the CBS rule), any other to the fair queue;
 * the pick is mixed_pick_next (EDF first).
 */
void pool_enqueue(const struct sched_pool *pool, struct runqueue *rq, struct sched_entity *se,
                  bool woke, uint64_t now);
struct sched_entity *pool_pick_next(const struct sched_pool *pool, struct runqueue *rq,
                                    uint64_t now, uint64_t *slice_us);
bool pool_remove(const struct sched_pool *pool, struct runqueue *rq, struct sched_entity *se);

/* se ran ran_us up to `now`: its vruntime and cap window, or its budget (fair pools only). */
void pool_charge(const struct sched_pool *pool, struct runqueue *rq, struct sched_entity *se,
                 uint64_t now, uint64_t ran_us);

/* A queued real-time entity should take the CPU from the running one now. */
bool pool_preempt_now(const struct sched_pool *pool, const struct runqueue *rq, uint64_t now);

/*
 * se moves from queue `from` to queue `to` of a fair pool (the balancer, a
 * migration): its vruntime keeps its lag behind from's floor, now behind
 * to's, as each queue's vruntimes count from their own floor (a vCPU from a
 * queue far ahead would otherwise wait there until the others caught up).
 * Call between pool_remove and pool_enqueue; nothing for other policies.
 */
void pool_rebase(const struct sched_pool *pool, const struct runqueue *from,
                 const struct runqueue *to, struct sched_entity *se);

/*
 * A dedicated pool's CPU for one vCPU: the CPU of pool & present & affinity
 * that owners[] gives to key already, else the first whose owner is 0; or
 * SCHED_MAX_CPUS when none is free (more vCPUs than the pool has CPUs).
 */
unsigned pool_dedicated_cpu(const struct sched_pool *pool, uint64_t present, uint64_t affinity,
                            const uintptr_t owners[SCHED_MAX_CPUS], uintptr_t key);

/* Whether the pool's periodic balancer has anything to do on a CPU with this queue. */
bool pool_needs_balance(const struct sched_pool *pool, const struct runqueue *rq);

#endif
