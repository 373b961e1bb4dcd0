/*
 * kernel/softtimer.c on the host, with threads as CPUs: each thread has its
 * own this_cpu_id(), the EL2 timer of "its" CPU is a deadline that the thread
 * polls (its interrupt), and the counter is a shared fake. The fake
 * this_cpu_id() yields now and then, so that a thread can be overtaken
 * anywhere in arm or cancel, as a CPU can be by another CPU.
 *
 * Checked: one timer armed again and again from two CPUs at once, and armed
 * by its own callback on one CPU while another CPU arms it, is linked on at
 * most one queue and every queue stays a sound list; cancel_sync returns
 * only when the callback runs nowhere and the timer is on no queue, even
 * when the callback re-arms it. A CPU's own timer is never linked, programs
 * the hardware with the queue, fires in deadline order with it, and still
 * fires while another CPU cancels a timer on the same queue.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "kernel/softtimer.h"
#include "kernel/timer.h"
#include "unit.h"

UNIT_STATE;

#define NCPUS 2

/* --- fakes of the kernel: this CPU, IRQ masking, the EL2 timer ----------- */

static _Thread_local unsigned my_cpu;
static _Thread_local unsigned my_seed = 1;
static _Thread_local unsigned irq_masked;
static uint64_t fake_now;
static uint64_t hw_cval[NCPUS];
static bool hw_on[NCPUS];
static timer_fn_t expire_fn;

/* What kernel/softtimer.c declares for the host build. */
unsigned this_cpu_id(void);
uint64_t local_irq_save(void);
void local_irq_restore(uint64_t flags);

static unsigned rnd(void)
{
    return (unsigned)rand_r(&my_seed);
}

unsigned this_cpu_id(void)
{
    if (rnd() % 4 == 0) {
        sched_yield(); /* another CPU gets ahead here */
    }
    return my_cpu;
}

uint64_t local_irq_save(void)
{
    return irq_masked++;
}

void local_irq_restore(uint64_t flags)
{
    irq_masked = (unsigned)flags;
}

void timer_set_callback(timer_fn_t fn)
{
    expire_fn = fn;
}

void timer_arm(uint64_t cval)
{
    __atomic_store_n(&hw_cval[my_cpu], cval, __ATOMIC_RELAXED);
    __atomic_store_n(&hw_on[my_cpu], true, __ATOMIC_RELEASE);
}

void timer_cancel(void)
{
    __atomic_store_n(&hw_on[my_cpu], false, __ATOMIC_RELEASE);
}

uint64_t timer_now(void)
{
    return __atomic_load_n(&fake_now, __ATOMIC_ACQUIRE);
}

static void advance(uint64_t ticks)
{
    __atomic_add_fetch(&fake_now, ticks, __ATOMIC_ACQ_REL);
}

/* This CPU takes its timer interrupt if the deadline passed (IRQs unmasked). */
static void poll_irq(void)
{
    uint64_t now = timer_now();
    if (irq_masked == 0 && __atomic_load_n(&hw_on[my_cpu], __ATOMIC_ACQUIRE) &&
        now >= __atomic_load_n(&hw_cval[my_cpu], __ATOMIC_RELAXED)) {
        __atomic_store_n(&hw_on[my_cpu], false, __ATOMIC_RELAXED);
        irq_masked++;
        expire_fn(now);
        irq_masked--;
    }
}

static void become_cpu(unsigned cpu)
{
    my_cpu = cpu;
    my_seed = 0x5eed + cpu;
}

/* Every CPU's queue empty (what each CPU does once at boot). */
static void init_cpus(void)
{
    for (unsigned c = 0; c < NCPUS; c++) {
        become_cpu(c);
        softtimer_cpu_init();
    }
}

/*
 * A hang (a corrupted list walked in a circle) is a failure too: every loop
 * below counts its rounds in progress, and an alarm that finds no new round
 * in 30 s fails the test. Judged by progress, not by total time: on an
 * overcommitted host each handoff of a ticket lock between the two threads
 * waits for a scheduler turn, and the 225,000 of them can take minutes.
 */
#define WATCHDOG_S 30
static unsigned long progress;

static void on_alarm(int sig)
{
    static unsigned long seen = ~0UL;
    (void)sig;
    unsigned long now = __atomic_load_n(&progress, __ATOMIC_RELAXED);
    if (now != seen) {
        seen = now;
        alarm(WATCHDOG_S);
        return;
    }
    static const char msg[] = "FAIL test_softtimer: hung (a queue no longer a sound list?)\n";
    (void)!write(1, msg, sizeof(msg) - 1);
    _exit(1);
}

static void made_progress(void)
{
    __atomic_add_fetch(&progress, 1, __ATOMIC_RELAXED);
}

/* --- shared checks ----------------------------------------------------------- */

static struct soft_timer sentinel[NCPUS];
static unsigned sentinel_fired[NCPUS];

static void sentinel_fn(struct soft_timer *t, uint64_t now)
{
    (void)now;
    __atomic_add_fetch(&sentinel_fired[t - sentinel], 1, __ATOMIC_RELAXED);
}

/* Each CPU's queue holds its sentinel, due long after every deadline a test uses. */
static void arm_sentinels(void)
{
    init_cpus();
    for (unsigned c = 0; c < NCPUS; c++) {
        become_cpu(c);
        sentinel[c].fn = sentinel_fn;
        sentinel_fired[c] = 0;
        softtimer_arm(&sentinel[c], UINT64_MAX / 2);
    }
}

static unsigned links_total(const struct soft_timer *t, bool *sound)
{
    unsigned n = 0;
    for (unsigned c = 0; c < NCPUS; c++) {
        int l = softtimer_host_links(c, t);
        *sound = *sound && l >= 0;
        n += l > 0 ? (unsigned)l : 0;
    }
    return n;
}

/* After a race on t: t is on at most one queue, then cancelled on none, and nothing else broke. */
static void check_after_race(struct soft_timer *t, const unsigned *fired)
{
    bool sound = true;
    unsigned links = links_total(t, &sound);
    EXPECT(sound);
    EXPECT(links <= 1);
    EXPECT_EQ(links, t->armed ? 1 : 0);
    become_cpu(0);
    softtimer_cancel(t);
    sound = true;
    EXPECT_EQ(links_total(t, &sound), 0);
    EXPECT(sound);
    for (unsigned c = 0; c < NCPUS; c++) {
        EXPECT_EQ(softtimer_host_links(c, &sentinel[c]), 1);
    }
    /* Everything comes due: each sentinel fires once, the cancelled timer never. */
    unsigned before = __atomic_load_n(fired, __ATOMIC_RELAXED);
    __atomic_store_n(&fake_now, UINT64_MAX / 2, __ATOMIC_RELEASE);
    for (unsigned c = 0; c < NCPUS; c++) {
        become_cpu(c);
        poll_irq();
        EXPECT_EQ(sentinel_fired[c], 1);
        EXPECT_EQ(softtimer_host_links(c, &sentinel[c]), 0);
    }
    EXPECT_EQ(__atomic_load_n(fired, __ATOMIC_RELAXED), before);
}

/* --- 1: one timer armed and cancelled from two CPUs at once ------------------ */

#define RACE_ROUNDS 100000

static struct soft_timer shared;
static unsigned shared_fired;

static void shared_fn(struct soft_timer *t, uint64_t now)
{
    (void)t;
    (void)now;
    __atomic_add_fetch(&shared_fired, 1, __ATOMIC_RELAXED);
}

static void *arm_race_cpu(void *arg)
{
    become_cpu((unsigned)(uintptr_t)arg);
    for (unsigned i = 0; i < RACE_ROUNDS; i++) {
        made_progress();
        softtimer_arm(&shared, 1000 + rnd() % 1000);
        if (rnd() % 8 == 0) {
            softtimer_cancel(&shared);
        }
    }
    return NULL;
}

static void test_arm_from_two_cpus(void)
{
    pthread_t th[NCPUS];
    fake_now = 0;
    shared = (struct soft_timer){.fn = shared_fn};
    shared_fired = 0;
    arm_sentinels();
    for (unsigned c = 0; c < NCPUS; c++) {
        pthread_create(&th[c], NULL, arm_race_cpu, (void *)(uintptr_t)c);
    }
    for (unsigned c = 0; c < NCPUS; c++) {
        pthread_join(th[c], NULL);
    }
    EXPECT_EQ(shared_fired, 0); /* the counter never reached a deadline */
    check_after_race(&shared, &shared_fired);
}

/*
 * --- 2: armed by its own callback on one CPU while another CPU arms it -------
 * (the emulated physical timer before: its expiry re-armed it where it had
 * been armed, a trapped CNTP_* write re-armed it where the vCPU now runs).
 */

static bool stop_expiry;

static void rearm_fn(struct soft_timer *t, uint64_t now)
{
    __atomic_add_fetch(&shared_fired, 1, __ATOMIC_RELAXED);
    softtimer_arm(t, now + 1 + rnd() % 4);
}

static void *expiry_cpu(void *arg)
{
    become_cpu((unsigned)(uintptr_t)arg);
    while (!__atomic_load_n(&stop_expiry, __ATOMIC_ACQUIRE)) {
        made_progress();
        advance(1);
        poll_irq();
    }
    return NULL;
}

static void *trapping_cpu(void *arg)
{
    become_cpu((unsigned)(uintptr_t)arg);
    for (unsigned i = 0; i < RACE_ROUNDS; i++) {
        made_progress();
        softtimer_arm(&shared, timer_now() + 1 + rnd() % 8);
        advance(1);
        poll_irq();
    }
    __atomic_store_n(&stop_expiry, true, __ATOMIC_RELEASE);
    return NULL;
}

static void test_callback_rearm_races_remote_arm(void)
{
    pthread_t th[NCPUS];
    fake_now = 0;
    shared = (struct soft_timer){.fn = rearm_fn};
    shared_fired = 0;
    stop_expiry = false;
    arm_sentinels();
    become_cpu(0);
    softtimer_arm(&shared, 1);
    pthread_create(&th[0], NULL, expiry_cpu, (void *)(uintptr_t)0);
    pthread_create(&th[1], NULL, trapping_cpu, (void *)(uintptr_t)1);
    for (unsigned c = 0; c < NCPUS; c++) {
        pthread_join(th[c], NULL);
    }
    EXPECT(shared_fired > 0);
    shared.fn = shared_fn; /* no more re-arming from here on */
    check_after_race(&shared, &shared_fired);
}

/*
 * --- 3: cancel_sync waits for a callback running on another CPU --------------
 * Each round, CPU 1 arms the timer due at once and takes its interrupt while
 * CPU 0 cancels it synchronously; the callback dawdles, re-arms the timer in
 * odd rounds, and notes whether the cancel on CPU 0 had already returned.
 */

#define SYNC_ROUNDS 2000

static pthread_barrier_t round_start;
static pthread_barrier_t round_end;
static unsigned cancelled_round; /* the last round whose cancel_sync returned */
static unsigned current_round;
static unsigned ran_after_cancel;
static unsigned sync_calls;
static unsigned linked_after_cancel;

static void dawdling_fn(struct soft_timer *t, uint64_t now)
{
    unsigned r = __atomic_load_n(&current_round, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; i < 3; i++) {
        sched_yield();
    }
    if (r % 2 == 1) {
        softtimer_arm(t, now + 1000000); /* far away: only the cancel can take it off */
    }
    for (unsigned i = 0; i < 3; i++) {
        sched_yield();
    }
    if (__atomic_load_n(&cancelled_round, __ATOMIC_ACQUIRE) == r) {
        __atomic_add_fetch(&ran_after_cancel, 1, __ATOMIC_RELAXED);
    }
    __atomic_add_fetch(&sync_calls, 1, __ATOMIC_RELAXED);
}

static void *firing_cpu(void *arg)
{
    become_cpu((unsigned)(uintptr_t)arg);
    for (unsigned r = 1; r <= SYNC_ROUNDS; r++) {
        made_progress();
        softtimer_arm(&shared, timer_now());
        __atomic_store_n(&current_round, r, __ATOMIC_RELEASE);
        pthread_barrier_wait(&round_start);
        poll_irq();
        pthread_barrier_wait(&round_end);
    }
    return NULL;
}

static void *cancelling_cpu(void *arg)
{
    become_cpu((unsigned)(uintptr_t)arg);
    for (unsigned r = 1; r <= SYNC_ROUNDS; r++) {
        pthread_barrier_wait(&round_start);
        if (rnd() % 2 == 0) {
            sched_yield(); /* sometimes the callback gets going first */
        }
        softtimer_cancel_sync(&shared);
        __atomic_store_n(&cancelled_round, r, __ATOMIC_RELEASE);
        bool sound = true;
        if (links_total(&shared, &sound) != 0 || !sound || shared.armed) {
            __atomic_add_fetch(&linked_after_cancel, 1, __ATOMIC_RELAXED);
        }
        pthread_barrier_wait(&round_end);
    }
    return NULL;
}

static void test_cancel_sync(void)
{
    pthread_t th[NCPUS];
    fake_now = 0;
    shared = (struct soft_timer){.fn = dawdling_fn};
    cancelled_round = current_round = ran_after_cancel = sync_calls = linked_after_cancel = 0;
    arm_sentinels();
    pthread_barrier_init(&round_start, NULL, NCPUS);
    pthread_barrier_init(&round_end, NULL, NCPUS);
    pthread_create(&th[0], NULL, cancelling_cpu, (void *)(uintptr_t)0);
    pthread_create(&th[1], NULL, firing_cpu, (void *)(uintptr_t)1);
    for (unsigned c = 0; c < NCPUS; c++) {
        pthread_join(th[c], NULL);
    }
    pthread_barrier_destroy(&round_start);
    pthread_barrier_destroy(&round_end);
    EXPECT_EQ(ran_after_cancel, 0);
    EXPECT_EQ(linked_after_cancel, 0);
    EXPECT(sync_calls > 0); /* in some rounds the callback did run */
    shared.fn = shared_fn;
    check_after_race(&shared, &shared_fired);
}

/*
 * --- 4: cancelling a timer that is not armed takes no lock ------------------
 * Its lock held by another CPU (here: taken by hand) would otherwise stop
 * the cancel until the watchdog fires. A timer that has fired is not armed.
 */
static void test_cancel_unarmed(void)
{
    struct soft_timer t = {.fn = shared_fn};
    fake_now = 0;
    shared_fired = 0;
    arm_sentinels();
    become_cpu(0);
    spin_lock(&t.lock);
    softtimer_cancel(&t); /* never armed */
    spin_unlock(&t.lock);
    softtimer_arm(&t, 10);
    advance(10);
    poll_irq();
    EXPECT_EQ(shared_fired, 1);
    EXPECT(!t.armed);
    spin_lock(&t.lock);
    softtimer_cancel(&t); /* fired */
    spin_unlock(&t.lock);
    bool sound = true;
    EXPECT_EQ(links_total(&t, &sound), 0);
    EXPECT(sound);
    softtimer_arm(&t, 20);
    softtimer_cancel(&t); /* armed: unlinked as before */
    EXPECT(!t.armed);
    EXPECT_EQ(links_total(&t, &sound), 0);
    EXPECT(sound);
}

/*
 * --- 5: a CPU's own timer: beside the queue, programmed with it, in order ---
 * (the scheduler's slice timer: armed and cancelled only by its own CPU).
 */
static unsigned order[4];
static unsigned order_n;
static struct soft_timer own, u, w;

static void order_fn(struct soft_timer *t, uint64_t now)
{
    (void)now;
    order[order_n++ % 4] = t == &own ? 1 : t == &u ? 2 : 3;
}

static void test_own_timer(void)
{
    fake_now = 0;
    order_n = 0;
    arm_sentinels();
    become_cpu(0);
    own = (struct soft_timer){.fn = order_fn};
    u = (struct soft_timer){.fn = order_fn};
    w = (struct soft_timer){.fn = order_fn};
    softtimer_own_init(&own);
    softtimer_arm(&u, 30);
    EXPECT_EQ(hw_cval[0], 30);
    softtimer_own_arm(&own, 20); /* earlier than the queue's head: the hardware follows */
    EXPECT(own.armed);
    EXPECT_EQ(hw_cval[0], 20);
    bool sound = true;
    EXPECT_EQ(links_total(&own, &sound), 0); /* never on a queue */
    spin_lock(&own.lock);                    /* held elsewhere: the own calls never take it */
    softtimer_own_cancel(&own);
    spin_unlock(&own.lock);
    EXPECT(!own.armed);
    EXPECT_EQ(hw_cval[0], 20); /* a cancel leaves the hardware as it is */
    advance(20);
    poll_irq(); /* nothing due: the queue's head is programmed */
    EXPECT_EQ(order_n, 0);
    EXPECT_EQ(hw_cval[0], 30);
    softtimer_own_arm(&own, 40); /* later than the head: the head stays programmed */
    EXPECT_EQ(hw_cval[0], 30);
    softtimer_arm(&w, 40); /* the same deadline as the own timer: the own one first */
    advance(25);           /* 45: all three due */
    poll_irq();
    EXPECT_EQ(order_n, 3);
    EXPECT_EQ(order[0], 2);
    EXPECT_EQ(order[1], 1);
    EXPECT_EQ(order[2], 3);
    EXPECT(!own.armed && !u.armed && !w.armed);
    EXPECT_EQ(hw_cval[0], UINT64_MAX / 2); /* the sentinel */
    EXPECT(sound);
    poll_irq();
    EXPECT_EQ(order_n, 3); /* each fired once */
}

/*
 * --- 6: the own timer's CPU arms, cancels and expires it while another CPU
 * cancels and re-arms a shared timer on the same queue (the vCPU's vwake
 * timer, cancelled where it was armed): the queue stays sound, the own
 * timer is never linked, and a due own timer fires (it is never lost behind
 * the other's unlink).
 */
static struct soft_timer own2;
static unsigned own2_fired;
static bool stop_remote;

static void own2_fn(struct soft_timer *t, uint64_t now)
{
    (void)t;
    (void)now;
    own2_fired++;
}

static void *own_cpu(void *arg)
{
    (void)arg;
    become_cpu(0);
    for (unsigned i = 0; i < RACE_ROUNDS; i++) {
        made_progress();
        irq_masked++; /* the scheduler arms and cancels with IRQs masked */
        softtimer_own_arm(&own2, timer_now() + 1 + rnd() % 4);
        if (rnd() % 4 == 0) {
            softtimer_own_cancel(&own2);
        } else if (rnd() % 2 == 0) {
            softtimer_arm(&shared, timer_now() + 2 + rnd() % 8); /* onto this CPU's queue */
        }
        irq_masked--;
        advance(1);
        poll_irq();
    }
    __atomic_store_n(&stop_remote, true, __ATOMIC_RELEASE);
    return NULL;
}

static void *remote_cpu(void *arg)
{
    (void)arg;
    become_cpu(1);
    while (!__atomic_load_n(&stop_remote, __ATOMIC_ACQUIRE)) {
        made_progress();
        softtimer_cancel(&shared);
    }
    return NULL;
}

static void test_own_timer_beside_remote_cancel(void)
{
    pthread_t th[2];
    fake_now = 0;
    own2_fired = 0;
    shared_fired = 0;
    stop_remote = false;
    arm_sentinels();
    become_cpu(0);
    own2 = (struct soft_timer){.fn = own2_fn};
    shared = (struct soft_timer){.fn = shared_fn};
    softtimer_own_init(&own2);
    pthread_create(&th[0], NULL, own_cpu, NULL);
    pthread_create(&th[1], NULL, remote_cpu, NULL);
    pthread_join(th[0], NULL);
    pthread_join(th[1], NULL);
    bool sound = true;
    EXPECT_EQ(links_total(&own2, &sound), 0);
    EXPECT(sound);
    EXPECT(own2_fired > 0);
    /* Whatever is still armed fires once its deadline passes; then nothing is left due. */
    become_cpu(0);
    unsigned before = own2_fired;
    bool armed = own2.armed;
    advance(16);
    poll_irq();
    EXPECT_EQ(own2_fired, before + (armed ? 1 : 0));
    EXPECT(!own2.armed);
    check_after_race(&shared, &shared_fired);
}

int main(void)
{
    /* sigaction, not signal(): with _POSIX_C_SOURCE, signal() resets the handler after one alarm.
     */
    struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    alarm(WATCHDOG_S);
    test_arm_from_two_cpus();
    test_callback_rearm_races_remote_arm();
    test_cancel_sync();
    test_cancel_unarmed();
    test_own_timer();
    test_own_timer_beside_remote_cancel();
    return unit_report("test_softtimer");
}
