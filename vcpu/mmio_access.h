/*
 * Register-side arithmetic of an emulated load or store, from the data-abort
 * syndrome: what a store puts on the bus and what a load leaves in Xt/Wt.
 * Plain C, unit-tested on the host.
 */
#ifndef SHRIKE_VCPU_MMIO_ACCESS_H
#define SHRIKE_VCPU_MMIO_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

/* Inline: they are on every emulated access (issue 12). */
static inline uint64_t mmio_size_mask(unsigned size)
{
    return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* The value a store of `size` bytes from register value `reg` writes (low bytes). */
static inline uint64_t mmio_store_value(uint64_t reg, unsigned size)
{
    return reg & mmio_size_mask(size);
}

/*
 * The register value after a load of `size` bytes returning `raw`: sign
 * extension when sse (to 64 bits when sf, else to 32 bits and then zero
 * extended, as a W-register write does), zero extension otherwise.
 */
static inline uint64_t mmio_load_result(uint64_t raw, unsigned size, bool sse, bool sf)
{
    uint64_t val = raw & mmio_size_mask(size);
    if (sse && size < 8) {
        uint64_t sign = 1ULL << (8 * size - 1);
        val = (val ^ sign) - sign;
    }
    return sf ? val : val & 0xFFFFFFFFULL;
}

#endif
