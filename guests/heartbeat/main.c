/*
 * heartbeat: a long-running neighbour for multi-VM tests. It fills 4 MiB of
 * its RAM with a pattern derived from each word's address, prints `beat N`
 * every 100 ms of virtual time for HEARTBEAT_BEATS beats (waiting in WFI for
 * its virtual timer, so it leaves the CPU idle between beats), checks that the virtual counter
 * never went backwards and that the pattern is intact, and powers off. While
 * it beats, other VMs can power off and reset: the beats must go on. With
 * "heartbeat.long" in its bootargs it beats HEARTBEAT_LONG_BEATS times (20 s),
 * long enough to outlive a Linux guest that reboots twice.
 */
#include "guests/lib/dtb.h"
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define HEARTBEAT_BEATS      20
#define HEARTBEAT_LONG_BEATS 200
#define HEARTBEAT_PERIOD_MS  100
#define CANARY_OFFSET        0x800000UL
#define CANARY_BYTES         0x400000UL

static uint64_t canary_word(uint64_t addr)
{
    return addr * 0x9E3779B97F4A7C15ULL ^ 0x5A5A5A5A5A5A5A5AULL;
}

static uint64_t *canary_base(void)
{
    return (uint64_t *)(uintptr_t)(guest_ram_base() + CANARY_OFFSET);
}

static void fill_canary(void)
{
    uint64_t *p = canary_base();
    for (uint64_t i = 0; i < CANARY_BYTES / 8; i++) {
        p[i] = canary_word((uint64_t)(uintptr_t)&p[i]);
    }
}

static uint64_t canary_damage(void)
{
    const uint64_t *p = canary_base();
    uint64_t bad = 0;
    for (uint64_t i = 0; i < CANARY_BYTES / 8; i++) {
        bad += p[i] != canary_word((uint64_t)(uintptr_t)&p[i]) ? 1 : 0;
    }
    return bad;
}

void guest_main(void)
{
    unsigned backwards = 0;
    unsigned beats = dtb_bootargs_have("heartbeat.long") ? HEARTBEAT_LONG_BEATS : HEARTBEAT_BEATS;
    uint64_t last = read_cntvct();
    fill_canary();
    /* The timer's interrupt only ends the WFI (IRQs stay masked): enabled at the GIC, it wakes. */
    gic_init();
    gic_enable(TIMER_VIRT_INTID);
    for (unsigned beat = 1; beat <= beats; beat++) {
        uint64_t deadline = deadline_after_ms(HEARTBEAT_PERIOD_MS);
        timer_arm_at(TIMER_VIRT, deadline);
        while (!deadline_passed(deadline)) {
            uint64_t now = read_cntvct();
            backwards += now < last ? 1 : 0;
            last = now;
            __asm__ __volatile__("wfi");
        }
        timer_stop(TIMER_VIRT);
        printf("beat %u\n", beat);
    }
    CHECK_EQ(backwards, 0, "the virtual counter never went backwards");
    CHECK_EQ(canary_damage(), 0, "4 MiB memory canary intact after %u beats", beats);
}
