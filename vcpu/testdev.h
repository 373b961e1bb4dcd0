/* The emulated test device used by the mmio test guest (register map in vcpu/abi.h). */
#ifndef SHRIKE_VCPU_TESTDEV_H
#define SHRIKE_VCPU_TESTDEV_H

#include <stdint.h>

#include "vcpu/mmio.h"

struct testdev {
    uint64_t scratch;
    uint64_t count;
};

extern const struct mmio_ops testdev_mmio_ops;

#endif
