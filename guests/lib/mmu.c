/*
 * Stage-1 tables of a test guest (see mmu.h). Tables come from a static pool
 * and are never freed; entries are written with plain stores, then published
 * to the table walkers with DSB and invalidated with TLBI ... IS.
 */
#include "guests/lib/mmu.h"

#include "guests/lib/arch.h"
#include "vcpu/abi.h"

#define PT_ENTRIES  512
#define POOL_TABLES 32

#define DESC_VALID    (1UL << 0)
#define DESC_TABLE    (3UL << 0) /* table (levels 1-2) or page (level 3) */
#define DESC_BLOCK    (1UL << 0)
#define DESC_ATTR(i)  ((uint64_t)(i) << 2)
#define DESC_AP_RO    (2UL << 6)
#define DESC_AP_EL0   (1UL << 6)
#define DESC_SH_INNER (3UL << 8)
#define DESC_AF       (1UL << 10)
#define DESC_PXN      (1UL << 53)
#define DESC_UXN      (1UL << 54)
#define DESC_ADDR     0x0000FFFFFFFFF000UL

uint64_t guest_pgd[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint64_t pool[POOL_TABLES][PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static unsigned pool_used;

static unsigned level_shift(unsigned level)
{
    return 39 - 9 * level; /* level 1: 30, level 2: 21, level 3: 12 */
}

static uint64_t leaf_attrs(unsigned flags)
{
    uint64_t d = DESC_AF | ((flags & MMU_EL0) && !(flags & MMU_XN) ? DESC_PXN : DESC_UXN);

    if (flags & MMU_DEVICE) {
        d |= DESC_ATTR(MAIR_IDX_DEVICE) | DESC_PXN;
    } else {
        d |= DESC_ATTR(MAIR_IDX_NORMAL) | DESC_SH_INNER;
    }
    if (flags & MMU_RO) {
        d |= DESC_AP_RO;
    }
    if (flags & MMU_EL0) {
        d |= DESC_AP_EL0;
    }
    if (flags & MMU_XN) {
        d |= DESC_PXN;
    }
    return d;
}

static void tlb_flush_va(uint64_t va)
{
    __asm__ __volatile__("dsb ishst\n\t"
                         "tlbi vaae1is, %0\n\t"
                         "dsb ish\n\t"
                         "isb"
                         :
                         : "r"(va >> 12)
                         : "memory");
}

/* The table entry *e points to, allocating it if e is empty; NULL if a block is there. */
static uint64_t *descend(uint64_t *e)
{
    uint64_t *t;

    if (*e & DESC_VALID) {
        return (*e & DESC_TABLE) == DESC_TABLE ? (uint64_t *)(uintptr_t)(*e & DESC_ADDR) : 0;
    }
    if (pool_used == POOL_TABLES) {
        return 0;
    }
    t = pool[pool_used++];
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        t[i] = 0;
    }
    __asm__ __volatile__("dsb ishst" : : : "memory");
    *e = (uint64_t)(uintptr_t)t | DESC_TABLE;
    return t;
}

/* One block (level 1 or 2) or page (level 3) mapping. */
static int map_one(uint64_t va, uint64_t pa, unsigned level, unsigned flags)
{
    uint64_t *table = guest_pgd;
    uint64_t *e;

    for (unsigned l = 1; l < level; l++) {
        table = descend(&table[(va >> level_shift(l)) % PT_ENTRIES]);
        if (table == 0) {
            return -1;
        }
    }
    e = &table[(va >> level_shift(level)) % PT_ENTRIES];
    if (*e & DESC_VALID) {
        if (level < 3 && (*e & DESC_TABLE) == DESC_TABLE) {
            return -1;
        }
        *e = 0;
        tlb_flush_va(va);
    }
    *e = pa | leaf_attrs(flags) | (level == 3 ? DESC_TABLE : DESC_BLOCK);
    tlb_flush_va(va);
    return 0;
}

static unsigned best_level(uint64_t va, uint64_t pa, uint64_t size)
{
    for (unsigned level = 1; level < 3; level++) {
        uint64_t block = 1UL << level_shift(level);
        if (((va | pa) & (block - 1)) == 0 && size >= block) {
            return level;
        }
    }
    return 3;
}

int mmu_map(uint64_t va, uint64_t pa, uint64_t size, unsigned flags)
{
    if (((va | pa | size) & (PAGE_SIZE - 1)) != 0 || va + size < va || va + size > (1UL << 39)) {
        return -1;
    }
    while (size > 0) {
        unsigned level = best_level(va, pa, size);
        uint64_t step = 1UL << level_shift(level);
        if (map_one(va, pa, level, flags) != 0) {
            return -1;
        }
        va += step;
        pa += step;
        size -= step;
    }
    return 0;
}

int mmu_init(uint64_t ram_base, uint64_t ram_size)
{
    int rc = mmu_map(ram_base, ram_base, ram_size, 0);

    rc |= mmu_map(GUEST_UART_BASE, GUEST_UART_BASE, GUEST_UART_SIZE, MMU_DEVICE);
    rc |= mmu_map(GUEST_TESTDEV_BASE, GUEST_TESTDEV_BASE, GUEST_TESTDEV_SIZE, MMU_DEVICE);
    return rc;
}
