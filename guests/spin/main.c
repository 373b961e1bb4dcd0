/*
 * spin: a demo load that keeps the scheduler busy and never powers off. Every
 * vCPU runs a CPU-bound loop forever (no traps but a counter read now and
 * then) and prints `spin: vcpu N alive, CPU C` every 2 s of virtual time, C
 * being the physical CPU it runs on (SHRIKE_HC_PCPU; `?` off shrike). The
 * spin VM runs it on 4 vCPUs that may run anywhere, spin-pinned on 2 vCPUs
 * pinned to CPUs 0 and 1.
 */
#include "guests/lib/guest.h"

#define REPORT_MS 2000U
#define CHUNK     4096 /* loop iterations between two counter reads */

static volatile uint64_t sink[GUEST_MAX_VCPUS];

static void report(unsigned idx)
{
    int64_t cpu = guest_pcpu();

    if (cpu >= 0) {
        printf("spin: vcpu %u alive, CPU %ld\n", idx, cpu);
    } else {
        printf("spin: vcpu %u alive, CPU ?\n", idx);
    }
}

static void spin(unsigned idx)
{
    uint64_t period = REPORT_MS * (read_cntfrq() / 1000);
    uint64_t next = read_cntvct() + period;
    uint64_t x = idx + 1;

    for (;;) {
        uint64_t now;

        for (unsigned i = 0; i < CHUNK; i++) {
            x = (x << 13 | x >> 51) + 0x9E3779B97F4A7C15ULL;
            x ^= x >> 7;
            __asm__ __volatile__("" : "+r"(x));
        }
        sink[idx] = x;
        now = read_cntvct();
        if (now >= next) {
            report(idx);
            next += period;
            if (next <= now) { /* kept off the CPU for more than a period */
                next = now + period;
            }
        }
    }
}

void guest_main(void)
{
    unsigned n = guest_vcpu_count();

    if (n > GUEST_MAX_VCPUS) {
        n = GUEST_MAX_VCPUS;
    }
    printf("spin: %u vCPUs spinning, each reports every %u ms\n", n, REPORT_MS);
    for (unsigned i = 1; i < n; i++) {
        int64_t rc = guest_cpu_on(i, spin);
        if (rc != PSCI_RET_SUCCESS) {
            printf("spin: CPU_ON(%u) failed: %ld\n", i, rc);
        }
    }
    spin(0);
}
