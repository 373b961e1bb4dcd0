/*
 * share: one CPU-bound vCPU for the scheduler's pool tests (issue 13). It
 * spins until the counter reaches an absolute time, share.until_ms= in the
 * bootargs (CNTVCT from the machine's start; virtual time follows physical
 * time on shrike.elf and shrike-pools.elf), so that every share VM of a run
 * stops at the same instant whatever CPU time it got. The scheduler's own
 * statistics at power-off then give each vCPU's run time: the specs compare
 * those (weights, caps, a dedicated CPU's timer interrupts), not this guest's
 * progress, which under -icount depends on QEMU's turns between CPUs.
 * share.for_ms= instead spins that long from the guest's first counter read,
 * for a VM whose life must not depend on how long the boot before it took
 * (an absolute end time comes sooner after a longer boot). It prints
 * `share: done` and powers off.
 */
#include "guests/lib/dtb.h"
#include "guests/lib/guest.h"

#define DEFAULT_UNTIL_MS 3000U
#define CHUNK            4096 /* loop iterations between two counter reads */

static volatile uint64_t sink;

/* The counter value to spin until: share.for_ms= from now, else share.until_ms=. */
static uint64_t end_time(void)
{
    uint64_t tpms = read_cntfrq() / 1000;
    uint64_t ms;

    if (dtb_bootargs_u64("share.for_ms", &ms) && ms != 0) {
        return read_cntvct() + ms * tpms;
    }
    if (!dtb_bootargs_u64("share.until_ms", &ms) || ms == 0) {
        ms = DEFAULT_UNTIL_MS;
    }
    return ms * tpms;
}

void guest_main(void)
{
    uint64_t x = 1;
    uint64_t end = end_time();

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
