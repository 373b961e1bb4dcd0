/* CPU pools (see pool.h): the balancer, restricted to a pool's CPUs. */
#include "sched/pool.h"

#include <stddef.h>

bool pools_valid(const struct sched_pool *pools, unsigned npools, uint64_t present,
                 unsigned *bad_cpu)
{
    uint64_t seen = 0;

    *bad_cpu = SCHED_MAX_CPUS;
    if (npools == 0 || npools > SCHED_MAX_POOLS) {
        return false;
    }
    for (unsigned p = 0; p < npools; p++) {
        uint64_t mine = pools[p].cpus & present;

        if (mine == 0) {
            return false;
        }
        if ((seen & mine) != 0) {
            *bad_cpu = (unsigned)__builtin_ctzll(seen & mine);
            return false;
        }
        seen |= mine;
    }
    if (seen != present) {
        *bad_cpu = (unsigned)__builtin_ctzll(present & ~seen);
        return false;
    }
    return true;
}

unsigned pool_of_cpu(const struct sched_pool *pools, unsigned npools, unsigned cpu)
{
    for (unsigned p = 0; p < npools; p++) {
        if (cpu < 64 && ((pools[p].cpus >> cpu) & 1U) != 0) {
            return p;
        }
    }
    return npools;
}

unsigned pool_place(const struct sched_pool *pool, const struct runqueue *rqs, unsigned ncpus,
                    uint64_t online, uint64_t affinity)
{
    uint64_t allowed = online & pool->cpus;

    if (pool->policy == SCHED_POLICY_DEDICATED) {
        for (unsigned cpu = 0; cpu < ncpus && cpu < SCHED_MAX_CPUS; cpu++) {
            if (rq_load(&rqs[cpu]) != 0) {
                allowed &= ~(1ULL << cpu);
            }
        }
    }
    return balance_place(rqs, ncpus, allowed, affinity);
}

bool pool_balance_find(const struct sched_pool *pool, const struct runqueue *rqs, unsigned ncpus,
                       uint64_t online, unsigned threshold, struct migration *out)
{
    if (pool->policy == SCHED_POLICY_DEDICATED) {
        return false;
    }
    return balance_find(rqs, ncpus, online & pool->cpus, threshold, out);
}

bool pool_balance_pull(const struct sched_pool *pool, const struct runqueue *rqs, unsigned ncpus,
                       uint64_t online, unsigned me, struct migration *out)
{
    if (pool->policy == SCHED_POLICY_DEDICATED) {
        return false;
    }
    return balance_pull(rqs, ncpus, online & pool->cpus, me, out);
}

bool pool_needs_slice_fair(const struct runqueue *rq, uint64_t now)
{
    /* A budget or a cap ends the run even when nobody waits. */
    if (rq->curr != NULL && (rq->curr->rt_budget_us != 0 || rq->curr->cap_pct != 0)) {
        return true;
    }
    return fair_preempt_needed(rq, now) || edf_preempt_needed(rq, rq->curr, now) ||
           !list_empty(&rq->rt_queue);
}

void pool_enqueue(const struct sched_pool *pool, struct runqueue *rq, struct sched_entity *se,
                  bool woke, uint64_t now)
{
    if (pool->policy != SCHED_POLICY_FAIR) {
        policy_enqueue(rq, se);
    } else if (se->rt_budget_us == 0) {
        fair_enqueue(rq, se);
    } else if (woke) {
        edf_wake(rq, se, now);
    } else {
        edf_enqueue(rq, se);
    }
}

struct sched_entity *pool_pick_next(const struct sched_pool *pool, struct runqueue *rq,
                                    uint64_t now, uint64_t *slice_us)
{
    if (pool->policy != SCHED_POLICY_FAIR) {
        return policy_pick_next(rq, slice_us);
    }
    return mixed_pick_next(rq, now, slice_us);
}

bool pool_remove(const struct sched_pool *pool, struct runqueue *rq, struct sched_entity *se)
{
    if (pool->policy != SCHED_POLICY_FAIR) {
        return policy_remove(rq, se);
    }
    return fair_remove(rq, se) || edf_remove(rq, se);
}

void pool_charge(const struct sched_pool *pool, struct runqueue *rq, struct sched_entity *se,
                 uint64_t now, uint64_t ran_us)
{
    if (pool->policy != SCHED_POLICY_FAIR) {
        return; /* round robin keeps no account */
    }
    if (se->rt_budget_us != 0) {
        edf_charge(se, ran_us);
    } else {
        fair_charge(rq, se, now, ran_us);
    }
}

bool pool_preempt_now(const struct sched_pool *pool, const struct runqueue *rq, uint64_t now)
{
    return pool->policy == SCHED_POLICY_FAIR && edf_preempt_needed(rq, rq->curr, now);
}

bool pool_needs_balance(const struct sched_pool *pool, const struct runqueue *rq)
{
    /* Only a queued (not running) vCPU can be pushed: a CPU with none has nothing to give. */
    return pool->policy != SCHED_POLICY_DEDICATED && (pool->cpus & (pool->cpus - 1U)) != 0 &&
           rq->nr_queued != 0;
}

void pool_rebase(const struct sched_pool *pool, const struct runqueue *from,
                 const struct runqueue *to, struct sched_entity *se)
{
    if (pool->policy != SCHED_POLICY_FAIR || se->rt_budget_us != 0) {
        return; /* round robin keeps no account; a server's deadline is absolute time */
    }
    uint64_t lag = se->vruntime > from->min_vruntime ? se->vruntime - from->min_vruntime : 0;
    se->vruntime = to->min_vruntime + lag;
}

unsigned pool_dedicated_cpu(const struct sched_pool *pool, uint64_t present, uint64_t affinity,
                            const uintptr_t owners[SCHED_MAX_CPUS], uintptr_t key)
{
    uint64_t allowed = pool->cpus & present & affinity;
    unsigned free_cpu = SCHED_MAX_CPUS;

    for (unsigned cpu = 0; cpu < SCHED_MAX_CPUS; cpu++) {
        if (((allowed >> cpu) & 1U) == 0) {
            continue;
        }
        if (owners[cpu] == key) {
            return cpu;
        }
        if (owners[cpu] == 0 && free_cpu == SCHED_MAX_CPUS) {
            free_cpu = cpu;
        }
    }
    return free_cpu;
}
