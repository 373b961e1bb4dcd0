/*
 * What shrike may write to the virtual CPU interface's ICH_*_EL2 registers:
 * only values the architecture can reach, whatever was saved (GICv3 spec,
 * IHI 0069, ICH_VMCR_EL2, ICH_AP1R<n>_EL2, ICH_LR<n>_EL2), with VCBPR always
 * 1 (below); and the guest's view of the common registers that
 * ICH_HCR_EL2.TC traps (ICC_CTLR/PMR/RPR_EL1, as ICV_*_EL1 define them).
 * Pure functions of the saved value and the interface's shape (from
 * ICH_VTR_EL2), host unit-tested (tests/unit/test_vgic_vmcr.c);
 * vgic/vgic_hw.c applies them.
 *
 * VCBPR = 1 in hardware, always: QEMU 7.2's ICV_BPR1_EL1 write clamps the
 * value to the minimum before cutting it to its 3-bit field, so a guest's
 * write of e.g. 8 leaves VBPR1 = 0, and QEMU aborts (assert) at its next
 * Group 1 priority check. With VCBPR = 1 the interface ignores BPR1 writes
 * and uses VBPR0 for Group 1, and VBPR0 is shrike's alone (Group 0 traps,
 * TALL0): kept at its minimum, so the guest's BPR1 always reads the minimum
 * BPR1. The guest's own CBPR is kept in the VCBPR bit of the "guest view" of
 * ICH_VMCR_EL2 (struct vgic_cpu's vmcr), which only ICC_CTLR_EL1 shows.
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
#define ICH_VTR_A3V           (1ULL << 21)
#define ICH_VTR_SEIS          (1ULL << 22)
#define ICH_VTR_IDBITS_SHIFT  23 /* [25:23]: 0 = 16 bits, 1 = 24 bits */
#define ICH_VTR_PREBITS_SHIFT 26 /* [28:26]: preemption bits - 1 */
#define ICH_VTR_PRIBITS_SHIFT 29 /* [31:29]: priority bits - 1 */

/* ICC_CTLR_EL1 as ICV_CTLR_EL1 defines it; RSS [18] and ExtRange [19] read 0. */
#define ICC_CTLR_CBPR          (1ULL << 0)
#define ICC_CTLR_EOIMODE       (1ULL << 1)
#define ICC_CTLR_PRIBITS_SHIFT 8  /* [10:8], = ICH_VTR_EL2.PRIbits */
#define ICC_CTLR_IDBITS_SHIFT  11 /* [13:11], = ICH_VTR_EL2.IDbits */
#define ICC_CTLR_SEIS          (1ULL << 14)
#define ICC_CTLR_A3V           (1ULL << 15)

/* The implemented sizes of the virtual CPU interface. */
struct vgic_vif_shape {
    unsigned pribits; /* priority bits, 5..8 */
    unsigned prebits; /* preemption bits, 5..pribits (and <= 7) */
    uint64_t ctlr_ro; /* ICC_CTLR_EL1's read-only fields: PRIbits, IDbits, SEIS, A3V */
};

/* The shape from an ICH_VTR_EL2 value, brought into the architecture's ranges. */
struct vgic_vif_shape vgic_vif_shape(uint64_t vtr);

/* ICH_AP0R<n>/AP1R<n>_EL2 implemented: 1 (5 preemption bits), 2 (6) or 4 (7). */
unsigned vgic_vif_nr_aprs(struct vgic_vif_shape s);

/* Minimum VBPR0 (7 - PREbits) and VBPR1 (one more). */
unsigned vgic_vif_min_vbpr0(struct vgic_vif_shape s);
unsigned vgic_vif_min_vbpr1(struct vgic_vif_shape s);

/*
 * The ICH_VMCR_EL2 value for the hardware from a saved guest view: RES0 bits
 * and VAckCtl zero, VFIQEn one, VCBPR one (above), VBPR0 at its minimum,
 * VBPR1 raised to at least its minimum (unused while VCBPR = 1, kept valid),
 * VPMR with only the implemented priority bits; VENG0/1 and VEOIM as saved.
 * The reset value of the interface is vgic_vmcr_sanitise(0, s).
 */
uint64_t vgic_vmcr_sanitise(uint64_t vmcr, struct vgic_vif_shape s);

/*
 * The guest view to save from the hardware's ICH_VMCR_EL2 (hw) and the
 * previous view: everything from hw but VCBPR, which is the guest's CBPR.
 */
uint64_t vgic_vmcr_view(uint64_t hw, uint64_t view);

/* ICC_CTLR_EL1 for a guest view: EOImode and CBPR from it, the rest from the shape. */
uint64_t vgic_icc_ctlr_read(uint64_t view, struct vgic_vif_shape s);

/* A guest view after an ICC_CTLR_EL1 write: only EOImode and CBPR are writable. */
uint64_t vgic_icc_ctlr_write(uint64_t view, uint64_t ctlr);

/* ICC_PMR_EL1 for a guest view, and the view after a write (unimplemented bits 0). */
uint64_t vgic_icc_pmr_read(uint64_t view);
uint64_t vgic_icc_pmr_write(uint64_t view, uint64_t pmr, struct vgic_vif_shape s);

/*
 * ICC_RPR_EL1 from the implemented active-priority registers (ap0[n] | ap1[n],
 * n < vgic_vif_nr_aprs(s)): the group priority of the lowest set bit, bit k
 * standing for priority k << (8 - PREbits); 0xFF (idle) when none is set.
 */
uint64_t vgic_icc_rpr(const uint32_t *ap0, const uint32_t *ap1, struct vgic_vif_shape s);

/*
 * A reachable list register: RES0 bits cleared (unimplemented priority bits,
 * NMI, pINTID bits [40:32] when HW = 0), and a hardware interrupt never both
 * pending and active (its pending state is in the physical GIC): active stays.
 * ICH_LR<n>_EL2: vINTID [31:0], pINTID [44:32] (HW = 1) or EOI [41] (HW = 0),
 * Priority [55:48], NMI [59] (shrike uses none), Group [60], HW [61], State
 * [63:62]; the rest RES0.
 */
#define VGIC_LR_HW      (1ULL << 61)
#define VGIC_LR_STATE   (3ULL << 62)
#define VGIC_LR_PENDING (1ULL << 62)

/* The bits of a list register kept whatever its HW bit (computed once per CPU interface). */
static inline uint64_t vgic_lr_keep(struct vgic_vif_shape s)
{
    uint64_t prio = (0xFFULL << (8 - s.pribits)) & 0xFF;
    return 0xFFFFFFFFULL | prio << 48 | 3ULL << 60 | VGIC_LR_STATE;
}

/* vgic_lr_sanitise() with its vgic_lr_keep() at hand: every list-register write asks. */
static inline uint64_t vgic_lr_sanitise_kept(uint64_t lr, uint64_t keep)
{
    const uint64_t pintid = 0x1FFFULL << 32, eoi = 1ULL << 41;
    lr &= keep | ((lr & VGIC_LR_HW) ? pintid : eoi);
    /* A hardware interrupt's pending state is the physical GIC's: never pending and active. */
    if ((lr & VGIC_LR_HW) && (lr & VGIC_LR_STATE) == VGIC_LR_STATE) {
        lr &= ~VGIC_LR_PENDING;
    }
    return lr;
}

static inline uint64_t vgic_lr_sanitise(uint64_t lr, struct vgic_vif_shape s)
{
    return vgic_lr_sanitise_kept(lr, vgic_lr_keep(s));
}

#endif
