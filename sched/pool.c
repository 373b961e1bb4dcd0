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

bool pool_needs_slice(const struct sched_pool *pool, const struct runqueue *rq, uint64_t now)
{
    switch (pool->policy) {
    case SCHED_POLICY_DEDICATED:
        return false;
    case SCHED_POLICY_FAIR:
        /* A budget or a cap ends the run even when nobody waits. */
        if (rq->curr != NULL && (rq->curr->rt_budget_us != 0 || rq->curr->cap_pct != 0)) {
            return true;
        }
        return fair_preempt_needed(rq, now) || edf_preempt_needed(rq, rq->curr, now) ||
               !list_empty(&rq->rt_queue);
    case SCHED_POLICY_RR:
    default:
        return policy_preempt_needed(rq);
    }
}
