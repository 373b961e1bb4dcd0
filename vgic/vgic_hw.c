/*
 * The GICv3 virtual CPU interface (ICH_*_EL2), per physical CPU. While a vCPU
 * is loaded, its ICH_VMCR_EL2 and active-priority registers are live; before
 * each entry its ap_list is flushed into the list registers and after each
 * exit they are folded back (skipped when both are empty, so that exits of a
 * guest with nothing pending cost two compares). ICH_HCR_EL2.UIE asks for a
 * maintenance interrupt when the list registers run dry while more is
 * pending; TALL0 traps the Group 0 registers, which shrike does not offer.
 * Whatever was saved, only architecturally reachable values are written to
 * ICH_VMCR_EL2 and the list registers (vgic_vmcr.c), and only the implemented
 * active-priority registers are touched.
 *
 * ICH_VMCR_EL2.VCBPR is 1 in hardware at all times (vgic_vmcr.h says why: a
 * QEMU 7.2 abort a guest reaches with one BPR1 write). The guest could clear
 * it through ICC_CTLR_EL1, so TC traps the common registers, CTLR, PMR, RPR
 * and DIR, emulated below for the loaded vCPU (vcpu/sysreg.c decodes them).
 * c->vmcr is the guest's view of ICH_VMCR_EL2: the hardware's at the last put,
 * except VCBPR, which is the guest's CBPR, kept there while loaded too.
 *
 * On a GICv2 host (gic_host_v2, fixed at boot) the first line of each call
 * hands it to the GICH back end (vgic_hw_v2.c); the ICC traps never happen there.
 */
#include "vgic/vgic_hw.h"

#include "kernel/check.h"
#include "kernel/cpu.h"
#include "kernel/gicv3.h"
#include "kernel/irq.h"
#include "vgic/vgic_hw_v2.h"
#include "vgic/vgic_vmcr.h"

#define ICH_HCR_EN    (1ULL << 0)
#define ICH_HCR_UIE   (1ULL << 1)
#define ICH_HCR_TC    (1ULL << 10)
#define ICH_HCR_TALL0 (1ULL << 11)
#define ICH_HCR_GUEST (ICH_HCR_EN | ICH_HCR_TC | ICH_HCR_TALL0)

static unsigned nr_lrs;
static unsigned nr_apr; /* ICH_AP0R<n>/AP1R<n> implemented: 1, 2 or 4 */
static struct vgic_vif_shape shape;
static uint64_t lr_keep; /* vgic_lr_keep(shape) */

void vgic_hw_init(void)
{
    if (gic_host_v2) {
        vgic_hw_v2_init();
        return;
    }
    uint64_t vtr = read_sysreg(ich_vtr_el2);
    shape = vgic_vif_shape(vtr);
    lr_keep = vgic_lr_keep(shape);
    nr_lrs = (unsigned)(vtr & 0x1F) + 1;
    nr_lrs = nr_lrs > VGIC_MAX_LRS ? VGIC_MAX_LRS : nr_lrs;
    nr_apr = vgic_vif_nr_aprs(shape);
}

unsigned vgic_hw_nr_lrs(void)
{
    if (gic_host_v2) {
        return vgic_hw_v2_nr_lrs();
    }
    return nr_lrs;
}

static void write_lr(unsigned i, uint64_t v)
{
    switch (i) {
    case 0:
        write_sysreg(v, ich_lr0_el2);
        break;
    case 1:
        write_sysreg(v, ich_lr1_el2);
        break;
    case 2:
        write_sysreg(v, ich_lr2_el2);
        break;
    case 3:
        write_sysreg(v, ich_lr3_el2);
        break;
    case 4:
        write_sysreg(v, ich_lr4_el2);
        break;
    case 5:
        write_sysreg(v, ich_lr5_el2);
        break;
    case 6:
        write_sysreg(v, ich_lr6_el2);
        break;
    case 7:
        write_sysreg(v, ich_lr7_el2);
        break;
    case 8:
        write_sysreg(v, ich_lr8_el2);
        break;
    case 9:
        write_sysreg(v, ich_lr9_el2);
        break;
    case 10:
        write_sysreg(v, ich_lr10_el2);
        break;
    case 11:
        write_sysreg(v, ich_lr11_el2);
        break;
    case 12:
        write_sysreg(v, ich_lr12_el2);
        break;
    case 13:
        write_sysreg(v, ich_lr13_el2);
        break;
    case 14:
        write_sysreg(v, ich_lr14_el2);
        break;
    default:
        write_sysreg(v, ich_lr15_el2);
        break;
    }
}

/*
 * Zeroes list registers 0 to n - 1: one computed jump into a run of MSRs
 * that falls through down to LR0, instead of a loop over write_lr()'s own
 * jump (the loop's call kept seven registers spilled around it).
 */
#define CLEAR_LR(i)                       \
    case (i) + 1:                         \
        write_sysreg(0, ich_lr##i##_el2); \
        __attribute__((fallthrough))
static void clear_lrs_below(unsigned n)
{
    switch (n) {
    default: /* more than 16 is not a count of list registers */
        CLEAR_LR(15);
        CLEAR_LR(14);
        CLEAR_LR(13);
        CLEAR_LR(12);
        CLEAR_LR(11);
        CLEAR_LR(10);
        CLEAR_LR(9);
        CLEAR_LR(8);
        CLEAR_LR(7);
        CLEAR_LR(6);
        CLEAR_LR(5);
        CLEAR_LR(4);
        CLEAR_LR(3);
        CLEAR_LR(2);
        CLEAR_LR(1);
        CLEAR_LR(0);
    case 0:
        break;
    }
}
#undef CLEAR_LR

static uint64_t read_lr(unsigned i)
{
    switch (i) {
    case 0:
        return read_sysreg(ich_lr0_el2);
    case 1:
        return read_sysreg(ich_lr1_el2);
    case 2:
        return read_sysreg(ich_lr2_el2);
    case 3:
        return read_sysreg(ich_lr3_el2);
    case 4:
        return read_sysreg(ich_lr4_el2);
    case 5:
        return read_sysreg(ich_lr5_el2);
    case 6:
        return read_sysreg(ich_lr6_el2);
    case 7:
        return read_sysreg(ich_lr7_el2);
    case 8:
        return read_sysreg(ich_lr8_el2);
    case 9:
        return read_sysreg(ich_lr9_el2);
    case 10:
        return read_sysreg(ich_lr10_el2);
    case 11:
        return read_sysreg(ich_lr11_el2);
    case 12:
        return read_sysreg(ich_lr12_el2);
    case 13:
        return read_sysreg(ich_lr13_el2);
    case 14:
        return read_sysreg(ich_lr14_el2);
    default:
        return read_sysreg(ich_lr15_el2);
    }
}

/*
 * The list registers ran dry with more pending (UIE), or the guest deactivated
 * an interrupt whose list register asked to be told (EOI bit, ICH_EISR_EL2).
 * The exit already folded the list registers; the next entry refills them.
 * The interrupt is level: drop both causes before the EOI or it fires again.
 */
static void maintenance_irq(unsigned intid, void *ctx)
{
    (void)intid;
    (void)ctx;
    uint64_t eisr = read_sysreg(ich_eisr_el2);
    for (unsigned i = 0; i < nr_lrs; i++) {
        if ((eisr >> i) & 1) {
            write_lr(i, 0);
        }
    }
    write_sysreg(read_sysreg(ich_hcr_el2) & ~ICH_HCR_UIE, ich_hcr_el2);
    isb();
}

void vgic_hw_cpu_init(void)
{
    if (gic_host_v2) {
        vgic_hw_v2_cpu_init();
        return;
    }
    vgic_hw_init();
    if (this_cpu_id() == 0) {
        CHECK(irq_register(VGIC_INTID_MAINTENANCE, maintenance_irq, 0));
    }
    write_sysreg(0, ich_hcr_el2);
    for (unsigned i = 0; i < nr_lrs; i++) {
        write_lr(i, 0);
    }
    gic_enable_irq(VGIC_INTID_MAINTENANCE, GIC_PRIO_DEFAULT);
}

static void write_apr(unsigned n, uint32_t ap0, uint32_t ap1)
{
    switch (n) {
    case 0:
        write_sysreg(ap0, ich_ap0r0_el2);
        write_sysreg(ap1, ich_ap1r0_el2);
        break;
    case 1:
        write_sysreg(ap0, ich_ap0r1_el2);
        write_sysreg(ap1, ich_ap1r1_el2);
        break;
    case 2:
        write_sysreg(ap0, ich_ap0r2_el2);
        write_sysreg(ap1, ich_ap1r2_el2);
        break;
    default:
        write_sysreg(ap0, ich_ap0r3_el2);
        write_sysreg(ap1, ich_ap1r3_el2);
        break;
    }
}

static void read_apr(unsigned n, uint32_t *ap0, uint32_t *ap1)
{
    switch (n) {
    case 0:
        *ap0 = (uint32_t)read_sysreg(ich_ap0r0_el2);
        *ap1 = (uint32_t)read_sysreg(ich_ap1r0_el2);
        break;
    case 1:
        *ap0 = (uint32_t)read_sysreg(ich_ap0r1_el2);
        *ap1 = (uint32_t)read_sysreg(ich_ap1r1_el2);
        break;
    case 2:
        *ap0 = (uint32_t)read_sysreg(ich_ap0r2_el2);
        *ap1 = (uint32_t)read_sysreg(ich_ap1r2_el2);
        break;
    default:
        *ap0 = (uint32_t)read_sysreg(ich_ap0r3_el2);
        *ap1 = (uint32_t)read_sysreg(ich_ap1r3_el2);
        break;
    }
}

void vgic_hw_load(struct vgic_cpu *c)
{
    if (gic_host_v2) {
        vgic_hw_v2_load(c);
        return;
    }
    /*
     * c->vmcr is the vGIC's reset value 0, whose binary points are below
     * their minimums: write a reachable value. Or it is what the last put
     * read back, reachable already (the hardware holds only what
     * vgic_vmcr_sanitise() wrote and the guest's own BPR writes, which the
     * CPU interface keeps at or above the minimums; VBPR1's is at least 1,
     * so a read-back value is never 0), but for VCBPR, which is the guest's:
     * the hardware's is 1. So the sanitising is done when it is written
     * (reset, set_view), not at every load.
     * The APRs: each implemented register's 32 bits are one preemption level
     * each (PREbits 5: AP1R0 only), so any saved value is reachable.
     */
    static uint64_t reset_vmcr; /* vgic_vmcr_sanitise(0, shape), never 0: computed once */
    uint64_t vmcr = c->vmcr;
    if (vmcr == 0 && reset_vmcr == 0) {
        reset_vmcr = vgic_vmcr_sanitise(0, shape); /* the same on every CPU: a race is harmless */
    }
    write_sysreg(vmcr != 0 ? vmcr | ICH_VMCR_VCBPR : reset_vmcr, ich_vmcr_el2);
    /* nr_apr is 1, 2 or 4: the registers by number, without a loop over a switch */
    if (nr_apr == 4) {
        write_apr(3, c->ap0r[3], c->ap1r[3]);
        write_apr(2, c->ap0r[2], c->ap1r[2]);
    }
    if (nr_apr >= 2) {
        write_apr(1, c->ap0r[1], c->ap1r[1]);
    }
    write_apr(0, c->ap0r[0], c->ap1r[0]);
    /*
     * No ISB here: vcpu_load(), the only caller, ends with one after the rest
     * of the vCPU's state, and nothing before it reads the interface.
     */
    write_sysreg(ICH_HCR_GUEST, ich_hcr_el2);
}

void vgic_hw_put(struct vgic_cpu *c)
{
    if (gic_host_v2) {
        vgic_hw_v2_put(c);
        return;
    }
    /*
     * The exit already folded the list registers into c's list: clear them,
     * or the next vCPU loaded here (with nothing of its own to flush) would
     * run with this one's interrupts.
     */
    clear_lrs_below(c->used_lrs);
    c->used_lrs = 0;
    c->vmcr = vgic_vmcr_view(read_sysreg(ich_vmcr_el2), c->vmcr);
    if (nr_apr == 4) {
        read_apr(3, &c->ap0r[3], &c->ap1r[3]);
        read_apr(2, &c->ap0r[2], &c->ap1r[2]);
    }
    if (nr_apr >= 2) {
        read_apr(1, &c->ap0r[1], &c->ap1r[1]);
    }
    read_apr(0, &c->ap0r[0], &c->ap1r[0]);
    /* No ISB: vcpu_put(), the only caller, ends with one (before any other vCPU loads). */
    write_sysreg(0, ich_hcr_el2);
}

/*
 * The short way (vgic_refresh_lrs): the list holds just what the list
 * registers do and the guest has finished all of them, so only those whose
 * interrupt is deliverable again (or that moved down) are written, and those
 * left over at the end cleared. ICH_ELRSR_EL2 says which are empty;
 * ICH_HCR_EL2 is unchanged (no overflow, so no UIE).
 */
static bool refresh(struct vgic_cpu *c)
{
    uint32_t write;
    unsigned used = c->used_lrs;
    uint32_t empty = (uint32_t)read_sysreg(ich_elrsr_el2);
    if (!vgic_refresh_lrs(c, c->lr, &used, empty, &write)) {
        return false;
    }
    for (unsigned i = 0; write != 0; i++, write >>= 1) {
        if (write & 1) {
            write_lr(i, vgic_lr_sanitise_kept(c->lr[i], lr_keep));
        }
    }
    for (unsigned i = used; i < c->used_lrs; i++) {
        write_lr(i, 0);
    }
    c->used_lrs = used;
    return true;
}

void vgic_hw_flush(struct vgic_cpu *c)
{
    if (gic_host_v2) {
        vgic_hw_v2_flush(c);
        return;
    }
    if (list_empty(&c->ap_list) && c->used_lrs == 0) {
        return;
    }
    if (c->used_lrs != 0 && !c->linked && !gic_host_v2 && refresh(c)) {
        return;
    }
    unsigned used = vgic_flush_lrs(c, c->lr, nr_lrs);
    for (unsigned i = 0; i < used; i++) {
        write_lr(i, vgic_lr_sanitise_kept(c->lr[i], lr_keep));
    }
    for (unsigned i = used; i < c->used_lrs; i++) {
        write_lr(i, 0);
    }
    c->used_lrs = used;
    write_sysreg(ICH_HCR_GUEST | (c->underflow ? ICH_HCR_UIE : 0), ich_hcr_el2);
}

/* refresh() of one register (a kick's SGI, the timer: the common case), without the loops. */
static inline bool refresh_one(struct vgic_cpu *c)
{
    if (!(read_sysreg(ich_elrsr_el2) & 1)) {
        return false; /* not finished by the guest: the long way folds it */
    }
    struct vgic_refresh r = vgic_refresh_single(c, c->lr[0]);
    if (r.op == VGIC_REFRESH_WRITE) {
        c->lr[0] = r.lr;
        write_sysreg(vgic_lr_sanitise_kept(r.lr, lr_keep), ich_lr0_el2);
    } else if (r.op == VGIC_REFRESH_DROP) {
        write_sysreg(0, ich_lr0_el2);
        c->used_lrs = 0;
    }
    return r.op != VGIC_REFRESH_LONG;
}

void vgic_hw_refill(struct vgic_cpu *c)
{
    if (c->used_lrs == 1 && !c->folded &&
        (gic_host_v2 ? vgic_hw_v2_refresh_one(c) : refresh_one(c))) {
        return;
    }
    if (c->used_lrs != 0 && !c->folded) {
        /* The several-register short way is GICv3's: a GICv2 SGI's sources need the flush. */
        if (!gic_host_v2 && !c->linked && refresh(c)) {
            return;
        }
        vgic_hw_fold(c);
    }
    vgic_hw_flush(c);
}

bool vgic_hw_eoi_maintenance(struct vgic_cpu *c, unsigned intid)
{
    return gic_host_v2 && intid == gicv2_frames()->maint_intid && vgic_hw_v2_eoi_maintenance(c);
}

void vgic_hw_fold(struct vgic_cpu *c)
{
    if (gic_host_v2) {
        vgic_hw_v2_fold(c);
        return;
    }
    if (c->used_lrs == 0) {
        return;
    }
    /*
     * An empty register (ICH_ELRSR_EL2: state 00, and HW or no EOI bit)
     * holds nothing the guest changed but its finish: its image keeps the
     * INTID it was filled with, state cleared, without a read. That is also
     * what keeps the image true when the maintenance interrupt has zeroed a
     * register or a refresh left one empty: the next refresh needs the INTID.
     */
    uint32_t empty = (uint32_t)read_sysreg(ich_elrsr_el2);
    for (unsigned i = 0; i < c->used_lrs; i++) {
        if ((empty >> i) & 1) {
            c->lr[i] &= ~(ICH_LR_PENDING | ICH_LR_ACTIVE);
        } else {
            c->lr[i] = read_lr(i);
        }
    }
    vgic_fold_lrs(c, c->lr, c->used_lrs);
}

/* --- ICC_CTLR/PMR/RPR/DIR_EL1, trapped by TC, for the vCPU loaded here ------ */

static uint64_t live_view(const struct vgic_cpu *c)
{
    return vgic_vmcr_view(read_sysreg(ich_vmcr_el2), c->vmcr);
}

/* The view's VCBPR stays in c->vmcr; the hardware gets the sanitised value (VCBPR 1). */
static void set_view(struct vgic_cpu *c, uint64_t view)
{
    c->vmcr = view;
    write_sysreg(vgic_vmcr_sanitise(view, shape), ich_vmcr_el2);
}

uint64_t vgic_hw_ctlr_read(const struct vgic_cpu *c)
{
    return vgic_icc_ctlr_read(live_view(c), shape);
}

void vgic_hw_ctlr_write(struct vgic_cpu *c, uint64_t val)
{
    set_view(c, vgic_icc_ctlr_write(live_view(c), val));
}

uint64_t vgic_hw_pmr_read(void)
{
    return vgic_icc_pmr_read(read_sysreg(ich_vmcr_el2));
}

void vgic_hw_pmr_write(struct vgic_cpu *c, uint64_t val)
{
    set_view(c, vgic_icc_pmr_write(live_view(c), val, shape));
}

uint64_t vgic_hw_rpr_read(void)
{
    uint32_t ap0[4] = {0};
    uint32_t ap1[4] = {0};

    for (unsigned n = 0; n < nr_apr; n++) {
        read_apr(n, &ap0[n], &ap1[n]);
    }
    return vgic_icc_rpr(ap0, ap1, shape);
}

/* EOImode 0: DIR is UNPREDICTABLE, ignored. The exit folded the list registers already. */
void vgic_hw_dir_write(struct vgic_cpu *c, uint64_t val)
{
    uint32_t hwintid;

    if (!(read_sysreg(ich_vmcr_el2) & ICH_VMCR_VEOIM)) {
        return;
    }
    if (vgic_deactivate(c, (uint32_t)(val & 0xFFFFFF), &hwintid)) {
        gic_deactivate(hwintid); /* what ICH_LR.HW does for a DIR that does not trap */
    }
}
