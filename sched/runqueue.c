/*
 * Run queue set-up (see runqueue.h). The policy (sched/policy_rr.c) and the
 * balancer (sched/balance.c) do the rest; the caller holds the queue's lock.
 */
#include "sched/runqueue.h"

#include <stddef.h>

void rq_init(struct runqueue *rq)
{
    list_init(&rq->queue);
    rq->nr_queued = 0;
    list_init(&rq->rt_queue);
    rq->min_vruntime = 0;
    rq->curr = NULL;
}

bool rq_unlink(struct runqueue *rq, struct list_node *head, struct sched_entity *se)
{
    const struct list_node *n;

    if (!se->queued) {
        return false;
    }
    list_for_each (n, head) {
        if (n == &se->link) {
            list_del(&se->link);
            se->queued = false;
            rq->nr_queued--;
            return true;
        }
    }
    return false;
}
