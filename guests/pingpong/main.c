/*
 * pingpong: one SGI bounced between two vCPUs on two CPUs, round after round
 * (issue 10, defect 1: a lost kick on a re-pended interrupt).
 *
 * A round: vCPU 0 sends SGI_PING to vCPU 1 and waits in WFI; vCPU 1's
 * handler counts it and answers with SGI_PONG; vCPU 0's handler counts that
 * and the round is over. Two phases, each of ROUNDS rounds:
 *   spin  vCPU 1 spins on a word with IRQs unmasked, so it is running, not
 *         trapped in WFI, when each ping arrives. A hypervisor that still
 *         lists the previous ping (acknowledged and EOI'd inside a list
 *         register, with no exit since) must make the running vCPU exit
 *         anyway; otherwise the ping waits for the vCPU's next exit for some
 *         other reason (the defect: about one balancer period, 50 ms, a round).
 *   wfi   vCPU 1 waits in WFI between pings: the control, its WFI traps, so
 *         it exits after every round whatever the hypervisor does.
 * Checks per phase: every round answered before the phase's virtual-time
 * deadline, each ping handled exactly once and in its own round, exactly as
 * many pings and pongs as pings sent (none extra, none late: counted again
 * after a quiet spell), and in the spin phase every ping taken while
 * spinning. Prints
 *   pingpong: PHASE rounds=R sent=S pings=P pongs=Q total=T per_round=M one_way=O min=A max=B
 * (T, M, O, A, B in CNTVCT ticks: under -icount shift=4 one tick is one
 * instruction, counted over both CPUs; O is ping sent -> ping handler) and,
 * for the spin phase, the bench line "bench: pingpong total=T per_op=M". The
 * system test judges the means (tests/system/irq-pingpong.json).
 *
 * With "pingpong=bench" in /chosen/bootargs (the pingpong-bench VM, or bare
 * QEMU's -append) it runs the spin phase only, BENCH_ROUNDS rounds, for
 * scripts/bench.py. It runs bare on QEMU too (the CPU checks are skipped).
 *
 * Waiting under -icount, where QEMU runs the CPUs one at a time, round robin,
 * and moves on when the running one halts (WFI), yields or has used its
 * 100 ms quantum: vCPU 0 always waits in WFI, so its CPU halts and hands over
 * to vCPU 1's. vCPU 1 spins with YIELD (cpu_relax(), as Linux spins): YIELD
 * never traps to EL2 (unlike WFE with HCR_EL2.TWE), so vCPU 1 stays running
 * in the guest, and QEMU hands the emulated machine to the next CPU at each
 * one, so the pong reaches vCPU 0 at once. A plain ALU spin would keep CPU 1
 * for its whole quantum after every pong: bare QEMU measured 6.2M ticks a
 * round that way (the quantum), against 328 with YIELD.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define SGI_PING       1 /* vCPU 0 -> vCPU 1 */
#define SGI_PONG       2 /* vCPU 1 -> vCPU 0, from the ping handler */
#define SGI_READY      3 /* vCPU 1 -> vCPU 0: it saw a new mode */
#define SGI_WAKE       4 /* vCPU 0 -> vCPU 1: a new mode (ends its WFI) */
#define SGI_PRIO       0x80
#define TEST_ROUNDS    2000
#define BENCH_ROUNDS   65536
/*
 * Virtual time a phase may take. A correct round costs a few thousand ticks
 * (2000 rounds: some 0.15 s; 65,536: some 5 s); the defect costs ~50 ms a
 * round, so the deadline ends a broken run after some 200 rounds (400 for the
 * bench) instead of letting it run for an hour.
 */
#define TEST_PHASE_MS  10000
#define BENCH_PHASE_MS 20000
#define SETUP_MS       2000
#define QUIET_MS       5 /* after a phase: time for an extra or late SGI to show */

enum mode { MODE_NONE, MODE_SPIN, MODE_WFI, MODE_STOP };
enum where { IN_OTHER, IN_SPIN, IN_WFI };

static unsigned mode = MODE_NONE; /* what vCPU 1 does, set by vCPU 0 */
static volatile unsigned where;   /* what vCPU 1 is doing, for its ping handler */
static volatile unsigned pings, pings_spinning, pongs, readies;
static volatile uint64_t t_recv; /* CNTVCT in the last ping handler */
static unsigned vcpu1_cpu_ok;

static void on_ping(unsigned intid)
{
    (void)intid;
    t_recv = read_cntvct();
    if (where == IN_SPIN) {
        pings_spinning = pings_spinning + 1;
    }
    pings = pings + 1;
    gic_send_sgi(SGI_PONG, 0);
}

static void on_pong(unsigned intid)
{
    (void)intid;
    pongs = pongs + 1;
}

static void on_ready(unsigned intid)
{
    (void)intid;
    readies = readies + 1;
}

static void on_wake(unsigned intid)
{
    (void)intid; /* nothing to do: vCPU 1's loop reads the mode next */
}

static void sgi_setup(unsigned sgi, void (*fn)(unsigned))
{
    gic_set_handler(sgi, fn);
    gic_set_priority(sgi, SGI_PRIO);
    gic_enable(sgi);
}

/*
 * vCPU 1: answers pings in the way the mode says, telling vCPU 0 (SGI_READY)
 * each time it takes up a new mode.
 */
static void receiver(unsigned me)
{
    unsigned seen = MODE_NONE;

    (void)me;
    if (gic_cpu_init() != 0) {
        return; /* vCPU 0 never sees it ready and fails "vcpu 1 ready" */
    }
    store_release(&vcpu1_cpu_ok, !guest_on_shrike() || guest_pcpu() == 1);
    sgi_setup(SGI_PING, on_ping);
    sgi_setup(SGI_WAKE, on_wake);
    for (;;) {
        unsigned m = load_acquire(&mode);
        if (m != seen) {
            seen = m;
            where = m == MODE_SPIN ? IN_SPIN : IN_OTHER;
            gic_send_sgi(SGI_READY, 0);
            if (m == MODE_STOP) {
                break;
            }
        }
        if (m == MODE_WFI) {
            /* The standard idle loop: WFI wakes on a pending interrupt even with I set. */
            irq_local_disable();
            where = IN_WFI;
            wfi();
            irq_local_enable(); /* the ping is taken here */
        } else {
            irq_local_enable(); /* running, interruptible: the ping is taken in this loop */
            cpu_relax();        /* YIELD: see the top of the file */
        }
    }
    irq_local_disable();
}

/* vCPU 0: WFI until *count reaches want or the deadline passes (a watchdog ends the WFI). */
static bool wait_for(volatile unsigned *count, unsigned want, uint64_t deadline)
{
    bool ok;

    for (;;) {
        irq_local_disable();
        /* The deadline before the count: a host stall between the two is no timeout. */
        bool late = deadline_passed(deadline);
        ok = *count >= want;
        if (ok || late) {
            break;
        }
        wfi();
        irq_local_enable(); /* the interrupt that woke us is taken here */
    }
    irq_local_enable();
    return ok;
}

/* Tells vCPU 1 to take up mode m and waits until it has. */
static bool set_mode(unsigned m)
{
    unsigned want = readies + 1;
    bool ok;

    store_release(&mode, m);
    gic_send_sgi(SGI_WAKE, 1);
    timer_watchdog_arm(TIMER_VIRT, SETUP_MS + 1);
    ok = wait_for(&readies, want, deadline_after_ms(SETUP_MS));
    timer_watchdog_cancel(TIMER_VIRT);
    return ok;
}

struct phase_result {
    unsigned sent;     /* pings sent */
    unsigned rounds;   /* answered before the deadline */
    unsigned misses;   /* rounds whose ping count after the pong was not the round's */
    uint64_t total;    /* sum of round trips */
    uint64_t one_way;  /* sum of ping sent -> ping handler */
    uint64_t min, max; /* round trips */
};

static struct phase_result ping_pong(unsigned n, uint64_t phase_ms)
{
    struct phase_result r = {.min = UINT64_MAX};
    uint64_t deadline = deadline_after_ms(phase_ms);
    unsigned base_pings = pings, base_pongs = pongs;

    timer_watchdog_arm(TIMER_VIRT, phase_ms + 1);
    for (unsigned i = 0; i < n; i++) {
        uint64_t t0 = read_cntvct();
        gic_send_sgi(SGI_PING, 1);
        r.sent++;
        if (!wait_for(&pongs, base_pongs + i + 1, deadline)) {
            /* Too slow: still let the last round finish, so that the next phase starts clean. */
            timer_watchdog_arm(TIMER_VIRT, SETUP_MS + 1);
            wait_for(&pongs, base_pongs + i + 1, deadline_after_ms(SETUP_MS));
            break;
        }
        uint64_t rt = read_cntvct() - t0;
        r.rounds++;
        r.misses += pings != base_pings + i + 1;
        r.total += rt;
        r.one_way += t_recv - t0;
        r.min = rt < r.min ? rt : r.min;
        r.max = rt > r.max ? rt : r.max;
    }
    timer_watchdog_cancel(TIMER_VIRT);
    return r;
}

/* WFI for ms with nothing expected: an extra or late SGI would be counted meanwhile. */
static void quiet(uint64_t ms)
{
    uint64_t deadline = deadline_after_ms(ms);
    unsigned never = 0;

    timer_watchdog_arm(TIMER_VIRT, ms + 1);
    wait_for(&never, 1, deadline);
    timer_watchdog_cancel(TIMER_VIRT);
}

static void run_phase(const char *name, unsigned m, unsigned n, uint64_t phase_ms)
{
    unsigned p0 = pings, q0 = pongs, s0 = pings_spinning;

    if (!CHECK(set_mode(m), "%s: vcpu 1 took up the mode", name)) {
        return;
    }
    struct phase_result r = ping_pong(n, phase_ms);
    quiet(QUIET_MS);
    unsigned got_pings = pings - p0, got_pongs = pongs - q0;
    uint64_t rounds = r.rounds ? r.rounds : 1;

    printf("pingpong: %s rounds=%u sent=%u pings=%u pongs=%u total=%lu per_round=%lu "
           "one_way=%lu min=%lu max=%lu\n",
           name, r.rounds, r.sent, got_pings, got_pongs, r.total, r.total / rounds,
           r.one_way / rounds, r.rounds ? r.min : 0, r.max);
    if (m == MODE_SPIN) {
        printf("bench: pingpong total=%lu per_op=%lu\n", r.total, r.total / rounds);
    }
    CHECK_EQ(r.rounds, n, "%s: %u rounds answered within %lu ms", name, n, phase_ms);
    CHECK_EQ(r.misses, 0, "%s: each round's ping handled once, in its round", name);
    CHECK_EQ(got_pings, r.sent, "%s: ping handler ran once per ping sent, none extra", name);
    CHECK_EQ(got_pongs, r.sent, "%s: pong handler ran once per ping sent, none extra", name);
    if (m == MODE_SPIN) {
        CHECK_EQ(pings_spinning - s0, got_pings, "%s: every ping found vcpu 1 spinning", name);
    }
}

void guest_main(void)
{
    bool bench = dtb_bootargs_have("pingpong=bench");
    unsigned n = bench ? BENCH_ROUNDS : TEST_ROUNDS;
    uint64_t rounds;
    if (bench && dtb_bootargs_u64("pingpong.rounds", &rounds) && rounds > 0 && rounds < n) {
        n = (unsigned)rounds; /* fewer, for an instruction trace (docs/performance.md) */
    }
    uint64_t phase_ms = bench ? BENCH_PHASE_MS : TEST_PHASE_MS;

    if (!CHECK_EQ(gic_init(), 0, "GIC up")) {
        return;
    }
    if (guest_vcpu_count() < 2) {
        test_skip("1 vCPU", "ping-pong between two vCPUs");
        return;
    }
    sgi_setup(SGI_PONG, on_pong);
    sgi_setup(SGI_READY, on_ready);
    irq_local_enable();

    if (!CHECK_EQ(guest_cpu_on(1, receiver), PSCI_RET_SUCCESS, "CPU_ON(1)")) {
        return;
    }
    if (!CHECK(set_mode(MODE_WFI), "vcpu 1 ready")) {
        return;
    }
    if (guest_on_shrike()) {
        CHECK_EQ(guest_pcpu(), 0, "vcpu 0 runs on CPU 0");
        CHECK(load_acquire(&vcpu1_cpu_ok), "vcpu 1 runs on CPU 1");
    } else {
        test_skip("not on shrike", "vcpus 0 and 1 on CPUs 0 and 1");
    }

    run_phase("spin", MODE_SPIN, n, phase_ms);
    if (!bench) {
        run_phase("wfi", MODE_WFI, n, phase_ms);
    }
    CHECK(set_mode(MODE_STOP), "vcpu 1 stopped");
    CHECK_EQ(gic_unhandled_count(0), 0, "vcpu 0: no unexpected interrupt");
    CHECK_EQ(gic_unhandled_count(1), 0, "vcpu 1: no unexpected interrupt");
}
