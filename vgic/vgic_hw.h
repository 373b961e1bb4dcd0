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

#endif
