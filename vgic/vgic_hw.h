/* Moving a vCPU's virtual CPU interface in and out of the ICH_*_EL2 registers (see vgic_hw.c). */
#ifndef SHRIKE_VGIC_VGIC_HW_H
#define SHRIKE_VGIC_VGIC_HW_H

#include "vgic/vgic.h"

/* Boot: list-register count and active-priority register count from ICH_VTR_EL2. */
void vgic_hw_init(void);
unsigned vgic_hw_nr_lrs(void);

/* Per CPU: the maintenance interrupt (INTID 25). */
void vgic_hw_cpu_init(void);

/* vCPU switch: ICH_VMCR_EL2 and the active-priority registers. */
void vgic_hw_load(struct vgic_cpu *c);
void vgic_hw_put(struct vgic_cpu *c);

/* Every guest entry / exit: list registers from / back into the ap_list. */
void vgic_hw_flush(struct vgic_cpu *c);
void vgic_hw_fold(struct vgic_cpu *c);

/*
 * A flush whether or not the list registers were folded since the last one
 * (vgic_cpu.folded): the lean IRQ exit's. If not, and the short way applies
 * (vgic_refresh_lrs, GICv3), only the finished registers whose interrupt
 * pends again are rewritten; otherwise fold, then the full flush. Back-end
 * neutral: it calls vgic_hw_fold/vgic_hw_flush, which dispatch themselves.
 */
void vgic_hw_refill(struct vgic_cpu *c);

/*
 * An IRQ exit's physical interrupt intid, if it is a GICv2 host's
 * maintenance interrupt for hardware-mapped interrupts the guest
 * deactivated, handled with the list registers live (vgic_hw_v2.c:
 * vgic_hw_v2_eoi_maintenance): true, and the caller deactivates intid;
 * false for anything else, with nothing done.
 */
bool vgic_hw_eoi_maintenance(struct vgic_cpu *c, unsigned intid);

/*
 * The common ICC registers ICH_HCR_EL2.TC traps, for c loaded on this CPU,
 * as ICV_*_EL1 define them: CTLR (EOImode and the guest's CBPR; VCBPR stays
 * 1), PMR (implemented bits), RPR (from the active-priority registers), DIR
 * (EOImode 1: deactivates in the vGIC, and the physical interrupt if mapped).
 */
uint64_t vgic_hw_ctlr_read(const struct vgic_cpu *c);
void vgic_hw_ctlr_write(struct vgic_cpu *c, uint64_t val);
uint64_t vgic_hw_pmr_read(void);
void vgic_hw_pmr_write(struct vgic_cpu *c, uint64_t val);
uint64_t vgic_hw_rpr_read(void);
void vgic_hw_dir_write(struct vgic_cpu *c, uint64_t val);

#endif
