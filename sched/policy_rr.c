/*
 * Round-robin policy (see runqueue.h): a FIFO of runnable entities per CPU.
 * A runnable entity joins the tail; the head runs next for CONFIG_SLICE_US;
 * the running one is preempted at the end of its slice only if someone
 * waits. Setting rq->curr and se->cpu is the caller's business: the policy
 * only keeps the queue, its count and se->queued.
 */
#include "sched/runqueue.h"

#include <stddef.h>

#include "config/sched.h"

static struct sched_entity *se_of(struct list_node *n)
{
    return list_entry(n, struct sched_entity, link);
}

/* Whether se is on rq's queue (not on another CPU's). */
static bool rr_on_queue(const struct runqueue *rq, const struct sched_entity *se)
{
    const struct list_node *n;

    if (!se->queued) {
        return false;
    }
    list_for_each (n, &rq->queue) {
        if (n == &se->link) {
            return true;
        }
    }
    return false;
}

/* An entity already queued is left where it is: queuing it twice would corrupt the list. */
void policy_enqueue(struct runqueue *rq, struct sched_entity *se)
{
    if (se->queued) {
        return;
    }
    list_add_tail(&rq->queue, &se->link);
    se->queued = true;
    rq->nr_queued++;
}

struct sched_entity *policy_pick_next(struct runqueue *rq, uint64_t *slice_us)
{
    struct sched_entity *se;

    if (list_empty(&rq->queue)) {
        if (slice_us != NULL) {
            *slice_us = 0;
        }
        return NULL;
    }
    se = se_of(rq->queue.next);
    list_del(&se->link);
    se->queued = false;
    rq->nr_queued--;
    if (slice_us != NULL) {
        *slice_us = CONFIG_SLICE_US;
    }
    return se;
}

bool policy_remove(struct runqueue *rq, struct sched_entity *se)
{
    if (!rr_on_queue(rq, se)) {
        return false;
    }
    list_del(&se->link);
    se->queued = false;
    rq->nr_queued--;
    return true;
}

bool policy_preempt_needed(const struct runqueue *rq)
{
    return rq->nr_queued != 0;
}
