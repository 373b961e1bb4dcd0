/*
 * Cache maintenance by VA (see cache.h). DC CIVAC rather than DC CVAC: a
 * clean line left in the cache would be stale once the guest, its caches
 * still off, writes the memory behind it and then turns them on (and several
 * cores upgrade DC CVAC to DC CIVAC anyway, e.g. Cortex-A53 erratum 819472).
 * The line size is read from CTR_EL0 at every call: it is the smallest of all
 * the CPUs' caches (DminLine), so one value is safe on every CPU.
 */
#include "mm/cache.h"

unsigned cache_dline_from_ctr(uint64_t ctr)
{
    return 4U << ((ctr >> 16) & 0xF);
}

size_t cache_lines(uintptr_t va, size_t len, unsigned line, uintptr_t *first)
{
    uintptr_t start = va & ~(uintptr_t)(line - 1);
    *first = start;
    if (len == 0) {
        return 0;
    }
    uintptr_t end = va + len; /* exclusive */
    return (size_t)((end - start + line - 1) / line);
}

unsigned cache_zva_block_from_dczid(uint64_t dczid)
{
    if (dczid & (1U << 4)) {
        return 0; /* DZP: DC ZVA prohibited */
    }
    return 4U << (dczid & 0xF);
}

void cache_zva_split(uintptr_t va, size_t len, unsigned block, size_t *head, size_t *mid)
{
    *head = len;
    *mid = 0;
    if (block == 0) {
        return;
    }
    size_t to_boundary = (size_t)(-va & (uintptr_t)(block - 1));
    if (to_boundary >= len) {
        return;
    }
    *head = to_boundary;
    *mid = (len - to_boundary) & ~(size_t)(block - 1);
}

#ifndef SHRIKE_HOST_TEST
#include "kernel/lib.h"
#include "kernel/sysreg.h"

#define SCTLR_EL2_M (1ULL << 0)

void zero_memory(void *va, size_t len)
{
    /*
     * DC ZVA to Device memory is an alignment fault, and before the EL2 MMU
     * is on all memory is Device: the page allocator zeroes the first page
     * tables then. The block size is read at each call, as the line size is.
     */
    unsigned block = 0;
    if (read_sysreg(sctlr_el2) & SCTLR_EL2_M) {
        block = cache_zva_block_from_dczid(read_sysreg(dczid_el0));
    }
    size_t head, mid;
    cache_zva_split((uintptr_t)va, len, block, &head, &mid);
    uint8_t *p = va;
    memset(p, 0, head);
    for (uint8_t *end = p + head + mid, *b = p + head; b < end; b += block) {
        __asm__ __volatile__("dc zva, %0" : : "r"(b) : "memory");
    }
    memset(p + head + mid, 0, len - head - mid);
}

void dcache_clean_inval_poc(const void *va, size_t len)
{
    unsigned line = cache_dline_from_ctr(read_sysreg(ctr_el0));
    uintptr_t p;
    size_t n = cache_lines((uintptr_t)va, len, line, &p);
    dsb(ish); /* earlier stores first */
    /* Four lines a turn (a VM's whole RAM is cleaned at every boot): one loop overhead for four. */
    for (; n >= 4; n -= 4, p += 4 * (uintptr_t)line) {
        __asm__ __volatile__("dc civac, %0\n\tdc civac, %1\n\tdc civac, %2\n\tdc civac, %3"
                             :
                             : "r"(p), "r"(p + line), "r"(p + 2 * line), "r"(p + 3 * line)
                             : "memory");
    }
    for (; n > 0; n--, p += line) {
        __asm__ __volatile__("dc civac, %0" : : "r"(p) : "memory");
    }
    dsb(sy);
}

void icache_inval_all(void)
{
    __asm__ __volatile__("ic ialluis\n\tdsb ish\n\tisb" : : : "memory");
}

void cache_guest_written(const void *va, size_t len)
{
    dcache_clean_inval_poc(va, len);
    icache_inval_all();
}
#endif
