/*
 * rt: a periodic real-time task on one vCPU, measuring itself with its
 * virtual timer (issue 13). Every PERIOD (10 ms by default) a release: the
 * virtual timer fires at r_k = t0 + k * PERIOD and ends a WFI; the task then
 * does WORK of computation (2 ms of instructions by default, a fixed loop,
 * so the same work whatever preempts it) and records
 *   release latency  handler entry - r_k   (how late the vCPU got the CPU)
 *   response         completion - r_k      (must be at most PERIOD: its deadline)
 * Periods, work and count come from the bootargs (rt.period_us=, rt.work_us=,
 * rt.periods=), and rt.start_ms= (default 0) delays the first release to that
 * counter time, waiting in WFI (so that the periods fall where a neighbour
 * has its load, such as Linux guests past their boot). The work loop is
 * calibrated once at 62.5 MHz, one counter tick an instruction under -icount
 * (2 instructions an iteration). It prints
 *   rt: periods=N misses=M worst_release_us=A worst_response_us=B
 *   rt: release_us histogram <25:n <50:n <100:n <250:n <500:n <1000:n <2000:n <5000:n >=5000:n
 * and checks that every period was released once, in order.
 */
#include "guests/lib/dtb.h"
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define DEFAULT_PERIOD_US 10000U
#define DEFAULT_WORK_US   2000U
#define DEFAULT_PERIODS   2000U
#define NBUCKETS          9

static const unsigned bucket_us[NBUCKETS - 1] = {25, 50, 100, 250, 500, 1000, 2000, 5000};
static unsigned histogram[NBUCKETS];
static volatile unsigned releases;
static volatile uint64_t entered_at;

static void vtimer_handler(unsigned intid)
{
    (void)intid;
    entered_at = read_cntvct();
    timer_stop(TIMER_VIRT);
    releases = releases + 1;
}

static unsigned arg(const char *word, unsigned fallback)
{
    uint64_t v;
    return dtb_bootargs_u64(word, &v) && v > 0 && v < (1ULL << 31) ? (unsigned)v : fallback;
}

static void work(uint64_t iterations)
{
    __asm__ __volatile__("1: subs %0, %0, #1\n\tb.ne 1b" : "+r"(iterations) : : "cc");
}

static void record(uint64_t us)
{
    unsigned b = 0;
    while (b < NBUCKETS - 1 && us >= bucket_us[b]) {
        b++;
    }
    histogram[b]++;
}

void guest_main(void)
{
    unsigned period_us = arg("rt.period_us", DEFAULT_PERIOD_US);
    unsigned work_us = arg("rt.work_us", DEFAULT_WORK_US);
    unsigned periods = arg("rt.periods", DEFAULT_PERIODS);
    uint64_t tpus = timer_ticks_per_ms() / 1000;
    uint64_t period = period_us * tpus;
    uint64_t iterations = work_us * tpus / 2;
    unsigned misses = 0;
    uint64_t worst_release = 0;
    uint64_t worst_response = 0;

    CHECK_EQ(gic_init(), 0, "GIC up");
    timer_set_handler(TIMER_VIRT, vtimer_handler, 0x80);
    uint64_t start = (uint64_t)arg("rt.start_ms", 0) * timer_ticks_per_ms();
    uint64_t t0 = (read_cntvct() > start ? read_cntvct() : start) + period;
    for (unsigned k = 0; k < periods; k++) {
        uint64_t release = t0 + k * period;
        unsigned before = releases;
        timer_arm_at(TIMER_VIRT, release);
        while (releases == before) {
            irq_local_disable();
            if (releases == before) {
                wfi(); /* a pending interrupt ends it even with IRQs masked */
            }
            irq_local_enable();
        }
        irq_local_disable();
        uint64_t latency = entered_at - release;
        work(iterations);
        uint64_t response = read_cntvct() - release;
        misses += response > period ? 1U : 0U;
        worst_release = latency > worst_release ? latency : worst_release;
        worst_response = response > worst_response ? response : worst_response;
        record(latency / tpus);
    }
    printf("rt: periods=%u misses=%u worst_release_us=%lu worst_response_us=%lu\n", periods, misses,
           worst_release / tpus, worst_response / tpus);
    printf("rt: release_us histogram <25:%u <50:%u <100:%u <250:%u <500:%u <1000:%u <2000:%u "
           "<5000:%u >=5000:%u\n",
           histogram[0], histogram[1], histogram[2], histogram[3], histogram[4], histogram[5],
           histogram[6], histogram[7], histogram[8]);
    CHECK_EQ(releases, periods, "every period released exactly once");
}
