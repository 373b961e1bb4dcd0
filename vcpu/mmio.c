/* A VM's MMIO bus (see mmio.h). */
#include "vcpu/mmio.h"

#include "kernel/errno.h"

int mmio_bus_add(struct mmio_bus *bus, uint64_t base, uint64_t size, const struct mmio_ops *ops,
                 void *dev)
{
    if (size == 0 || base + size < base || ops == 0) {
        return -EINVAL;
    }
    for (unsigned i = 0; i < bus->count; i++) {
        const struct mmio_region *r = &bus->regions[i];
        if (base < r->base + r->size && r->base < base + size) {
            return -EEXIST;
        }
    }
    if (bus->count == MMIO_MAX_REGIONS) {
        return -ENOSPC;
    }
    bus->regions[bus->count++] = (struct mmio_region){base, size, ops, dev};
    return 0;
}

const struct mmio_region *mmio_bus_search(struct mmio_bus *bus, uint64_t ipa)
{
    for (unsigned i = 0; i < bus->count; i++) {
        const struct mmio_region *r = &bus->regions[i];
        if (ipa - r->base < r->size) {
            __atomic_store_n(&bus->last, i, __ATOMIC_RELAXED);
            return r;
        }
    }
    return 0;
}
