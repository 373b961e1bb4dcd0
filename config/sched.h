/*
 * Scheduler knobs. Each is documented beside its default; docs/scheduler.md
 * and docs/configuration.md explain them. Rebuild after a change; a build
 * may also override any of them with -D (the test suite builds a second
 * shrike with another time slice that way).
 */
#ifndef SHRIKE_CONFIG_SCHED_H
#define SHRIKE_CONFIG_SCHED_H

/*
 * Rate of the periodic EL2 tick on every CPU, in Hz: statistics sampling and
 * the boot self-test. Preemption does not need it (see CONFIG_SLICE_US).
 */
#ifndef CONFIG_TICK_HZ
#define CONFIG_TICK_HZ 100
#endif

/* Length of the boot-time tick measurement window, in milliseconds. */
#ifndef CONFIG_TICK_SELFTEST_MS
#define CONFIG_TICK_SELFTEST_MS 300
#endif

/*
 * Round-robin time slice, in microseconds: how long a vCPU runs before the
 * next runnable vCPU on its CPU gets the CPU. The EL2 timer is armed for the
 * end of the slice only while another vCPU is waiting.
 */
#ifndef CONFIG_SLICE_US
#define CONFIG_SLICE_US 10000
#endif

/*
 * Window over which a weighted-fair vCPU's cap (vm_config .cap_pct) holds, in
 * microseconds: a vCPU capped at N% runs at most N% of every window.
 */
#ifndef CONFIG_CAP_WINDOW_US
#define CONFIG_CAP_WINDOW_US 100000
#endif

/*
 * How often a CPU's load balancer runs, in microseconds, while the CPU has a
 * queued vCPU to give (tickless: an idle CPU, or one running a single vCPU,
 * has no balancer timer; a dedicated pool never balances).
 */
#ifndef CONFIG_BALANCE_PERIOD_US
#define CONFIG_BALANCE_PERIOD_US 50000
#endif

/*
 * Imbalance that makes the balancer move a vCPU: the busiest CPU has at least
 * this many more runnable vCPUs than the least busy one (counting the running
 * one). 1 rotates the extra vCPUs when they do not divide evenly (10 on 4
 * CPUs), so that each gets the same share over time; 2 keeps them in place
 * (fewer migrations, unequal shares).
 */
#ifndef CONFIG_BALANCE_THRESHOLD
#define CONFIG_BALANCE_THRESHOLD 1
#endif

/*
 * Virtual-time policy: 0 = virtual time follows physical time (CNTVOFF_EL2 =
 * 0; required for multi-vCPU VMs and the default); 1 = a single-vCPU VM's
 * virtual time stops while its vCPU waits for a CPU (CNTVOFF = its time spent
 * runnable but not running) and runs while it runs or blocks in WFI
 * (multi-vCPU VMs still use 0). 1 needs a non-zero offset, and on
 * QEMU 7.2 a guest then freezes the whole machine with a CVAL near 2^64
 * (QEMU wraps CVAL + CNTVOFF): trusted guests only (docs/interrupts.md).
 */
#ifndef CONFIG_VTIME_STOPS
#define CONFIG_VTIME_STOPS 0
#endif

/*
 * CPU pools (sched/pool.h): { name, CPU mask, policy } each, every CPU in
 * exactly one. Policies: SCHED_POLICY_RR (round robin), SCHED_POLICY_FAIR
 * (weights, caps and real-time budgets), SCHED_POLICY_DEDICATED (one vCPU
 * per CPU, no slice timer, no balancing). A VM names its pool by index
 * (vm_config .pool). The default, one round-robin pool of every CPU, is the
 * scheduler without pools.
 */
#ifndef CONFIG_SCHED_POOLS
#define CONFIG_SCHED_POOLS                   \
    {                                        \
        {"default", ~0ULL, SCHED_POLICY_RR}, \
    }
#endif

/* Scheduling events each CPU's trace ring keeps (oldest overwritten). */
#ifndef CONFIG_TRACE_EVENTS
#define CONFIG_TRACE_EVENTS 4096
#endif

#endif
