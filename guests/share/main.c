/*
 * share: one CPU-bound vCPU for the scheduler's pool tests (issue 13). It
 * spins until the counter reaches an absolute time, share.until_ms= in the
 * bootargs (CNTVCT from the machine's start; virtual time follows physical
 * time on shrike.elf and shrike-pools.elf), so that every share VM of a run
 * stops at the same instant whatever CPU time it got. The scheduler's own
 * statistics at power-off then give each vCPU's run time: the specs compare
 * those (weights, caps, a dedicated CPU's timer interrupts), not this guest's
 * progress, which under -icount depends on QEMU's turns between CPUs. It
 * prints `share: done` and powers off.
 */
#include "guests/lib/dtb.h"
#include "guests/lib/guest.h"

#define DEFAULT_UNTIL_MS 3000U
#define CHUNK            4096 /* loop iterations between two counter reads */

static volatile uint64_t sink;

void guest_main(void)
{
    uint64_t until_ms = DEFAULT_UNTIL_MS;
    uint64_t x = 1;

    if (!dtb_bootargs_u64("share.until_ms", &until_ms) || until_ms == 0) {
        until_ms = DEFAULT_UNTIL_MS;
    }
    uint64_t end = until_ms * (read_cntfrq() / 1000);
    CHECK(read_cntvct() < end, "starts before its end time");
    while (read_cntvct() < end) {
        for (unsigned i = 0; i < CHUNK; i++) {
            x = (x << 7 | x >> 57) + 0x9E3779B97F4A7C15ULL;
            __asm__ __volatile__("" : "+r"(x)); /* keep every iteration */
        }
    }
    sink = x;
    printf("share: done\n");
}
