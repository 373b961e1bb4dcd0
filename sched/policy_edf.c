/*
 * Real-time budgets (see runqueue.h): earliest deadline first over
 * constant-bandwidth servers (hard CBS, Abeni & Buttazzo). An entity with a
 * budget Q and a period T has a server deadline d and budget left q:
 *  - waking at t, it keeps (d, q) unless q > (d - t) * Q / T (using them
 *    would exceed its bandwidth Q/T) or d <= t; then d = t + T, q = Q;
 *  - running consumes q; at q = 0 it is throttled until d, when d += T and
 *    q = Q (a replenishment).
 * So an entity never takes more than Q in any window of T, whatever it does:
 * an overrun costs only its own deadlines. With the utilisations sum(Q/T) on
 * a CPU at most 1 (sched/admission.c) every server meets its deadlines.
 * Real-time entities wait on rq->rt_queue in deadline order and run ahead
 * of the fair ones; times are microseconds.
 */
#include "sched/runqueue.h"

#include <stddef.h>

static struct sched_entity *se_of(struct list_node *n)
{
    return list_entry(n, struct sched_entity, link);
}

static void replenish(struct sched_entity *se, uint64_t now)
{
    if (se->rt_left_us == 0 && se->rt_deadline <= now) {
        se->rt_deadline += se->rt_period_us;
        se->rt_left_us = se->rt_budget_us;
        if (se->rt_deadline <= now) { /* picked late: no deadline in the past */
            se->rt_deadline = now + se->rt_period_us;
        }
    }
}

/* Throttled: out of budget before its deadline. */
static bool throttled(const struct sched_entity *se, uint64_t now)
{
    return se->rt_left_us == 0 && se->rt_deadline > now;
}

/* Deadline order; equal deadlines keep arrival order. */
void edf_enqueue(struct runqueue *rq, struct sched_entity *se)
{
    struct list_node *n;

    if (se->queued) {
        return;
    }
    list_for_each (n, &rq->rt_queue) {
        if (se_of(n)->rt_deadline > se->rt_deadline) {
            break;
        }
    }
    list_insert_before(n, &se->link);
    se->queued = true;
    rq->nr_queued++;
}

void edf_wake(struct runqueue *rq, struct sched_entity *se, uint64_t now)
{
    /* q > (d - t) * Q / T, compared without division: q * T > (d - t) * Q. */
    if (se->rt_deadline <= now ||
        se->rt_left_us * se->rt_period_us > (se->rt_deadline - now) * se->rt_budget_us) {
        se->rt_deadline = now + se->rt_period_us;
        se->rt_left_us = se->rt_budget_us;
    }
    edf_enqueue(rq, se);
}

/* The earliest-deadline queued entity with budget at `now`, replenishing on the way. */
static struct sched_entity *edf_best(struct runqueue *rq, uint64_t now, uint64_t *next_refill)
{
    struct sched_entity *best = NULL;
    struct list_node *n;

    *next_refill = UINT64_MAX;
    list_for_each (n, &rq->rt_queue) {
        struct sched_entity *se = se_of(n);

        replenish(se, now);
        if (throttled(se, now)) {
            *next_refill = se->rt_deadline < *next_refill ? se->rt_deadline : *next_refill;
        } else if (best == NULL || se->rt_deadline < best->rt_deadline) {
            best = se;
        }
    }
    return best;
}

struct sched_entity *edf_pick_next(struct runqueue *rq, uint64_t now, uint64_t *slice_us)
{
    uint64_t refill;
    struct sched_entity *se = edf_best(rq, now, &refill);

    if (se == NULL) {
        *slice_us = refill == UINT64_MAX ? 0 : refill - now;
        return NULL;
    }
    list_del(&se->link);
    se->queued = false;
    rq->nr_queued--;
    *slice_us = se->rt_left_us;
    /* A throttled server replenished meanwhile may have the earlier deadline: decide then. */
    if (refill != UINT64_MAX && refill - now < *slice_us) {
        *slice_us = refill - now;
    }
    return se;
}

void edf_charge(struct sched_entity *se, uint64_t ran_us)
{
    se->rt_left_us -= ran_us < se->rt_left_us ? ran_us : se->rt_left_us;
    if (se->rt_left_us == 0) {
        se->rt_exhausted++;
    }
}

bool edf_remove(struct runqueue *rq, struct sched_entity *se)
{
    return rq_unlink(rq, &rq->rt_queue, se);
}

bool edf_preempt_needed(const struct runqueue *rq, const struct sched_entity *curr, uint64_t now)
{
    const struct list_node *n;

    list_for_each (n, &rq->rt_queue) {
        const struct sched_entity *se = se_of((struct list_node *)n);
        bool ready = se->rt_left_us != 0 || se->rt_deadline <= now;
        /* A throttled one whose deadline passed is replenished to deadline + period. */
        uint64_t d = se->rt_left_us != 0 ? se->rt_deadline : se->rt_deadline + se->rt_period_us;

        if (ready && (curr == NULL || curr->rt_budget_us == 0 || d < curr->rt_deadline)) {
            return true;
        }
    }
    return false;
}

struct sched_entity *mixed_pick_next(struct runqueue *rq, uint64_t now, uint64_t *slice_us)
{
    uint64_t rt_wait;
    struct sched_entity *se = edf_pick_next(rq, now, &rt_wait);

    if (se != NULL) {
        *slice_us = rt_wait;
        return se;
    }
    se = fair_pick_next(rq, now, slice_us);
    /* A throttled server's replenishment ends the fair slice (or the idle wait). */
    if (rt_wait != 0 && (*slice_us == 0 || rt_wait < *slice_us)) {
        *slice_us = rt_wait;
    }
    return se;
}
