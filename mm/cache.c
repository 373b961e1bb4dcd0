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

#ifndef SHRIKE_HOST_TEST
#include "kernel/sysreg.h"

void dcache_clean_inval_poc(const void *va, size_t len)
{
    unsigned line = cache_dline_from_ctr(read_sysreg(ctr_el0));
    uintptr_t p;
    size_t n = cache_lines((uintptr_t)va, len, line, &p);
    dsb(ish); /* earlier stores first */
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
