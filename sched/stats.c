/*
 * Scheduler statistics and the trace dump on the console. Statistics print
 * on Ctrl-T and when the machine powers off; the trace at power-off when
 * shrike runs with trace=dump (docs/scheduler.md says how to read both).
 */
#include "config/sched.h"
#include "config/vm_config.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/timer.h"
#include "sched/sched.h"
#include "sched/sched_internal.h"
#include "sched/trace.h"
#include "sched/sched_vcpu.h"
#include "smp/ipi.h"

static uint64_t ticks_to_ms(uint64_t ticks)
{
    return ticks * 1000 / timer_freq();
}

static void print_cpus(uint64_t now)
{
    uint64_t up = now - boot_time;
    uint64_t switches = 0;
    kprintf_locked("shrike: sched: per CPU (%lu ms since the scheduler started)\n",
                   ticks_to_ms(up));
    for (unsigned i = 0; i < cpu_count; i++) {
        const struct sched_cpu *sc = &scpus[i];
        uint64_t since = sc->idle_since > boot_time ? sc->idle_since : boot_time;
        uint64_t idle = sc->idle_ticks + (sc->idle_since ? now - since : 0);
        uint64_t el2 = timer_irq_count(i);
        kprintf_locked("shrike: sched: CPU %u switches=%lu migrations_in=%lu migrations_out=%lu "
                       "idle=%lu%% timer_irqs=%lu queued=%u kicks=%lu/%lu pool=%s "
                       "el2_timer_irqs_since_start=%lu el2_timer_irqs=%lu\n",
                       i, sc->switches, sc->migrations_in, sc->migrations_out,
                       up ? idle * 100 / up : 0, sc->timer_irqs, rqs[i].nr_queued,
                       ipi_kicks_sent(i), ipi_kicks_taken(i), sc->pool ? sc->pool->name : "?",
                       el2 - sc->el2_irqs_at_start, el2);
        switches += sc->switches;
    }
    /* The mean is what the slice sets; how QEMU's round-robin turns fall moves single CPUs'. */
    kprintf_locked("shrike: sched: all CPUs switches=%lu mean=%lu\n", switches,
                   cpu_count ? switches / cpu_count : 0);
}

static uint64_t avg(uint64_t sum, uint64_t n)
{
    return n ? sum / n : 0;
}

static void print_switch_cost(void)
{
    uint64_t t[2] = {0, 0}, n[2] = {0, 0};
    for (unsigned i = 0; i < cpu_count; i++) {
        for (unsigned m = 0; m < 2; m++) {
            t[m] += scpus[i].switch_ticks[m];
            n[m] += scpus[i].switch_count[m];
        }
    }
    kprintf_locked("shrike: sched: switch cost in counter ticks: same-cpu avg=%lu n=%lu "
                   "(a vCPU's exit to the next one's entry) migrated avg=%lu n=%lu (a vCPU's exit "
                   "to its own entry on another CPU)\n",
                   avg(t[0], n[0]), n[0], avg(t[1], n[1]), n[1]);
}

/*
 * The vCPU's scheduling parameters and real-time record, one line after its
 * statistics: its pool (and policy), weight, cap, budget every period, the
 * server deadlines it passed with budget left (rt_misses: not served in
 * time) and the times its budget ran out (rt_exhausted: overruns); for
 * .wfi = VM_WFI_POLL, the WFIs whose poll ended in a wake-up and those that
 * blocked after it (timed out, or gave way to a vCPU queued on the CPU).
 */
static void print_vcpu_sched(const struct sched_vcpu *v)
{
    const struct sched_pool *pool = sched_pool_of_vm(v->cfg);
    const struct sched_entity *se = &v->se;
    kprintf_locked("shrike: sched: %s:%u pool=%s policy=%s weight=%u cap=%u%% rt=%lu/%luus "
                   "rt_misses=%lu rt_exhausted=%lu polls_woken=%lu polls_timedout=%lu\n",
                   v->cfg->name, v->vcpu_id, pool->name, sched_policy_name(pool->policy),
                   se->weight != 0 ? se->weight : SCHED_WEIGHT_DEFAULT, se->cap_pct,
                   se->rt_budget_us, se->rt_period_us, se->rt_misses, se->rt_exhausted,
                   v->stats.polls_woken, v->stats.polls_timedout);
}

/*
 * run and wait include the current stint: set_state() adds a state's time
 * only when it ends, so a vCPU running (or waiting) when the statistics print
 * would otherwise show nothing of it (a lone CPU-bound vCPU printed run=0ms).
 * Read without the queue lock: a stint that ends meanwhile is counted once
 * either way, give or take the instant.
 */
static void print_vcpu(const struct sched_vcpu *v, void *ctx)
{
    uint64_t now = *(const uint64_t *)ctx;
    const struct sched_vcpu_stats *st = &v->stats;
    uint64_t exits[5];
    vcpu_op_exit_counts(v, exits);
    enum vcpu_sched_state s = __atomic_load_n(&v->sstate, __ATOMIC_RELAXED);
    uint64_t since = __atomic_load_n(&v->state_since, __ATOMIC_RELAXED);
    uint64_t current = now > since ? now - since : 0;
    uint64_t run = st->run_ticks + (s == VS_RUNNING ? current : 0);
    uint64_t wait = st->wait_ticks + (s == VS_RUNNABLE ? current : 0);
    kprintf_locked("shrike: sched: %s:%u run=%lums wait=%lums switches=%lu blocks=%lu "
                   "migrations=%lu exits=%lu (hvc %lu, sysreg %lu, dabt %lu, wfx %lu) cpu=%u\n",
                   v->cfg->name, v->vcpu_id, ticks_to_ms(run), ticks_to_ms(wait), st->switches_in,
                   st->blocks, st->migrations, exits[0], exits[1], exits[2], exits[3], exits[4],
                   v->se.cpu);
    print_vcpu_sched(v);
}

void sched_print_stats(void)
{
    uint64_t now = counter_read();
    console_lock();
    print_cpus(now);
    print_switch_cost();
    vcpu_op_for_each(print_vcpu, &now);
    console_unlock();
}

static void emit_line(const char *line, void *ctx)
{
    (void)ctx;
    kprintf_locked("shrike-trace: %s\n", line);
}

void sched_dump_trace(void)
{
    console_lock();
    kprintf_locked("shrike: trace begin\n");
    trace_dump(cpu_count, timer_freq(), vcpu_op_vm_name, emit_line, 0);
    kprintf_locked("shrike: trace end\n");
    console_unlock();
}
