/* Reachable values for ICH_VMCR_EL2 and the list registers (see vgic_vmcr.h). */
#include "vgic/vgic_vmcr.h"

struct vgic_vif_shape vgic_vif_shape(uint64_t vtr)
{
    struct vgic_vif_shape s;
    s.pribits = (unsigned)((vtr >> ICH_VTR_PRIBITS_SHIFT) & 7) + 1;
    s.prebits = (unsigned)((vtr >> ICH_VTR_PREBITS_SHIFT) & 7) + 1;
    /* The architecture: 5 <= PREbits <= PRIbits, PREbits <= 7. Distrust anything else. */
    s.pribits = s.pribits < 5 ? 5 : s.pribits;
    s.prebits = s.prebits < 5 ? 5 : s.prebits > 7 ? 7 : s.prebits;
    s.prebits = s.prebits > s.pribits ? s.pribits : s.prebits;
    s.ctlr_ro = (uint64_t)(s.pribits - 1) << ICC_CTLR_PRIBITS_SHIFT |
                ((vtr >> ICH_VTR_IDBITS_SHIFT) & 7) << ICC_CTLR_IDBITS_SHIFT |
                ((vtr & ICH_VTR_SEIS) ? ICC_CTLR_SEIS : 0) |
                ((vtr & ICH_VTR_A3V) ? ICC_CTLR_A3V : 0);
    return s;
}

unsigned vgic_vif_nr_aprs(struct vgic_vif_shape s)
{
    return 1U << (s.prebits - 5);
}

unsigned vgic_vif_min_vbpr0(struct vgic_vif_shape s)
{
    return 7 - s.prebits;
}

unsigned vgic_vif_min_vbpr1(struct vgic_vif_shape s)
{
    return vgic_vif_min_vbpr0(s) + 1;
}

static uint64_t field(uint64_t v, unsigned shift, uint64_t mask)
{
    return (v >> shift) & mask;
}

static uint64_t at_least(uint64_t v, unsigned min)
{
    return v < min ? min : v;
}

static uint64_t prio_mask(struct vgic_vif_shape s)
{
    return (0xFFULL << (8 - s.pribits)) & 0xFF;
}

uint64_t vgic_vmcr_sanitise(uint64_t vmcr, struct vgic_vif_shape s)
{
    uint64_t vpmr = field(vmcr, ICH_VMCR_VPMR_SHIFT, ICH_VMCR_VPMR_MASK) & prio_mask(s);
    uint64_t vbpr1 = field(vmcr, ICH_VMCR_VBPR1_SHIFT, ICH_VMCR_VBPR_MASK);
    uint64_t out = vmcr & (ICH_VMCR_VENG0 | ICH_VMCR_VENG1 | ICH_VMCR_VEOIM);

    out |= ICH_VMCR_VFIQEN | ICH_VMCR_VCBPR;
    out |= (uint64_t)vgic_vif_min_vbpr0(s) << ICH_VMCR_VBPR0_SHIFT;
    out |= at_least(vbpr1, vgic_vif_min_vbpr1(s)) << ICH_VMCR_VBPR1_SHIFT;
    out |= vpmr << ICH_VMCR_VPMR_SHIFT;
    return out;
}

uint64_t vgic_vmcr_view(uint64_t hw, uint64_t view)
{
    return (hw & ~ICH_VMCR_VCBPR) | (view & ICH_VMCR_VCBPR);
}

uint64_t vgic_icc_ctlr_read(uint64_t view, struct vgic_vif_shape s)
{
    return s.ctlr_ro | ((view & ICH_VMCR_VEOIM) ? ICC_CTLR_EOIMODE : 0) |
           ((view & ICH_VMCR_VCBPR) ? ICC_CTLR_CBPR : 0);
}

uint64_t vgic_icc_ctlr_write(uint64_t view, uint64_t ctlr)
{
    view &= ~(ICH_VMCR_VEOIM | ICH_VMCR_VCBPR);
    return view | ((ctlr & ICC_CTLR_EOIMODE) ? ICH_VMCR_VEOIM : 0) |
           ((ctlr & ICC_CTLR_CBPR) ? ICH_VMCR_VCBPR : 0);
}

uint64_t vgic_icc_pmr_read(uint64_t view)
{
    return field(view, ICH_VMCR_VPMR_SHIFT, ICH_VMCR_VPMR_MASK);
}

uint64_t vgic_icc_pmr_write(uint64_t view, uint64_t pmr, struct vgic_vif_shape s)
{
    view &= ~(ICH_VMCR_VPMR_MASK << ICH_VMCR_VPMR_SHIFT);
    return view | (pmr & prio_mask(s)) << ICH_VMCR_VPMR_SHIFT;
}

uint64_t vgic_icc_rpr(const uint32_t *ap0, const uint32_t *ap1, struct vgic_vif_shape s)
{
    unsigned n = vgic_vif_nr_aprs(s);

    for (unsigned i = 0; i < n; i++) {
        uint32_t apr = ap0[i] | ap1[i];
        if (apr != 0) {
            unsigned level = i * 32 + (unsigned)__builtin_ctz(apr);
            return ((uint64_t)level << (8 - s.prebits)) & 0xFF;
        }
    }
    return 0xFF;
}
