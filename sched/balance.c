/*
 * Load balancing (see runqueue.h): pure functions over a snapshot of the run
 * queues that only choose; the caller holds the locks and applies a move
 * (policy_remove on `from`, se->cpu = to, policy_enqueue on `to`).
 *
 * Rules: an entity only ever goes to a CPU in its affinity; only online CPUs
 * give or receive; only queued entities move, never a running one; a move
 * never leaves the destination busier than the source was before it. Every
 * choice is a function of the loads and run times alone (remaining ties go
 * to the lowest CPU index, then to queue order), so simulations are
 * reproducible. Cost is O(ncpus^2 * queued), ncpus at most SCHED_MAX_CPUS.
 */
#include "sched/runqueue.h"

#include <stddef.h>

static unsigned usable_cpus(unsigned ncpus)
{
    return ncpus < SCHED_MAX_CPUS ? ncpus : SCHED_MAX_CPUS;
}

static bool cpu_in(uint64_t mask, unsigned cpu)
{
    return ((mask >> cpu) & 1U) != 0;
}

/* The queued entity on rq allowed on `to` that ran least (ties: queue order), or NULL. */
static struct sched_entity *least_run_for(const struct runqueue *rq, unsigned to)
{
    struct sched_entity *best = NULL;
    struct list_node *n;

    list_for_each (n, &rq->queue) {
        struct sched_entity *se = list_entry(n, struct sched_entity, link);

        if (cpu_in(se->affinity, to) && (best == NULL || se->run_us < best->run_us)) {
            best = se;
        }
    }
    return best;
}

/*
 * The best pair so far in balance_find(): largest imbalance, then busiest
 * source, then the destination whose running entity ran most (it starts
 * sharing its CPU), then the source whose running entity ran least (it may be
 * left alone on its CPU), then lowest indexes.
 */
struct pair_best {
    bool found;
    unsigned diff;
    unsigned from_load;
    uint64_t to_run;
    uint64_t from_run;
};

static uint64_t curr_run(const struct runqueue *rq)
{
    return rq->curr != NULL ? rq->curr->run_us : 0;
}

static bool pair_better(const struct pair_best *best, const struct pair_best *cand)
{
    if (!best->found) {
        return true;
    }
    if (cand->diff != best->diff) {
        return cand->diff > best->diff;
    }
    if (cand->from_load != best->from_load) {
        return cand->from_load > best->from_load;
    }
    if (cand->to_run != best->to_run) {
        return cand->to_run > best->to_run;
    }
    return cand->from_run < best->from_run;
}

/* Considers moving one entity from `from` to `to`; records it in *out if it beats *best. */
static void consider_pair(const struct runqueue *rqs, unsigned from, unsigned to, unsigned need,
                          struct pair_best *best, struct migration *out)
{
    unsigned lf = rq_load(&rqs[from]);
    unsigned lt = rq_load(&rqs[to]);
    struct pair_best cand;
    struct sched_entity *se;

    if (lf < lt + need) {
        return;
    }
    cand = (struct pair_best){.found = true,
                              .diff = lf - lt,
                              .from_load = lf,
                              .to_run = curr_run(&rqs[to]),
                              .from_run = curr_run(&rqs[from])};
    if (!pair_better(best, &cand)) {
        return;
    }
    se = least_run_for(&rqs[from], to);
    if (se == NULL) {
        return;
    }
    *out = (struct migration){.se = se, .from = from, .to = to};
    *best = cand;
}

/*
 * The busiest-to-least-busy pair is tried first; when affinity allows no move
 * between them, the next largest imbalance that still reaches the threshold
 * (a threshold of 0 counts as 1: equal loads never move).
 */
bool balance_find(const struct runqueue *rqs, unsigned ncpus, uint64_t online, unsigned threshold,
                  struct migration *out)
{
    unsigned n = usable_cpus(ncpus);
    unsigned need = threshold != 0 ? threshold : 1U;
    struct pair_best best = {.found = false, .diff = 0, .from_load = 0, .to_run = 0, .from_run = 0};

    for (unsigned from = 0; from < n; from++) {
        for (unsigned to = 0; to < n; to++) {
            if (to != from && cpu_in(online, from) && cpu_in(online, to)) {
                consider_pair(rqs, from, to, need, &best, out);
            }
        }
    }
    return best.found;
}

/*
 * Only from a CPU with at least two more runnable entities than `me` (for an
 * idle `me`: one running and one waiting), so a pull never just moves the
 * imbalance; among those the busiest with an entity allowed on `me`.
 */
bool balance_pull(const struct runqueue *rqs, unsigned ncpus, uint64_t online, unsigned me,
                  struct migration *out)
{
    unsigned n = usable_cpus(ncpus);
    unsigned best_load = 0;
    bool found = false;

    if (me >= n || !cpu_in(online, me)) {
        return false;
    }
    for (unsigned from = 0; from < n; from++) {
        unsigned lf = rq_load(&rqs[from]);
        struct sched_entity *se;

        if (from == me || !cpu_in(online, from) || lf < rq_load(&rqs[me]) + 2U ||
            (found && lf <= best_load)) {
            continue;
        }
        se = least_run_for(&rqs[from], me);
        if (se != NULL) {
            *out = (struct migration){.se = se, .from = from, .to = me};
            best_load = lf;
            found = true;
        }
    }
    return found;
}

unsigned balance_place(const struct runqueue *rqs, unsigned ncpus, uint64_t online,
                       uint64_t affinity)
{
    unsigned n = usable_cpus(ncpus);
    unsigned best = ncpus;

    for (unsigned cpu = 0; cpu < n; cpu++) {
        if (cpu_in(online, cpu) && cpu_in(affinity, cpu) &&
            (best == ncpus || rq_load(&rqs[cpu]) < rq_load(&rqs[best]))) {
            best = cpu;
        }
    }
    return best;
}
