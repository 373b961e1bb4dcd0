/* The page pool, helpers and break counting for the pgtable host tests (pgtable_testlib.h). */
#include "pgtable_testlib.h"

#include <stdio.h>
#include <stdlib.h>

#include "mm/page_alloc.h"
#include "unit.h"

uint8_t *pool_mem;

static uint64_t rng_state = 0x0ddba11cafef00dULL;

uint64_t rng_next(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t rng_below(uint64_t n)
{
    return rng_next() % n;
}

bool pool_init(void)
{
    pool_mem = aligned_alloc(2 * MIB, POOL_SIZE);
    if (!pool_mem || !page_alloc_init(ptr_to_pa(pool_mem), ptr_to_pa(pool_mem + POOL_SIZE))) {
        printf("cannot set up the page pool\n");
        return false;
    }
    return true;
}

unsigned lvl_shift(unsigned level)
{
    return 12 + 9 * (3 - level);
}

/* pt_init() that has to succeed; a caller that gets false stops its test. */
bool setup(struct pgtable *pt, enum pt_stage stage, unsigned ia_bits, unsigned level)
{
    int err = pt_init(pt, stage, ia_bits, level);
    EXPECT_EQ(err, 0);
    return err == 0;
}

bool in_pool(uint64_t pa)
{
    uint64_t lo = (uint64_t)(uintptr_t)pool_mem;
    return pa >= lo && pa < lo + POOL_SIZE;
}

/* ------------------------------------------------------- break counting */

struct brk brks[BRK_MAX];
unsigned nbrk;
unsigned nbrk_visible; /* calls during which the broken block was still mapped */
const struct pgtable *brk_expect_pt;
unsigned brk_wrong_pt;

void count_break(const struct pgtable *pt, uint64_t ia, unsigned level)
{
    struct pt_mapping m;
    bool gone = !pt_walk(pt, ia, &m);
    if (!gone) {
        nbrk_visible++;
    }
    if (pt != brk_expect_pt) {
        brk_wrong_pt++;
    }
    if (nbrk < BRK_MAX) {
        brks[nbrk] = (struct brk){ia, level, gone};
    }
    nbrk++;
}

void brk_reset(const struct pgtable *pt)
{
    nbrk = 0;
    nbrk_visible = 0;
    brk_wrong_pt = 0;
    brk_expect_pt = pt;
}
