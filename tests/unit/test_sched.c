/*
 * Host unit test of the run queue, the round-robin policy and the balancer
 * (sched/runqueue.c, sched/policy_rr.c, sched/balance.c), each function on
 * hand-built queues: queue order, slice, removal, preempt_needed, placement,
 * balance_find and balance_pull. The simulated multi-CPU scenarios are in
 * test_sched_sim.c.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config/sched.h"
#include "sched/runqueue.h"
#include "unit.h"

UNIT_STATE;

/* --- unit checks ------------------------------------------------------------ */

static struct sched_entity ents[8];

static void reset_entities(void)
{
    memset(ents, 0, sizeof(ents));
    for (unsigned i = 0; i < 8; i++) {
        ents[i].id = i;
        ents[i].affinity = ~0ULL;
        list_init(&ents[i].link);
    }
}

static void reset_rqs(struct runqueue *rqs, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        rq_init(&rqs[i]);
    }
}

/* Queues ents[first..first+count-1] on rq, as CPU cpu. */
static void queue_on(struct runqueue *rq, unsigned cpu, unsigned first, unsigned count)
{
    for (unsigned i = first; i < first + count; i++) {
        ents[i].cpu = cpu;
        policy_enqueue(rq, &ents[i]);
    }
}

static void test_init(void)
{
    struct runqueue rq;

    memset(&rq, 0xa5, sizeof(rq));
    rq_init(&rq);
    EXPECT(list_empty(&rq.queue));
    EXPECT_EQ(rq.nr_queued, 0);
    EXPECT(rq.curr == NULL);
    EXPECT_EQ(rq_load(&rq), 0);
}

static void test_rr_order(void)
{
    struct runqueue rq;
    uint64_t slice = 1;

    reset_entities();
    rq_init(&rq);
    EXPECT(policy_pick_next(&rq, &slice) == NULL);
    EXPECT_EQ(slice, 0);
    queue_on(&rq, 0, 0, 3);
    EXPECT_EQ(rq.nr_queued, 3);
    EXPECT(ents[0].queued && ents[1].queued && ents[2].queued);
    EXPECT(policy_pick_next(&rq, &slice) == &ents[0]);
    EXPECT_EQ(slice, CONFIG_SLICE_US);
    EXPECT(!ents[0].queued);
    EXPECT_EQ(rq.nr_queued, 2);
    policy_enqueue(&rq, &ents[0]); /* preempted: back at the tail */
    policy_enqueue(&rq, &ents[0]); /* already queued: no change */
    EXPECT_EQ(rq.nr_queued, 3);
    EXPECT(policy_pick_next(&rq, &slice) == &ents[1]);
    EXPECT(policy_pick_next(&rq, NULL) == &ents[2]);
    EXPECT(policy_pick_next(&rq, &slice) == &ents[0]);
    EXPECT(policy_pick_next(&rq, &slice) == NULL);
    EXPECT_EQ(rq.nr_queued, 0);
    EXPECT(list_empty(&rq.queue));
}

static void test_rr_remove(void)
{
    struct runqueue rq, other;

    reset_entities();
    rq_init(&rq);
    rq_init(&other);
    queue_on(&rq, 0, 0, 3);
    queue_on(&other, 1, 3, 1);
    EXPECT(policy_remove(&rq, &ents[1]));
    EXPECT(!ents[1].queued);
    EXPECT_EQ(rq.nr_queued, 2);
    EXPECT(!policy_remove(&rq, &ents[1])); /* no longer queued */
    EXPECT(!policy_remove(&rq, &ents[5])); /* never queued */
    EXPECT(!policy_remove(&rq, &ents[3])); /* queued on another run queue */
    EXPECT_EQ(rq.nr_queued, 2);
    EXPECT_EQ(other.nr_queued, 1);
    EXPECT(ents[3].queued);
    EXPECT(policy_pick_next(&rq, NULL) == &ents[0]);
    EXPECT(policy_pick_next(&rq, NULL) == &ents[2]);
    EXPECT(policy_remove(&other, &ents[3]));
    EXPECT(list_empty(&other.queue));
}

static void test_rr_preempt(void)
{
    struct runqueue rq;

    reset_entities();
    rq_init(&rq);
    EXPECT(!policy_preempt_needed(&rq));
    rq.curr = &ents[0];
    EXPECT(!policy_preempt_needed(&rq)); /* alone: keeps running */
    EXPECT_EQ(rq_load(&rq), 1);
    queue_on(&rq, 0, 1, 1);
    EXPECT(policy_preempt_needed(&rq));
    EXPECT_EQ(rq_load(&rq), 2);
    EXPECT(policy_pick_next(&rq, NULL) == &ents[1]);
    EXPECT(!policy_preempt_needed(&rq));
}

static void test_place(void)
{
    struct runqueue rqs[4];

    reset_entities();
    reset_rqs(rqs, 4);
    queue_on(&rqs[0], 0, 0, 2); /* loads: 2, 1 (running), 0, 1 */
    rqs[1].curr = &ents[2];
    queue_on(&rqs[3], 3, 3, 1);
    EXPECT_EQ(balance_place(rqs, 4, 0xf, ~0ULL), 2);
    EXPECT_EQ(balance_place(rqs, 4, 0xb, ~0ULL), 1); /* CPU 2 offline: tie 1/3 to 1 */
    EXPECT_EQ(balance_place(rqs, 4, 0xf, 0x9), 3);
    EXPECT_EQ(balance_place(rqs, 4, 0xf, 0x1), 0); /* pinned: even to the busiest */
    EXPECT_EQ(balance_place(rqs, 4, 0xf, 0x0), 4);
    EXPECT_EQ(balance_place(rqs, 4, 0x3, 0xc), 4); /* allowed CPUs all offline */
    EXPECT_EQ(balance_place(rqs, 2, 0xf, 0xc), 2); /* allowed CPUs beyond ncpus */
}

/* CPU 0: ents[0] running, ents[1..3] queued, run times 5, 30, 10, 10; CPU 1 empty. */
static void setup_busy_cpu0(struct runqueue *rqs, unsigned n)
{
    static const uint64_t run[4] = {5, 30, 10, 10};

    reset_entities();
    reset_rqs(rqs, n);
    rqs[0].curr = &ents[0];
    queue_on(&rqs[0], 0, 1, 3);
    for (unsigned i = 0; i < 4; i++) {
        ents[i].run_us = run[i];
    }
}

static void test_find_choice(void)
{
    struct runqueue rqs[3];
    struct migration m;

    setup_busy_cpu0(rqs, 2);
    EXPECT(balance_find(rqs, 2, 0x3, 2, &m));
    EXPECT(m.se == &ents[2]); /* queued and ran least: not the running ents[0] */
    EXPECT_EQ(m.from, 0);
    EXPECT_EQ(m.to, 1);
    ents[2].affinity = 0x1;
    EXPECT(balance_find(rqs, 2, 0x3, 2, &m));
    EXPECT(m.se == &ents[3]);
    ents[3].affinity = 0x1;
    EXPECT(balance_find(rqs, 2, 0x3, 2, &m));
    EXPECT(m.se == &ents[1]);
    ents[1].affinity = 0x1;
    EXPECT(!balance_find(rqs, 2, 0x3, 2, &m)); /* only the running one may move */

    /* The least busy CPU is out of reach: the next one that can take an entity. */
    setup_busy_cpu0(rqs, 3);
    ents[4].cpu = 2;
    rqs[2].curr = &ents[4];
    ents[1].affinity = ents[2].affinity = ents[3].affinity = 0x5;
    EXPECT(balance_find(rqs, 3, 0x7, 2, &m));
    EXPECT(m.se == &ents[2] && m.from == 0 && m.to == 2);
}

static void test_find_threshold(void)
{
    struct runqueue rqs[3];
    struct migration m;

    setup_busy_cpu0(rqs, 2); /* loads 4, 0 */
    EXPECT(!balance_find(rqs, 2, 0x3, 5, &m));
    EXPECT(balance_find(rqs, 2, 0x3, 4, &m));
    EXPECT(!balance_find(rqs, 2, 0x1, 1, &m)); /* CPU 1 offline never receives */
    EXPECT(!balance_find(rqs, 2, 0x2, 1, &m)); /* offline CPU 0 is not balanced */
    EXPECT(!balance_find(rqs, 1, 0x3, 1, &m));

    reset_entities();
    reset_rqs(rqs, 3); /* loads 2, 1, 1: moves only with threshold 1 */
    rqs[0].curr = &ents[0];
    queue_on(&rqs[0], 0, 1, 1);
    rqs[1].curr = &ents[2];
    rqs[2].curr = &ents[3];
    EXPECT(!balance_find(rqs, 3, 0x7, 2, &m));
    EXPECT(balance_find(rqs, 3, 0x7, 1, &m));
    EXPECT(m.se == &ents[1] && m.from == 0 && m.to == 1); /* tie: lowest CPU */
    queue_on(&rqs[1], 1, 4, 1);                           /* loads 2, 2, 1 */
    EXPECT(balance_find(rqs, 3, 0x7, 1, &m));
    EXPECT(m.se == &ents[1] && m.from == 0 && m.to == 2);
    queue_on(&rqs[2], 2, 5, 1); /* loads 2, 2, 2 */
    EXPECT(!balance_find(rqs, 3, 0x7, 1, &m));
    EXPECT(!balance_find(rqs, 3, 0x7, 0, &m)); /* threshold 0: equal loads stay */
}

static void test_pull(void)
{
    struct runqueue rqs[4];
    struct migration m;

    setup_busy_cpu0(rqs, 4); /* loads 4, 0, 2, 0 */
    rqs[2].curr = &ents[4];
    queue_on(&rqs[2], 2, 5, 1);
    EXPECT(balance_pull(rqs, 4, 0xf, 1, &m));
    EXPECT(m.se == &ents[2] && m.from == 0 && m.to == 1);
    ents[1].affinity = ents[2].affinity = ents[3].affinity = 0x1;
    EXPECT(balance_pull(rqs, 4, 0xf, 1, &m)); /* busiest has none for CPU 1 */
    EXPECT(m.se == &ents[5] && m.from == 2 && m.to == 1);
    EXPECT(!balance_pull(rqs, 4, 0xd, 1, &m)); /* CPU 1 offline */
    EXPECT(!balance_pull(rqs, 4, 0xb, 1, &m)); /* CPU 2 offline: gives nothing */
    EXPECT(!balance_pull(rqs, 4, 0xf, 4, &m));
    EXPECT(!balance_pull(rqs, 4, 0xf, 2, &m)); /* CPU 0's queued ones may not run there */

    reset_entities();
    reset_rqs(rqs, 2); /* a lone queued entity about to run stays */
    queue_on(&rqs[0], 0, 0, 1);
    EXPECT(!balance_pull(rqs, 2, 0x3, 1, &m));
    rqs[0].curr = &ents[1]; /* loads 2, 0: worth pulling */
    EXPECT(balance_pull(rqs, 2, 0x3, 1, &m));
    EXPECT(m.se == &ents[0]);
    rqs[1].curr = &ents[2]; /* loads 2, 1: no longer */
    EXPECT(!balance_pull(rqs, 2, 0x3, 1, &m));
}

int main(void)
{
    test_init();
    test_rr_order();
    test_rr_remove();
    test_rr_preempt();
    test_place();
    test_find_choice();
    test_find_threshold();
    test_pull();
    return unit_report("sched");
}
