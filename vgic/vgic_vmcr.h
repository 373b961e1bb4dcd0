/*
 * What shrike may write to the virtual CPU interface's ICH_*_EL2 registers:
 * only values the architecture can reach, whatever was saved (GICv3 spec,
 * IHI 0069, ICH_VMCR_EL2, ICH_AP1R<n>_EL2, ICH_LR<n>_EL2). Pure functions of
 * the saved value and the interface's shape (from ICH_VTR_EL2), host
 * unit-tested (tests/unit/test_vgic_vmcr.c); vgic/vgic_hw.c applies them.
 */
#ifndef SHRIKE_VGIC_VGIC_VMCR_H
#define SHRIKE_VGIC_VGIC_VMCR_H

#include <stdint.h>

/* ICH_VMCR_EL2 fields. Bits [8:5], [17:10] and [63:32] are RES0. */
#define ICH_VMCR_VENG0       (1ULL << 0)
#define ICH_VMCR_VENG1       (1ULL << 1)
#define ICH_VMCR_VACKCTL     (1ULL << 2) /* GICv2 legacy: RAZ/WI under system registers */
#define ICH_VMCR_VFIQEN      (1ULL << 3) /* RES1 under system registers (ICC_SRE_EL1.SRE) */
#define ICH_VMCR_VCBPR       (1ULL << 4)
#define ICH_VMCR_VEOIM       (1ULL << 9)
#define ICH_VMCR_VBPR1_SHIFT 18
#define ICH_VMCR_VBPR0_SHIFT 21
#define ICH_VMCR_VBPR_MASK   7ULL
#define ICH_VMCR_VPMR_SHIFT  24
#define ICH_VMCR_VPMR_MASK   0xFFULL

/* ICH_VTR_EL2 fields. */
#define ICH_VTR_PREBITS_SHIFT 26 /* [28:26]: preemption bits - 1 */
#define ICH_VTR_PRIBITS_SHIFT 29 /* [31:29]: priority bits - 1 */

/* The implemented sizes of the virtual CPU interface. */
struct vgic_vif_shape {
    unsigned pribits; /* priority bits, 5..8 */
    unsigned prebits; /* preemption bits, 5..pribits (and <= 7) */
};

/* The shape from an ICH_VTR_EL2 value, brought into the architecture's ranges. */
struct vgic_vif_shape vgic_vif_shape(uint64_t vtr);

/* ICH_AP0R<n>/AP1R<n>_EL2 implemented: 1 (5 preemption bits), 2 (6) or 4 (7). */
unsigned vgic_vif_nr_aprs(struct vgic_vif_shape s);

/* Minimum VBPR0 (7 - PREbits) and VBPR1 (one more). */
unsigned vgic_vif_min_vbpr0(struct vgic_vif_shape s);
unsigned vgic_vif_min_vbpr1(struct vgic_vif_shape s);

/*
 * A reachable ICH_VMCR_EL2 from any saved value: RES0 bits and VAckCtl zero,
 * VFIQEn one, VPMR with only the implemented priority bits, VBPR0 and VBPR1
 * raised to their minimums (writing less to ICV_BPRn_EL1 sets the minimum).
 * Both are raised whatever VCBPR says: with VCBPR = 1 Group 1 uses VBPR0 and
 * VBPR1 is kept for when the guest clears it again. The reset value of the
 * interface is vgic_vmcr_sanitise(0, s).
 */
uint64_t vgic_vmcr_sanitise(uint64_t vmcr, struct vgic_vif_shape s);

/*
 * A reachable list register: RES0 bits cleared (unimplemented priority bits,
 * NMI, pINTID bits [40:32] when HW = 0), and a hardware interrupt never both
 * pending and active (its pending state is in the physical GIC): active stays.
 */
uint64_t vgic_lr_sanitise(uint64_t lr, struct vgic_vif_shape s);

#endif
