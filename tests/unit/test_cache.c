/*
 * Host unit test for mm/cache.c's arithmetic: the D-cache line size from
 * CTR_EL0.DminLine, and which lines a byte range touches (unaligned starts
 * and ends, one byte, exact lines, a whole 2 MiB block), and the DC ZVA
 * block from DCZID_EL0 with zero_memory()'s split of a range into blocks.
 */
#include <stddef.h>
#include <stdint.h>

#include "mm/cache.h"
#include "unit.h"

UNIT_STATE;

static void test_dline(void)
{
    EXPECT_EQ(cache_dline_from_ctr(0), 4);
    EXPECT_EQ(cache_dline_from_ctr(4ULL << 16), 64); /* Cortex-A57, A72: 16 words */
    EXPECT_EQ(cache_dline_from_ctr(5ULL << 16), 128);
    /* Real CTR_EL0 values: only bits 19:16 count. */
    EXPECT_EQ(cache_dline_from_ctr(0x8444C004ULL), 64); /* cortex-a57 on QEMU */
    EXPECT_EQ(cache_dline_from_ctr(0xFFF0FFFFULL), 4);
    EXPECT_EQ(cache_dline_from_ctr(0x000F0000ULL), 4U << 15);
}

static void test_lines(void)
{
    uintptr_t first = 1;
    EXPECT_EQ(cache_lines(0x1000, 0, 64, &first), 0);
    EXPECT_EQ(cache_lines(0x1000, 1, 64, &first), 1);
    EXPECT_EQ(first, 0x1000);
    EXPECT_EQ(cache_lines(0x103F, 1, 64, &first), 1);
    EXPECT_EQ(first, 0x1000);
    EXPECT_EQ(cache_lines(0x103F, 2, 64, &first), 2); /* straddles 0x1040 */
    EXPECT_EQ(first, 0x1000);
    EXPECT_EQ(cache_lines(0x1000, 64, 64, &first), 1);
    EXPECT_EQ(cache_lines(0x1000, 65, 64, &first), 2);
    EXPECT_EQ(cache_lines(0x1001, 64, 64, &first), 2);
    EXPECT_EQ(cache_lines(0x1000, 4096, 64, &first), 64);
    EXPECT_EQ(cache_lines(0x1020, 4096, 64, &first), 65);
    EXPECT_EQ(first, 0x1000);
    EXPECT_EQ(cache_lines(0x40000000, 2u << 20, 64, &first), (2u << 20) / 64);
    EXPECT_EQ(first, 0x40000000);
    EXPECT_EQ(cache_lines(0x40000004, 8, 4, &first), 2);
    EXPECT_EQ(first, 0x40000004);
    EXPECT_EQ(cache_lines(0x40000005, 8, 4, &first), 3);
    EXPECT_EQ(first, 0x40000004);
}

static void test_zva(void)
{
    EXPECT_EQ(cache_zva_block_from_dczid(4), 64); /* cortex-a57 on QEMU */
    EXPECT_EQ(cache_zva_block_from_dczid(9), 2048);
    EXPECT_EQ(cache_zva_block_from_dczid(0x14), 0); /* DZP set */
    EXPECT_EQ(cache_zva_block_from_dczid(0xFFFFFFE4ULL), 64);
    size_t head = 1, mid = 1;
    cache_zva_split(0x1000, 0x2000, 64, &head, &mid); /* aligned: all blocks */
    EXPECT_EQ(head, 0);
    EXPECT_EQ(mid, 0x2000);
    cache_zva_split(0x1010, 0x100, 64, &head, &mid); /* 0x30 to 0x1040, 3 blocks, 0x10 tail */
    EXPECT_EQ(head, 0x30);
    EXPECT_EQ(mid, 0xC0);
    cache_zva_split(0x1010, 0x20, 64, &head, &mid); /* inside one block: no block */
    EXPECT_EQ(head, 0x20);
    EXPECT_EQ(mid, 0);
    cache_zva_split(0x1010, 0x30, 64, &head, &mid); /* up to the boundary exactly */
    EXPECT_EQ(head, 0x30);
    EXPECT_EQ(mid, 0);
    cache_zva_split(0x1000, 0x3F, 64, &head, &mid); /* aligned, less than a block */
    EXPECT_EQ(head, 0);
    EXPECT_EQ(mid, 0);
    cache_zva_split(0x1000, 0x1000, 0, &head, &mid); /* no DC ZVA: all memset */
    EXPECT_EQ(head, 0x1000);
    EXPECT_EQ(mid, 0);
    cache_zva_split(0x1000, 0, 64, &head, &mid);
    EXPECT_EQ(head, 0);
    EXPECT_EQ(mid, 0);
}

int main(void)
{
    test_dline();
    test_lines();
    test_zva();
    return unit_report("cache");
}
