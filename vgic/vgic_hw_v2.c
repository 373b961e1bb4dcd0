/*
 * The GICv2 virtual CPU interface, per physical CPU, through the virtual
 * interface control frame GICH (IHI 0048B 5.3), the banked copy at GICH's
 * base that addresses the CPU doing the access. The same life as the GICv3
 * back end (vgic_hw.c): while a vCPU is loaded its GICH_VMCR and GICH_APR
 * are live; before each entry its ap_list is flushed into the list
 * registers and after each exit they are folded back. The vGIC core speaks
 * ICH_LR images; vgic_lr_v2.h converts them to and from the GICH_LR format
 * (an SGI's source CPU included).
 *
 * What differs from GICv3: the guest's CPU interface is not system
 * registers but the GICV frame, which stage 2 maps at the guest's GICC
 * (vcpu/vm.c), so nothing of the CPU interface traps: the guest's
 * GICC_CTLR, PMR, BPR, IAR, EOIR and DIR reach the virtual interface
 * directly, and GICH_VMCR (saved at put) is the guest's own view of them.
 * There is one active-priority register, GICH_APR, kept in c->ap0r[0].
 *
 * Hardware-mapped interrupts (the virtual timer) are listed without the HW
 * bit: as software interrupts with EOI set (vgic_v2_soft_hw). The guest's
 * deactivation then raises the maintenance interrupt, and the fold that
 * finds such a list register emptied deactivates the physical interrupt
 * with a GICC_DIR write. The architecture's HW bit would do that without
 * an exit, and a level still high would then be pending and signalled at
 * once (the timer a guest re-armed in the past, or left firing); QEMU's
 * GICv2 (7.2, arm_gic.c) does not signal it: a deactivation through its
 * virtual CPU interface re-evaluates only the virtual side, so the PPI
 * waits, pending and unsignalled (GICC_HPPIR 1023), until another access
 * updates the distributor. A vCPU halted in place for that timer never
 * woke (issue: irq-ownership.gicv2). The maintenance exit costs one exit
 * per deactivation and is correct on any GICv2; the core still sees the
 * interrupt as hardware-mapped (vgic_v2_unsoft_hw restores HW at fold).
 */
#include "vgic/vgic_hw_v2.h"

#include "kernel/check.h"
#include "kernel/cpu.h"
#include "kernel/gic.h"
#include "kernel/irq.h"
#include "vgic/vgic_lr_v2.h"

#define GICH_HCR   0x000
#define GICH_VTR   0x004
#define GICH_VMCR  0x008
#define GICH_MISR  0x010
#define GICH_EISR0 0x020
#define GICH_ELRSR 0x030
#define GICH_APR   0x0F0
#define GICH_LR0   0x100

#define GICH_HCR_EN   (1U << 0)
#define GICH_HCR_UIE  (1U << 1) /* maintenance interrupt when at most one list register is valid */
#define GICH_MISR_EOI (1U << 0) /* a list register with EOI set was deactivated (GICH_EISR) */

static uint64_t gich;
static unsigned nr_lrs;
static unsigned min_bpr;

static inline volatile uint32_t *gich_reg(uint32_t off)
{
    return (volatile uint32_t *)(uintptr_t)(gich + off);
}

static inline void write_lr(unsigned i, uint32_t v)
{
    *gich_reg(GICH_LR0 + 4 * i) = v;
}

static inline uint32_t read_lr(unsigned i)
{
    return *gich_reg(GICH_LR0 + 4 * i);
}

void vgic_hw_v2_init(void)
{
    gich = gicv2_frames()->gich;
    uint32_t vtr = *gich_reg(GICH_VTR);
    nr_lrs = (vtr & 0x3F) + 1; /* ListRegs: up to 64; the vGIC uses at most VGIC_MAX_LRS */
    nr_lrs = nr_lrs > VGIC_MAX_LRS ? VGIC_MAX_LRS : nr_lrs;
    min_bpr = vgic_v2_min_bpr(vtr);
}

unsigned vgic_hw_v2_nr_lrs(void)
{
    return nr_lrs;
}

/*
 * As on GICv3: the list registers ran dry with more pending (UIE), or the
 * guest EOI'd an interrupt whose list register asked to be told (EOI bit,
 * GICH_EISR0). The exit already folded the list registers; the next entry
 * refills them. The interrupt is level: drop both causes before the EOI.
 */
static void maintenance_irq(unsigned intid, void *ctx)
{
    (void)intid;
    (void)ctx;
    uint32_t eisr = *gich_reg(GICH_EISR0); /* nr_lrs <= 16: EISR1 is never needed */
    for (unsigned i = 0; i < nr_lrs; i++) {
        if ((eisr >> i) & 1) {
            write_lr(i, 0);
        }
    }
    *gich_reg(GICH_HCR) &= ~GICH_HCR_UIE;
    dsb(sy);
}

void vgic_hw_v2_cpu_init(void)
{
    unsigned maint = gicv2_frames()->maint_intid;
    vgic_hw_v2_init();
    if (this_cpu_id() == 0) {
        CHECK(irq_register(maint, maintenance_irq, 0));
    }
    *gich_reg(GICH_HCR) = 0;
    *gich_reg(GICH_APR) = 0;
    for (unsigned i = 0; i < nr_lrs; i++) {
        write_lr(i, 0);
    }
    gic_enable_irq(maint, GIC_PRIO_DEFAULT);
}

void vgic_hw_v2_load(struct vgic_cpu *c)
{
    /* Every GICH_APR bit is one preemption level (at most 32 of them): any saved value is
     * reachable. */
    *gich_reg(GICH_VMCR) = vgic_v2_vmcr_sanitise((uint32_t)c->vmcr, min_bpr);
    *gich_reg(GICH_APR) = c->ap0r[0];
    *gich_reg(GICH_HCR) = GICH_HCR_EN;
}

void vgic_hw_v2_put(struct vgic_cpu *c)
{
    /* The exit already folded the list registers: clear them for the next vCPU loaded here. */
    for (unsigned i = 0; i < c->used_lrs; i++) {
        write_lr(i, 0);
    }
    c->used_lrs = 0;
    c->vmcr = *gich_reg(GICH_VMCR);
    c->ap0r[0] = *gich_reg(GICH_APR);
    *gich_reg(GICH_HCR) = 0;
    dsb(sy);
}

void vgic_hw_v2_flush(struct vgic_cpu *c)
{
    if (list_empty(&c->ap_list) && c->used_lrs == 0) {
        return;
    }
    unsigned used = vgic_flush_lrs(c, c->lr, nr_lrs);
    for (unsigned i = 0; i < used; i++) {
        write_lr(i, vgic_v2_make_lr(vgic_v2_soft_hw(c->lr[i])));
    }
    for (unsigned i = used; i < c->used_lrs; i++) {
        write_lr(i, 0);
    }
    c->used_lrs = used;
    *gich_reg(GICH_HCR) = GICH_HCR_EN | (c->underflow ? GICH_HCR_UIE : 0);
}

/*
 * The guest deactivated a hardware-mapped interrupt listed by
 * vgic_v2_soft_hw (c->lr holds the folded images): deactivate the physical
 * one, which vtimer_irq() (or the load) left active with its priority
 * dropped. A level still high is then pending and signalled again.
 */
static void deactivate_physical(const struct vgic_cpu *c)
{
    for (unsigned i = 0; i < c->used_lrs; i++) {
        uint64_t image = c->lr[i];
        if ((image & ICH_LR_HW) && !(image & (ICH_LR_PENDING | ICH_LR_ACTIVE))) {
            gic_deactivate((unsigned)((image & ICH_LR_PINTID_MASK) >> ICH_LR_PINTID_SHIFT));
        }
    }
}

/*
 * An empty list register (GICH_ELRSR: state invalid, and no EOI bit or HW)
 * holds nothing the guest changed but its finish: its image keeps the
 * INTID (and an SGI's source) it was listed with, state cleared, without a
 * read, as on GICv3. A soft-HW one (EOI bit set) is empty only once shrike
 * zeroed it after deactivating the physical interrupt (the maintenance
 * below), so an empty one is never deactivated again; one the guest
 * finished that is not empty yet is read, and deactivated here.
 */
void vgic_hw_v2_fold(struct vgic_cpu *c)
{
    if (c->used_lrs == 0) {
        return;
    }
    bool deactivated = false;
    uint32_t empty = *gich_reg(GICH_ELRSR); /* nr_lrs <= 16: ELRSR1 is never needed */
    for (unsigned i = 0; i < c->used_lrs; i++) {
        if ((empty >> i) & 1) {
            c->lr[i] &= ~(ICH_LR_PENDING | ICH_LR_ACTIVE);
            continue;
        }
        /* c->lr[i] still holds what the flush listed: the HW bit and physical INTID */
        c->lr[i] = vgic_v2_unsoft_hw(c->lr[i], vgic_v2_lr_image(read_lr(i)), &deactivated);
    }
    vgic_fold_lrs(c, c->lr, c->used_lrs);
    if (deactivated) {
        deactivate_physical(c);
    }
}

/*
 * The maintenance interrupt of a hardware-mapped interrupt's deactivation
 * (the virtual timer's: listed soft-HW, EOI set), taken by irq_exit() with
 * the list registers live: for each such register GICH_EISR names, the
 * physical interrupt is deactivated (GICC_DIR) and the register zeroed,
 * which ends the (level) maintenance cause and leaves it empty in
 * GICH_ELRSR, its image state cleared, for the next fold or refresh to see
 * it finished (vgic_hw_v2_refresh_one, below). False, with nothing done,
 * for any other cause (underflow, or an SGI whose EOI bit asks for its next
 * source): the exit then folds and dispatches maintenance_irq().
 */
bool __attribute__((noinline)) vgic_hw_v2_eoi_maintenance(struct vgic_cpu *c)
{
    if (*gich_reg(GICH_MISR) != GICH_MISR_EOI) {
        return false;
    }
    uint32_t eisr = *gich_reg(GICH_EISR0);
    uint32_t mine = c->used_lrs >= 32 ? ~0U : (1U << c->used_lrs) - 1;
    if (eisr == 0 || (eisr & ~mine) != 0) {
        return false;
    }
    for (unsigned i = 0; i < c->used_lrs; i++) {
        if ((eisr >> i) & 1 && !(c->lr[i] & ICH_LR_HW)) {
            return false;
        }
    }
    for (unsigned i = 0; eisr != 0; i++, eisr >>= 1) {
        if (eisr & 1) {
            gic_deactivate((unsigned)((c->lr[i] & ICH_LR_PINTID_MASK) >> ICH_LR_PINTID_SHIFT));
            write_lr(i, 0);
            c->lr[i] &= ~(ICH_LR_PENDING | ICH_LR_ACTIVE);
        }
    }
    dsb(sy); /* the zeroed registers (the cause gone) before the maintenance interrupt's EOI */
    return true;
}

/*
 * vgic_hw_refill's short way for one list register, as refresh_one() in
 * vgic_hw.c: the register is empty (GICH_ELRSR), so the guest finished it
 * (and, if it was the timer's, vgic_hw_v2_eoi_maintenance deactivated the
 * physical one); vgic_refresh_single_v2() says whether it is listed again
 * (not for SGIs: their sources take the long way, vgic.c).
 */
bool __attribute__((noinline)) vgic_hw_v2_refresh_one(struct vgic_cpu *c)
{
    if (!(*gich_reg(GICH_ELRSR) & 1)) {
        return false;
    }
    struct vgic_refresh r = vgic_refresh_single_v2(c, c->lr[0]);
    if (r.op == VGIC_REFRESH_WRITE) {
        c->lr[0] = r.lr;
        write_lr(0, vgic_v2_make_lr(vgic_v2_soft_hw(r.lr)));
    } else if (r.op == VGIC_REFRESH_DROP) {
        write_lr(0, 0);
        c->used_lrs = 0;
    }
    return r.op != VGIC_REFRESH_LONG;
}
