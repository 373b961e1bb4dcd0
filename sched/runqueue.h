/*
 * Run queues and the scheduling-policy API. Plain C (no hardware, no locks:
 * the caller holds the run queue's lock), unit-tested on the host against a
 * simulated clock. sched/sched.c owns the locks and the hardware; the policy
 * is chosen at build time (sched/policy_rr.c: round robin).
 */
#ifndef SHRIKE_SCHED_RUNQUEUE_H
#define SHRIKE_SCHED_RUNQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/list.h"

#define SCHED_MAX_CPUS 8

/* What the scheduler needs of a vCPU, embedded in struct vcpu. */
struct sched_entity {
    struct list_node link; /* on a run queue while queued */
    uint64_t affinity;     /* bit n: may run on CPU n */
    unsigned cpu;          /* CPU whose queue holds it or that runs it */
    bool queued;
    unsigned id;     /* for traces and tests */
    uint64_t run_us; /* time run so far (statistics; policies may use it) */
};

struct runqueue {
    struct list_node queue; /* runnable and waiting, in policy order */
    unsigned nr_queued;
    struct sched_entity *curr; /* running on this CPU, or NULL */
};

void rq_init(struct runqueue *rq);

/* Runnable vCPUs on rq: queued plus the running one. */
static inline unsigned rq_load(const struct runqueue *rq)
{
    return rq->nr_queued + (rq->curr != 0 ? 1U : 0U);
}

/* --- the policy (one implementation linked in) --------------------------- */

/* se became runnable on rq (woken, preempted, yielded, migrated in). */
void policy_enqueue(struct runqueue *rq, struct sched_entity *se);

/* Takes the next entity to run off rq and sets *slice_us; NULL if none waits. */
struct sched_entity *policy_pick_next(struct runqueue *rq, uint64_t *slice_us);

/* Takes se off rq if queued there; false if it was not. */
bool policy_remove(struct runqueue *rq, struct sched_entity *se);

/* True if the running entity should be preempted at the end of its slice (someone waits). */
bool policy_preempt_needed(const struct runqueue *rq);

/* --- load balancing (sched/balance.c) --------------------------------------- */

struct migration {
    struct sched_entity *se;
    unsigned from;
    unsigned to;
};

/*
 * Periodic balancing over ncpus run queues (online mask): if the busiest
 * CPU's load exceeds the least busy one's by at least threshold, choose a
 * queued (not running) entity on the busiest that may run on the least busy
 * one (the one that ran least, so long-waiting ones move first).
 * Returns false when nothing should move.
 */
bool balance_find(const struct runqueue *rqs, unsigned ncpus, uint64_t online, unsigned threshold,
                  struct migration *out);

/* An idle CPU pulls: a queued entity from the busiest other CPU that may run on `me`. */
bool balance_pull(const struct runqueue *rqs, unsigned ncpus, uint64_t online, unsigned me,
                  struct migration *out);

/* The least loaded online CPU in affinity (ties: lowest index), or ncpus if none. */
unsigned balance_place(const struct runqueue *rqs, unsigned ncpus, uint64_t online,
                       uint64_t affinity);

#endif
