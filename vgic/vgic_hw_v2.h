/*
 * The GICv2 back end of vgic_hw.h (vgic_hw_v2.c): the same calls through the
 * virtual interface control frame (GICH). vgic_hw.c dispatches to these on a
 * GICv2 host (gic_host_v2).
 */
#ifndef SHRIKE_VGIC_VGIC_HW_V2_H
#define SHRIKE_VGIC_VGIC_HW_V2_H

#include <stdint.h>

#include "vgic/vgic.h"

void vgic_hw_v2_init(void);
unsigned vgic_hw_v2_nr_lrs(void);
void vgic_hw_v2_cpu_init(void);
void vgic_hw_v2_load(struct vgic_cpu *c);
void vgic_hw_v2_put(struct vgic_cpu *c);
void vgic_hw_v2_flush(struct vgic_cpu *c);
void vgic_hw_v2_fold(struct vgic_cpu *c);
bool vgic_hw_v2_eoi_maintenance(struct vgic_cpu *c);
bool vgic_hw_v2_refresh_one(struct vgic_cpu *c);

/*
 * GICH_VMCR as it may be written (IHI 0048B 5.3.3): VMBP raised to min_bpr
 * and VMABP to min_bpr + 1, the virtual interface's minimums (7 - the
 * preemption bits GICH_VTR.PREbits reports: 2 for QEMU's 5), so that a
 * vCPU's reset value 0 or a saved value is architecturally reachable; the
 * reserved bits cleared. Pure, host-tested.
 */
#define GICH_VMCR_CTLR_MASK   0x21FU /* VMGrp0En, VMGrp1En, VMAckCtl, VMFIQEn, VMCBPR, VEM */
#define GICH_VMCR_VMABP_SHIFT 18
#define GICH_VMCR_VMBP_SHIFT  21
#define GICH_VMCR_PRIMASK     (0x1FU << 27)

static inline uint32_t vgic_v2_vmcr_sanitise(uint32_t vmcr, unsigned min_bpr)
{
    unsigned abp = (vmcr >> GICH_VMCR_VMABP_SHIFT) & 7;
    unsigned bp = (vmcr >> GICH_VMCR_VMBP_SHIFT) & 7;
    abp = abp < min_bpr + 1 ? min_bpr + 1 : abp;
    bp = bp < min_bpr ? min_bpr : bp;
    return (vmcr & (GICH_VMCR_CTLR_MASK | GICH_VMCR_PRIMASK)) | abp << GICH_VMCR_VMABP_SHIFT |
           bp << GICH_VMCR_VMBP_SHIFT;
}

/* The minimum binary point from GICH_VTR: 7 - (PREbits + 1), PREbits in [28:26]. */
static inline unsigned vgic_v2_min_bpr(uint32_t vtr)
{
    return 7U - (((vtr >> 26) & 7U) + 1U);
}

#endif
