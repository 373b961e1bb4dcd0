/*
 * bench: micro-benchmarks timed with CNTVCT_EL0, N iterations each: an empty
 * loop, HVC #0 with SHRIKE_HC_NULL, a 32-bit MMIO read of the test device's
 * ID; each prints "bench: NAME total=T per_op=P" (the trapping ones net of the
 * empty loop). Then a fixed CPU-bound loop, "bench: cpu-loop N=... ticks=...".
 * Runs bare on QEMU too: shrike-only benches print "bench: NAME skipped".
 */
#include "guests/lib/guest.h"

#define N          1000
#define CPU_LOOP_N 10000000UL

struct bench_result {
    uint64_t total;
    uint64_t per_op;
};

static uint64_t loop_empty(void)
{
    uint64_t t0 = read_cntvct();

    for (unsigned i = 0; i < N; i++) {
        __asm__ __volatile__("" : : : "memory");
    }
    return read_cntvct() - t0;
}

static uint64_t loop_hvc_null(void)
{
    uint64_t t0 = read_cntvct();

    for (unsigned i = 0; i < N; i++) {
        hvc_call(SHRIKE_HC_NULL, 0, 0, 0);
    }
    return read_cntvct() - t0;
}

static uint64_t loop_mmio_read(void)
{
    const volatile uint32_t *id = (const volatile uint32_t *)(GUEST_TESTDEV_BASE + TESTDEV_ID);
    uint64_t t0 = read_cntvct();

    for (unsigned i = 0; i < N; i++) {
        (void)*id;
    }
    return read_cntvct() - t0;
}

static void report(const char *name, uint64_t total, uint64_t empty)
{
    uint64_t net = total > empty ? total - empty : 0;

    printf("bench: %s total=%lu per_op=%lu\n", name, total, net / N);
}

/* A few ALU instructions per iteration, CPU_LOOP_N iterations. */
static uint64_t cpu_loop(void)
{
    uint64_t n = CPU_LOOP_N, a = 1, b = 3, t0 = read_cntvct();

    __asm__ __volatile__("1:\n\t"
                         "add %1, %1, %2\n\t"
                         "eor %2, %2, %1, lsl #3\n\t"
                         "ror %1, %1, #7\n\t"
                         "subs %0, %0, #1\n\t"
                         "b.ne 1b"
                         : "+r"(n), "+r"(a), "+r"(b)
                         :
                         : "cc");
    return read_cntvct() - t0;
}

/* The test device answers with its ID (and the read does not fault). */
static bool testdev_present(void)
{
    struct fault_record rec;
    uint32_t id;

    fault_expect(&rec);
    id = *(const volatile uint32_t *)(GUEST_TESTDEV_BASE + TESTDEV_ID);
    fault_expect_end();
    return rec.count == 0 && id == TESTDEV_ID_VALUE;
}

void guest_main(void)
{
    uint64_t empty, ticks;
    bool shrike = guest_on_shrike();

    printf("bench: cntfrq=%lu on_shrike=%d\n", read_cntfrq(), shrike);
    empty = loop_empty();
    report("empty-loop", empty, 0);
    CHECK(empty > 0, "the virtual counter runs");

    if (shrike && hvc_call(SMCCC_VERSION, 0, 0, 0) == SMCCC_VERSION_1_1) {
        CHECK_EQ(hvc_call(SHRIKE_HC_NULL, 0, 0, 0), 0, "SHRIKE_HC_NULL returns 0");
        report("hvc-null", loop_hvc_null(), empty);
    } else {
        printf("bench: hvc-null skipped\n");
    }
    if (shrike && testdev_present()) {
        report("mmio-read", loop_mmio_read(), empty);
    } else {
        printf("bench: mmio-read skipped\n");
    }

    ticks = cpu_loop();
    printf("bench: cpu-loop N=%lu ticks=%lu\n", CPU_LOOP_N, ticks);
    CHECK(ticks > 0, "cpu-loop took measurable time");
}
