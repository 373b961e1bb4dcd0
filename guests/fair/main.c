/*
 * fair: CPU time shared fairly among the vCPUs of one VM (8 under shrike, more
 * vCPUs than CPUs). vCPU 0 starts the others and waits until all are ready,
 * then publishes a common end, CNTVCT start + 6000 ms; every vCPU, vCPU 0
 * included, counts iterations of a tight loop of a few ALU ops (no traps, no
 * WFI) until CNTVCT reaches it and stores its count. vCPU 0 then waits in WFI
 * (a virtual-timer watchdog wakes it to look) until all counts are in, prints
 * them, their mean, min and max and the spread (the largest distance from the
 * mean, in percent of it), and checks the spread is at most 20%. Under
 * -icount that is as close as guest progress gets: QEMU runs its emulated
 * CPUs in turns sized by the next timer deadline of any CPU, so the
 * instructions a vCPU retires per unit of its own run time vary with the
 * CPUs it ran on (run time shared within 2%, iterations spread 6.8% to 13%
 * across builds that change nothing in the scheduler). The scheduler's own
 * shares are judged by system.sched-fairness from its statistics.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define RUN_MS              6000U
#define READY_TIMEOUT_MS    3000 /* for every vCPU to come up */
#define DONE_TIMEOUT_MS     3000 /* after the end, for every count to be stored */
#define POLL_MS             10   /* vCPU 0's watchdog while it waits for the counts */
#define CHUNK               256  /* iterations between two counter reads */
#define MAX_SPREAD_PERMILLE 200U /* 20.0% */

static unsigned nr_vcpus;
static unsigned ready;
static uint64_t end_count; /* CNTVCT at which counting stops; 0 until published */
static uint64_t iterations[GUEST_MAX_VCPUS];
static unsigned done[GUEST_MAX_VCPUS];
static volatile uint64_t sink;

/* The work: a few ALU ops per iteration, CNTVCT checked every CHUNK iterations. */
__attribute__((noinline)) static uint64_t count_until(uint64_t end)
{
    uint64_t n = 0;
    uint64_t x = 1;

    do {
        for (unsigned i = 0; i < CHUNK; i++) {
            x = (x << 7 | x >> 57) + 0x9E3779B97F4A7C15ULL;
            x ^= x >> 11;
            __asm__ __volatile__("" : "+r"(x)); /* keep every iteration */
        }
        n += CHUNK;
    } while (read_cntvct() < end);
    sink = x;
    return n;
}

static void counter(unsigned idx)
{
    uint64_t end;

    __atomic_fetch_add(&ready, 1, __ATOMIC_ACQ_REL);
    while ((end = __atomic_load_n(&end_count, __ATOMIC_ACQUIRE)) == 0) {
        cpu_relax();
    }
    __atomic_store_n(&iterations[idx], count_until(end), __ATOMIC_RELAXED);
    store_release(&done[idx], 1);
}

static bool all_done(void)
{
    for (unsigned i = 0; i < nr_vcpus; i++) {
        if (!load_acquire(&done[i])) {
            return false;
        }
    }
    return true;
}

/* WFI until every vCPU stored its count, woken every POLL_MS by the watchdog. */
static bool wait_all_done(uint64_t deadline)
{
    bool all;

    irq_local_disable();
    for (;;) {
        /* The deadline before the look: a host stall between the two is no timeout. */
        bool late = deadline_passed(deadline);
        all = all_done();
        if (all || late) {
            break;
        }
        timer_watchdog_arm(TIMER_VIRT, POLL_MS);
        wfi();
        irq_local_enable(); /* the watchdog's interrupt is taken here */
        irq_local_disable();
    }
    timer_watchdog_cancel(TIMER_VIRT);
    return all;
}

static void report(void)
{
    uint64_t sum = 0, min = ~0ULL, max = 0, mean, dev, permille;

    for (unsigned i = 0; i < nr_vcpus; i++) {
        uint64_t x = __atomic_load_n(&iterations[i], __ATOMIC_RELAXED);

        printf("fair: vcpu %u iterations=%lu\n", i, x);
        CHECK(x > 0, "fair: vcpu %u counted", i);
        sum += x;
        min = x < min ? x : min;
        max = x > max ? x : max;
    }
    mean = sum / nr_vcpus;
    printf("fair: mean=%lu\n", mean);
    printf("fair: min=%lu max=%lu\n", min, max);
    if (!CHECK(mean > 0, "fair: the mean is above 0")) {
        return;
    }
    dev = max - mean > mean - min ? max - mean : mean - min;
    permille = (dev * 1000 + mean / 2) / mean;
    printf("fair: spread=%lu.%lu%%\n", permille / 10, permille % 10);
    CHECK(permille <= MAX_SPREAD_PERMILLE,
          "fair: spread %lu.%lu%% <= %u%% (max |iterations - mean| / mean over %u vCPUs)",
          permille / 10, permille % 10, MAX_SPREAD_PERMILLE / 10, nr_vcpus);
}

void guest_main(void)
{
    uint64_t deadline, start;
    unsigned want;

    nr_vcpus = guest_vcpu_count();
    if (nr_vcpus > GUEST_MAX_VCPUS) {
        nr_vcpus = GUEST_MAX_VCPUS;
    }
    if (!CHECK_EQ(gic_init(), 0, "vcpu 0: GIC distributor, redistributor and CPU interface up")) {
        return;
    }
    want = 0;
    for (unsigned i = 1; i < nr_vcpus; i++) {
        want += CHECK_EQ(guest_cpu_on(i, counter), PSCI_RET_SUCCESS, "CPU_ON(%u)", i) ? 1 : 0;
    }
    deadline = deadline_after_ms(READY_TIMEOUT_MS);
    while (load_acquire(&ready) < want && !deadline_passed(deadline)) {
        cpu_relax();
    }
    CHECK_EQ(load_acquire(&ready), nr_vcpus - 1, "fair: all %u vCPUs ready", nr_vcpus);
    printf("fair: %u vCPUs count for %u ms\n", nr_vcpus, RUN_MS);

    start = read_cntvct();
    __atomic_store_n(&end_count, start + RUN_MS * timer_ticks_per_ms(), __ATOMIC_RELEASE);
    __atomic_store_n(&iterations[0], count_until(end_count), __ATOMIC_RELAXED);
    store_release(&done[0], 1);

    if (!CHECK(wait_all_done(deadline_after_ms(DONE_TIMEOUT_MS)),
               "fair: every vCPU stored its count")) {
        return;
    }
    report();
}
