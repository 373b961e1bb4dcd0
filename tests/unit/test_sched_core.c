/*
 * The real sched/sched.c (with its pools, policies, balancer and trace, and
 * kernel/softtimer.c) on a fake arch: CPUs are host threads or a
 * this_cpu_id() the test switches, the counter is a shared fake (1 tick =
 * 1 us), IPIs are counted, each CPU's EL2 timer is a deadline its CPU polls
 * at an "exit" (in a fake guest run) and in its idle and WFI waits. The
 * vCPUs are fakes behind the vcpu_op_*() hooks of sched/sched_vcpu.h: a run
 * is a callback that says which requests the vCPU left with.
 *
 * Pools (sched_core_config.h): CPUs 0-1 round robin, CPUs 2-3 weighted fair.
 * Each scenario runs in its own child process, from a fresh scheduler.
 */
#define _POSIX_C_SOURCE 200809L
#ifndef SHRIKE_HOST_TEST
#define SHRIKE_HOST_TEST 1 /* the fake arch of sched/sched_arch.h (cppcheck is not given it) */
#endif
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/vm_config.h"
#include "kernel/bootargs.h"
#include "kernel/irq.h"
#include "kernel/list.h"
#include "kernel/log.h"
#include "kernel/timer.h"
#include "sched/sched.h"
#include "sched/sched_arch.h"
#include "sched/sched_internal.h"
#include "sched/sched_vcpu.h"
#include "smp/ipi.h"
#include "unit.h"

UNIT_STATE;

#define NCPUS 4

/* --- the fake arch --------------------------------------------------------- */

unsigned cpu_count = NCPUS;
static _Thread_local unsigned my_cpu;
static uint64_t fake_now = 1000;
static timer_fn_t expire_fn;
static uint64_t hw_cval[NCPUS];
static bool hw_on[NCPUS];
static unsigned kicks[NCPUS]; /* IPI_KICKs sent to each CPU */
static void (*wfi_hook)(unsigned n);
static unsigned wfi_calls;

unsigned this_cpu_id(void)
{
    return my_cpu;
}

uint64_t counter_read(void)
{
    return __atomic_load_n(&fake_now, __ATOMIC_ACQUIRE);
}

uint64_t timer_now(void)
{
    return counter_read();
}

static void advance(uint64_t ticks)
{
    __atomic_fetch_add(&fake_now, ticks, __ATOMIC_ACQ_REL);
}

uint64_t local_irq_save(void)
{
    return 0;
}

void local_irq_restore(uint64_t flags)
{
    (void)flags;
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

uint64_t timer_freq(void)
{
    return 1000000;
}

uint64_t timer_irq_count(unsigned cpu)
{
    (void)cpu;
    return 0;
}

/* This CPU's pending interrupt: its EL2 timer, if due. */
void irq_dispatch(void)
{
    if (__atomic_load_n(&hw_on[my_cpu], __ATOMIC_ACQUIRE) &&
        counter_read() >= __atomic_load_n(&hw_cval[my_cpu], __ATOMIC_RELAXED)) {
        hw_on[my_cpu] = false;
        expire_fn(counter_read());
    }
}

void wfi(void)
{
    wfi_calls++;
    if (wfi_hook != 0) {
        wfi_hook(wfi_calls);
    }
    sched_yield();
}

static void (*pause_hook)(unsigned n);
static unsigned pause_calls;

/* A turn of VM_WFI_POLL's loop: 100 ticks pass. */
void cpu_poll_pause(void)
{
    pause_calls++;
    advance(100);
    if (pause_hook != 0) {
        pause_hook(pause_calls);
    }
    sched_yield();
}

void ipi_send(unsigned cpu, enum ipi ipi)
{
    if (ipi == IPI_KICK) {
        __atomic_fetch_add(&kicks[cpu], 1, __ATOMIC_RELAXED);
    }
}

bool bootargs_has(const char *token)
{
    (void)token; /* trace=off: the trace records, as by default */
    return false;
}

bool bootargs_get(const char *key, char *buf, size_t size)
{
    (void)key, (void)buf, (void)size;
    return false;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    (void)level, (void)fmt;
}

/* --- fake vCPUs behind the hooks -------------------------------------------- */

struct fv {
    struct sched_vcpu s;
    unsigned requests;
    bool on;
    bool pending;     /* vcpu_op_has_pending */
    unsigned changed; /* the vGIC's `changed` */
    int loaded_on;    /* -1: not loaded */
    unsigned runs;
    unsigned bad_cpu; /* runs on a CPU outside its affinity */
    unsigned (*run)(struct fv *f);
};

static struct fv *fv_of(const struct sched_vcpu *s)
{
    return list_entry(s, struct fv, s);
}

unsigned vcpu_op_run(struct sched_vcpu *s)
{
    struct fv *f = fv_of(s);
    __atomic_fetch_and(&f->requests, VCPU_REQ_STOP | VCPU_REQ_OFF, __ATOMIC_ACQ_REL);
    f->runs++;
    if (!((s->se.affinity >> my_cpu) & 1)) {
        f->bad_cpu++;
    }
    __atomic_store_n(&f->loaded_on, (int)my_cpu, __ATOMIC_RELEASE);
    unsigned why = f->run(f);
    __atomic_store_n(&f->loaded_on, -1, __ATOMIC_RELEASE);
    return why | __atomic_exchange_n(&f->requests, 0, __ATOMIC_ACQ_REL);
}

bool vcpu_op_on(const struct sched_vcpu *s)
{
    return fv_of(s)->on;
}

bool vcpu_op_has_pending(struct sched_vcpu *s)
{
    return fv_of(s)->pending;
}

bool vcpu_op_has_work(const struct sched_vcpu *s)
{
    const struct fv *f = fv_of(s);
    return __atomic_load_n(&f->changed, __ATOMIC_ACQUIRE) != 0 ||
           (__atomic_load_n(&f->requests, __ATOMIC_ACQUIRE) & ~VCPU_REQ_BLOCK) != 0;
}

void vcpu_op_request(struct sched_vcpu *s, unsigned req)
{
    __atomic_fetch_or(&fv_of(s)->requests, req, __ATOMIC_RELEASE);
}

void vcpu_op_trap_wfi(struct sched_vcpu *s)
{
    (void)s; /* HCR_EL2: nothing on the host */
}

void vcpu_op_clear(struct sched_vcpu *s, unsigned req)
{
    __atomic_fetch_and(&fv_of(s)->requests, ~req, __ATOMIC_ACQ_REL);
}

enum vcpu_loaded vcpu_op_where(const struct sched_vcpu *s)
{
    int on = __atomic_load_n(&fv_of(s)->loaded_on, __ATOMIC_ACQUIRE);
    return on == (int)my_cpu ? VCPU_LOADED_HERE : on >= 0 ? VCPU_LOADED_ELSEWHERE : VCPU_NOT_LOADED;
}

void vcpu_op_for_each(void (*fn)(const struct sched_vcpu *s, void *ctx), void *ctx)
{
    (void)fn, (void)ctx;
}

void vcpu_op_exit_counts(const struct sched_vcpu *s, uint64_t counts[5])
{
    (void)s;
    memset(counts, 0, 5 * sizeof(counts[0]));
}

const char *vcpu_op_vm_name(unsigned vm_id)
{
    (void)vm_id;
    return "fake";
}

/* --- setup -------------------------------------------------------------------- */

static struct vm_config cfg_rr = {.name = "rr", .vcpus = VM_MAX_VCPUS, .pool = 0};
static struct vm_config cfg_fair = {.name = "fair", .vcpus = VM_MAX_VCPUS, .pool = 1};
static struct vm_config cfg_poll = {
    .name = "poll", .vcpus = 1, .pool = 0, .wfi = VM_WFI_POLL, .wfi_poll_us = 1000};
static struct vm_config cfg_rt = {
    .name = "rt", .vcpus = 1, .pool = 1, .rt_budget_us = {2000}, .rt_period_us = {10000}};

void softtimer_cpu_init(void);

static void boot(void)
{
    sched_init();
    for (unsigned c = 0; c < NCPUS; c++) {
        my_cpu = c;
        softtimer_cpu_init();
        sched_cpu_init();
    }
    for (unsigned c = 0; c < NCPUS; c++) {
        my_cpu = c;
        sched_cpu_start();
    }
    my_cpu = 0;
}

static unsigned run_block(struct fv *f)
{
    (void)f;
    advance(100);
    return VCPU_REQ_BLOCK;
}

/* A powered-on vCPU of cfg, its index id, made runnable (woken from CPU 0). */
static void fv_start(struct fv *f, const struct vm_config *cfg, unsigned vm, unsigned id,
                     uint64_t affinity, unsigned (*run)(struct fv *))
{
    memset(f, 0, sizeof(*f));
    f->loaded_on = -1;
    f->on = true;
    f->run = run;
    sched_vcpu_init(&f->s, cfg, vm, id, affinity);
    unsigned me = my_cpu;
    my_cpu = 0;
    sched_wake(&f->s);
    my_cpu = me;
}

/* Runs CPU cpu's queue until it is idle (on the calling thread). */
static void run_cpu(unsigned cpu)
{
    unsigned me = my_cpu;
    my_cpu = cpu;
    sched_run_this_cpu();
    my_cpu = me;
}

static unsigned kicks_total(void)
{
    unsigned n = 0;
    for (unsigned c = 0; c < NCPUS; c++) {
        n += kicks[c];
    }
    return n;
}

/* --- scenarios ------------------------------------------------------------------- */

/* A blocked vCPU woken from another CPU is queued on its CPU, which is kicked exactly once. */
static void test_wake_blocked(void)
{
    static struct fv a;
    fv_start(&a, &cfg_rr, 0, 0, 1U << 1, run_block);
    EXPECT_EQ(a.s.se.cpu, 1);
    EXPECT_EQ(a.s.sstate, VS_RUNNABLE);
    run_cpu(1);
    EXPECT_EQ(a.runs, 1);
    EXPECT_EQ(a.s.sstate, VS_BLOCKED);
    EXPECT_EQ(a.s.stats.blocks, 1);
    EXPECT_EQ(rqs[1].nr_queued, 0);
    memset(kicks, 0, sizeof(kicks));
    sched_wake(&a.s); /* from CPU 0 */
    EXPECT_EQ(a.s.sstate, VS_RUNNABLE);
    EXPECT_EQ(rqs[1].nr_queued, 1);
    EXPECT_EQ(kicks[1], 1);
    EXPECT_EQ(kicks_total(), 1);
    EXPECT_EQ(a.s.stats.wakes, 2); /* its power-on, and this one */
    /* A wake-up of a vCPU running elsewhere only marks it (it may be deciding to block). */
}

/* sched_kick: loaded elsewhere, one IPI and no queue lock; loaded here, nothing. */
static struct fv *kick_target;
static unsigned lock_next_before[NCPUS], lock_next_after[NCPUS], kicks_seen[2];

static unsigned run_kicked(struct fv *f)
{
    if (f->runs > 1) {
        return VCPU_REQ_BLOCK; /* a wake-up seen as pending runs it once more */
    }
    for (unsigned c = 0; c < NCPUS; c++) {
        lock_next_before[c] = scpus[c].lock.next;
    }
    memset(kicks, 0, sizeof(kicks));
    my_cpu = 0; /* another CPU pends an interrupt for f, running on CPU 1 */
    sched_kick(&f->s);
    my_cpu = 1;
    kicks_seen[0] = kicks_total();
    sched_kick(&f->s); /* and CPU 1 itself, where f is loaded */
    kicks_seen[1] = kicks_total();
    for (unsigned c = 0; c < NCPUS; c++) {
        lock_next_after[c] = scpus[c].lock.next;
    }
    advance(100);
    return VCPU_REQ_BLOCK;
}

static void test_kick_loaded(void)
{
    static struct fv a;
    fv_start(&a, &cfg_rr, 0, 0, 1U << 1, run_kicked);
    kick_target = &a;
    run_cpu(1);
    EXPECT_EQ(kicks_seen[0], 1);
    EXPECT_EQ(kicks_seen[1], 1); /* no self-kick */
    EXPECT_EQ(kicks[1], 1);
    for (unsigned c = 0; c < NCPUS; c++) {
        EXPECT_EQ(lock_next_after[c], lock_next_before[c]); /* no queue lock taken */
    }
    EXPECT(!a.s.wake_pending);
    /* Not loaded and blocked: the locked way wakes it and kicks its CPU once. */
    EXPECT_EQ(a.s.sstate, VS_BLOCKED);
    memset(kicks, 0, sizeof(kicks));
    sched_kick(&a.s);
    EXPECT_EQ(a.s.sstate, VS_RUNNABLE);
    EXPECT_EQ(kicks[1], 1);
    EXPECT_EQ(kicks_total(), 1);
}

/* Halting in place: alone it waits until its vGIC changes; a vCPU queued here ends it. */
static struct fv ha, hb;
static bool halt_result[3];
static unsigned halt_step;

static void wfi_sets_changed(unsigned n)
{
    if (n == 3) {
        __atomic_store_n(&ha.changed, 1U, __ATOMIC_RELEASE);
    }
}

static void wfi_wakes_b(unsigned n)
{
    if (n == 2) {
        my_cpu = 0;
        sched_wake(&hb.s);
        my_cpu = 1;
    }
}

static unsigned run_halt(struct fv *f)
{
    advance(100);
    if (f != &ha || halt_step >= 3) {
        return VCPU_REQ_BLOCK;
    }
    unsigned step = halt_step++;
    wfi_calls = 0;
    wfi_hook = step == 1 ? wfi_sets_changed : wfi_wakes_b;
    f->requests = VCPU_REQ_BLOCK;
    halt_result[step] = sched_halt_in_place(&f->s);
    wfi_hook = 0;
    if (step == 1) {
        EXPECT_EQ(wfi_calls, 3);
        EXPECT_EQ(f->requests, 0); /* the request cleared: it re-enters */
        EXPECT_EQ(f->s.sstate, VS_RUNNING);
        f->changed = 0;
    }
    return VCPU_REQ_BLOCK;
}

static void test_halt_in_place(void)
{
    fv_start(&ha, &cfg_rr, 0, 0, 1U << 1, run_halt);
    fv_start(&hb, &cfg_rr, 0, 1, 1U << 1, run_block);
    run_cpu(1); /* a with b queued: no halt (step 0); then b runs and blocks */
    EXPECT(!halt_result[0]);
    EXPECT_EQ(ha.s.stats.blocks, 1);
    EXPECT_EQ(hb.s.sstate, VS_BLOCKED);
    sched_wake(&ha.s);
    run_cpu(1); /* a alone: halts in place until `changed` (step 1) */
    EXPECT(halt_result[1]);
    EXPECT_EQ(ha.runs, 2); /* the halt is no new run */
    sched_wake(&ha.s);
    run_cpu(1); /* a alone again; b is woken onto CPU 1 meanwhile (step 2) */
    EXPECT(!halt_result[2]);
    EXPECT_EQ(wfi_calls, 2);
    EXPECT_EQ(hb.runs, 2);
    EXPECT_EQ(ha.s.sstate, VS_BLOCKED);
    EXPECT_EQ(hb.s.sstate, VS_BLOCKED);
}

/* Tickless: a lone runnable vCPU runs with no slice timer; one waiting beside it arms it. */
static bool armed_seen[4];
static unsigned armed_n;

static unsigned run_note_slice(struct fv *f)
{
    (void)f;
    if (armed_n < 4) {
        armed_seen[armed_n++] = scpus[my_cpu].slice.armed;
    }
    advance(100);
    return VCPU_REQ_BLOCK;
}

static void test_tickless(void)
{
    static struct fv a, b;
    fv_start(&a, &cfg_rr, 0, 0, 1U << 1, run_note_slice);
    run_cpu(1);
    EXPECT_EQ(armed_n, 1);
    EXPECT(!armed_seen[0]);
    EXPECT(!hw_on[1]); /* no timer at all on the idle CPU */
    fv_start(&b, &cfg_rr, 0, 1, 1U << 1, run_note_slice);
    sched_wake(&a.s);
    run_cpu(1);
    EXPECT_EQ(armed_n, 3);
    EXPECT(armed_seen[1]);  /* b ran with a waiting */
    EXPECT(!armed_seen[2]); /* then a alone */
}

/* A real-time vCPU woken beside a fair one on its CPU takes the CPU at once (RESCHED). */
static struct fv rt, fair;
static unsigned order[4], norder;
static unsigned req_after_wake;

static unsigned run_rt_pair(struct fv *f)
{
    if (norder < 4) {
        order[norder++] = f == &rt ? 1U : 2U;
    }
    advance(100);
    if (f == &fair && fair.runs == 1) {
        rt.on = true;
        sched_wake(&rt.s); /* from CPU 2, where fair runs */
        req_after_wake = __atomic_load_n(&fair.requests, __ATOMIC_ACQUIRE);
        return 0;
    }
    return VCPU_REQ_BLOCK;
}

static void test_rt_preempt(void)
{
    fv_start(&fair, &cfg_fair, 0, 0, 1U << 2, run_rt_pair);
    memset(&rt, 0, sizeof(rt));
    rt.loaded_on = -1;
    rt.run = run_rt_pair;
    sched_vcpu_init(&rt.s, &cfg_rt, 1, 0, 1U << 2);
    EXPECT(sched_admit_vm(&cfg_rt));
    memset(kicks, 0, sizeof(kicks));
    run_cpu(2);
    EXPECT_EQ(req_after_wake & VCPU_REQ_RESCHED, VCPU_REQ_RESCHED);
    EXPECT_EQ(norder, 3);
    EXPECT_EQ(order[0], 2);
    EXPECT_EQ(order[1], 1); /* the real-time vCPU ran next */
    EXPECT_EQ(order[2], 2);
    EXPECT_EQ(kicks_total(), 0); /* queued on its own CPU: no IPI */
}

/*
 * Affinity and pools across balance rounds: four CPU threads run vCPUs that
 * run, yield, get preempted and block at random, are woken from any CPU,
 * while each CPU's balancer and slice timers fire. No vCPU ever runs outside
 * its affinity, and the balancer did move vCPUs.
 */
#define NV 10
static struct fv many[NV];
static bool stop;
static _Thread_local unsigned seed;

static unsigned run_random(struct fv *f)
{
    (void)f;
    advance(200 + (unsigned)rand_r(&seed) % 2000);
    irq_dispatch(); /* the exit's interrupt: slice and balance timers */
    sched_irq_exit();
    unsigned r = (unsigned)rand_r(&seed) % 8;
    unsigned v = (unsigned)rand_r(&seed) % NV;
    if (r == 0) {
        sched_wake(&many[v].s);
    }
    return r < 3 ? VCPU_REQ_BLOCK : r < 5 ? VCPU_REQ_YIELD : r == 5 ? VCPU_REQ_RESCHED : 0;
}

static void *cpu_thread(void *arg)
{
    my_cpu = (unsigned)(uintptr_t)arg;
    seed = my_cpu + 1;
    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
        sched_run_this_cpu();
        advance(50);
        irq_dispatch();
        sched_wake(&many[(unsigned)rand_r(&seed) % NV].s);
        sched_yield();
    }
    return 0;
}

static void test_affinity_balance(void)
{
    static const uint64_t aff[NV] = {0x1, 0x2, 0x3, 0x3, 0x3, 0x3, 0x4, 0x8, 0xc, 0xc};
    for (unsigned i = 0; i < NV; i++) {
        bool fair_pool = aff[i] & 0xc;
        fv_start(&many[i], fair_pool ? &cfg_fair : &cfg_rr, fair_pool, i, aff[i], run_random);
    }
    pthread_t t[NCPUS];
    for (unsigned c = 0; c < NCPUS; c++) {
        pthread_create(&t[c], 0, cpu_thread, (void *)(uintptr_t)c);
    }
    unsigned total = 0;
    while (total < 40000) {
        sched_yield();
        total = 0;
        for (unsigned i = 0; i < NV; i++) {
            total += __atomic_load_n(&many[i].runs, __ATOMIC_RELAXED);
        }
    }
    __atomic_store_n(&stop, true, __ATOMIC_RELEASE);
    for (unsigned c = 0; c < NCPUS; c++) {
        pthread_join(t[c], 0);
    }
    uint64_t moved = 0;
    for (unsigned i = 0; i < NV; i++) {
        EXPECT_EQ(many[i].bad_cpu, 0);
        EXPECT(many[i].runs > 0);
        moved += many[i].s.stats.migrations;
    }
    EXPECT(moved > 0);
}

/*
 * VM_WFI_POLL (1 ms, 100 ticks a turn): a vGIC change after 3 turns ends the
 * poll (woken, no block, no WFI); nothing for 10 turns times it out and it
 * halts in place (one block); a vCPU queued here meanwhile ends it at once.
 */
static struct fv pa, pb;
static bool poll_result[3];
static unsigned poll_step, poll_turns[3], poll_wfis[3];

static void pause_sets_changed(unsigned n)
{
    if (n == 3) {
        __atomic_store_n(&pa.changed, 1U, __ATOMIC_RELEASE);
    }
}

static void pause_wakes_b(unsigned n)
{
    if (n == 2) {
        my_cpu = 0;
        sched_wake(&pb.s);
        my_cpu = 1;
    }
}

static void wfi_sets_changed_a(unsigned n)
{
    (void)n;
    __atomic_store_n(&pa.changed, 1U, __ATOMIC_RELEASE);
}

static unsigned run_poll(struct fv *f)
{
    advance(100);
    if (f != &pa || poll_step >= 3) {
        return VCPU_REQ_BLOCK;
    }
    unsigned step = poll_step++;
    pause_calls = wfi_calls = 0;
    pause_hook = step == 0 ? pause_sets_changed : step == 2 ? pause_wakes_b : 0;
    wfi_hook = step == 1 ? wfi_sets_changed_a : 0;
    f->requests = VCPU_REQ_BLOCK;
    poll_result[step] = sched_halt_in_place(&f->s);
    poll_turns[step] = pause_calls;
    poll_wfis[step] = wfi_calls;
    pause_hook = 0;
    wfi_hook = 0;
    f->changed = 0;
    return poll_result[step] ? 0 : VCPU_REQ_BLOCK;
}

static void test_wfi_poll(void)
{
    fv_start(&pb, &cfg_rr, 0, 0, 1U << 1, run_block);
    run_cpu(1); /* b blocks on CPU 1 */
    fv_start(&pa, &cfg_poll, 1, 0, 1U << 1, run_poll);
    run_cpu(1); /* steps 0, 1 and 2, then a blocks, b runs and blocks */
    EXPECT(poll_result[0]);
    EXPECT_EQ(poll_turns[0], 3); /* seen at the top of the turn after the 3rd pause... */
    EXPECT_EQ(poll_wfis[0], 0);  /* ... and never a WFI */
    EXPECT(poll_result[1]);      /* timed out, then halted in place until `changed` */
    EXPECT_EQ(poll_turns[1], 10);
    EXPECT_EQ(poll_wfis[1], 1);
    EXPECT(!poll_result[2]); /* b queued here during the poll: a blocks */
    EXPECT_EQ(poll_turns[2], 2);
    EXPECT_EQ(poll_wfis[2], 0);
    EXPECT_EQ(pa.s.stats.polls_woken, 1);
    EXPECT_EQ(pa.s.stats.polls_timedout, 2);
    EXPECT_EQ(pa.s.stats.blocks, 2); /* the halt of step 1, the block of step 2 */
    EXPECT_EQ(pa.s.sstate, VS_BLOCKED);
    EXPECT_EQ(pb.runs, 2);
}

static const struct {
    const char *name;
    void (*fn)(void);
} scenarios[] = {
    {"wake_blocked", test_wake_blocked},   {"kick_loaded", test_kick_loaded},
    {"halt_in_place", test_halt_in_place}, {"tickless", test_tickless},
    {"rt_preempt", test_rt_preempt},       {"affinity_balance", test_affinity_balance},
    {"wfi_poll", test_wfi_poll},
};

int main(void)
{
    for (unsigned i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            unit_passed = unit_failed = 0; /* the child's own counts */
            alarm(60);                     /* a scenario that hangs fails */
            boot();
            scenarios[i].fn();
            printf("  %s: %u passed, %u failed\n", scenarios[i].name, unit_passed, unit_failed);
            fflush(stdout);
            _exit(unit_failed == 0 && unit_passed > 0 ? 0 : 1);
        }
        int status = -1;
        waitpid(pid, &status, 0);
        EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    return unit_report("sched_core");
}
