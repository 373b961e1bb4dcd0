/*
 * Host unit test for the order of TLB flushes and table frees in
 * mm/pgtable.c: a table page that pt_unmap() empties or pt_destroy() drops
 * may still be cached by a walker on another CPU until the TLB is flushed for
 * its VMID, so it must go back to the page pool only after the flush hook ran.
 * A fake flush hook records when it runs, how many pages were free then and
 * what the dropped tables held at that moment.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "pgtable_testlib.h"
#include "unit.h"

UNIT_STATE;

#define MAX_WATCH 8

static struct flush_record {
    unsigned calls;
    size_t free_at_call;              /* page_alloc_free_pages() at the (last) call */
    const struct pgtable *pt;         /* the table the hook was called for */
    const uint64_t *watch[MAX_WATCH]; /* table pages about to be dropped */
    unsigned nwatch;
    unsigned valid_in_watched; /* valid descriptors seen in them at the call */
    unsigned mapped_at_call;   /* addresses of `probe` still translated at the call */
    uint64_t probe[MAX_WATCH];
    unsigned nprobe;
} rec;

static void fake_flush(const struct pgtable *pt)
{
    rec.calls++;
    rec.free_at_call = page_alloc_free_pages();
    rec.pt = pt;
    for (unsigned i = 0; i < rec.nwatch; i++) {
        for (unsigned e = 0; e < 512; e++) {
            rec.valid_in_watched += (rec.watch[i][e] & D_VALID) ? 1 : 0;
        }
    }
    for (unsigned i = 0; i < rec.nprobe; i++) {
        struct pt_mapping m;
        rec.mapped_at_call += pt_walk(pt, rec.probe[i], &m) ? 1 : 0;
    }
}

static void rec_reset(void)
{
    rec = (struct flush_record){0};
}

/* The next-level table a valid table descriptor at `table[idx]` points to. */
static const uint64_t *next_table(const uint64_t *table, unsigned idx)
{
    return (const uint64_t *)(uintptr_t)(table[idx] & D_OA_MASK);
}

/*
 * 40-bit stage 2 from level 1 (two concatenated roots): pages at 1 GiB + 4 KiB
 * and 1 GiB + 8 KiB need one level-2 and one level-3 table; unmapping the
 * whole GiB empties and drops both.
 */
static void test_unmap_frees_after_flush(void)
{
    struct pgtable pt;
    if (!setup(&pt, PT_STAGE2, 40, 1)) {
        return;
    }
    pt.flush_tlb = fake_flush;
    EXPECT_EQ(pt_map(&pt, GIB + PAGE, 0x80001000, PAGE, PT_READ | PT_WRITE), 0);
    EXPECT_EQ(pt_map(&pt, GIB + 2 * PAGE, 0x80002000, PAGE, PT_READ | PT_WRITE), 0);
    const uint64_t *root = (const uint64_t *)(uintptr_t)pa_addr(pt.root);
    const uint64_t *l2 = next_table(root, 1);
    const uint64_t *l3 = next_table(l2, 0);
    rec_reset();
    rec.watch[0] = l2;
    rec.watch[1] = l3;
    rec.nwatch = 2;
    rec.probe[0] = GIB + PAGE;
    rec.probe[1] = GIB + 2 * PAGE;
    rec.nprobe = 2;
    size_t before = page_alloc_free_pages();

    EXPECT_EQ(pt_unmap(&pt, GIB, GIB), 0);
    EXPECT_EQ(rec.calls, 1);
    EXPECT(rec.pt == &pt);
    EXPECT_EQ(rec.free_at_call, before); /* nothing freed before the flush */
    EXPECT_EQ(rec.valid_in_watched, 0);  /* the dropped tables hold no valid descriptor */
    EXPECT_EQ(rec.mapped_at_call, 0);    /* unmapped before the flush */
    EXPECT_EQ(page_alloc_free_pages(), before + 2); /* both tables freed after it */
    EXPECT_EQ(root[1] & D_VALID, 0);
    pt_destroy(&pt);
}

/* Unmapping leaves only (no table emptied): no flush from pt_unmap, nothing freed. */
static void test_leaf_unmap_no_flush(void)
{
    struct pgtable pt;
    if (!setup(&pt, PT_STAGE2, 40, 1)) {
        return;
    }
    pt.flush_tlb = fake_flush;
    EXPECT_EQ(pt_map(&pt, GIB + PAGE, 0x80001000, 2 * PAGE, PT_READ), 0);
    rec_reset();
    size_t before = page_alloc_free_pages();
    EXPECT_EQ(pt_unmap(&pt, GIB + PAGE, PAGE), 0);
    EXPECT_EQ(rec.calls, 0);
    EXPECT_EQ(page_alloc_free_pages(), before);
    pt_destroy(&pt);
}

/* Many emptied tables in one call: one flush, then all of them freed. */
static void test_many_tables_one_flush(void)
{
    struct pgtable pt;
    if (!setup(&pt, PT_STAGE2, 40, 1)) {
        return;
    }
    pt.flush_tlb = fake_flush;
    /* One page in each of 5 different 2 MiB regions of 3 different GiBs: 3 L2 + 5 L3 tables. */
    static const uint64_t ias[] = {0, 4 * MIB, GIB, GIB + 2 * MIB, 3 * GIB + 8 * MIB};
    for (unsigned i = 0; i < 5; i++) {
        EXPECT_EQ(pt_map(&pt, ias[i], 0x90000000 + i * PAGE, PAGE, PT_READ), 0);
    }
    rec_reset();
    size_t before = page_alloc_free_pages();
    EXPECT_EQ(pt_unmap(&pt, 0, 4 * GIB), 0);
    EXPECT_EQ(rec.calls, 1);
    EXPECT_EQ(rec.free_at_call, before);
    EXPECT_EQ(page_alloc_free_pages(), before + 8);
    pt_destroy(&pt);
}

/* pt_destroy: one flush before any page (root included) goes back to the pool. */
static void test_destroy_flushes_first(void)
{
    struct pgtable pt;
    size_t start = page_alloc_free_pages();
    if (!setup(&pt, PT_STAGE2, 40, 1)) {
        return;
    }
    pt.flush_tlb = fake_flush;
    EXPECT_EQ(pt_map(&pt, GIB + PAGE, 0x80001000, PAGE, PT_READ), 0);
    rec_reset();
    size_t before = page_alloc_free_pages();
    pt_destroy(&pt);
    EXPECT_EQ(rec.calls, 1);
    EXPECT_EQ(rec.free_at_call, before);
    EXPECT_EQ(page_alloc_free_pages(), start); /* 2 roots + L2 + L3 returned */
}

/* Without a hook (tables never live) pt_unmap still frees what it empties. */
static void test_no_hook(void)
{
    struct pgtable pt;
    if (!setup(&pt, PT_STAGE2, 40, 1)) {
        return;
    }
    EXPECT(pt.flush_tlb == 0); /* pt_init clears it */
    EXPECT_EQ(pt_map(&pt, GIB + PAGE, 0x80001000, PAGE, PT_READ), 0);
    size_t before = page_alloc_free_pages();
    EXPECT_EQ(pt_unmap(&pt, GIB, GIB), 0);
    EXPECT_EQ(page_alloc_free_pages(), before + 2);
    pt_destroy(&pt);
}

int main(void)
{
    if (!pool_init()) {
        return 1;
    }
    test_unmap_frees_after_flush();
    test_leaf_unmap_no_flush();
    test_many_tables_one_flush();
    test_destroy_flushes_first();
    test_no_hook();
    return unit_report("pgtable_flush");
}
