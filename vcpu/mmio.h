/*
 * The MMIO bus of a VM: emulated devices register an IPA range and their
 * access callbacks; a stage-2 data abort in that range becomes a call. Plain
 * C (no hardware access), unit-tested on the host.
 */
#ifndef SHRIKE_VCPU_MMIO_H
#define SHRIKE_VCPU_MMIO_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/*
 * Access callbacks. offset is from the region's base; size is 1, 2, 4 or 8;
 * vcpu is the accessing vCPU (NULL in host unit tests). Return false to refuse
 * the access: the guest then gets a synchronous external abort.
 */
struct mmio_ops {
    bool (*read)(void *dev, struct vcpu *vcpu, uint64_t offset, unsigned size, uint64_t *value);
    bool (*write)(void *dev, struct vcpu *vcpu, uint64_t offset, unsigned size, uint64_t value);
    /*
     * True if the device reads no interrupt state and changes interrupts only
     * by raising or lowering its lines (vgic_set_level/vgic_set_pending): its
     * accesses may then be emulated while the vCPU's list registers are live,
     * unfolded (vcpu/trap.c, handles_listed). False (the default) for
     * anything else, the vGIC's own registers above all.
     */
    bool lines_only;
    /*
     * Optional, for a device whose other accesses are not lines_only: true
     * for a write (at offset, of size bytes) that changes interrupts only by
     * pending SGIs, which commutes with the fold as a line does (a GICv2
     * GICD_SGIR write, as a GICv3 ICC_SGI1R_EL1 write: vcpu/trap.c).
     */
    bool (*pends_only_write)(uint64_t offset, unsigned size);
};

struct mmio_region {
    uint64_t base;
    uint64_t size;
    const struct mmio_ops *ops;
    void *dev;
};

#define MMIO_MAX_REGIONS 8

struct mmio_bus {
    struct mmio_region regions[MMIO_MAX_REGIONS];
    unsigned count;
    unsigned last; /* the region that matched last: accesses come in runs */
};

/* Adds a region; -EINVAL if empty/overflowing, -EEXIST if it overlaps one, -ENOSPC if full. */
int mmio_bus_add(struct mmio_bus *bus, uint64_t base, uint64_t size, const struct mmio_ops *ops,
                 void *dev);

/* The region holding ipa, or NULL: the search past the last match. */
const struct mmio_region *mmio_bus_search(struct mmio_bus *bus, uint64_t ipa);

/* The region that matched last, if it holds ipa; else NULL (mmio_bus_search looks further). */
static inline const struct mmio_region *mmio_bus_last(const struct mmio_bus *bus, uint64_t ipa)
{
    const struct mmio_region *r = &bus->regions[bus->last];
    return ipa - r->base < r->size ? r : 0; /* an unused slot has size 0 */
}

/* The region holding ipa, or NULL. Inline: the last match's test is on every emulated access. */
static inline const struct mmio_region *mmio_bus_find(struct mmio_bus *bus, uint64_t ipa)
{
    const struct mmio_region *r = mmio_bus_last(bus, ipa);
    return r != 0 ? r : mmio_bus_search(bus, ipa);
}

#endif
