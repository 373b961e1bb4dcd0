/*
 * kernel/ratio.h: the exact conversion the scheduler uses between counter
 * ticks and microseconds gives, for every input tried, the same value as
 * the two-division formulas it replaced (sched.c's old ticks_to_us, and
 * kernel/timer.h's timer_ns_to_ticks for microseconds to ticks), at the
 * frequencies counters run at, over small values, random ones, values
 * around multiples of the frequency and values near 2^64, where the fast
 * form's product would overflow and the split form takes over.
 */
#include "kernel/ratio.h"
#include "kernel/timer.h"
#include "unit.h"

UNIT_STATE;

static uint64_t ref_ticks_to_us(uint64_t f, uint64_t t)
{
    return t / f * 1000000U + t % f * 1000000U / f;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned failures;

static void check_one(uint64_t f, uint64_t x)
{
    struct unit_ratio to_us = unit_ratio_make(f, 1000000U);
    struct unit_ratio to_ticks = unit_ratio_make(1000000U, f);
    uint64_t want = ref_ticks_to_us(f, x);
    if (unit_ratio_apply(&to_us, x) != want && failures++ < 5) {
        EXPECT_EQ(unit_ratio_apply(&to_us, x), want);
    }
    /* microseconds to ticks, where the result fits (x us * f / 1e6 < 2^64) and x * 1000 too */
    if (x < UINT64_MAX / 1000U && x / 1000000U < UINT64_MAX / f / 2) {
        uint64_t want_t = timer_ns_to_ticks(f, x * 1000U);
        if (unit_ratio_apply(&to_ticks, x) != want_t && failures++ < 5) {
            EXPECT_EQ(unit_ratio_apply(&to_ticks, x), want_t);
        }
    }
}

static void test_lowest_terms(void)
{
    struct unit_ratio r = unit_ratio_make(62500000U, 1000000U); /* QEMU virt */
    EXPECT_EQ(r.num, 2);
    EXPECT_EQ(r.den, 125);
    EXPECT_EQ(r.max_fast, UINT64_MAX / 2);
    r = unit_ratio_make(19200000U, 1000000U);
    EXPECT_EQ(r.num, 5);
    EXPECT_EQ(r.den, 96);
    r = unit_ratio_make(1000000U, 1000000000U);
    EXPECT_EQ(r.num, 1000);
    EXPECT_EQ(r.den, 1);
}

static void test_against_reference(void)
{
    static const uint64_t freqs[] = {62500000U,   1000000000U, 24000000U, 19200000U, 100000000U,
                                     54000000U,   25000000U,   50000000U, 1000000U,  62500001U,
                                     4294967291U, 1U,          3U};
    for (size_t i = 0; i < sizeof(freqs) / sizeof(freqs[0]); i++) {
        uint64_t f = freqs[i];
        for (uint64_t x = 0; x < 5000; x++) {
            check_one(f, x);
        }
        for (uint64_t k = 1; k < 2000; k++) {
            check_one(f, k * f - 1);
            check_one(f, k * f);
            check_one(f, k * f + 1);
        }
        for (unsigned n = 0; n < 20000; n++) {
            uint64_t x = rnd();
            check_one(f, x >> (n % 64));
        }
        for (uint64_t d = 0; d < 2000; d++) {
            check_one(f, UINT64_MAX - d);
            check_one(f, UINT64_MAX / 2 - d); /* around the fast form's limit for num = 2 */
            check_one(f, UINT64_MAX / 2 + d);
        }
    }
    EXPECT_EQ(failures, 0);
}

int main(void)
{
    test_lowest_terms();
    test_against_reference();
    return unit_report("test_ratio");
}
