/*
 * The scheduler (see sched.h). Each CPU runs vCPUs from its own run queue:
 *
 *   sched_run_this_cpu: pick the next vCPU (policy), run it (vcpu_op_run: load,
 *   enter the guest until a request, put), then act on why it left:
 *     RESCHED / YIELD  back on the queue, tail
 *     BLOCK            off the queue until sched_wake (unless a wake-up raced)
 *     MIGRATE          onto another allowed CPU's queue, which is kicked
 *     STOP / OFF       off; the VM's lifecycle takes over (vcpu/vm.c)
 *   and go idle (WFI) when the queue is empty, after trying to pull work.
 *
 * Preemption: when a vCPU starts running and another one waits, a soft timer
 * is armed for the end of its slice; it sets VCPU_REQ_RESCHED. A CPU with one
 * runnable vCPU and no deadline gets no timer interrupt at all. A vCPU queued
 * on a CPU from elsewhere kicks it (IPI_KICK), and the running vCPU's next
 * exit arms the slice there.
 *
 * Balancing: every CONFIG_BALANCE_PERIOD_US, each CPU checks whether it is
 * the busiest by at least CONFIG_BALANCE_THRESHOLD and pushes one of its
 * queued (not running) vCPUs to the least busy allowed CPU; an idle CPU pulls
 * a queued vCPU from the busiest. A queued vCPU's state is all in memory, so
 * it moves under the two queues' locks. A running vCPU moves only by leaving
 * its CPU itself (VCPU_REQ_MIGRATE): the owner does it.
 *
 * Lock order: a queue lock, then (inside vGIC calls) a vCPU's ap_lock; two
 * queue locks together with spin_lock_both().
 */
#include "sched/sched.h"

#include "config/sched.h"
#include "config/vm_config.h"
#include "kernel/bootargs.h"
#include "kernel/check.h"
#include "kernel/irq.h"
#include "kernel/log.h"
#include "kernel/ratio.h"
#include "kernel/softtimer.h"
#include "kernel/timer.h"
#include "sched/admission.h"
#include "sched/sched_internal.h"
#include "sched/pool.h"
#include "sched/sched_arch.h"
#include "sched/sched_vcpu.h"
#include "sched/trace.h"
#include "smp/ipi.h"

static inline uint64_t us_to_ticks(uint64_t us);

static uint64_t slice_ticks;
static uint64_t balance_ticks;
static uint64_t force_ticks; /* 0: no forced migration */
uint64_t online_mask;
uint64_t boot_time;

struct sched_cpu scpus[CONFIG_MAX_CPUS];
struct runqueue rqs[CONFIG_MAX_CPUS];

/* CPU pools (config/sched.h; default: one round-robin pool of every CPU). */
static const struct sched_pool pools[] = CONFIG_SCHED_POOLS;
#define NPOOLS ((unsigned)(sizeof(pools) / sizeof(pools[0])))

unsigned sched_npools(void)
{
    return NPOOLS;
}

static const struct sched_pool *pool_of_cpu_id(unsigned cpu)
{
    unsigned p = pool_of_cpu(pools, NPOOLS, cpu);
    return &pools[p < NPOOLS ? p : 0];
}

const struct sched_pool *sched_pool_of_cpu(unsigned cpu)
{
    return pool_of_cpu_id(cpu);
}

const struct sched_pool *sched_pool_of_vm(const struct vm_config *c)
{
    return &pools[c->pool < NPOOLS ? c->pool : 0];
}

static const struct sched_pool *pool_of_vcpu(const struct sched_vcpu *v)
{
    return sched_pool_of_vm(v->cfg);
}

/*
 * The policies count in microseconds of the physical counter. The two
 * conversions are exact (kernel/ratio.h: one multiplication and one
 * division, the ratio in lowest terms), set by sched_init() before anything
 * is scheduled; a switch converts once for the charge and the pick, and
 * once more for the vCPU's run time.
 */
static struct unit_ratio ticks_per_us, us_per_tick;

static inline uint64_t ticks_to_us(uint64_t ticks)
{
    return unit_ratio_apply(&us_per_tick, ticks);
}

static struct sched_cpu *this_sc(void)
{
    return &scpus[this_cpu_id()];
}

#define RQ(sc) ((sc)->rq)

static struct sched_vcpu *vcpu_of(struct sched_entity *se)
{
    return list_entry(se, struct sched_vcpu, se);
}

static void set_state(struct sched_vcpu *v, enum vcpu_sched_state s, uint64_t now)
{
    uint64_t spent = now - v->state_since;
    if (v->sstate == VS_RUNNING) {
        v->stats.run_ticks += spent; /* se.run_us follows at the charge, which comes first */
    } else if (v->sstate == VS_RUNNABLE) {
        v->stats.wait_ticks += spent;
    }
    v->sstate = s;
    v->state_since = now;
}

static void kick_cpu(unsigned cpu)
{
    if (cpu != this_cpu_id()) {
        ipi_send(cpu, IPI_KICK);
    }
}

static void queued_beside_curr(struct sched_cpu *sc, uint64_t now);

/*
 * Queues v on cpu's run queue (its lock held); the caller kicks cpu. Queued
 * by this CPU beside the vCPU running here (a vCPU powering on or waking
 * another of this CPU), no kick and maybe no exit follows, so the slice (or
 * a preemption) starts now: the running vCPU kept the CPU for good until a
 * balancer tick happened to exit it.
 */
static void enqueue_locked(struct sched_vcpu *v, unsigned cpu)
{
    uint64_t now = counter_read();
    bool woke = v->sstate == VS_BLOCKED || v->sstate == VS_IDLE; /* the CBS rule applies */
    if (v->sstate == VS_IDLE || v->se.cpu != cpu) {
        v->arrived_at = now; /* powered on, or moved: the migration knob's rest (force_fire) */
    }
    __atomic_store_n(&v->se.cpu, cpu, __ATOMIC_RELEASE);
    set_state(v, VS_RUNNABLE, now);
    pool_enqueue(pool_of_cpu_id(cpu), &rqs[cpu], &v->se, woke, ticks_to_us(now));
    if (cpu == this_cpu_id() && scpus[cpu].curr != 0 && scpus[cpu].curr != v) {
        queued_beside_curr(&scpus[cpu], now);
    }
}

/* --- balancing -------------------------------------------------------------- */

/* The balancer reads every queue: take all their locks, in index order. */
static void lock_all(void)
{
    for (unsigned i = 0; i < cpu_count; i++) {
        spin_lock(&scpus[i].lock);
    }
}

static void unlock_all(void)
{
    for (unsigned i = cpu_count; i-- > 0;) {
        spin_unlock(&scpus[i].lock);
    }
}

/* Moves a queued (not running) vCPU; every queue lock held. */
static void move_queued_locked(const struct migration *m)
{
    struct sched_vcpu *v = vcpu_of(m->se);
    const struct sched_pool *pool = pool_of_cpu_id(m->from);
    pool_remove(pool, &rqs[m->from], &v->se);
    pool_rebase(pool, &rqs[m->from], &rqs[m->to], &v->se);
    enqueue_locked(v, m->to);
    scpus[m->from].migrations_out++;
    scpus[m->to].migrations_in++;
    v->stats.migrations++;
}

/* One balancing decision; moves only what this CPU owns (push) or takes (pull). */
static bool balance_once(bool idle_pull)
{
    struct migration m;
    unsigned me = this_cpu_id();
    lock_all();
    const struct sched_pool *pool = pool_of_cpu_id(me);
    bool found = idle_pull ? pool_balance_pull(pool, rqs, cpu_count, online_mask, me, &m)
                           : pool_balance_find(pool, rqs, cpu_count, online_mask,
                                               CONFIG_BALANCE_THRESHOLD, &m) &&
                                 m.from == me;
    if (found) {
        move_queued_locked(&m);
    }
    unlock_all();
    if (found) {
        struct sched_vcpu *v = vcpu_of(m.se);
        trace_event(me, TRACE_MIGRATE, v->vm_id, v->vcpu_id, m.from);
        kick_cpu(m.to);
    }
    return found;
}

/*
 * Tickless balancing: a CPU's balancer runs only while its pool balances and
 * it has a queued vCPU to give (pool_needs_balance); it is armed again by the
 * CPU itself when a vCPU waits there (arm_balance from pick and the IRQ
 * exit). An idle CPU, or one running a single vCPU, has no balancer timer:
 * the CPUs with work to give push it, and a CPU that goes idle pulls.
 */
static void arm_balance(struct sched_cpu *sc, uint64_t now)
{
    if (force_ticks == 0 && !sc->balance.armed && pool_needs_balance(sc->pool, RQ(sc))) {
        softtimer_arm(&sc->balance, now + balance_ticks);
    }
}

static void balance_fire(struct soft_timer *t, uint64_t now)
{
    if (force_ticks != 0) {
        return; /* the test knob decides placement: no balancing meanwhile */
    }
    balance_once(false);
    struct sched_cpu *sc = list_entry(t, struct sched_cpu, balance);
    spin_lock(&sc->lock);
    arm_balance(sc, now);
    spin_unlock(&sc->lock);
}

static bool pull_work(void)
{
    return force_ticks == 0 && balance_once(true);
}

/* --- timers ------------------------------------------------------------------- */

static void slice_fire(struct soft_timer *t, uint64_t now)
{
    (void)now;
    struct sched_cpu *sc = list_entry(t, struct sched_cpu, slice);
    sc->timer_irqs++;
    if (sc->curr != 0) {
        vcpu_op_request(sc->curr, VCPU_REQ_RESCHED);
    }
}

/*
 * The migration knob: every N ms each CPU moves the vCPU it runs on. The CPUs'
 * knob timers run in step, so a vCPU that has just arrived from a CPU whose
 * timer fired a moment earlier is left alone until its next turn (it came to
 * this CPU less than half a period ago): otherwise it would be sent back
 * within microseconds, before its guest ran, again and again (seen:
 * sched-migrate-tlb moved a vCPU 400 times and its guest saw 4 of those
 * moves). Since its arrival, not since its run began: with several vCPUs
 * queued on one CPU, round robin restarts the running one's run every slice,
 * and a knob period that falls early in every run (10 ms slices, 15 ms
 * period: 0 and 5 ms into them) never moved any, so all four vCPUs of
 * sched-migrate-timer ended up queued on CPU 0 for its last 130 ms while the
 * other CPUs idled (the knob turns balancing off).
 */
static void force_fire(struct soft_timer *t, uint64_t now)
{
    struct sched_cpu *sc = list_entry(t, struct sched_cpu, force);
    if (sc->curr != 0 && now - sc->curr->arrived_at >= force_ticks / 2) {
        vcpu_op_request(sc->curr, VCPU_REQ_MIGRATE);
    }
    softtimer_arm(t, now + force_ticks);
}

/*
 * Arms the end of the running vCPU's slice if its pool needs it and it is not
 * armed yet: round robin when someone waits (a slice from `start`); a fair
 * pool when someone may run or the running vCPU has a budget or a cap (at
 * sc->slice_end, which the pick set: the slice, budget or cap left, or the
 * next replenishment); a dedicated CPU never.
 */
static inline void arm_slice(struct sched_cpu *sc, uint64_t start, uint64_t start_us)
{
    const struct sched_pool *pool = sc->pool;
    if (!sc->slice.armed && pool_needs_slice(pool, RQ(sc), start_us)) {
        softtimer_own_arm(&sc->slice,
                          pool->policy == SCHED_POLICY_FAIR ? sc->slice_end : start + slice_ticks);
    }
}

/* --- wake-ups ------------------------------------------------------------------ */

/* Locks the queue of the CPU that v's se.cpu names, following v if it moves meanwhile. */
static struct sched_cpu *lock_queue_of(struct sched_vcpu *v, unsigned *cpu_out)
{
    for (;;) {
        unsigned cpu = __atomic_load_n(&v->se.cpu, __ATOMIC_ACQUIRE);
        struct sched_cpu *sc = &scpus[cpu];
        spin_lock(&sc->lock);
        if (v->se.cpu == cpu) {
            *cpu_out = cpu;
            return sc;
        }
        spin_unlock(&sc->lock); /* moved meanwhile: follow it */
    }
}

/* v becomes runnable on cpu (its queue's lock held). */
static void wake_locked(struct sched_vcpu *v, unsigned cpu)
{
    v->stats.wakes++;
    enqueue_locked(v, cpu);
    trace_event(this_cpu_id(), TRACE_WAKE, v->vm_id, v->vcpu_id, this_cpu_id());
}

void sched_wake(struct sched_vcpu *v)
{
    uint64_t flags = local_irq_save();
    for (;;) {
        unsigned cpu;
        struct sched_cpu *sc = lock_queue_of(v, &cpu);
        bool kick = true;
        if (v->sstate == VS_IDLE && vcpu_op_on(v)) {
            /* Powered on: place it now, when the queues' loads mean something. */
            unsigned to = pool_place(pool_of_vcpu(v), rqs, cpu_count, online_mask, v->se.affinity);
            if (to < cpu_count && to != cpu) {
                __atomic_store_n(&v->se.cpu, to, __ATOMIC_RELEASE);
                spin_unlock(&sc->lock);
                continue;
            }
            wake_locked(v, cpu);
        } else if (v->sstate == VS_BLOCKED) {
            wake_locked(v, cpu);
        } else if (v->sstate == VS_RUNNING) {
            v->wake_pending = true; /* it may be deciding to block right now */
        } else {
            kick = v->sstate == VS_RUNNABLE;
        }
        spin_unlock(&sc->lock);
        if (kick) {
            kick_cpu(cpu);
        }
        break;
    }
    local_irq_restore(flags);
}

/* sched_kick() of a vCPU that is not loaded: it may be blocked (woken here) or deciding to. */
static void __attribute__((noinline)) kick_unloaded(struct sched_vcpu *v)
{
    uint64_t flags = local_irq_save();
    unsigned cpu;
    struct sched_cpu *sc = lock_queue_of(v, &cpu);
    bool ipi = false;
    if (v->sstate == VS_BLOCKED) {
        wake_locked(v, cpu);
        ipi = true;
    } else if (v->sstate == VS_RUNNING) {
        v->wake_pending = true; /* it may be deciding to block right now */
        ipi = true;
    }
    spin_unlock(&sc->lock);
    if (ipi) {
        kick_cpu(cpu); /* not this CPU: it flushes before re-entering anyway */
    }
    local_irq_restore(flags);
}

void sched_kick(struct sched_vcpu *v)
{
    /*
     * v is loaded here, so this CPU runs its exit path (IRQs masked): its
     * next entry flushes, and a WFI it trapped checks vcpu_op_has_pending()
     * after the queueing that called us. Nothing to do (no self-kick).
     */
    enum vcpu_loaded where = vcpu_op_where(v);
    if (where == VCPU_LOADED_HERE) {
        return;
    }
    /*
     * Loaded on another CPU (running, or halted in place there): the IPI is
     * all it needs, without the queue's lock. Its exit (or its halt loop)
     * looks at the vGIC, where the caller's pend already is. If it is being
     * put meanwhile, after_run() asks vcpu_op_has_pending() before blocking it:
     * the pend set the vGIC's `changed` before this load of `loaded`, and
     * that check reads `changed` after vgic_cpu_set_loaded(false), a fence
     * between (vcpu/vcpu_ops.c). So either the check sees the pend, or this
     * load sees `loaded` false and takes the locked way below, which wakes a
     * blocked vCPU.
     */
    if (where == VCPU_LOADED_ELSEWHERE) {
        kick_cpu(__atomic_load_n(&v->se.cpu, __ATOMIC_ACQUIRE));
        return;
    }
    kick_unloaded(v);
}

/*
 * v asked to block (WFI, or CPU_SUSPEND) and nothing else waits for this CPU:
 * wait here with v still loaded, so that its wake-up costs no put, pick and
 * load. v stays VS_RUNNING and loaded, so a vGIC kick from elsewhere sends
 * IPI_KICK (a sched_wake also sets wake_pending), which ends the WFI; its
 * own timer's PPI and soft timers on this CPU queue its interrupts directly.
 * The wait ends, v to re-enter, on any change in its vGIC (`changed`), a
 * wake-up or another request; it ends with false, v to block for real, when
 * a vCPU is queued here. The time counts as the CPU's idle time and not as
 * v's run time.
 */
/*
 * VM_WFI_POLL: v trapped a WFI with nothing deliverable. Before it blocks
 * (halting in place or in the scheduler, as VM_WFI_TRAP), it polls for up to
 * its VM's wfi_poll_us, without WFI at EL2 (a wake-up then costs no
 * interrupt to end the CPU's WFI), while no other vCPU is queued here. The
 * poll ends at once on what would end the wait: its vGIC changed, a wake-up
 * or another request (true: v re-enters, the request cleared, no block
 * counted), or a vCPU queued here (false: v blocks now). IRQs stay masked:
 * each turn dispatches what is pending here (v's own timer, soft timers,
 * kicks), as the halt's loop does after its WFI. The time counts as v's run
 * time: the CPU waits for v alone.
 */
static bool wfi_poll(struct sched_vcpu *v)
{
    struct sched_cpu *sc = this_sc();
    uint64_t until = counter_read() + us_to_ticks(v->cfg->wfi_poll_us);
    spin_lock(&sc->lock);
    bool alone = RQ(sc)->nr_queued == 0;
    if (alone) {
        /* Wake-ups from before this point are in the vGIC, which the loop asks first. */
        v->wake_pending = false;
    }
    spin_unlock(&sc->lock);
    if (!alone) {
        return false;
    }
    for (;;) {
        if (vcpu_op_has_work(v) || __atomic_load_n(&v->wake_pending, __ATOMIC_ACQUIRE)) {
            v->stats.polls_woken++;
            vcpu_op_clear(v, VCPU_REQ_BLOCK);
            /* The kick (IPI) that came with the wake-up, if here already: no exit for it */
            irq_dispatch();
            return true;
        }
        if (__atomic_load_n(&RQ(sc)->nr_queued, __ATOMIC_ACQUIRE) != 0 || counter_read() >= until) {
            v->stats.polls_timedout++;
            return false;
        }
        irq_dispatch();
        cpu_poll_pause();
    }
}

bool sched_halt_in_place(struct sched_vcpu *v)
{
    struct sched_cpu *sc = this_sc();
    if (v->cfg->wfi == VM_WFI_POLL && wfi_poll(v)) {
        return true;
    }
    if (force_ticks != 0 || v->se.rt_budget_us != 0) {
        /* The migration knob wants every block seen; a server is charged and woken (CBS) */
        return false;
    }
    spin_lock(&sc->lock);
    bool alone = RQ(sc)->nr_queued == 0;
    if (alone) {
        /* Wake-ups from before this point are in the vGIC, which the loop asks first. */
        v->wake_pending = false;
        v->stats.blocks++;
    }
    spin_unlock(&sc->lock);
    if (!alone) {
        return false;
    }
    uint64_t from = counter_read();
    for (;;) {
        /*
         * The WFI's trap found nothing deliverable; since then, only a pend
         * or a change the vGIC queues can make something so, and each sets
         * `changed` (vgic_queue_unlock; cleared only before a flush). So a
         * set `changed` ends the wait without walking the list: the run
         * loop's flush lists what is deliverable. If nothing is (a line was
         * lowered), the guest's WFI completes without an interrupt, which
         * the architecture allows, and its wait loop waits again.
         */
        if (vcpu_op_has_work(v) || __atomic_load_n(&v->wake_pending, __ATOMIC_ACQUIRE)) {
            break;
        }
        if (__atomic_load_n(&RQ(sc)->nr_queued, __ATOMIC_ACQUIRE) != 0) {
            alone = false;
            break;
        }
        wfi(); /* IRQs masked: a pending interrupt ends it, taken just below */
        irq_dispatch();
    }
    uint64_t now = counter_read();
    sc->idle_ticks += now - from;
    if (!alone) {
        return false; /* v->stats.blocks counted it; after_run() blocks it now */
    }
    /*
     * No queue lock: v stays VS_RUNNING and loaded here, so nobody else
     * changes its state or these counters (a kick reads sstate only).
     */
    set_state(v, VS_RUNNING, from); /* its run time up to the WFI ... */
    v->state_since = now;           /* ... and none for the wait */
    v->stats.wakes++;
    vcpu_op_clear(v, VCPU_REQ_BLOCK);
    return true;
}

/*
 * Where a vCPU powered on first goes: the least loaded allowed CPU. A
 * dedicated pool's vCPU owns one CPU of the pool for good (claimed below at
 * VM creation, checked by sched_admit_vm), its affinity narrowed to it.
 */
static void place(struct sched_vcpu *v)
{
    unsigned cpu = pool_place(pool_of_vcpu(v), rqs, cpu_count, online_mask, v->se.affinity);
    CHECK(cpu < cpu_count); /* affinity_ok() and sched_admit_vm() leave a CPU */
    v->se.cpu = cpu;
}

/* --- the per-CPU loop -------------------------------------------------------------- */

/* A real-time vCPU past its server deadline with budget left was not served in time. */
static void __attribute__((noinline)) count_rt_miss_slow(struct sched_entity *se, uint64_t now_us)
{
    if (se->rt_left_us != 0 && now_us > se->rt_deadline && se->rt_missed != se->rt_deadline) {
        se->rt_missed = se->rt_deadline;
        se->rt_misses++;
        struct sched_vcpu *v = vcpu_of(se);
        trace_event(this_cpu_id(), TRACE_RT_MISS, v->vm_id, v->vcpu_id, 0);
    }
}

/* The test that most vCPUs (no budget) stop at, inline at both callers. */
static inline void count_rt_miss(struct sched_entity *se, uint64_t now_us)
{
    if (se->rt_budget_us != 0) {
        count_rt_miss_slow(se, now_us);
    }
}

/*
 * Whether v's WFI may execute in the guest (HCR_EL2.TWI clear) while it runs
 * on this CPU, picked with rq left as it is. On a dedicated CPU, when the VM
 * asked for it (.wfi = VM_WFI_NATIVE) or left the default (VM_WFI_AUTO).
 * Elsewhere, by default, while nothing else is queued here: a trapped WFI
 * would only halt in place (sched_halt_in_place), and the guest's own WFI
 * waits for the same things (any physical interrupt, which IRQ exits here:
 * a kick, its timers, its devices; a virtual interrupt listed in its
 * registers) without the exit and the halt's bookkeeping. The trap comes
 * back as soon as a vCPU is queued here (wfi_trap_again). Not for a vCPU
 * with a real-time budget or a cap (its time in WFI would be charged as run
 * time), nor under the migration knob (it wants every block seen), nor for
 * .wfi = VM_WFI_TRAP. The cost: the statistics count its wait as its run
 * time, not as the CPU's idle time (docs/scheduler.md, "WFI").
 */
static bool wfi_in_guest(const struct sched_pool *pool, const struct sched_vcpu *v,
                         const struct runqueue *rq)
{
    if (pool->policy == SCHED_POLICY_DEDICATED) {
        return v->wfi_own_dedicated;
    }
    return v->wfi_own_alone && rq->nr_queued == 0;
}

/*
 * wfi_in_guest()'s facts that never change once v exists (its VM's WFI
 * policy, budget and cap, the migration knob, which sched_init() read before
 * any VM was made), decided once here, not at every pick.
 */
static void wfi_own_init(struct sched_vcpu *v)
{
    enum vm_wfi w = v->cfg->wfi;
    v->wfi_own_dedicated = w == VM_WFI_NATIVE || w == VM_WFI_AUTO;
    v->wfi_own_alone =
        v->wfi_own_dedicated && force_ticks == 0 && v->se.rt_budget_us == 0 && v->se.cap_pct == 0;
}

/* A vCPU was queued beside curr, which waits in its own WFI: trap its WFI again. */
static void wfi_trap_again(struct sched_cpu *sc)
{
    if (sc->curr->se.wfi_native && sc->pool->policy != SCHED_POLICY_DEDICATED) {
        sc->curr->se.wfi_native = false;
        vcpu_op_trap_wfi(sc->curr);
    }
}

/*
 * Picks the next vCPU to run here, or none (sc->lock held, as after_run() may
 * leave it). now_us is ticks_to_us(now), converted once for the whole switch.
 */
static struct sched_vcpu *pick_locked(struct sched_cpu *sc, uint64_t now, uint64_t now_us)
{
    uint64_t slice;
    const struct sched_pool *pool = sc->pool;
    struct sched_entity *se = pool_pick_next(pool, RQ(sc), now_us, &slice);
    struct sched_vcpu *v = se ? vcpu_of(se) : 0;
    if (v != 0) {
        count_rt_miss(se, now_us);
        set_state(v, VS_RUNNING, now);
        v->wake_pending = false;
        se->wfi_native = wfi_in_guest(pool, v, RQ(sc)); /* read by vcpu_load() */
        RQ(sc)->curr = se;
        sc->curr = v;
        sc->switches++;
        v->stats.switches_in++;
        sc->slice_end = now + us_to_ticks(slice);
        softtimer_own_cancel(&sc->slice);
        arm_slice(sc, now, now_us);
        arm_balance(sc, now);
    } else if (slice != 0) {
        /* Only throttled vCPUs wait (a cap or a budget): idle until the first may run. */
        softtimer_own_arm(&sc->slice, now + us_to_ticks(slice));
    }
    return v;
}

/* The next CPU in v's affinity after this one (round robin), or this one. */
static unsigned next_allowed_cpu(const struct sched_vcpu *v)
{
    unsigned me = this_cpu_id();
    for (unsigned i = 1; i <= cpu_count; i++) {
        unsigned c = (me + i) % cpu_count;
        if ((v->se.affinity >> c) & 1 && (online_mask >> c) & 1) {
            return c;
        }
    }
    return me;
}

static void migrate_out(struct sched_cpu *sc, struct sched_vcpu *v, uint64_t now)
{
    unsigned to = next_allowed_cpu(v);
    struct sched_cpu *tc = &scpus[to];
    spin_lock_both(&sc->lock, &tc->lock);
    set_state(v, VS_RUNNABLE, now);
    if (to != this_cpu_id()) {
        sc->migrations_out++;
        tc->migrations_in++;
        v->stats.migrations++;
    }
    pool_rebase(sc->pool, RQ(sc), &rqs[to], &v->se);
    enqueue_locked(v, to);
    spin_unlock_both(&sc->lock, &tc->lock);
    trace_event(this_cpu_id(), TRACE_MIGRATE, v->vm_id, v->vcpu_id, this_cpu_id());
    kick_cpu(to);
}

/*
 * Charges v's run time since its last charge to its pool's policy: every
 * stint it ran, without the time it halted in place (set_state() keeps that
 * out of run_ticks).
 */
static void charge(struct sched_cpu *sc, struct sched_vcpu *v, uint64_t now, uint64_t now_us)
{
    uint64_t run = v->stats.run_ticks + (v->sstate == VS_RUNNING ? now - v->state_since : 0);
    uint64_t run_us = ticks_to_us(run);
    uint64_t ran = run_us > v->se.charged_us ? run_us - v->se.charged_us : 0;
    v->se.charged_us = run_us;
    v->se.run_us = run_us;
    count_rt_miss(&v->se, now_us);
    uint64_t exhausted = v->se.rt_exhausted;
    pool_charge(sc->pool, RQ(sc), &v->se, now_us, ran);
    if (v->se.rt_exhausted != exhausted) {
        trace_event(this_cpu_id(), TRACE_RT_THROTTLE, v->vm_id, v->vcpu_id, 0);
    }
}

/*
 * v left the guest with these requests; decide where it goes. Returns true
 * with sc->lock still held where the next pick follows at once (v blocked,
 * or went back on this queue), so that the switch takes the queue's lock
 * once, and *out says why it left: the caller traces it with the pick, as
 * one SWITCH record if a vCPU follows. False with it released (v stopped,
 * or left for another CPU), its SWITCH_OUT traced here.
 */
static bool after_run(struct sched_cpu *sc, struct sched_vcpu *v, unsigned why, uint64_t now,
                      uint64_t now_us, enum trace_out *out)
{
    spin_lock(&sc->lock);
    charge(sc, v, now, now_us);
    RQ(sc)->curr = 0;
    sc->curr = 0;
    softtimer_own_cancel(&sc->slice); /* this CPU's own timer (kernel/softtimer.h) */
    if (!vcpu_op_on(v)) {
        set_state(v, VS_IDLE, now);
        spin_unlock(&sc->lock);
        trace_event(this_cpu_id(), TRACE_SWITCH_OUT, v->vm_id, v->vcpu_id, TRACE_OUT_STOP);
        return false;
    }
    if ((why & VCPU_REQ_BLOCK) && !(why & (VCPU_REQ_MIGRATE | VCPU_REQ_RESCHED)) &&
        !v->wake_pending && !vcpu_op_has_pending(v)) {
        set_state(v, VS_BLOCKED, now);
        v->stats.blocks++;
        *out = TRACE_OUT_BLOCK;
        return true;
    }
    if (why & VCPU_REQ_MIGRATE) {
        spin_unlock(&sc->lock);
        trace_event(this_cpu_id(), TRACE_SWITCH_OUT, v->vm_id, v->vcpu_id, TRACE_OUT_MIGRATE);
        migrate_out(sc, v, now);
        return false;
    }
    enqueue_locked(v, this_cpu_id());
    *out = (why & VCPU_REQ_YIELD) ? TRACE_OUT_YIELD : TRACE_OUT_PREEMPT;
    return true;
}

static void idle_begin(struct sched_cpu *sc)
{
    if (sc->idle_since == 0) {
        sc->idle_since = counter_read();
        trace_event(this_cpu_id(), TRACE_IDLE, 0, 0, 0);
    }
}

static void idle_end(struct sched_cpu *sc, uint64_t now)
{
    if (sc->idle_since != 0) {
        /* Idle time counts from the scheduler's start, as the statistics do. */
        uint64_t from = sc->idle_since > boot_time ? sc->idle_since : boot_time;
        sc->idle_ticks += now > from ? now - from : 0;
        sc->idle_since = 0;
    }
}

bool sched_should_yield(void)
{
    return rqs[this_cpu_id()].nr_queued != 0;
}

/*
 * The trace of a switch: prev (if any) left for `out` (its SWITCH_OUT not
 * traced yet, after_run), v (if any) starts. Both: one SWITCH record.
 */
static inline void trace_switch(const struct sched_vcpu *prev, enum trace_out out,
                                const struct sched_vcpu *v)
{
    if (prev != 0 && v != 0) {
        trace_event_switch(this_cpu_id(), prev->vm_id, prev->vcpu_id, out, v->vm_id, v->vcpu_id);
    } else if (prev != 0) {
        trace_event(this_cpu_id(), TRACE_SWITCH_OUT, prev->vm_id, prev->vcpu_id, out);
    } else if (v != 0) {
        trace_event(this_cpu_id(), TRACE_SWITCH_IN, v->vm_id, v->vcpu_id, 0);
    }
}

void sched_run_this_cpu(void)
{
    struct sched_cpu *sc = this_sc();
    /* The vCPU that just left with the queue still locked (after_run): pick at its time. */
    struct sched_vcpu *prev = 0;
    enum trace_out out = TRACE_OUT_PREEMPT; /* why prev left: traced with the pick */
    uint64_t now = 0, now_us = 0;
    for (;;) {
        if (prev == 0) {
            now = counter_read();
            now_us = ticks_to_us(now);
            spin_lock(&sc->lock);
        }
        struct sched_vcpu *v = pick_locked(sc, now, now_us);
        spin_unlock(&sc->lock);
        trace_switch(prev, out, v);
        prev = 0;
        if (v == 0 && pull_work()) {
            continue;
        }
        if (v == 0) {
            idle_begin(sc);
            sc->last_exit = 0; /* an idle gap is not a switch */
            return;
        }
        idle_end(sc, now);
        unsigned why = vcpu_op_run(v);
        sc->last_exit = v->left_at;
        now = counter_read();
        now_us = ticks_to_us(now); /* once for the charge and the pick */
        if (after_run(sc, v, why, now, now_us, &out)) {
            prev = v;
        }
    }
}

void sched_account_switch(struct sched_vcpu *v, bool moved)
{
    struct sched_cpu *sc = this_sc();
    uint64_t now = counter_read();
    if (moved && v->left_at != 0) {
        /* A migration: from its own exit on the old CPU to its entry here. */
        sc->switch_ticks[1] += now - v->left_at;
        sc->switch_count[1]++;
    } else if (!moved && sc->last_exit != 0) {
        /* A switch: from the previous vCPU's exit here to this one's entry. */
        sc->switch_ticks[0] += now - sc->last_exit;
        sc->switch_count[0]++;
    }
}

/* Called by the run loop after an IRQ exit: a vCPU queued here meanwhile starts the slice. */
static void __attribute__((noinline)) irq_exit_queued(unsigned cpu)
{
    struct sched_cpu *sc = &scpus[cpu];
    if (sc->curr != 0 &&
        (!sc->slice.armed || sc->pool->policy == SCHED_POLICY_FAIR || sc->curr->se.wfi_native)) {
        uint64_t now = counter_read();
        spin_lock(&sc->lock);
        queued_beside_curr(sc, now);
        spin_unlock(&sc->lock);
    }
}

void sched_irq_exit(void)
{
    /* Nothing queued here, the usual case on every IRQ exit: one test, no frame. */
    unsigned cpu = this_cpu_id();
    if (__atomic_load_n(&rqs[cpu].nr_queued, __ATOMIC_RELAXED) != 0) {
        irq_exit_queued(cpu);
    }
}

/* A vCPU waits beside the running one (this CPU's queue lock held): preempt, or arm the slice. */
static void queued_beside_curr(struct sched_cpu *sc, uint64_t now)
{
    if (sc->curr == 0) {
        return;
    }
    wfi_trap_again(sc);
    uint64_t now_us = ticks_to_us(now);
    if (pool_preempt_now(sc->pool, RQ(sc), now_us)) {
        /* A real-time vCPU with an earlier deadline is ready: it runs now. */
        vcpu_op_request(sc->curr, VCPU_REQ_RESCHED);
    } else {
        arm_slice(sc, now, now_us);
    }
    arm_balance(sc, now);
}

/* --- setup --------------------------------------------------------------------------- */

static inline uint64_t us_to_ticks(uint64_t us)
{
    return unit_ratio_apply(&ticks_per_us, us);
}

const char *sched_policy_name(enum sched_policy p)
{
    switch (p) {
    case SCHED_POLICY_FAIR:
        return "weighted fair";
    case SCHED_POLICY_DEDICATED:
        return "dedicated";
    case SCHED_POLICY_RR:
    default:
        return "round robin";
    }
}

void sched_init(void)
{
    char buf[16];
    us_per_tick = unit_ratio_make(timer_freq(), 1000000U);
    ticks_per_us = unit_ratio_make(1000000U, timer_freq());
    slice_ticks = us_to_ticks(CONFIG_SLICE_US);
    balance_ticks = us_to_ticks(CONFIG_BALANCE_PERIOD_US);
    if (bootargs_has("trace=off")) {
        trace_set_enabled(false); /* before any vCPU runs (idle CPUs may have recorded) */
        log_info("scheduling trace off (trace=off)");
    }
    if (bootargs_get("sched.migrate_ms", buf, sizeof(buf))) {
        uint64_t ms = 0;
        for (const char *p = buf; *p >= '0' && *p <= '9'; p++) {
            ms = ms * 10 + (uint64_t)(*p - '0');
        }
        force_ticks = us_to_ticks(ms * 1000);
        log_info("test knob: every running vCPU migrates every %lu ms (no balancing)", ms);
    }
    unsigned bad_cpu;
    if (!pools_valid(pools, NPOOLS, present_cpus(), &bad_cpu)) {
        panic("CONFIG_SCHED_POOLS: CPU %u is in no pool or in two, or a pool is empty", bad_cpu);
    }
    boot_time = counter_read();
    for (unsigned p = 0; NPOOLS > 1 && p < NPOOLS; p++) {
        log_info("scheduler: pool %u %s: CPUs %#lx, %s", p, pools[p].name,
                 pools[p].cpus & present_cpus(), sched_policy_name(pools[p].policy));
    }
    log_info("scheduler: %s, slice %u us, balance every %u us (threshold %u), %s",
             NPOOLS > 1 ? "pools" : sched_policy_name(pools[0].policy), CONFIG_SLICE_US,
             CONFIG_BALANCE_PERIOD_US, CONFIG_BALANCE_THRESHOLD,
             CONFIG_VTIME_STOPS ? "virtual time stops while descheduled (1-vCPU VMs)"
                                : "virtual time follows physical time");
}

void sched_cpu_init(void)
{
    struct sched_cpu *sc = this_sc();
    sc->rq = &rqs[this_cpu_id()]; /* RQ(sc) is used only on sc's own CPU, after this */
    rq_init(RQ(sc));
    sc->pool = pool_of_cpu_id(this_cpu_id());
    sc->slice.fn = slice_fire;
    softtimer_own_init(&sc->slice);
    sc->balance.fn = balance_fire;
    sc->force.fn = force_fire;
    __atomic_fetch_or(&online_mask, 1ULL << this_cpu_id(), __ATOMIC_RELEASE);
}

/* Starts this CPU's periodic work once VMs exist. */
void sched_cpu_start(void)
{
    struct sched_cpu *sc = this_sc();
    uint64_t now = counter_read();
    sc->el2_irqs_at_start = timer_irq_count(this_cpu_id());
    /* No balancer yet: arm_balance() starts it once a vCPU waits here (tickless). */
    if (force_ticks != 0) {
        softtimer_arm(&sc->force, now + force_ticks);
    }
}

void sched_vcpu_init(struct sched_vcpu *v, const struct vm_config *cfg, unsigned vm_id,
                     unsigned vcpu_id, uint64_t affinity)
{
    v->cfg = cfg;
    v->vm_id = vm_id;
    v->vcpu_id = vcpu_id;
    if (v->vcpu_id == 0) {
        sched_admit_commit(v->cfg); /* vm_create can no longer fail */
    }
    if (pool_of_vcpu(v)->policy == SCHED_POLICY_DEDICATED) {
        affinity = sched_dedicated_affinity(v, affinity);
    }
    v->se.affinity = affinity & online_mask;
    v->se.id = (v->vm_id << 8) | v->vcpu_id;
    /* The VM's share, cap and budget (config/vm_config.h); used by a fair pool only. */
    v->se.weight = v->cfg->weight;
    v->se.cap_pct = v->cfg->cap_pct;
    v->se.rt_budget_us = v->vcpu_id < VM_MAX_VCPUS ? v->cfg->rt_budget_us[v->vcpu_id] : 0;
    v->se.rt_period_us = v->vcpu_id < VM_MAX_VCPUS ? v->cfg->rt_period_us[v->vcpu_id] : 0;
    wfi_own_init(v);
    v->sstate = VS_IDLE;
    v->state_since = counter_read();
    place(v);
}
