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

/* What the scheduler needs of a vCPU, embedded in struct sched_vcpu (sched/sched_vcpu.h). */
struct sched_entity {
    struct list_node link; /* on a run queue while queued */
    uint64_t affinity;     /* bit n: may run on CPU n */
    unsigned cpu;          /* CPU whose queue holds it or that runs it */
    bool queued;
    unsigned id;     /* for traces and tests */
    uint64_t run_us; /* time run so far (statistics; policies may use it) */
    /* weighted fair (sched/policy_fair.c); all zero: plain round robin needs none */
    unsigned weight;      /* share of a contended pool; 0 means SCHED_WEIGHT_DEFAULT */
    unsigned cap_pct;     /* at most this % of one CPU per cap window; 0: no cap */
    uint64_t vruntime;    /* run time scaled by SCHED_WEIGHT_DEFAULT / weight */
    uint64_t cap_window;  /* index of the cap window cap_used_us counts in */
    uint64_t cap_used_us; /* run in that window */
    /* real time (sched/policy_edf.c): a constant-bandwidth server; budget 0: not real time */
    uint64_t rt_budget_us;
    uint64_t rt_period_us;
    uint64_t rt_deadline;  /* absolute server deadline, us */
    uint64_t rt_left_us;   /* budget left before rt_deadline */
    uint64_t rt_exhausted; /* times the budget ran out (overruns, in the statistics) */
    /* kept by sched/sched.c */
    uint64_t rt_misses;  /* server deadlines passed with budget left (not given in time) */
    uint64_t rt_missed;  /* the last deadline counted in rt_misses */
    uint64_t charged_us; /* run time already charged to the policy */
    bool wfi_native;     /* HCR_EL2.TWI clear while it runs (a dedicated CPU, .wfi native) */
};

/*
 * One per CPU, each on its own 64-byte cache line (CPUs do not share lines:
 * no false sharing on silicon). sched-fairness's spread changed with this
 * struct's size alone (12.8% at 56 bytes; within its 10% at 32 and 64).
 */
struct runqueue {
    _Alignas(64) struct list_node queue; /* runnable and waiting, in policy order */
    unsigned nr_queued;                  /* on queue and rt_queue */
    struct list_node rt_queue;           /* real-time entities waiting (sched/policy_edf.c) */
    uint64_t min_vruntime;               /* floor for entities joining (sched/policy_fair.c) */
    struct sched_entity *curr;           /* running on this CPU, or NULL */
};

void rq_init(struct runqueue *rq);

/* Takes se off the list at head (one of rq's queues) if it is queued there; false if not. */
bool rq_unlink(struct runqueue *rq, struct list_node *head, struct sched_entity *se);

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

/* --- weighted fair sharing with caps (sched/policy_fair.c) ---------------- */

#define SCHED_WEIGHT_DEFAULT 256U

/* se became runnable on rq; a newcomer starts at rq's vruntime floor (no banked credit). */
void fair_enqueue(struct runqueue *rq, struct sched_entity *se);

/*
 * Takes the queued entity with the least vruntime that its cap lets run at
 * `now` and sets *slice_us (CONFIG_SLICE_US, cut to its cap budget left in
 * this window). NULL if none may run: *slice_us is then the time until a
 * capped one may (0: nothing queued), for the caller's timer.
 */
struct sched_entity *fair_pick_next(struct runqueue *rq, uint64_t now, uint64_t *slice_us);

/* se ran ran_us up to `now`: advances its vruntime and its cap window's use. */
void fair_charge(struct runqueue *rq, struct sched_entity *se, uint64_t now, uint64_t ran_us);

bool fair_remove(struct runqueue *rq, struct sched_entity *se);

/* Someone queued may run at `now` (the running one should go at its slice end). */
bool fair_preempt_needed(const struct runqueue *rq, uint64_t now);

/* --- real-time budgets: EDF over constant-bandwidth servers (sched/policy_edf.c) */

/* se (rt_budget_us != 0) woke at `now`: the CBS rule may give it a new deadline; queued. */
void edf_wake(struct runqueue *rq, struct sched_entity *se, uint64_t now);

/* se was preempted or ran out of budget: back on rq in deadline order. */
void edf_enqueue(struct runqueue *rq, struct sched_entity *se);

/*
 * Takes the queued entity with the earliest deadline that has budget at
 * `now` (replenishing those whose deadline passed); *slice_us = its budget
 * left, which the EL2 timer enforces (cut to the next replenishment of a
 * throttled one, which may preempt it then). NULL if none: *slice_us is then the
 * time until a throttled one is replenished (0: none queued).
 */
struct sched_entity *edf_pick_next(struct runqueue *rq, uint64_t now, uint64_t *slice_us);

/* se ran ran_us of its budget. */
void edf_charge(struct sched_entity *se, uint64_t ran_us);

bool edf_remove(struct runqueue *rq, struct sched_entity *se);

/* A queued real-time entity should take the CPU from curr now (curr may be NULL or fair). */
bool edf_preempt_needed(const struct runqueue *rq, const struct sched_entity *curr, uint64_t now);

/* A pool's pick: real time first (EDF), then fair; the slice also ends at the next replenishment.
 */
struct sched_entity *mixed_pick_next(struct runqueue *rq, uint64_t now, uint64_t *slice_us);

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
