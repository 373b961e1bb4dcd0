/*
 * heartbeat: a long-running neighbour for multi-VM tests. It fills 4 MiB of
 * its RAM with a pattern derived from each word's address, prints `beat N`
 * every 100 ms of virtual time for HEARTBEAT_BEATS beats (waiting in WFI for
 * its virtual timer, so it leaves the CPU idle between beats), checks that the virtual counter
 * never went backwards and that the pattern is intact, and powers off. While
 * it beats, other VMs can power off and reset: the beats must go on.
 *
 * With "heartbeat.until-told" in its bootargs it beats until a byte arrives on
 * its PL011 (a test types one once the other VMs are done; checked after each
 * beat) instead of for a fixed time, so that it outlives the other VMs however
 * slowly the host runs them (virtual time here is the host's time), and
 * prints "heartbeat: told to stop after N beats". HEARTBEAT_MAX_BEATS (10
 * minutes) ends a run that nobody stops, as a failed check.
 */
#include "guests/lib/dtb.h"
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define HEARTBEAT_BEATS     20
#define HEARTBEAT_MAX_BEATS 6000
#define HEARTBEAT_PERIOD_MS 100
#define UART_DR             0x000
#define UART_FR             0x018
#define UART_LCR_H          0x02C
#define UART_FR_RXFE        (1U << 4)
#define UART_LCR_H_FEN      (1U << 4) /* FIFOs on: without it the receiver holds one byte */
#define UART_LCR_H_WLEN8    (3U << 5)
#define CANARY_OFFSET       0x800000UL
#define CANARY_BYTES        0x400000UL

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

static volatile uint32_t *uart_reg(unsigned off)
{
    return (volatile uint32_t *)(uintptr_t)(GUEST_UART_BASE + off);
}

/* Whether anything was typed to this VM; drains the receive FIFO. */
static bool told_to_stop(void)
{
    bool told = false;
    while (!(*uart_reg(UART_FR) & UART_FR_RXFE)) {
        (void)*uart_reg(UART_DR);
        told = true;
    }
    return told;
}

void guest_main(void)
{
    unsigned backwards = 0;
    bool until_told = dtb_bootargs_have("heartbeat.until-told");
    unsigned beats = until_told ? HEARTBEAT_MAX_BEATS : HEARTBEAT_BEATS;
    bool told = false;
    unsigned beat;
    uint64_t last = read_cntvct();
    *uart_reg(UART_LCR_H) = UART_LCR_H_FEN | UART_LCR_H_WLEN8;
    fill_canary();
    /* The timer's interrupt only ends the WFI (IRQs stay masked): enabled at the GIC, it wakes. */
    gic_init();
    gic_enable(TIMER_VIRT_INTID);
    for (beat = 1; beat <= beats && !told; beat++) {
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
        told = until_told && told_to_stop();
    }
    beats = beat - 1;
    if (until_told) {
        printf("heartbeat: told to stop after %u beats\n", beats);
        CHECK(told, "told to stop within %u beats", HEARTBEAT_MAX_BEATS);
    }
    CHECK_EQ(backwards, 0, "the virtual counter never went backwards");
    CHECK_EQ(canary_damage(), 0, "4 MiB memory canary intact after %u beats", beats);
}
