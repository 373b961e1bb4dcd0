/*
 * Typed addresses: a physical address (PA), an intermediate physical address
 * (IPA, what a guest thinks is physical) and a hypervisor virtual address are
 * different types, so passing one where another belongs does not compile.
 * shrike maps RAM 1:1 at EL2, so pa_to_ptr() is an identity cast.
 */
#ifndef SHRIKE_MM_ADDR_H
#define SHRIKE_MM_ADDR_H

#include <stdint.h>

typedef struct {
    uint64_t pa;
} paddr_t;

typedef struct {
    uint64_t ipa;
} ipaddr_t;

static inline paddr_t pa_init(uint64_t pa)
{
    return (paddr_t){pa};
}

static inline uint64_t pa_addr(paddr_t pa)
{
    return pa.pa;
}

static inline paddr_t pa_add(paddr_t pa, uint64_t off)
{
    return (paddr_t){pa.pa + off};
}

static inline ipaddr_t ipa_init(uint64_t ipa)
{
    return (ipaddr_t){ipa};
}

static inline uint64_t ipa_addr(ipaddr_t ipa)
{
    return ipa.ipa;
}

static inline void *pa_to_ptr(paddr_t pa)
{
    return (void *)(uintptr_t)pa.pa;
}

static inline paddr_t ptr_to_pa(const void *p)
{
    return (paddr_t){(uint64_t)(uintptr_t)p};
}

#endif
