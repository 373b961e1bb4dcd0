/*
 * The GICv2 list-register format (GICH_LRn, IHI 0048B 5.3.9) and the vGIC
 * core's list-register image (ICH_LR layout, vgic.h) in both directions:
 * pure functions for the GICv2 back end (vgic_hw_v2.c) and host tests.
 *
 *   [31] HW  [30] Grp1  [29:28] state (active, pending)  [27:23] priority[7:3]
 *   [19:10] HW = 1: physical INTID; HW = 0: [19] EOI, [12:10] CPUID (SGIs)
 *   [9:0] virtual INTID
 *
 * The image carries an SGI's source vCPU in bits [34:32]
 * (VGIC_LR_SOURCE_SHIFT). GICv2 keeps 5 priority bits, as shrike's vGIC
 * does (VGIC_PRIO_BITS), so a round trip keeps every field the core uses.
 */
#ifndef SHRIKE_VGIC_VGIC_LR_V2_H
#define SHRIKE_VGIC_VGIC_LR_V2_H

#include <stdbool.h>
#include <stdint.h>

#include "vgic/vgic.h"

#define GICH_LR_VIRTUALID_MASK 0x3FFU
#define GICH_LR_PHYSID_SHIFT   10
#define GICH_LR_PHYSID_MASK    (0x3FFU << 10)
#define GICH_LR_CPUID_SHIFT    10
#define GICH_LR_CPUID_MASK     (0x7U << 10)
#define GICH_LR_EOI            (1U << 19)
#define GICH_LR_PRIORITY_SHIFT 23
#define GICH_LR_PRIORITY_MASK  (0x1FU << 23)
#define GICH_LR_PENDING        (1U << 28)
#define GICH_LR_ACTIVE         (1U << 29)
#define GICH_LR_GROUP1         (1U << 30)
#define GICH_LR_HW             (1U << 31)

_Static_assert(VGIC_PRIO_BITS == 5, "GICH_LR holds 5 priority bits");

/* The GICH_LR value for a list-register image from vgic_flush_lrs(). */
static inline uint32_t vgic_v2_make_lr(uint64_t image)
{
    uint32_t lr = (uint32_t)(image & GICH_LR_VIRTUALID_MASK);
    uint32_t prio = (uint32_t)(image >> ICH_LR_PRIORITY_SHIFT) & 0xFFU;

    lr |= (prio >> 3) << GICH_LR_PRIORITY_SHIFT;
    if (image & ICH_LR_PENDING) {
        lr |= GICH_LR_PENDING;
    }
    if (image & ICH_LR_ACTIVE) {
        lr |= GICH_LR_ACTIVE;
    }
    if (image & ICH_LR_GROUP1) {
        lr |= GICH_LR_GROUP1;
    }
    if (image & ICH_LR_HW) {
        uint32_t pintid = (uint32_t)((image & ICH_LR_PINTID_MASK) >> ICH_LR_PINTID_SHIFT);
        return lr | GICH_LR_HW | ((pintid << GICH_LR_PHYSID_SHIFT) & GICH_LR_PHYSID_MASK);
    }
    if (image & ICH_LR_EOI) {
        lr |= GICH_LR_EOI;
    }
    lr |= (uint32_t)((image & VGIC_LR_SOURCE_MASK) >> VGIC_LR_SOURCE_SHIFT) << GICH_LR_CPUID_SHIFT;
    return lr;
}

/* The list-register image for a GICH_LR value read back, for vgic_fold_lrs(). */
static inline uint64_t vgic_v2_lr_image(uint32_t lr)
{
    uint64_t image = lr & GICH_LR_VIRTUALID_MASK;

    image |= (uint64_t)((lr & GICH_LR_PRIORITY_MASK) >> GICH_LR_PRIORITY_SHIFT)
             << 3 << ICH_LR_PRIORITY_SHIFT;
    if (lr & GICH_LR_PENDING) {
        image |= ICH_LR_PENDING;
    }
    if (lr & GICH_LR_ACTIVE) {
        image |= ICH_LR_ACTIVE;
    }
    if (lr & GICH_LR_GROUP1) {
        image |= ICH_LR_GROUP1;
    }
    if (lr & GICH_LR_HW) {
        uint64_t pintid = (lr & GICH_LR_PHYSID_MASK) >> GICH_LR_PHYSID_SHIFT;
        return image | ICH_LR_HW | pintid << ICH_LR_PINTID_SHIFT;
    }
    if (lr & GICH_LR_EOI) {
        image |= ICH_LR_EOI;
    }
    return image | (uint64_t)((lr & GICH_LR_CPUID_MASK) >> GICH_LR_CPUID_SHIFT)
                       << VGIC_LR_SOURCE_SHIFT;
}

/*
 * A hardware-mapped image as a GICv2 host lists it: no HW bit but a
 * software interrupt with EOI set, so that the guest's deactivation raises
 * the maintenance interrupt and shrike deactivates the physical one itself
 * (vgic_hw_v2.c says why). Any other image is unchanged.
 */
static inline uint64_t vgic_v2_soft_hw(uint64_t image)
{
    if (!(image & ICH_LR_HW)) {
        return image;
    }
    return (image & ~(ICH_LR_HW | ICH_LR_PINTID_MASK)) | ICH_LR_EOI;
}

/*
 * The image to fold for a list register read back (as vgic_v2_lr_image()
 * gave it) that was flushed as `flushed`: a hardware-mapped one listed
 * through vgic_v2_soft_hw() gets its HW bit and physical INTID back, with
 * the state read back, so the core folds it as the hardware-mapped
 * interrupt it is. Sets *deactivated when the guest deactivated it (the
 * state went to invalid): the physical interrupt is then shrike's to
 * deactivate.
 */
static inline uint64_t vgic_v2_unsoft_hw(uint64_t flushed, uint64_t read, bool *deactivated)
{
    if (!(flushed & ICH_LR_HW)) {
        return read;
    }
    uint64_t state = read & (ICH_LR_PENDING | ICH_LR_ACTIVE);
    *deactivated = *deactivated || state == 0;
    return (flushed & ~(ICH_LR_PENDING | ICH_LR_ACTIVE)) | state;
}

#endif
