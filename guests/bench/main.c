/*
 * bench: micro-benchmarks timed with CNTVCT_EL0, N iterations each, the
 * operations the peers' figures measure (issue 12): an empty loop; HVC #0 with
 * SMCCC_VERSION and with an unknown function ID (both a bare "hvc #0" with the
 * ID in x0, no library call around it); a 32-bit read of GICD_IIDR; one PL011
 * data-register write (a console character, timed in runs shorter than a
 * console line so that no line is emitted inside the timing). Each prints
 * "bench: NAME total=T per_op=P", net of the empty loop. Then a fixed
 * CPU-bound loop, "bench: cpu-loop N=... ticks=...". Runs bare on QEMU too:
 * shrike-only benches print "bench: NAME skipped".
 */
#include "guests/lib/guest.h"
#include "guests/lib/mmu.h"

#define N           1000
#define CPU_LOOP_N  10000000UL
#define HVC_UNKNOWN 0x87000000U /* fast call, owner 7 (reserved): NOT_SUPPORTED */
#define UART_RUN    100         /* characters per timed run, below the vUART's line length */
#define UART_DR     0x000

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

/* N times "hvc #0" with fid in x0; the answer of the last one in *ret. */
static uint64_t loop_hvc(uint32_t fid, int64_t *ret)
{
    uint64_t t0 = read_cntvct();
    uint64_t x0 = 0;

    for (unsigned i = 0; i < N; i++) {
        register uint64_t r0 __asm__("x0") = fid;
        __asm__ __volatile__("hvc #0" : "+r"(r0) : : "x1", "x2", "x3", "memory");
        x0 = r0;
    }
    *ret = (int64_t)x0;
    return read_cntvct() - t0;
}

static uint64_t loop_gicd_iidr(void)
{
    const volatile uint32_t *iidr = (const volatile uint32_t *)(GUEST_GICD_BASE + 0x8);
    uint64_t t0 = read_cntvct();

    for (unsigned i = 0; i < N; i++) {
        (void)*iidr;
    }
    return read_cntvct() - t0;
}

/* N console characters in runs of UART_RUN, each run's newline outside the timing. */
static uint64_t loop_uart_write(void)
{
    volatile uint32_t *dr = (volatile uint32_t *)(GUEST_UART_BASE + UART_DR);
    uint64_t sum = 0;

    for (unsigned r = 0; r < N / UART_RUN; r++) {
        uint64_t t0 = read_cntvct();
        for (unsigned i = 0; i < UART_RUN; i++) {
            *dr = '.';
        }
        sum += read_cntvct() - t0;
        *dr = '\n';
    }
    return sum;
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

void guest_main(void)
{
    uint64_t empty, ticks;
    bool shrike = guest_on_shrike();

    printf("bench: cntfrq=%lu on_shrike=%d\n", read_cntfrq(), shrike);
    empty = loop_empty();
    report("empty-loop", empty, 0);
    CHECK(empty > 0, "the virtual counter runs");

    if (shrike && hvc_call(SMCCC_VERSION, 0, 0, 0) == SMCCC_VERSION_1_1) {
        int64_t ret;
        report("hvc-version", loop_hvc(SMCCC_VERSION, &ret), empty);
        CHECK_EQ(ret, SMCCC_VERSION_1_1, "SMCCC_VERSION returns 1.1");
        report("hvc-unknown", loop_hvc(HVC_UNKNOWN, &ret), empty);
        CHECK_EQ(ret, SMCCC_NOT_SUPPORTED, "an unknown function ID returns -1");
    } else {
        printf("bench: hvc-version skipped\nbench: hvc-unknown skipped\n");
    }
    if (shrike && mmu_map(GUEST_GICD_BASE, GUEST_GICD_BASE, GUEST_GICD_SIZE, MMU_DEVICE) == 0) {
        report("gicd-iidr", loop_gicd_iidr(), empty);
        report("uart-write", loop_uart_write(), empty);
    } else {
        printf("bench: gicd-iidr skipped\nbench: uart-write skipped\n");
    }

    ticks = cpu_loop();
    printf("bench: cpu-loop N=%lu ticks=%lu\n", CPU_LOOP_N, ticks);
    CHECK(ticks > 0, "cpu-loop took measurable time");
}
