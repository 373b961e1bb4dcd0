/*
 * Host unit test for mm/pgtable.c: table shapes, VTCR_EL2/TCR_EL2 fields,
 * descriptor encodings, block use and splitting, stage-2 demand mapping and
 * running out of memory. Random map/unmap runs against a reference model are
 * in test_pgtable_random.c; both use pgtable_testlib.c.
 *
 * Table pages come from mm/page_alloc.c over a host buffer (PAs are host
 * pointers). Output addresses of mappings are arbitrary numbers below 2^48:
 * the builder never dereferences them.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/errno.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "pgtable_testlib.h"
#include "unit.h"

UNIT_STATE;

/* ----------------------------------------------------------- shapes */

struct shape {
    enum pt_stage stage;
    unsigned ia_bits;
    unsigned level;
    unsigned root_pages; /* 0: not allowed */
};

static void test_shapes(void)
{
    static const struct shape shapes[] = {
        /* The three seed labs. */
        {PT_STAGE2, 44, 0, 1},
        {PT_STAGE2, 43, 1, 16},
        {PT_STAGE2, 40, 1, 2},
        /* Stage 2, level 0: 40..48 bits, never concatenated. */
        {PT_STAGE2, 48, 0, 1},
        {PT_STAGE2, 40, 0, 1},
        {PT_STAGE2, 39, 0, 0}, /* level 1 would do: must start there */
        {PT_STAGE2, 49, 0, 0}, /* beyond 48-bit output/input without LPA2 */
        {PT_STAGE2, 52, 0, 0},
        /* Stage 2, level 1: 31..43 bits (Arm ARM AArch64.S2InconsistentSL). */
        {PT_STAGE2, 39, 1, 1},
        {PT_STAGE2, 41, 1, 4},
        {PT_STAGE2, 42, 1, 8},
        {PT_STAGE2, 44, 1, 0}, /* would need 32 tables */
        {PT_STAGE2, 32, 1, 1}, /* consistent: IA > 30 bits still needs level 1 */
        {PT_STAGE2, 31, 1, 1},
        {PT_STAGE2, 30, 1, 0}, /* one level-2 table covers 30 bits: must start at level 2 */
        /* Stage 2, level 2: 25..34 bits (T0SZ <= 39 without FEAT_TTST). */
        {PT_STAGE2, 32, 2, 4},
        {PT_STAGE2, 34, 2, 16},
        {PT_STAGE2, 35, 2, 0},
        {PT_STAGE2, 30, 2, 1},
        {PT_STAGE2, 25, 2, 1},
        {PT_STAGE2, 24, 2, 0},
        /* Start level 3 or beyond: never. */
        {PT_STAGE2, 44, 3, 0},
        {PT_STAGE2, 30, 3, 0},
        {PT_STAGE2, 21, 3, 0},
        {PT_STAGE2, 40, 7, 0},
        /* Stage 1 never concatenates; the start level follows from the size. */
        {PT_STAGE1_EL2, 48, 0, 1},
        {PT_STAGE1_EL2, 40, 0, 1},
        {PT_STAGE1_EL2, 39, 0, 0},
        {PT_STAGE1_EL2, 39, 1, 1},
        {PT_STAGE1_EL2, 32, 1, 1},
        {PT_STAGE1_EL2, 40, 1, 0},
        {PT_STAGE1_EL2, 43, 1, 0},
        {PT_STAGE1_EL2, 30, 1, 0},
        {PT_STAGE1_EL2, 30, 2, 1},
        {PT_STAGE1_EL2, 32, 2, 0},
        {PT_STAGE1_EL2, 25, 2, 1},
        {PT_STAGE1_EL2, 39, 3, 0},
    };
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        const struct shape *s = &shapes[i];
        unsigned got = pt_root_pages(s->stage, s->ia_bits, s->level);
        if (got != s->root_pages) {
            printf("shape stage %d ia %u level %u: %u root pages, want %u\n", (int)s->stage,
                   s->ia_bits, s->level, got, s->root_pages);
        }
        EXPECT_EQ(got, s->root_pages);

        /* An odd page first, so that root alignment is not an accident of first fit. */
        paddr_t pad;
        EXPECT(page_alloc(1, 1, &pad));
        size_t before = page_alloc_free_pages();
        struct pgtable pt;
        memset(&pt, 0xa5, sizeof(pt));
        int err = pt_init(&pt, s->stage, s->ia_bits, s->level);
        if (s->root_pages == 0) {
            EXPECT_EQ(err, -EINVAL);
            EXPECT_EQ(page_alloc_free_pages(), before);
        } else {
            EXPECT_EQ(err, 0);
            EXPECT_EQ(pt.root_pages, s->root_pages);
            EXPECT_EQ(pt.ia_bits, s->ia_bits);
            EXPECT_EQ(pt.start_level, s->level);
            EXPECT(pt.stage == s->stage);
            EXPECT(pt.break_entry == NULL);
            EXPECT(pt.owner == NULL);
            EXPECT_EQ(before - page_alloc_free_pages(), s->root_pages);
            /* Root aligned to its whole size, and zeroed. */
            EXPECT_EQ(pa_addr(pt.root) % (s->root_pages * PAGE), 0);
            const uint64_t *root = pa_to_ptr(pt.root);
            bool zero = true;
            for (size_t k = 0; k < (size_t)PT_ENTRIES * s->root_pages; k++) {
                zero = zero && root[k] == 0;
            }
            EXPECT(zero);
            pt_destroy(&pt);
            EXPECT_EQ(pa_addr(pt.root), 0);
            EXPECT_EQ(page_alloc_free_pages(), before);
        }
        page_free(pad, 1);
    }
}

/* ------------------------------------------------------- VTCR / TCR */

static void test_vtcr_tcr(void)
{
    static const struct {
        unsigned ia_bits, level, pa_bits;
        bool vmid16;
        uint64_t t0sz, sl0, ps;
    } cases[] = {
        {44, 0, 44, true, 20, 2, 4},  {44, 0, 48, false, 20, 2, 5}, {43, 1, 44, true, 21, 1, 4},
        {43, 1, 40, false, 21, 1, 2}, {40, 1, 40, false, 24, 1, 2}, {40, 1, 48, true, 24, 1, 5},
        {32, 2, 32, false, 32, 0, 0}, {39, 1, 42, true, 25, 1, 3},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pgtable pt;
        if (!setup(&pt, PT_STAGE2, cases[i].ia_bits, cases[i].level)) {
            continue;
        }
        uint64_t v = pt_vtcr(&pt, cases[i].pa_bits, cases[i].vmid16);
        EXPECT_EQ(v & 0x3f, cases[i].t0sz);
        EXPECT_EQ((v >> 6) & 3, cases[i].sl0);
        EXPECT_EQ((v >> 8) & 3, 1);  /* IRGN0: WBWA */
        EXPECT_EQ((v >> 10) & 3, 1); /* ORGN0: WBWA */
        EXPECT_EQ((v >> 12) & 3, 3); /* SH0: inner shareable */
        EXPECT_EQ((v >> 14) & 3, 0); /* TG0: 4 KiB */
        EXPECT_EQ((v >> 16) & 7, cases[i].ps);
        EXPECT_EQ((v >> 19) & 1, cases[i].vmid16 ? 1 : 0);
        EXPECT_EQ((v >> 31) & 1, 1); /* RES1 */
        /* Nothing else: no hardware A/D, no stage-2 extras. */
        EXPECT_EQ(v & ~(0xfffffULL | (1ULL << 31)), 0);
        pt_destroy(&pt);
    }

    static const struct {
        unsigned ia_bits, level, pa_bits;
        uint64_t t0sz, ps;
    } s1[] = {{39, 1, 40, 25, 2}, {48, 0, 48, 16, 5}, {40, 0, 44, 24, 4}, {32, 1, 36, 32, 1}};
    for (size_t i = 0; i < sizeof(s1) / sizeof(s1[0]); i++) {
        struct pgtable pt;
        if (!setup(&pt, PT_STAGE1_EL2, s1[i].ia_bits, s1[i].level)) {
            continue;
        }
        uint64_t t = pt_tcr_el2(&pt, s1[i].pa_bits);
        EXPECT_EQ(t & 0x3f, s1[i].t0sz);
        EXPECT_EQ((t >> 6) & 3, 0); /* RES0 */
        EXPECT_EQ((t >> 8) & 3, 1);
        EXPECT_EQ((t >> 10) & 3, 1);
        EXPECT_EQ((t >> 12) & 3, 3);
        EXPECT_EQ((t >> 14) & 3, 0);
        EXPECT_EQ((t >> 16) & 7, s1[i].ps);
        EXPECT_EQ((t >> 23) & 1, 1); /* RES1 */
        EXPECT_EQ((t >> 31) & 1, 1); /* RES1 */
        EXPECT_EQ(t & ~(0x7ffffULL | (1ULL << 23) | (1ULL << 31)), 0);
        pt_destroy(&pt);
    }

    /* ID_AA64MMFR0_EL1.PARange <-> bits <-> PS field. */
    static const unsigned bits[] = {32, 36, 40, 42, 44, 48, 48, 48, 48};
    for (unsigned p = 0; p < sizeof(bits) / sizeof(bits[0]); p++) {
        EXPECT_EQ(pt_parange_bits(p), bits[p]);
    }
    for (unsigned p = 0; p <= 5; p++) {
        EXPECT_EQ(pt_ps_field(pt_parange_bits(p)), p);
    }
    EXPECT_EQ(pt_ps_field(pt_parange_bits(6)), 5); /* 52 bits capped to 48 */
    EXPECT_EQ(pt_ps_field(32), 0);
    EXPECT_EQ(pt_ps_field(33), 1); /* rounds up to a size that holds it */
    EXPECT_EQ(pt_ps_field(39), 2);
    EXPECT_EQ(pt_ps_field(41), 3);
    EXPECT_EQ(pt_ps_field(43), 4);
    EXPECT_EQ(pt_ps_field(47), 5);
    EXPECT_EQ(pt_ps_field(52), 6);
    EXPECT_EQ(MAIR_EL2_VALUE, 0x04ff);
}

/* --------------------------------------------------- invalid arguments */

static void test_invalid_args(void)
{
    struct pgtable pt;
    size_t free0 = page_alloc_free_pages();
    if (!setup(&pt, PT_STAGE2, 40, 1)) {
        return;
    }
    size_t free1 = page_alloc_free_pages();
    const uint64_t top = 1ULL << 40;
    EXPECT_EQ(pt_map(&pt, 0x1000, 0x2000, 0, PT_READ), -EINVAL);
    EXPECT_EQ(pt_map(&pt, 0x1001, 0x2000, PAGE, PT_READ), -EINVAL);
    EXPECT_EQ(pt_map(&pt, 0x1000, 0x2010, PAGE, PT_READ), -EINVAL);
    EXPECT_EQ(pt_map(&pt, 0x1000, 0x2000, PAGE + 8, PT_READ), -EINVAL);
    EXPECT_EQ(pt_map(&pt, top, 0x2000, PAGE, PT_READ), -EINVAL);
    EXPECT_EQ(pt_map(&pt, top - PAGE, 0x2000, 2 * PAGE, PT_READ), -EINVAL);
    EXPECT_EQ(pt_map(&pt, 0x1000, 0x2000, UINT64_MAX & ~(PAGE - 1), PT_READ), -EINVAL);
    EXPECT_EQ(pt_map(&pt, 0x1000, 1ULL << 48, PAGE, PT_READ), -EINVAL);
    EXPECT_EQ(pt_map(&pt, 0x1000, (1ULL << 48) - PAGE, 2 * PAGE, PT_READ), -EINVAL);
    EXPECT_EQ(pt_unmap(&pt, 0x1000, 0), -EINVAL);
    EXPECT_EQ(pt_unmap(&pt, 0x1800, PAGE), -EINVAL);
    EXPECT_EQ(pt_unmap(&pt, top, PAGE), -EINVAL);
    EXPECT_EQ(pt_unmap(&pt, top - PAGE, 2 * PAGE), -EINVAL);
    EXPECT_EQ(page_alloc_free_pages(), free1); /* nothing allocated by the failures */
    /* The edges that are allowed. */
    EXPECT_EQ(pt_map(&pt, top - PAGE, (1ULL << 48) - PAGE, PAGE, PT_READ), 0);
    struct pt_mapping m;
    EXPECT(pt_walk(&pt, top - 1, &m));
    EXPECT_EQ(m.pa, (1ULL << 48) - 1);
    EXPECT(!pt_walk(&pt, top, &m));
    EXPECT(!pt_walk(&pt, UINT64_MAX, &m));
    EXPECT_EQ(pt_unmap(&pt, 0, top), 0);
    EXPECT_EQ(page_alloc_free_pages(), free1);
    pt_destroy(&pt);

    /* Stage 1 implies read: a mapping without PT_READ is refused. */
    if (!setup(&pt, PT_STAGE1_EL2, 39, 1)) {
        return;
    }
    EXPECT_EQ(pt_map(&pt, 0x1000, 0x1000, PAGE, 0), -EINVAL);
    EXPECT_EQ(pt_map(&pt, 0x1000, 0x1000, PAGE, PT_WRITE), -EINVAL);
    EXPECT_EQ(pt_map(&pt, 0x1000, 0x1000, PAGE, PT_EXEC), -EINVAL);
    EXPECT(!pt_walk(&pt, 0x1000, &m));
    pt_destroy(&pt);
    EXPECT_EQ(page_alloc_free_pages(), free0);
}

/* -------------------------------------------------- attribute encoding */

/* Hand walk: the descriptor slot of the leaf for ia, or NULL. */
static uint64_t *leaf_slot(const struct pgtable *pt, uint64_t ia, unsigned *level)
{
    uint64_t *table = pa_to_ptr(pt->root);
    for (unsigned l = pt->start_level; l < 4; l++) {
        uint64_t entries = PT_ENTRIES * (l == pt->start_level ? pt->root_pages : 1);
        uint64_t *slot = &table[(ia >> lvl_shift(l)) & (entries - 1)];
        if (!(*slot & D_VALID)) {
            return NULL;
        }
        if (l == 3 || !(*slot & D_TABLE)) {
            *level = l;
            return slot;
        }
        if ((*slot & ~D_OA_MASK) != (D_VALID | D_TABLE)) {
            return NULL;
        }
        table = (uint64_t *)(uintptr_t)(*slot & D_OA_MASK);
    }
    return NULL;
}

static void test_attrs(void)
{
    struct pgtable pt;
    struct pt_mapping m;
    unsigned level = 99;
    size_t free0 = page_alloc_free_pages();

    /* Stage 2, the 40-bit seed shape. */
    if (!setup(&pt, PT_STAGE2, 40, 1)) {
        return;
    }
    const uint64_t ia = 0x40005000, pa = 0x812345000ULL;
    EXPECT_EQ(pt_map(&pt, ia, pa, PAGE, PT_READ | PT_WRITE), 0);
    uint64_t *slot = leaf_slot(&pt, ia, &level);
    EXPECT(slot != NULL);
    if (slot) {
        uint64_t d = *slot;
        EXPECT_EQ(level, 3);
        EXPECT_EQ(d & 3, 3);            /* valid + page */
        EXPECT_EQ((d >> 2) & 0xf, 0xf); /* MemAttr: normal, outer + inner WB */
        EXPECT_EQ((d >> 6) & 3, 3);     /* S2AP: read + write */
        EXPECT_EQ((d >> 8) & 3, 3);     /* SH: inner shareable */
        EXPECT_EQ((d >> 10) & 1, 1);    /* AF */
        EXPECT_EQ((d >> 54) & 1, 1);    /* XN */
        EXPECT_EQ(d & D_OA_MASK, pa);
        EXPECT_EQ(d,
                  pa | (1ULL << 54) | (1ULL << 10) | (3ULL << 8) | (3ULL << 6) | (0xfULL << 2) | 3);
    }
    /* The table descriptors on the way carry nothing but address, valid and table. */
    const uint64_t *root = pa_to_ptr(pt.root);
    EXPECT_EQ(root[1] & ~D_OA_MASK, 3);
    EXPECT(in_pool(root[1] & D_OA_MASK));
    EXPECT(pt_walk(&pt, ia + 0x123, &m));
    EXPECT_EQ(m.pa, pa + 0x123);
    EXPECT_EQ(m.attrs, PT_READ | PT_WRITE);
    EXPECT_EQ(m.level, 3);

    /* Device: decodes as PT_DEVICE without PT_EXEC. */
    EXPECT_EQ(pt_map(&pt, 0x9000000, 0x9000000, 2 * MIB, PT_READ | PT_WRITE | PT_DEVICE), 0);
    EXPECT(pt_walk(&pt, 0x9000000 + 0x1008, &m));
    EXPECT_EQ(m.attrs, PT_READ | PT_WRITE | PT_DEVICE);
    EXPECT_EQ(m.level, 2);
    EXPECT_EQ(m.pa, 0x9001008);
    slot = leaf_slot(&pt, 0x9000000, &level);
    EXPECT(slot != NULL);
    if (slot) {
        EXPECT_EQ(level, 2);
        EXPECT_EQ(*slot & 3, 1);            /* valid block */
        EXPECT_EQ((*slot >> 2) & 0xf, 0x1); /* Device-nGnRE */
        EXPECT_EQ((*slot >> 54) & 1, 1);
        EXPECT_EQ((*slot >> 10) & 1, 1);
    }
    /* Read-only executable, and no access at all (a stage-2 "trap everything" page). */
    EXPECT_EQ(pt_map(&pt, 0x50000000, 0x60000000, PAGE, PT_READ | PT_EXEC), 0);
    EXPECT(pt_walk(&pt, 0x50000000, &m));
    EXPECT_EQ(m.attrs, PT_READ | PT_EXEC);
    slot = leaf_slot(&pt, 0x50000000, &level);
    if (slot) {
        EXPECT_EQ((*slot >> 6) & 3, 1);
        EXPECT_EQ((*slot >> 54) & 1, 0);
    }
    EXPECT_EQ(pt_map(&pt, 0x50001000, 0x60001000, PAGE, 0), 0);
    EXPECT(pt_walk(&pt, 0x50001000, &m));
    EXPECT_EQ(m.attrs, 0);
    pt_destroy(&pt);

    /* Stage 1 (EL2), 39-bit. */
    if (!setup(&pt, PT_STAGE1_EL2, 39, 1)) {
        return;
    }
    EXPECT_EQ(pt_map(&pt, 0x40080000, 0x40080000, 16 * PAGE, PT_READ | PT_EXEC), 0);
    EXPECT(pt_walk(&pt, 0x40080000 + 5 * PAGE, &m));
    EXPECT_EQ(m.attrs, PT_READ | PT_EXEC);
    slot = leaf_slot(&pt, 0x40080000, &level);
    EXPECT(slot != NULL);
    if (slot) {
        uint64_t d = *slot;
        EXPECT_EQ(d & 3, 3);
        EXPECT_EQ((d >> 2) & 7, MAIR_IDX_NORMAL);
        EXPECT_EQ((d >> 6) & 3, 3); /* AP[2] read-only, AP[1] RES1 */
        EXPECT_EQ((d >> 8) & 3, 3);
        EXPECT_EQ((d >> 10) & 1, 1);
        EXPECT_EQ((d >> 54) & 1, 0); /* executable */
        EXPECT_EQ(d, 0x40080000ULL | (1ULL << 10) | (3ULL << 8) | (3ULL << 6) | 3);
    }
    EXPECT_EQ(pt_map(&pt, 0x40200000, 0x40200000, 2 * MIB, PT_READ | PT_WRITE), 0);
    EXPECT(pt_walk(&pt, 0x40200000, &m));
    EXPECT_EQ(m.attrs, PT_READ | PT_WRITE);
    EXPECT_EQ(m.level, 2);
    slot = leaf_slot(&pt, 0x40200000, &level);
    if (slot) {
        EXPECT_EQ(*slot & 3, 1);
        EXPECT_EQ((*slot >> 6) & 3, 1); /* read-write, AP[1] RES1 */
        EXPECT_EQ((*slot >> 54) & 1, 1);
    }
    EXPECT_EQ(pt_map(&pt, 0x9000000, 0x9000000, PAGE, PT_READ | PT_WRITE | PT_DEVICE), 0);
    EXPECT(pt_walk(&pt, 0x9000000, &m));
    EXPECT_EQ(m.attrs, PT_READ | PT_WRITE | PT_DEVICE);
    slot = leaf_slot(&pt, 0x9000000, &level);
    if (slot) {
        EXPECT_EQ((*slot >> 2) & 7, MAIR_IDX_DEVICE);
        EXPECT_EQ((*slot >> 54) & 1, 1);
    }
    pt_destroy(&pt);
    EXPECT_EQ(page_alloc_free_pages(), free0);
}

/* ------------------------------------------------------ blocks, splits */

static bool same_map(const struct pgtable *pt, uint64_t ia, uint64_t pa, unsigned attrs,
                     unsigned level)
{
    struct pt_mapping m;
    return pt_walk(pt, ia, &m) && m.pa == pa && m.attrs == attrs && m.level == level;
}

static void test_blocks(void)
{
    struct pgtable pt;
    struct pt_mapping m;
    const unsigned rw = PT_READ | PT_WRITE;
    size_t free0 = page_alloc_free_pages();
    if (!setup(&pt, PT_STAGE2, 40, 1)) {
        return;
    }
    size_t free1 = page_alloc_free_pages();
    pt.break_entry = count_break;
    brk_reset(&pt);

    /* 1 GiB at 1 GiB-aligned IA and PA: a level-1 block in the root, no new table. */
    const uint64_t g_ia = 1 * GIB, g_pa = 256 * GIB;
    EXPECT_EQ(pt_map(&pt, g_ia, g_pa, GIB, rw), 0);
    EXPECT(same_map(&pt, g_ia, g_pa, rw, 1));
    EXPECT(same_map(&pt, g_ia + GIB - 1, g_pa + GIB - 1, rw, 1));
    EXPECT(!pt_walk(&pt, g_ia - 1, &m));
    EXPECT(!pt_walk(&pt, g_ia + GIB, &m));
    EXPECT_EQ(page_alloc_free_pages(), free1);

    /* 2 MiB aligned: level 2. Unaligned: level 3. */
    EXPECT_EQ(pt_map(&pt, 2 * GIB + 2 * MIB, 0x100200000ULL, 2 * MIB, rw), 0);
    EXPECT(same_map(&pt, 2 * GIB + 2 * MIB + 0x1234, 0x100201234ULL, rw, 2));
    EXPECT_EQ(pt_map(&pt, 2 * GIB + 4 * MIB + PAGE, 0x12345000, PAGE, rw), 0);
    EXPECT(same_map(&pt, 2 * GIB + 4 * MIB + PAGE, 0x12345000, rw, 3));
    /* A 2 MiB piece whose PA is only page aligned stays in pages. */
    EXPECT_EQ(pt_map(&pt, 2 * GIB + 8 * MIB, 0x20001000, 2 * MIB, rw), 0);
    EXPECT(same_map(&pt, 2 * GIB + 8 * MIB, 0x20001000, rw, 3));
    EXPECT(same_map(&pt, 2 * GIB + 10 * MIB - PAGE, 0x20001000 + 2 * MIB - PAGE, rw, 3));
    /* 1 GiB with PA only 2 MiB aligned: 512 level-2 blocks. */
    EXPECT_EQ(pt_map(&pt, 3 * GIB, 0x300200000ULL, GIB, PT_READ), 0);
    EXPECT(same_map(&pt, 3 * GIB, 0x300200000ULL, PT_READ, 2));
    EXPECT(same_map(&pt, 4 * GIB - PAGE, 0x300200000ULL + GIB - PAGE, PT_READ, 2));

    /* A ragged range with IA and PA congruent modulo 1 GiB uses every size. */
    const uint64_t r_ia = 6 * GIB - PAGE, r_pa = 0x3000000000ULL - PAGE;
    EXPECT_EQ(pt_map(&pt, r_ia, r_pa, GIB + 2 * MIB + 2 * PAGE, rw | PT_EXEC), 0);
    EXPECT(same_map(&pt, r_ia, r_pa, rw | PT_EXEC, 3));
    EXPECT(same_map(&pt, 6 * GIB, r_pa + PAGE, rw | PT_EXEC, 1));
    EXPECT(same_map(&pt, 7 * GIB, r_pa + PAGE + GIB, rw | PT_EXEC, 2));
    EXPECT(same_map(&pt, 7 * GIB + 2 * MIB, r_pa + PAGE + GIB + 2 * MIB, rw | PT_EXEC, 3));
    EXPECT(!pt_walk(&pt, 7 * GIB + 2 * MIB + PAGE, &m));
    EXPECT(!pt_walk(&pt, r_ia - PAGE, &m));

    /* Mapping over anything mapped: -EEXIST, and nothing changes. */
    size_t free2 = page_alloc_free_pages();
    EXPECT_EQ(pt_map(&pt, g_ia + 5 * PAGE, 0x1000, PAGE, rw), -EEXIST);
    EXPECT_EQ(pt_map(&pt, g_ia + 2 * MIB, 0x200000, 2 * MIB, rw), -EEXIST);
    EXPECT_EQ(pt_map(&pt, g_ia, 0, GIB, rw), -EEXIST);
    EXPECT_EQ(pt_map(&pt, 2 * GIB + 4 * MIB + PAGE, 0x1000, PAGE, rw), -EEXIST);
    EXPECT_EQ(pt_map(&pt, 2 * GIB + 2 * MIB + 5 * PAGE, 0x1000, PAGE, rw), -EEXIST);
    EXPECT_EQ(pt_map(&pt, 2 * GIB, 0, GIB, rw), -EEXIST); /* mapped parts inside */
    EXPECT_EQ(page_alloc_free_pages(), free2);
    EXPECT(same_map(&pt, g_ia + 5 * PAGE, g_pa + 5 * PAGE, rw, 1));
    EXPECT(same_map(&pt, 2 * GIB + 4 * MIB + PAGE, 0x12345000, rw, 3));
    /* ... the failed 1 GiB map above stopped at the first mapped page: before it,
     * [2 GiB, 2 GiB + 2 MiB) got mapped (as one 2 MiB block). */
    EXPECT(same_map(&pt, 2 * GIB, 0, rw, 2));
    EXPECT_EQ(pt_unmap(&pt, 2 * GIB, 2 * MIB), 0);
    EXPECT(!pt_walk(&pt, 2 * GIB, &m));
    EXPECT_EQ(nbrk, 0);
    EXPECT_EQ(page_alloc_free_pages(), free2);

    /* One 4 KiB hole in the middle of the 1 GiB block. */
    const uint64_t hole = g_ia + 0x12345000;
    const uint64_t hole2m = hole & ~(2 * MIB - 1);
    EXPECT_EQ(pt_unmap(&pt, hole, PAGE), 0);
    EXPECT_EQ(nbrk, 2);
    EXPECT_EQ(brks[0].ia, g_ia);
    EXPECT_EQ(brks[0].level, 1);
    EXPECT(brks[0].gone);
    EXPECT_EQ(brks[1].ia, hole2m);
    EXPECT_EQ(brks[1].level, 2);
    EXPECT(brks[1].gone);
    EXPECT_EQ(brk_wrong_pt, 0);
    EXPECT_EQ(free2 - page_alloc_free_pages(), 2); /* one level-2 and one level-3 table */
    EXPECT(!pt_walk(&pt, hole, &m));
    unsigned bad3 = 0, bad2 = 0;
    for (uint64_t a = hole2m; a < hole2m + 2 * MIB; a += PAGE) {
        if (a != hole && !same_map(&pt, a + 0x10, g_pa + (a - g_ia) + 0x10, rw, 3)) {
            bad3++;
        }
    }
    for (uint64_t a = g_ia; a < g_ia + GIB; a += 2 * MIB) {
        if (a == hole2m) {
            continue;
        }
        if (!same_map(&pt, a, g_pa + (a - g_ia), rw, 2) ||
            !same_map(&pt, a + 2 * MIB - 8, g_pa + (a - g_ia) + 2 * MIB - 8, rw, 2)) {
            bad2++;
        }
    }
    EXPECT_EQ(bad3, 0);
    EXPECT_EQ(bad2, 0);

    /* Putting the hole back maps one page; it does not re-merge blocks. */
    EXPECT_EQ(pt_map(&pt, hole, g_pa + (hole - g_ia), PAGE, rw), 0);
    EXPECT(same_map(&pt, hole, g_pa + (hole - g_ia), rw, 3));

    /* Unmapping an aligned 2 MiB block whole does not break anything. */
    brk_reset(&pt);
    EXPECT_EQ(pt_unmap(&pt, 3 * GIB + 10 * MIB, 2 * MIB), 0);
    EXPECT_EQ(nbrk, 0);
    EXPECT(!pt_walk(&pt, 3 * GIB + 10 * MIB, &m));
    EXPECT(same_map(&pt, 3 * GIB + 12 * MIB, 0x300200000ULL + 12 * MIB, PT_READ, 2));
    /* A range straddling two 2 MiB blocks breaks both. */
    EXPECT_EQ(pt_unmap(&pt, 3 * GIB + 21 * MIB, 2 * MIB), 0);
    EXPECT_EQ(nbrk, 2);
    EXPECT_EQ(brks[0].ia, 3 * GIB + 20 * MIB);
    EXPECT_EQ(brks[1].ia, 3 * GIB + 22 * MIB);
    EXPECT(brks[0].level == 2 && brks[1].level == 2 && brks[0].gone && brks[1].gone);
    EXPECT(same_map(&pt, 3 * GIB + 21 * MIB - PAGE, 0x300200000ULL + 21 * MIB - PAGE, PT_READ, 3));
    EXPECT(!pt_walk(&pt, 3 * GIB + 21 * MIB, &m));
    EXPECT(!pt_walk(&pt, 3 * GIB + 23 * MIB - PAGE, &m));
    EXPECT(same_map(&pt, 3 * GIB + 23 * MIB, 0x300200000ULL + 23 * MIB, PT_READ, 3));

    /* Unmapping the 1 GiB range frees its two tables again. */
    size_t free3 = page_alloc_free_pages();
    EXPECT_EQ(pt_unmap(&pt, g_ia, GIB), 0);
    EXPECT_EQ(page_alloc_free_pages(), free3 + 2);
    EXPECT(!pt_walk(&pt, hole + PAGE, &m));

    /* Unmapping everything frees every table but the root. */
    EXPECT_EQ(pt_unmap(&pt, 0, 1ULL << 40), 0);
    EXPECT_EQ(page_alloc_free_pages(), free1);
    const uint64_t *root = pa_to_ptr(pt.root);
    bool zero = true;
    for (unsigned i = 0; i < 2 * PT_ENTRIES; i++) {
        zero = zero && root[i] == 0;
    }
    EXPECT(zero);
    EXPECT_EQ(nbrk_visible, 0);

    /* pt_destroy returns everything, with tables still populated. */
    EXPECT_EQ(pt_map(&pt, r_ia, r_pa, GIB + 2 * MIB + 2 * PAGE, rw), 0);
    EXPECT_EQ(pt_map(&pt, 100 * GIB + PAGE, 0x5000, 64 * MIB, rw), 0);
    EXPECT(page_alloc_free_pages() < free1);
    pt_destroy(&pt);
    EXPECT_EQ(page_alloc_free_pages(), free0);
}

/* The 43-bit shape: the top of the IA space lives in the last of 16 root pages. */
static void test_concat_edges(void)
{
    struct pgtable pt;
    struct pt_mapping m;
    size_t free0 = page_alloc_free_pages();
    if (!setup(&pt, PT_STAGE2, 43, 1)) {
        return;
    }
    const uint64_t top = 1ULL << 43;
    EXPECT_EQ(pt_map(&pt, top - GIB, 7 * GIB, GIB, PT_READ), 0);
    EXPECT_EQ(pt_map(&pt, 0, 0x1000, PAGE, PT_WRITE), 0);
    EXPECT_EQ(pt_map(&pt, 512 * GIB, 0, GIB, PT_EXEC), 0); /* first entry of root page 1 */
    const uint64_t *root = pa_to_ptr(pt.root);
    EXPECT_EQ(root[16 * PT_ENTRIES - 1] & 3, 1); /* block in the very last entry */
    EXPECT_EQ(root[PT_ENTRIES] & 3, 1);
    EXPECT_EQ(root[0] & 3, 3);
    EXPECT(pt_walk(&pt, top - 1, &m) && m.pa == 8 * GIB - 1 && m.level == 1);
    EXPECT(pt_walk(&pt, 512 * GIB + 5, &m) && m.pa == 5 && m.attrs == PT_EXEC);
    EXPECT(pt_walk(&pt, 0x10, &m) && m.pa == 0x1010 && m.attrs == PT_WRITE);
    EXPECT(!pt_walk(&pt, top - GIB - 1, &m));
    EXPECT(!pt_walk(&pt, top, &m));
    EXPECT_EQ(pt_unmap(&pt, 0, top), 0);
    EXPECT(!pt_walk(&pt, top - 1, &m));
    pt_destroy(&pt);
    EXPECT_EQ(page_alloc_free_pages(), free0);
}

/* ---------------------------------------------------------- demand mode */

#define GUEST_IPA   0x40000000ULL
#define GUEST_PA    0x880000000ULL
#define GUEST_SIZE  (64 * MIB)
#define GUEST_PAGES (GUEST_SIZE / PAGE)

static uint8_t faults[GUEST_PAGES];

static void test_demand(void)
{
    struct pgtable pt;
    size_t free0 = page_alloc_free_pages();
    if (!setup(&pt, PT_STAGE2, 40, 1)) {
        return;
    }
    size_t free1 = page_alloc_free_pages();
    pt.break_entry = count_break;
    brk_reset(&pt);
    memset(faults, 0, sizeof(faults));
    const unsigned rwx = PT_READ | PT_WRITE | PT_EXEC;
    unsigned nfaults = 0, hits = 0, wrong = 0, map_err = 0, outside_mapped = 0;

    /* Guest accesses: random at first, then a sweep so every page is touched. */
    for (uint64_t n = 0; n < 60000 + GUEST_PAGES; n++) {
        uint64_t off = n < 60000 ? rng_below(GUEST_SIZE) : (n - 60000) * PAGE + rng_below(PAGE);
        uint64_t ipa = GUEST_IPA + off;
        struct pt_mapping m;
        if (!pt_walk(&pt, ipa, &m)) {
            /* Stage-2 fault: map the one page. */
            uint64_t page = ipa & ~(PAGE - 1);
            faults[off / PAGE]++;
            nfaults++;
            if (pt_map(&pt, page, GUEST_PA + (page - GUEST_IPA), PAGE, rwx) != 0) {
                map_err++;
            }
            if (!pt_walk(&pt, ipa, &m)) {
                map_err++;
                continue;
            }
        } else {
            hits++;
        }
        if (m.pa != GUEST_PA + off || m.attrs != rwx || m.level != 3) {
            wrong++;
        }
        /* Now and then, something outside guest RAM. */
        if (n % 97 == 0) {
            uint64_t out[] = {GUEST_IPA - 1 - rng_below(GUEST_IPA), GUEST_IPA + GUEST_SIZE,
                              GUEST_IPA + GUEST_SIZE + rng_below(GIB), rng_below(1ULL << 40)};
            for (unsigned k = 0; k < 4; k++) {
                bool inside = out[k] >= GUEST_IPA && out[k] < GUEST_IPA + GUEST_SIZE;
                if (!inside && pt_walk(&pt, out[k], &m)) {
                    outside_mapped++;
                }
            }
        }
    }
    unsigned once = 0;
    for (size_t i = 0; i < GUEST_PAGES; i++) {
        once += faults[i] == 1 ? 1U : 0U;
    }
    EXPECT_EQ(once, GUEST_PAGES);
    EXPECT_EQ(nfaults, GUEST_PAGES);
    EXPECT_EQ(hits, 60000);
    EXPECT_EQ(wrong, 0);
    EXPECT_EQ(map_err, 0);
    EXPECT_EQ(outside_mapped, 0);
    EXPECT_EQ(nbrk, 0);

    /* Second pass: no more faults; the final mapping is the identity offset. */
    unsigned refaults = 0;
    wrong = 0;
    for (uint64_t off = 0; off < GUEST_SIZE; off += PAGE) {
        struct pt_mapping m;
        if (!pt_walk(&pt, GUEST_IPA + off + 0xff8, &m)) {
            refaults++;
        } else if (m.pa != GUEST_PA + off + 0xff8 || m.attrs != rwx) {
            wrong++;
        }
    }
    EXPECT_EQ(refaults, 0);
    EXPECT_EQ(wrong, 0);
    /* A page faulted twice (a racing vCPU) sees -EEXIST and keeps its mapping. */
    EXPECT_EQ(pt_map(&pt, GUEST_IPA, GUEST_PA, PAGE, rwx), -EEXIST);
    /* 64 MiB at a 1 GiB boundary: one level-2 table, 32 level-3 tables. */
    EXPECT_EQ(free1 - page_alloc_free_pages(), 33);
    struct pt_mapping m;
    EXPECT(!pt_walk(&pt, GUEST_IPA - PAGE, &m));
    EXPECT(!pt_walk(&pt, GUEST_IPA + GUEST_SIZE, &m));
    pt_destroy(&pt);
    EXPECT_EQ(page_alloc_free_pages(), free0);
}

/* ------------------------------------------------------- out of memory */

static void test_enomem(void)
{
    /* A small pool of its own: 1 bitmap page + 8 pages. */
    uint8_t *small = aligned_alloc(64 * 1024, 64 * 1024);
    if (!small) {
        EXPECT(0);
        return;
    }
    EXPECT(page_alloc_init(ptr_to_pa(small), ptr_to_pa(small + 9 * PAGE)));
    EXPECT_EQ(page_alloc_free_pages(), 8);
    struct pgtable pt;
    struct pt_mapping m;
    EXPECT_EQ(pt_init(&pt, PT_STAGE2, 43, 1), -ENOMEM); /* 16 root pages */
    EXPECT_EQ(page_alloc_free_pages(), 8);
    if (!setup(&pt, PT_STAGE2, 44, 0)) {
        goto out;
    }
    EXPECT_EQ(pt_map(&pt, 0x1000, 0x1000, PAGE, PT_READ), 0); /* 3 tables */
    EXPECT_EQ(page_alloc_free_pages(), 4);
    /* Another 1 GiB region of pages: a level-2 and a level-3 table. */
    EXPECT_EQ(pt_map(&pt, GIB, 0, PAGE, PT_READ), 0);
    EXPECT_EQ(page_alloc_free_pages(), 2);
    /* A third needs three (new level-1 subtree): fails. */
    EXPECT_EQ(pt_map(&pt, 1ULL << 39, 0, PAGE, PT_READ), -ENOMEM);
    EXPECT(!pt_walk(&pt, 1ULL << 39, &m));
    /* Tables the failed map left on the way are reclaimed by unmapping the range. */
    EXPECT_EQ(pt_unmap(&pt, 1ULL << 39, PAGE), 0);
    EXPECT_EQ(page_alloc_free_pages(), 2);
    /* Splitting a block needs a table too: with none left, unmap fails and the
     * block stays whole. */
    pt_destroy(&pt);
    EXPECT_EQ(page_alloc_free_pages(), 8);
    if (!setup(&pt, PT_STAGE2, 40, 1)) {
        goto out;
    }
    EXPECT_EQ(pt_map(&pt, GIB, GIB, GIB, PT_READ), 0);
    paddr_t rest[8];
    size_t nrest = 0;
    while (nrest < 8 && page_alloc(1, 1, &rest[nrest])) {
        nrest++;
    }
    EXPECT_EQ(nrest, 6);
    EXPECT_EQ(pt_unmap(&pt, GIB + PAGE, PAGE), -ENOMEM);
    EXPECT(pt_walk(&pt, GIB + PAGE, &m) && m.level == 1 && m.pa == GIB + PAGE);
    /* One table is enough for the first split, not the second. */
    page_free(rest[--nrest], 1);
    EXPECT_EQ(pt_unmap(&pt, GIB + PAGE, PAGE), -ENOMEM);
    EXPECT(pt_walk(&pt, GIB + PAGE, &m) && m.level == 2 && m.pa == GIB + PAGE);
    EXPECT(pt_walk(&pt, 2 * GIB - 1, &m) && m.level == 2 && m.pa == 2 * GIB - 1);
    while (nrest > 0) {
        page_free(rest[--nrest], 1);
    }
    EXPECT_EQ(pt_unmap(&pt, GIB + PAGE, PAGE), 0);
    EXPECT(!pt_walk(&pt, GIB + PAGE, &m));
    EXPECT(pt_walk(&pt, GIB, &m) && m.level == 3);
    pt_destroy(&pt);
    EXPECT_EQ(page_alloc_free_pages(), 8);
out:
    free(small);
}

int main(void)
{
    if (!pool_init()) {
        return 1;
    }
    size_t total = page_alloc_free_pages();
    test_shapes();
    test_vtcr_tcr();
    test_invalid_args();
    test_attrs();
    test_blocks();
    test_concat_edges();
    test_demand();
    EXPECT_EQ(page_alloc_free_pages(), total);
    test_enomem();
    free(pool_mem);
    return unit_report("pgtable");
}
