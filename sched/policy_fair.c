/*
 * Weighted fair policy with caps (see runqueue.h). Each entity's vruntime
 * grows by its run time scaled by SCHED_WEIGHT_DEFAULT / weight; the queued
 * entity with the least vruntime runs next, so over a contended CPU the run
 * times are proportional to the weights. A cap of N% gives an entity at most
 * N% of CONFIG_CAP_WINDOW_US in every window (windows are aligned to
 * multiples of it); its slice is cut so that it never crosses its budget or
 * the window's end, so a capped entity never runs above its cap, even on an
 * otherwise idle CPU (it is throttled, the CPU idles). Queues are short (a
 * few vCPUs per CPU): picking scans them, O(queued).
 */
#include "sched/runqueue.h"

#include <stddef.h>

#include "config/sched.h"

static struct sched_entity *se_of(struct list_node *n)
{
    return list_entry(n, struct sched_entity, link);
}

static unsigned weight_of(const struct sched_entity *se)
{
    return se->weight != 0 ? se->weight : SCHED_WEIGHT_DEFAULT;
}

static uint64_t window_of(uint64_t now)
{
    return now / CONFIG_CAP_WINDOW_US;
}

static uint64_t cap_budget(const struct sched_entity *se)
{
    return CONFIG_CAP_WINDOW_US * se->cap_pct / 100U;
}

/*
 * What se has used of window w: its count if it is w's; the overrun of the
 * window just before (a slice timer that fired late, an interrupt masked at
 * EL2) if w follows it, so that over time the cap holds however late the
 * timer is; else nothing.
 */
static uint64_t cap_used_in(const struct sched_entity *se, uint64_t w)
{
    if (se->cap_window == w) {
        return se->cap_used_us;
    }
    if (se->cap_window + 1 == w && se->cap_used_us > cap_budget(se)) {
        return se->cap_used_us - cap_budget(se);
    }
    return 0;
}

/* Budget se may still run in the window holding `now` (UINT64_MAX: uncapped). */
static uint64_t cap_left(const struct sched_entity *se, uint64_t now)
{
    uint64_t budget;
    uint64_t used;

    if (se->cap_pct == 0 || se->cap_pct >= 100) {
        return UINT64_MAX;
    }
    budget = cap_budget(se);
    used = cap_used_in(se, window_of(now));
    return used < budget ? budget - used : 0;
}

void fair_enqueue(struct runqueue *rq, struct sched_entity *se)
{
    if (se->queued) {
        return;
    }
    if (se->vruntime < rq->min_vruntime) {
        se->vruntime = rq->min_vruntime;
    }
    list_add_tail(&rq->queue, &se->link);
    se->queued = true;
    rq->nr_queued++;
}

/* The runnable-now entity with the least vruntime (ties: queue order), or NULL. */
static struct sched_entity *fair_best(const struct runqueue *rq, uint64_t now)
{
    struct sched_entity *best = NULL;
    const struct list_node *n;

    list_for_each (n, &rq->queue) {
        struct sched_entity *se = se_of((struct list_node *)n);

        if (cap_left(se, now) != 0 && (best == NULL || se->vruntime < best->vruntime)) {
            best = se;
        }
    }
    return best;
}

struct sched_entity *fair_pick_next(struct runqueue *rq, uint64_t now, uint64_t *slice_us)
{
    struct sched_entity *se = fair_best(rq, now);
    uint64_t slice = CONFIG_SLICE_US;

    if (se == NULL) {
        /* Only throttled ones wait (or none): they may run at the next window. */
        *slice_us = list_empty(&rq->queue) ? 0 : (window_of(now) + 1) * CONFIG_CAP_WINDOW_US - now;
        return NULL;
    }
    list_del(&se->link);
    se->queued = false;
    rq->nr_queued--;
    if (se->vruntime > rq->min_vruntime) {
        rq->min_vruntime = se->vruntime;
    }
    if (cap_left(se, now) != UINT64_MAX) {
        uint64_t to_end = (window_of(now) + 1) * CONFIG_CAP_WINDOW_US - now;
        uint64_t left = cap_left(se, now);

        slice = slice < left ? slice : left;
        slice = slice < to_end ? slice : to_end;
    }
    *slice_us = slice;
    return se;
}

void fair_charge(struct runqueue *rq, struct sched_entity *se, uint64_t now, uint64_t ran_us)
{
    (void)rq;
    se->vruntime += ran_us * SCHED_WEIGHT_DEFAULT / weight_of(se);
    /*
     * The slice never crosses a window's end, so the run belongs to the window
     * it ended in (if the timer was late, the excess counts there too).
     */
    uint64_t w = window_of(now - (ran_us != 0 ? 1 : 0));
    se->cap_used_us = cap_used_in(se, w) + ran_us;
    se->cap_window = w;
}

bool fair_remove(struct runqueue *rq, struct sched_entity *se)
{
    return rq_unlink(rq, &rq->queue, se);
}

bool fair_preempt_needed(const struct runqueue *rq, uint64_t now)
{
    return fair_best(rq, now) != NULL;
}
