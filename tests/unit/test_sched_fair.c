/*
 * Host unit test of the weighted-fair policy with caps, the EDF/CBS real-time
 * policy, admission control and CPU pools (sched/policy_fair.c,
 * sched/policy_edf.c, sched/admission.c, sched/pool.c), on a simulated clock
 * in microseconds. Every result is a count or a sum of simulated time, so it
 * does not depend on the host.
 *
 * One CPU's simulator: the running entity runs until the earliest of its
 * slice end (as mixed_pick_next set it: the EL2 timer), its job's end (a
 * real-time entity then blocks until its next release), or a release of a
 * blocked real-time entity (which preempts when edf_preempt_needed says so).
 * Then it is charged and re-queued. A real-time entity releases a job of
 * `work` us every `period` us from 0; job k's deadline is (k + 1) * period; a
 * job finished after it (or unfinished at the end) is a miss.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config/sched.h"
#include "config/vm_config.h"
#include "sched/admission.h"
#include "sched/pool.h"
#include "sched/runqueue.h"
#include "unit.h"

UNIT_STATE;

#define SEC    1000000ULL
#define SLICE  ((uint64_t)CONFIG_SLICE_US)
#define WINDOW ((uint64_t)CONFIG_CAP_WINDOW_US)
#define NEVER  UINT64_MAX
#define MAXE   8
#define MAXWIN 256

struct ent {
    struct sched_entity se;
    /* real time: a job of work us every period us (0: CPU-bound fair entity) */
    uint64_t work, period;
    uint64_t done;     /* work done in total */
    uint64_t released; /* jobs released */
    uint64_t finished; /* jobs finished */
    uint64_t misses;
    bool blocked;
    uint64_t ran;             /* total run time */
    uint64_t win_ran[MAXWIN]; /* run time per cap window */
};

struct cpu_sim {
    struct runqueue rq;
    struct ent e[MAXE];
    unsigned n;
    uint64_t now;
    uint64_t idle;
    uint64_t timer_irqs; /* slice or budget timers that fired */
    uint64_t late;       /* how late every slice timer fires (an emulator's, an IRQ masked) */
};

static void put_back(struct cpu_sim *s, struct ent *e)
{
    if (e->se.rt_budget_us != 0) {
        edf_enqueue(&s->rq, &e->se);
    } else {
        fair_enqueue(&s->rq, &e->se);
    }
}

static void charge(struct cpu_sim *s, struct ent *e, uint64_t from, uint64_t to)
{
    uint64_t ran = to - from;

    /* Split by cap windows, so that a run across a window's end would show. */
    for (uint64_t t = from; t < to;) {
        uint64_t end = (t / WINDOW + 1) * WINDOW;
        uint64_t piece = (end < to ? end : to) - t;

        if (t / WINDOW < MAXWIN) {
            e->win_ran[t / WINDOW] += piece;
        }
        t += piece;
    }
    e->ran += ran;
    e->se.run_us += ran;
    if (e->se.rt_budget_us != 0) {
        edf_charge(&e->se, ran);
    } else {
        fair_charge(&s->rq, &e->se, to, ran);
    }
    if (e->period != 0) {
        e->done += ran;
        while (e->finished < e->released && e->done >= (e->finished + 1) * e->work) {
            if (to > (e->finished + 1) * e->period) {
                e->misses++;
            }
            e->finished++;
        }
    }
}

/* Work released but not done. */
static bool has_work(const struct ent *e)
{
    return e->period == 0 || e->done < e->released * e->work;
}

/* Releases due at `now`; a blocked entity with new work wakes. */
static void release(struct cpu_sim *s)
{
    for (unsigned i = 0; i < s->n; i++) {
        struct ent *e = &s->e[i];

        while (e->period != 0 && e->released * e->period <= s->now) {
            e->released++;
        }
        if (e->blocked && has_work(e)) {
            e->blocked = false;
            edf_wake(&s->rq, &e->se, s->now);
        }
    }
}

static uint64_t next_release(const struct cpu_sim *s)
{
    uint64_t t = NEVER;

    for (unsigned i = 0; i < s->n; i++) {
        const struct ent *e = &s->e[i];

        if (e->period != 0 && e->released * e->period < t) {
            t = e->released * e->period;
        }
    }
    return t;
}

static void sim_run(struct cpu_sim *s, uint64_t end)
{
    struct ent *curr = NULL;
    uint64_t slice_end = 0;

    for (unsigned i = 0; i < s->n; i++) {
        s->e[i].se.id = i;
        s->e[i].blocked = s->e[i].period != 0;
        if (!s->e[i].blocked) {
            fair_enqueue(&s->rq, &s->e[i].se);
        }
    }
    while (s->now < end) {
        uint64_t slice;
        uint64_t t;
        uint64_t start = s->now;

        release(s);
        if (curr == NULL) {
            struct sched_entity *se = mixed_pick_next(&s->rq, s->now, &slice);

            if (se == NULL) {
                t = next_release(s);
                if (slice != 0 && s->now + slice < t) {
                    t = s->now + slice;
                    s->timer_irqs++;
                }
                t = t < end ? t : end;
                s->idle += t - s->now;
                s->now = t;
                continue;
            }
            curr = &s->e[se->id];
            s->rq.curr = se;
            slice_end = slice != 0 ? s->now + slice + s->late : NEVER;
        }
        t = slice_end;
        if (curr->period != 0 && s->now + (curr->released * curr->work - curr->done) < t) {
            t = s->now + (curr->released * curr->work - curr->done);
        }
        t = next_release(s) < t ? next_release(s) : t;
        t = t < end ? t : end;
        s->now = t;
        charge(s, curr, start, t);
        release(s);
        if (!has_work(curr)) {
            curr->blocked = true; /* job done: waits in WFI for its next release */
        } else if (t == slice_end) {
            s->timer_irqs++;
            put_back(s, curr);
        } else if (edf_preempt_needed(&s->rq, &curr->se, s->now)) {
            put_back(s, curr);
        } else {
            continue; /* keeps running to the same slice end */
        }
        curr = NULL;
        s->rq.curr = NULL;
    }
    if (curr != NULL) {
        put_back(s, curr);
        s->rq.curr = NULL;
    }
    /* Jobs whose deadline passed unfinished are misses too. */
    for (unsigned i = 0; i < s->n; i++) {
        struct ent *e = &s->e[i];

        for (uint64_t k = e->finished; e->period != 0 && k < e->released; k++) {
            if ((k + 1) * e->period <= end) {
                e->misses++;
            }
        }
    }
}

static void sim_init(struct cpu_sim *s, unsigned n)
{
    memset(s, 0, sizeof(*s));
    rq_init(&s->rq);
    s->n = n;
}

static void rt(struct ent *e, uint64_t budget, uint64_t period, uint64_t work)
{
    e->se.rt_budget_us = budget;
    e->se.rt_period_us = period;
    e->period = period;
    e->work = work;
}

/* Shares of a contended CPU follow the weights 1:2:4 within 2% over 10 s. */
static void test_weights(void)
{
    static struct cpu_sim s;
    const unsigned w[3] = {1, 2, 4};

    sim_init(&s, 3);
    for (unsigned i = 0; i < 3; i++) {
        s.e[i].se.weight = w[i] * SCHED_WEIGHT_DEFAULT;
    }
    sim_run(&s, 10 * SEC);
    for (unsigned i = 0; i < 3; i++) {
        uint64_t want = 10 * SEC * w[i] / 7;
        uint64_t diff = s.e[i].ran > want ? s.e[i].ran - want : want - s.e[i].ran;

        printf("weights: entity %u (weight %u) ran %llu us, expected %llu\n", i, w[i],
               (unsigned long long)s.e[i].ran, (unsigned long long)want);
        EXPECT(diff * 50 <= want);
    }
    EXPECT_EQ(s.idle, 0);
    EXPECT_EQ(s.e[0].ran + s.e[1].ran + s.e[2].ran, 10 * SEC);
}

/* A 25% cap (not a whole number of slices) holds in every window, beside an uncapped entity and
 * alone. */
static void test_cap(void)
{
    static struct cpu_sim s;
    const uint64_t cap = WINDOW * 25 / 100;
    unsigned over = 0;

    for (unsigned alone = 0; alone < 2; alone++) {
        sim_init(&s, alone ? 1 : 2);
        s.e[0].se.cap_pct = 25;
        sim_run(&s, 10 * SEC);
        over = 0;
        for (unsigned k = 0; k < 10 * SEC / WINDOW; k++) {
            if (s.e[0].win_ran[k] > cap) {
                over++;
            }
            EXPECT(s.e[0].win_ran[k] <= cap + SLICE);
        }
        printf("cap%s: capped entity ran %llu us of 10 s, idle %llu us\n", alone ? " alone" : "",
               (unsigned long long)s.e[0].ran, (unsigned long long)s.idle);
        EXPECT_EQ(over, 0);
        EXPECT_EQ(s.e[0].ran, 10 * SEC / 4);
        EXPECT_EQ(s.idle, alone ? 10 * SEC * 3 / 4 : 0);
        if (!alone) {
            EXPECT_EQ(s.e[1].ran, 10 * SEC * 3 / 4);
        }
    }
}

/*
 * The same cap with every slice timer 2 ms late (as under QEMU's -icount,
 * where a 10 ms slice ran 12 ms): the overrun is carried into the next
 * window, so over 10 s the capped entity runs its 25% within one slice, and
 * no window above cap + slice.
 */
static void test_cap_late_timer(void)
{
    static struct cpu_sim s;
    const uint64_t cap = WINDOW * 25 / 100;

    for (unsigned alone = 0; alone < 2; alone++) {
        sim_init(&s, alone ? 1 : 2);
        s.late = 2000;
        s.e[0].se.cap_pct = 25;
        sim_run(&s, 10 * SEC);
        printf("cap, timer 2 ms late%s: capped entity ran %llu us of 10 s (cap %llu)\n",
               alone ? ", alone" : "", (unsigned long long)s.e[0].ran,
               (unsigned long long)(10 * SEC / 4));
        EXPECT(s.e[0].ran <= 10 * SEC / 4 + SLICE);
        EXPECT(s.e[0].ran + SLICE >= 10 * SEC / 4);
        for (unsigned k = 0; k < 10 * SEC / WINDOW; k++) {
            EXPECT(s.e[0].win_ran[k] <= cap + SLICE);
        }
    }
}

/*
 * A fair entity the balancer moves from a queue whose vruntimes are far
 * ahead (floor 10 s) to one at floor 0 keeps its lag behind the floor: it
 * then shares the new CPU equally at once, instead of waiting 10 s there.
 */
static void test_rebase(void)
{
    static const struct sched_pool fair = {"fair", 0x3, SCHED_POLICY_FAIR};
    static struct runqueue from, to;
    static struct sched_entity a, b;

    rq_init(&from);
    rq_init(&to);
    from.min_vruntime = 10 * SEC;
    a.vruntime = 10 * SEC + 3000; /* 3 ms behind... ahead of from's floor */
    b.vruntime = 0;
    fair_enqueue(&from, &a);
    fair_enqueue(&to, &b);
    EXPECT(pool_remove(&fair, &from, &a));
    pool_rebase(&fair, &from, &to, &a);
    fair_enqueue(&to, &a);
    EXPECT_EQ(a.vruntime, 3000);
    EXPECT_EQ(to.nr_queued, 2);
}

/* A dedicated pool gives each vCPU its own CPU, the same one again for the same key, then none. */
static void test_dedicated_cpu(void)
{
    static const struct sched_pool ded = {"ded", 0xc, SCHED_POLICY_DEDICATED};
    uintptr_t owners[SCHED_MAX_CPUS] = {0};

    EXPECT_EQ(pool_dedicated_cpu(&ded, 0xf, ~0ULL, owners, 1), 2);
    owners[2] = 1;
    EXPECT_EQ(pool_dedicated_cpu(&ded, 0xf, ~0ULL, owners, 1), 2);
    EXPECT_EQ(pool_dedicated_cpu(&ded, 0xf, ~0ULL, owners, 2), 3);
    owners[3] = 2;
    EXPECT_EQ(pool_dedicated_cpu(&ded, 0xf, ~0ULL, owners, 3), SCHED_MAX_CPUS);
    EXPECT_EQ(pool_dedicated_cpu(&ded, 0x7, ~0ULL, owners, 2), SCHED_MAX_CPUS); /* CPU 3 absent */
    EXPECT_EQ(pool_dedicated_cpu(&ded, 0xf, 0x1, owners, 4), SCHED_MAX_CPUS);   /* affinity */
}

/* EDF at 100% real-time utilisation (plus a fair entity that gets no time): no miss. */
static void test_edf_full(void)
{
    static struct cpu_sim s;

    sim_init(&s, 4);
    rt(&s.e[0], 2000, 10000, 2000); /* 20% */
    rt(&s.e[1], 3000, 5000, 3000);  /* 60% */
    rt(&s.e[2], 1400, 7000, 1400);  /* 20% */
    sim_run(&s, 14 * SEC);          /* 14 s: a whole number of every period */
    printf("edf 100%%: misses %llu %llu %llu, jobs %llu %llu %llu, fair ran %llu us\n",
           (unsigned long long)s.e[0].misses, (unsigned long long)s.e[1].misses,
           (unsigned long long)s.e[2].misses, (unsigned long long)s.e[0].finished,
           (unsigned long long)s.e[1].finished, (unsigned long long)s.e[2].finished,
           (unsigned long long)s.e[3].ran);
    for (unsigned i = 0; i < 3; i++) {
        EXPECT_EQ(s.e[i].misses, 0);
        EXPECT_EQ(s.e[i].finished, 14 * SEC / s.e[i].period);
    }
    EXPECT_EQ(s.e[3].ran, 0);
    EXPECT_EQ(s.idle, 0);
}

/* One overruns its budget (4 ms of work, 2 ms budget): only it misses, and it gets only its budget.
 */
static void test_edf_overrun(void)
{
    static struct cpu_sim s;

    sim_init(&s, 4);
    rt(&s.e[0], 2000, 10000, 4000);
    rt(&s.e[1], 3000, 5000, 3000);
    rt(&s.e[2], 1400, 7000, 1400);
    sim_run(&s, 14 * SEC);
    printf("edf overrun: misses %llu %llu %llu, overrunner ran %llu us, exhausted %llu\n",
           (unsigned long long)s.e[0].misses, (unsigned long long)s.e[1].misses,
           (unsigned long long)s.e[2].misses, (unsigned long long)s.e[0].ran,
           (unsigned long long)s.e[0].se.rt_exhausted);
    EXPECT(s.e[0].misses > 0);
    EXPECT_EQ(s.e[1].misses, 0);
    EXPECT_EQ(s.e[2].misses, 0);
    EXPECT_EQ(s.e[1].finished, 14 * SEC / 5000);
    EXPECT_EQ(s.e[2].finished, 14 * SEC / 7000);
    EXPECT_EQ(s.e[0].ran, 14 * SEC / 10000 * 2000);
    /* Every 10 ms window holds at most its 2 ms budget. */
    EXPECT_EQ(s.e[3].ran, 0);
}

/* Under-utilised real time leaves the rest to the fair entity; each real-time job meets. */
static void test_edf_with_fair(void)
{
    static struct cpu_sim s;

    sim_init(&s, 2);
    rt(&s.e[0], 2000, 10000, 2000);
    sim_run(&s, 10 * SEC);
    EXPECT_EQ(s.e[0].misses, 0);
    EXPECT_EQ(s.e[0].finished, 1000);
    EXPECT_EQ(s.e[1].ran, 8 * SEC);
    EXPECT_EQ(s.idle, 0);
}

static void test_admission(void)
{
    const struct rt_reservation full[] = {
        {2000, 10000, 1}, {3000, 5000, 1}, {1400, 7000, 1}, {5000, 10000, 2}};
    const struct rt_reservation over[] = {{2000, 10000, 1}, {6000, 10000, 1}, {2500, 10000, 1}};
    const struct rt_reservation thirds[] = {{1, 3, 1}, {1, 3, 1}, {1, 3, 1}};
    const struct rt_reservation floating[] = {{1000, 10000, 3}};
    const struct rt_reservation bad[] = {{1000, 10000, 1}, {2000, 1000, 1}};
    uint64_t util[2] = {0, 0};
    unsigned which = 99;

    EXPECT_EQ(sched_admit(full, 4, 2, util, &which), ADMIT_OK);
    EXPECT_EQ(util[0], SCHED_RT_FULL_PPM);
    EXPECT_EQ(util[1], 500000);
    EXPECT_EQ(sched_admit(over, 3, 2, NULL, &which), ADMIT_OVERLOADED);
    EXPECT_EQ(which, 2);
    EXPECT_EQ(sched_admit(thirds, 3, 2, NULL, &which), ADMIT_OVERLOADED);
    EXPECT_EQ(sched_admit(floating, 1, 2, NULL, &which), ADMIT_NOT_PINNED);
    EXPECT_EQ(which, 0);
    EXPECT_EQ(sched_admit(bad, 2, 2, NULL, &which), ADMIT_BAD_PARAMS);
    EXPECT_EQ(which, 1);
    /* The build-time form: admissible sets compile (tests/unit/admit_reject.c must not). */
    SCHED_RT_ADMIT(unit, SCHED_RT_PPM(2000, 10000) + SCHED_RT_PPM(8000, 10000));
    EXPECT_EQ(SCHED_RT_PPM(2000, 10000), 200000);
    EXPECT_EQ(SCHED_RT_PPM(1, 3), 333334);
}

/* The boot-time check over VM configurations: the second VM to overflow CPU 0 is named. */
static void test_admission_vms(void)
{
    static const struct vm_config a = {.name = "rt-a",
                                       .vcpus = 2,
                                       .affinity = {1, 2},
                                       .rt_budget_us = {2000, 9000},
                                       .rt_period_us = {10000, 10000}};
    static const struct vm_config linux_vm = {.name = "linux", .vcpus = 4, .affinity = VM_FLOATING};
    static const struct vm_config b = {.name = "rt-b",
                                       .vcpus = 1,
                                       .affinity = {1},
                                       .rt_budget_us = {8000},
                                       .rt_period_us = {10000}};
    static const struct vm_config c = {
        .name = "rt-c", .vcpus = 1, .affinity = {1}, .rt_budget_us = {1}, .rt_period_us = {10000}};
    static const struct vm_config f = {.name = "rt-float",
                                       .vcpus = 1,
                                       .affinity = VM_FLOATING,
                                       .rt_budget_us = {1000},
                                       .rt_period_us = {10000}};
    const struct vm_config *const ok[] = {&a, &linux_vm, &b};
    const struct vm_config *const over[] = {&a, &linux_vm, &b, &c};
    const struct vm_config *const floating[] = {&linux_vm, &f};
    unsigned vm = 99;
    unsigned vcpu = 99;

    EXPECT_EQ(sched_admit_vms(ok, 3, 4, &vm, &vcpu), ADMIT_OK);
    EXPECT_EQ(sched_admit_vms(over, 4, 4, &vm, &vcpu), ADMIT_OVERLOADED);
    EXPECT_STREQ(over[vm]->name, "rt-c");
    EXPECT_EQ(vcpu, 0);
    EXPECT_EQ(sched_admit_vms(floating, 2, 4, &vm, &vcpu), ADMIT_NOT_PINNED);
    EXPECT_STREQ(floating[vm]->name, "rt-float");
}

/*
 * Pools on 6 CPUs: {0,1,2} fair, {3,4} round robin, {5} dedicated. Entities
 * with random affinities are placed in their pool, balanced periodically and
 * pulled by idle CPUs; after every step each one sits on a CPU of its pool and
 * its affinity. The dedicated pool takes one vCPU and refuses a second.
 */
static void test_pools(void)
{
    static const struct sched_pool pools[] = {
        {"shared", 0x07, SCHED_POLICY_FAIR},
        {"rr", 0x18, SCHED_POLICY_RR},
        {"rt-core", 0x20, SCHED_POLICY_DEDICATED},
    };
    static const struct sched_pool overlap[] = {{"a", 0x3, SCHED_POLICY_RR},
                                                {"b", 0x6, SCHED_POLICY_RR}};
    static struct runqueue rqs[SCHED_MAX_CPUS];
    static struct sched_entity se[16];
    unsigned pool_of[16];
    uint32_t rng = 12345;
    unsigned bad = 0;
    unsigned cpu;
    unsigned moves = 0;

    EXPECT(pools_valid(pools, 3, 0x3f, &cpu));
    EXPECT(!pools_valid(overlap, 2, 0x7, &cpu));
    EXPECT_EQ(cpu, 1);
    EXPECT(!pools_valid(pools, 3, 0x7f, &cpu));
    EXPECT_EQ(cpu, 6);
    EXPECT_EQ(pool_of_cpu(pools, 3, 4), 1);
    for (unsigned i = 0; i < SCHED_MAX_CPUS; i++) {
        rq_init(&rqs[i]);
    }
    for (unsigned i = 0; i < 15; i++) {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        pool_of[i] = i < 9 ? 0 : 1;
        se[i].id = i;
        /* Random CPUs (of every pool) plus the pool's first, where all start: the balancer spreads
         * them. */
        se[i].affinity = (rng & 0x3f) | (pool_of[i] == 0 ? 1ULL : 1ULL << 3);
        cpu = pool_place(&pools[pool_of[i]], rqs, 6, 0x3f, se[i].affinity);
        EXPECT(cpu < 6 && ((pools[pool_of[i]].cpus & se[i].affinity) >> cpu & 1U) != 0);
        cpu = pool_of[i] == 0 ? 0 : 3;
        se[i].cpu = cpu;
        policy_enqueue(&rqs[cpu], &se[i]);
    }
    cpu = pool_place(&pools[2], rqs, 6, 0x3f, ~0ULL);
    EXPECT_EQ(cpu, 5);
    se[15] = (struct sched_entity){.id = 15, .affinity = ~0ULL, .cpu = 5};
    rqs[5].curr = &se[15];
    EXPECT_EQ(pool_place(&pools[2], rqs, 6, 0x3f, ~0ULL), 6);
    EXPECT(!pool_needs_slice(&pools[2], &rqs[5], 0));
    for (unsigned step = 0; step < 2000; step++) {
        struct migration m;
        unsigned c = step % 6;
        unsigned p = pool_of_cpu(pools, 3, c);
        bool found;

        /* Run: the CPU's head runs (round robin on the queues), the previous goes back. */
        if (c != 5) {
            uint64_t slice;
            struct sched_entity *next = policy_pick_next(&rqs[c], &slice);

            if (rqs[c].curr != NULL) {
                rqs[c].curr->run_us += SLICE;
                policy_enqueue(&rqs[c], rqs[c].curr);
            }
            rqs[c].curr = next;
        }
        found = rqs[c].nr_queued == 0 ? pool_balance_pull(&pools[p], rqs, 6, 0x3f, c, &m)
                                      : pool_balance_find(&pools[p], rqs, 6, 0x3f, 1, &m);
        if (found) {
            EXPECT(policy_remove(&rqs[m.from], m.se));
            m.se->cpu = m.to;
            policy_enqueue(&rqs[m.to], m.se);
            moves++;
        }
        for (unsigned i = 0; i < 16; i++) {
            unsigned want_pool = i < 9 ? 0 : i < 15 ? 1 : 2;

            if (((pools[want_pool].cpus & se[i].affinity) >> se[i].cpu & 1U) == 0) {
                bad++;
            }
        }
    }
    printf("pools: %u moves, %u violations\n", moves, bad);
    EXPECT(moves >= 8);
    EXPECT_EQ(bad, 0);
    EXPECT_EQ(rqs[5].curr, &se[15]);
    EXPECT_EQ(rqs[5].nr_queued, 0);
}

int main(void)
{
    test_weights();
    test_cap();
    test_cap_late_timer();
    test_rebase();
    test_dedicated_cpu();
    test_edf_full();
    test_edf_overrun();
    test_edf_with_fair();
    test_admission();
    test_admission_vms();
    test_pools();
    return unit_report("sched_fair");
}
