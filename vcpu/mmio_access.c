/* MMIO load/store value arithmetic (see mmio_access.h). */
#include "vcpu/mmio_access.h"

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

uint64_t mmio_store_value(uint64_t reg, unsigned size)
{
    return reg & size_mask(size);
}

uint64_t mmio_load_result(uint64_t raw, unsigned size, bool sse, bool sf)
{
    uint64_t val = raw & size_mask(size);
    if (sse && size < 8) {
        uint64_t sign = 1ULL << (8 * size - 1);
        val = (val ^ sign) - sign;
    }
    return sf ? val : val & 0xFFFFFFFFULL;
}
