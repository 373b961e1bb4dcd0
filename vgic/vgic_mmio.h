/*
 * The guest's view of the virtual GICv3: the distributor (GICD) and the
 * redistributors (GICR) as MMIO devices on a VM's bus, on top of vgic.h.
 * Registers are decoded through constant tables of register ranges; anything
 * outside them reads as zero and ignores writes (and is reported through
 * vgic_mmio_unhandled); an access of a width a register does not allow, or a
 * misaligned one, is refused (the guest gets an abort).
 *
 * Interrupts with guest_owned == false (the maintenance and hypervisor timer
 * PPIs) read as zero in every per-interrupt register, and the guest's writes
 * to their fields are skipped.
 */
#ifndef SHRIKE_VGIC_VGIC_MMIO_H
#define SHRIKE_VGIC_VGIC_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vcpu/mmio.h"
#include "vgic/vgic.h"

#define VGIC_DIST_MMIO_SIZE            0x10000ULL /* GICD: one 64 KiB frame */
#define VGIC_REDIST_FRAME_SIZE         0x20000ULL /* GICR per vCPU: RD_base, then SGI_base */
#define VGIC_REDIST_SGI_OFFSET         0x10000ULL /* SGI_base within a vCPU's frame pair */
#define VGIC_REDIST_MMIO_SIZE(nr_cpus) ((uint64_t)(nr_cpus)*VGIC_REDIST_FRAME_SIZE)

/* GICD_IIDR and GICR_IIDR: ProductID 0x53 ('S'), revision 0, implementer 0x43B (Arm). */
#define VGIC_IIDR 0x5300043BU

/* dev = struct vgic_dist. */
extern const struct mmio_ops vgic_dist_mmio_ops;

/*
 * dev = struct vgic_dist; offset / VGIC_REDIST_FRAME_SIZE selects the vCPU's
 * frame pair (RD_base, SGI_base at +VGIC_REDIST_SGI_OFFSET).
 */
extern const struct mmio_ops vgic_redist_mmio_ops;

/*
 * The GICv2 distributor (vgic_mmio_dist_v2.c; dev = struct vgic_dist, at
 * GUEST_GICD_BASE, no redistributors): vgic_dist_v2_setup() once after
 * vgic_dist_init() puts the core in the GICv2 model (ITARGETSR routing, SGIs
 * pending per source). The accessing struct vcpu must be the owner given to
 * its vgic_cpu_init().
 */
void vgic_dist_v2_setup(struct vgic_dist *d);
extern const struct mmio_ops vgic_dist_v2_mmio_ops;

/*
 * A GICD_SGIR write by vCPU src: TargetListFilter 0 (CPUTargetList), 1 (all
 * but src) or 2 (src only) pends SGI [3:0] from src on each target. Returns
 * how many were targeted.
 */
unsigned vgic_v2_sgir_write(struct vgic_dist *d, struct vgic_cpu *src, uint32_t sgir);

/*
 * Called (if set) for every access outside the implemented registers, so that
 * the hypervisor can log it; offset is from the start of the region.
 */
extern void (*vgic_mmio_unhandled)(bool write, uint64_t offset, unsigned size);

/*
 * The level of a hardware-mapped interrupt's physical line now (the virtual
 * timer's condition), for GICD/GICR_ISPENDR reads: the vGIC only learns of
 * rising edges (the physical interrupt firing), so without asking it cannot
 * tell that the line dropped (KVM: vgic_get_phys_line_level). Set by the
 * hypervisor; NULL (host tests): the vGIC's own state. Called with the
 * interrupt's lock held, on any vCPU (irq->owner says whose interrupt it is).
 */
extern bool (*vgic_mmio_hw_line)(const struct vgic_irq *irq);

/* --- shared by vgic_mmio_dist.c and vgic_mmio_redist.c ------------------- */

/* Access widths a register allows (a bit per size in bytes). */
#define VGIC_W8  1U
#define VGIC_W32 4U
#define VGIC_W64 8U

struct vgic_access {
    struct vgic_dist *d;
    struct vgic_cpu *c; /* the redistributor's vCPU; NULL in the distributor */
    uint64_t offset;    /* from the start of the register range */
    unsigned size;
};

/*
 * A range of registers. Per-interrupt registers (bits_per_irq != 0) cover
 * INTID offset * 8 / bits_per_irq onwards and work through get/set of one
 * interrupt's field, called with the interrupt's lock held (after a set, the
 * interrupt is queued if it became deliverable). Others work through
 * read/write of the whole access.
 */
struct vgic_reg {
    uint32_t offset;
    uint32_t length;
    uint8_t widths;
    uint8_t bits_per_irq;
    uint32_t (*get)(const struct vgic_irq *irq);
    void (*set)(struct vgic_irq *irq, uint32_t field);
    uint64_t (*read)(const struct vgic_access *a);
    void (*write)(const struct vgic_access *a, uint64_t value);
};

/*
 * Decodes an access at a->offset (from the frame's start; frame_base + that
 * is what vgic_mmio_unhandled is told) against regs. a->offset becomes the
 * offset within the matching register range.
 */
bool vgic_mmio_dispatch(const struct vgic_reg *regs, size_t nr, struct vgic_access *a,
                        uint64_t frame_base, bool write, uint64_t *value);

/* Per-interrupt fields common to GICD and GICR SGI_base. */
uint32_t vgic_mmio_get_group(const struct vgic_irq *irq);
void vgic_mmio_set_group(struct vgic_irq *irq, uint32_t field);
uint32_t vgic_mmio_get_enabled(const struct vgic_irq *irq);
void vgic_mmio_set_enable(struct vgic_irq *irq, uint32_t field);
void vgic_mmio_clear_enable(struct vgic_irq *irq, uint32_t field);
uint32_t vgic_mmio_get_pending(const struct vgic_irq *irq);
void vgic_mmio_set_pending(struct vgic_irq *irq, uint32_t field);
void vgic_mmio_clear_pending(struct vgic_irq *irq, uint32_t field);
uint32_t vgic_mmio_get_active(const struct vgic_irq *irq);
void vgic_mmio_set_active(struct vgic_irq *irq, uint32_t field);
void vgic_mmio_clear_active(struct vgic_irq *irq, uint32_t field);
uint32_t vgic_mmio_get_priority(const struct vgic_irq *irq);
void vgic_mmio_set_priority(struct vgic_irq *irq, uint32_t field);
uint32_t vgic_mmio_get_config(const struct vgic_irq *irq);
void vgic_mmio_set_config(struct vgic_irq *irq, uint32_t field);

/*
 * GICD_CTLR's EnableGrp0 (bit 0) and EnableGrp1 (bit 1), at the same place
 * in the GICv2 and GICv3 layouts: the bits as they read, and a write of
 * them, which queues what the enabled group makes deliverable. The
 * version's own bits (ARE, DS on GICv3) are the caller's.
 */
#define VGIC_CTLR_ENABLE_GRP0 (1U << 0)
#define VGIC_CTLR_ENABLE_GRP1 (1U << 1)
uint32_t vgic_mmio_ctlr_groups(const struct vgic_dist *d);
void vgic_mmio_ctlr_set_groups(struct vgic_dist *d, uint64_t value);

/* Whole registers: read as zero, ignore writes; the CoreSight ID block (0xFFD0-0xFFFF). */
uint64_t vgic_mmio_raz(const struct vgic_access *a);
void vgic_mmio_wi(const struct vgic_access *a, uint64_t value);
uint64_t vgic_mmio_read_id(const struct vgic_access *a);
#define VGIC_ID_OFFSET 0xFFD0U
#define VGIC_ID_LENGTH 0x30U

/* The bytes of a 64-bit register value that an access at offset (from its range) reads. */
uint64_t vgic_mmio_extract(uint64_t reg, uint64_t offset, unsigned size);

#endif
