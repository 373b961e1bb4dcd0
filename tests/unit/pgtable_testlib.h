/*
 * Shared by the host tests of mm/pgtable.c (test_pgtable.c: shapes, encodings,
 * blocks, demand mode, out of memory; test_pgtable_random.c: random runs
 * against a reference model): the page pool over a host buffer, the
 * architectural descriptor fields written out independently, small helpers
 * and the count of blocks the builder breaks.
 */
#ifndef SHRIKE_TESTS_UNIT_PGTABLE_TESTLIB_H
#define SHRIKE_TESTS_UNIT_PGTABLE_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/pgtable.h"

#define PAGE 0x1000ULL
#define MIB  (1ULL << 20)
#define GIB  (1ULL << 30)

#define POOL_SIZE (128 * MIB)

/* Architectural descriptor fields (Arm ARM D8.3), written out independently. */
#define D_VALID    (1ULL << 0)
#define D_TABLE    (1ULL << 1)
#define D_OA_MASK  0x0000fffffffff000ULL
#define D_ATTR_LO  (0x3ffULL << 2) /* bits 11:2 */
#define D_AF       (1ULL << 10)
#define D_XN       (1ULL << 54)
#define D_SH(d)    (((d) >> 8) & 3)
#define D_AP(d)    (((d) >> 6) & 3)   /* S2AP, or AP[2:1] at stage 1 */
#define D_ATTR4(d) (((d) >> 2) & 0xf) /* S2 MemAttr, or S1 NS:AttrIndx */

/* The pool the table pages come from (pool_init(): page_alloc over a host buffer). */
extern uint8_t *pool_mem;
bool pool_init(void);

/* A fixed-seed generator (splitmix64): the same numbers on every run. */
uint64_t rng_next(void);
uint64_t rng_below(uint64_t n);

#define BRK_MAX 64

struct brk {
    uint64_t ia;
    unsigned level;
    bool gone; /* the block was no longer visible to a walk during the call */
};

extern struct brk brks[BRK_MAX];
extern unsigned nbrk;
extern unsigned nbrk_visible; /* calls during which the broken block was still mapped */
extern const struct pgtable *brk_expect_pt;
extern unsigned brk_wrong_pt;

unsigned lvl_shift(unsigned level);
bool setup(struct pgtable *pt, enum pt_stage stage, unsigned ia_bits, unsigned level);
bool in_pool(uint64_t pa);
void count_break(const struct pgtable *pt, uint64_t ia, unsigned level);
void brk_reset(const struct pgtable *pt);

#endif
