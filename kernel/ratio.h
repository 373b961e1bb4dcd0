/*
 * Exact unit conversion between two rates (counter ticks and microseconds):
 * floor(x * to / from) for a fixed pair, as one multiplication and one
 * division by the ratio in lowest terms (QEMU's 62.5 MHz counter to
 * microseconds: x * 2 / 125) where the product fits in 64 bits, and as the
 * split form (x / den) * num + (x % den) * num / den beyond. Both give the
 * same floor, which is the same value as the two-division formulas of
 * kernel/timer.h (tests/unit/test_ratio.c checks it against them).
 *
 * Requires num * den < 2^64 for the split form's remainder product: true
 * for any counter frequency below 2^32 Hz against 10^6 (the product is
 * below 2^52). A result that does not fit in 64 bits wraps, as the
 * formulas it replaces do.
 */
#ifndef SHRIKE_KERNEL_RATIO_H
#define SHRIKE_KERNEL_RATIO_H

#include <stdint.h>

struct unit_ratio {
    uint64_t num;      /* to / gcd */
    uint64_t den;      /* from / gcd */
    uint64_t max_fast; /* the largest x whose x * num fits in 64 bits */
};

static inline uint64_t ratio_gcd(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The conversion from a quantity counted at `from` per second to one counted at `to` (both > 0). */
static inline struct unit_ratio unit_ratio_make(uint64_t from, uint64_t to)
{
    uint64_t g = ratio_gcd(from, to);
    struct unit_ratio r = {.num = to / g, .den = from / g};
    r.max_fast = UINT64_MAX / r.num;
    return r;
}

static inline uint64_t unit_ratio_apply(const struct unit_ratio *r, uint64_t x)
{
    if (x <= r->max_fast) {
        return x * r->num / r->den;
    }
    return x / r->den * r->num + x % r->den * r->num / r->den;
}

#endif
