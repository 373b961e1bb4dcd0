/*
 * Boot self-checks: every CPU online, cross-CPU calls, an IPI ping from every
 * CPU to every other one with every reply counted, and the EL2 timer tick on
 * every CPU counted over a fixed window. Each check prints one line; the last
 * line is "shrike: N passed, N failed", which the system test matches.
 */
#include "kernel/selftest.h"

#include "config/sched.h"
#include "kernel/check.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/irq.h"
#include "kernel/lib.h"
#include "kernel/log.h"
#include "kernel/timer.h"
#include "sched/tick.h"
#include "smp/call.h"
#include "smp/ipi.h"
#include "smp/smp.h"

static unsigned passed;
static unsigned failed;

static void check(bool ok, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
    }
    kprintf("shrike: check %s: %s\n", what, ok ? "ok" : "FAILED");
}

/*
 * A give-up bound for the waits below: they end as soon as cond() holds. Under
 * QEMU without -icount the counter is the host's time, and a loaded host can
 * stall a CPU's thread for seconds, so it is generous.
 */
#define SELFTEST_GIVE_UP_MS 10000

/* Sleeps with interrupts enabled until cond() holds or the timeout passes. */
static bool wait_until(bool (*cond)(void), uint64_t timeout_ms)
{
    uint64_t deadline = timer_now() + timer_ms_to_ticks(timer_freq(), timeout_ms);
    while (!cond()) {
        if (timer_now() > deadline) {
            return false;
        }
        wfe();
    }
    return true;
}

/* --- cross-CPU calls ---------------------------------------------------- */

static void record_cpu(void *arg)
{
    *(volatile unsigned *)arg = this_cpu_id() + 100;
}

static void check_calls(void)
{
    bool ok = true;
    for (unsigned i = 0; i < cpu_count; i++) {
        volatile unsigned out = 0;
        smp_call(i, record_cpu, (void *)&out, true);
        ok = ok && out == i + 100;
    }
    check(ok, "cross-CPU calls return on every CPU");
}

/* --- IPI ping ------------------------------------------------------------ */

static void on_ping(unsigned intid, void *ctx)
{
    (void)intid;
    (void)ctx;
    unsigned me = this_cpu_id();
    uint32_t from = __atomic_exchange_n(&this_cpu()->ping_from, 0, __ATOMIC_ACQ_REL);
    for (unsigned s = 0; s < cpu_count; s++) {
        if (from & (1U << s)) {
            __atomic_fetch_or(&cpus[s].pong_from, 1U << me, __ATOMIC_RELEASE);
            ipi_send(s, IPI_PONG);
        }
    }
}

static void on_pong(unsigned intid, void *ctx)
{
    (void)intid;
    (void)ctx;
    uint32_t from = __atomic_exchange_n(&this_cpu()->pong_from, 0, __ATOMIC_ACQ_REL);
    __atomic_fetch_add(&this_cpu()->pongs, (uint32_t)__builtin_popcount(from), __ATOMIC_RELEASE);
    sev();
}

static void ping_others(void *arg)
{
    (void)arg;
    unsigned me = this_cpu_id();
    for (unsigned j = 0; j < cpu_count; j++) {
        if (j != me && cpus[j].online) {
            __atomic_fetch_or(&cpus[j].ping_from, 1U << me, __ATOMIC_RELEASE);
            ipi_send(j, IPI_PING);
        }
    }
}

static unsigned total_pongs(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < cpu_count; i++) {
        n += __atomic_load_n(&cpus[i].pongs, __ATOMIC_ACQUIRE);
    }
    return n;
}

static bool all_pongs(void)
{
    return total_pongs() >= cpu_count * (cpu_count - 1);
}

static void check_ping(void)
{
    CHECK(irq_register(IPI_PING, on_ping, 0));
    CHECK(irq_register(IPI_PONG, on_pong, 0));
    for (unsigned i = 0; i < cpu_count; i++) {
        smp_call(i, ping_others, 0, false);
    }
    wait_until(all_pongs, SELFTEST_GIVE_UP_MS);
    unsigned expected = cpu_count * (cpu_count - 1);
    for (unsigned i = 0; i < cpu_count; i++) {
        kprintf("shrike: ipi: CPU %u got %u replies\n", i, cpus[i].pongs);
    }
    kprintf("shrike: ipi: %u/%u pings answered\n", total_pongs(), expected);
    check(total_pongs() == expected, "every CPU pinged every other CPU, all replies counted");
}

/* --- EL2 timer tick ------------------------------------------------------- */

static uint64_t tick_window;

static void start_window(void *arg)
{
    (void)arg;
    tick_start(tick_window);
}

static bool ticks_done(void)
{
    for (unsigned i = 0; i < cpu_count; i++) {
        const struct tick_stats *s = tick_stats(i);
        if (s->period == 0 || s->deadline <= s->stop_at) {
            return false;
        }
    }
    return true;
}

static void check_ticks(void)
{
    uint64_t freq = timer_freq();
    uint64_t expected = (uint64_t)CONFIG_TICK_SELFTEST_MS * CONFIG_TICK_HZ / 1000;
    tick_window = timer_ms_to_ticks(freq, CONFIG_TICK_SELFTEST_MS);
    for (unsigned i = 0; i < cpu_count; i++) {
        smp_call(i, start_window, 0, false);
    }
    bool done = wait_until(ticks_done, 2 * CONFIG_TICK_SELFTEST_MS + SELFTEST_GIVE_UP_MS);
    bool ok = done;
    for (unsigned i = 0; i < cpu_count; i++) {
        const struct tick_stats *s = tick_stats(i);
        kprintf("shrike: tick: CPU %u ticks=%lu early=%lu period=%lu max_late=%lu "
                "(%u Hz over %u ms, CNTFRQ %lu)\n",
                i, s->ticks, s->early, s->period, s->max_late, CONFIG_TICK_HZ,
                CONFIG_TICK_SELFTEST_MS, freq);
        ok = ok && s->ticks == expected && s->early == 0 && s->period == freq / CONFIG_TICK_HZ;
    }
    check(ok, "EL2 timer ticks on every CPU at the configured rate");
}

void selftest_boot(unsigned dtb_cpus)
{
    unsigned online = smp_online_count();
    kprintf("shrike: %u of %u CPUs online\n", online, dtb_cpus);
    check(online == dtb_cpus || (dtb_cpus > CONFIG_MAX_CPUS && online == CONFIG_MAX_CPUS),
          "every CPU in the host DTB is online");
    check_calls();
    check_ping();
    check_ticks();
    kprintf("shrike: %u passed, %u failed\n", passed, failed);
}

/* --- fault injection -------------------------------------------------------- */

#define UNMAPPED_ADDRESS 0x0DEAD000UL

static void touch_unmapped(void *arg)
{
    (void)arg;
    log_info("self-test: reading unmapped address %#lx at EL2", UNMAPPED_ADDRESS);
    (void)*(volatile uint32_t *)UNMAPPED_ADDRESS;
}

static unsigned recurse(unsigned depth)
{
    volatile char pad[512];
    pad[0] = (char)depth;
    if (depth > 100000) {
        return 0;
    }
    return recurse(depth + 1) + (unsigned)pad[0];
}

static void overflow_stack(void *arg)
{
    (void)arg;
    log_info("self-test: overflowing the EL2 stack");
    (void)recurse(0);
}

void selftest_fault(const char *kind)
{
    unsigned target = cpu_count - 1;
    if (strcmp(kind, "el2-fault") == 0) {
        smp_call(target, touch_unmapped, 0, false);
    } else if (strcmp(kind, "stack-overflow") == 0) {
        smp_call(target, overflow_stack, 0, false);
    }
}
