/*
 * Guest timers.
 *
 * Virtual timer: CNTV_CTL/CVAL are switched with the vCPU's EL1 registers and
 * CNTVOFF_EL2 with its VM, so the timer runs in hardware while the vCPU does.
 * When it fires, the physical PPI 27 reaches EL2 (HCR_EL2.IMO); shrike raises
 * the vCPU's virtual INTID 27, hardware-mapped to the physical one, and leaves
 * the physical interrupt active: the guest's deactivation of the virtual
 * interrupt deactivates it (ICH_LR.HW). So the interrupt follows the timer's
 * level without shrike seeing the guest's EOI.
 *   put:  (the EL1 registers are saved, the hardware timer masked) if the
 *         guest's timer is live, a soft timer is armed for its deadline,
 *         which wakes the vCPU (a vCPU blocked in WFI must run to take it);
 *   load: the soft timer is cancelled; CNTVOFF, CVAL, CTL are restored with
 *         the vCPU; a timer that already expired has its level raised here
 *         (physical PPI left active, as after vtimer_irq), so the first entry
 *         delivers it without first exiting for the PPI.
 *
 * EL1 physical timer: CNTHCTL_EL2.EL1PCEN = 0 traps CNTP_* accesses. The
 * state lives here; its output drives virtual INTID 30 as a level, and a soft
 * timer raises it at the deadline. A trapped access runs on the vCPU's CPU,
 * the soft timer's callback on the CPU that armed it (another one if the vCPU
 * moved since): the vtimer's lock serialises the two. The access recomputes
 * the level and re-arms or cancels; the callback only raises the level if the
 * state it finds still fires (a later access has re-armed otherwise).
 *
 * Lock order: the vtimer's lock, then (inside vgic_set_level) an interrupt's
 * and a vCPU's ap_lock and the scheduler's queue lock, and the soft-timer
 * locks. Nothing takes the vtimer's lock while holding one of those.
 */
#include "vtimer/vtimer.h"

#include "kernel/check.h"
#include "kernel/cpu.h"
#include "kernel/gic.h"
#include "kernel/irq.h"
#include "kernel/list.h"
#include "vcpu/vm.h"
#include "vgic/vgic_mmio.h"

void vtimer_irq_exit(struct vcpu *v)
{
    vgic_raise_private_here(&v->vm->vgic, &v->vgic, VGIC_INTID_VTIMER);
}

static void vtimer_irq(unsigned intid, void *ctx)
{
    (void)ctx;
    struct vcpu *v = this_cpu()->loaded;
    if (v == 0) {
        /* Raced with a put: nobody to deliver to, the timer is masked now. */
        gic_deactivate(intid);
        return;
    }
    vgic_set_level(&v->vm->vgic, &v->vgic, VGIC_INTID_VTIMER, true);
}

/*
 * The virtual timer's output as GICR_ISPENDR0 reports it: a guest's IMASK or
 * CVAL write does not trap, so the level is read from the timer itself (live
 * when its vCPU is loaded here, else as saved).
 */
static bool vtimer_line(const struct vgic_irq *irq)
{
    struct vcpu *v = irq->owner ? irq->owner->owner : 0;
    if (v == 0 || irq->intid != VGIC_INTID_VTIMER) {
        return irq->line_level;
    }
    if (this_cpu()->loaded == v) {
        uint64_t ctl = read_sysreg(cntv_ctl_el0);
        return (ctl & CNT_CTL_ENABLE) && !(ctl & CNT_CTL_IMASK) && (ctl & CNT_CTL_ISTATUS);
    }
    return vtimer_fires(v->arch.sys.cntv_ctl_el0, v->arch.sys.cntv_cval_el0,
                        counter_read() - v->vm->cntvoff);
}

void vtimer_cpu_init(void)
{
    if (this_cpu_id() == 0) {
        CHECK(irq_register_forwarded(PPI_VTIMER, vtimer_irq, 0));
        irq_set_lines_only(PPI_VTIMER); /* vgic_set_level only: the lean IRQ exit takes it */
        vgic_mmio_hw_line = vtimer_line;
    }
    gic_enable_irq(PPI_VTIMER, GIC_PRIO_DEFAULT);
}

static struct vcpu *of_vwake(struct soft_timer *t)
{
    return list_entry(t, struct vcpu, timer.vwake);
}

static struct vcpu *of_pwake(struct soft_timer *t)
{
    return list_entry(t, struct vcpu, timer.pwake);
}

/*
 * A put vCPU's virtual timer expired: wake it. The interrupt itself comes from
 * the hardware timer once the vCPU is loaded again (its condition still
 * holds); raising it here as well would deliver the same expiry twice.
 */
static void vwake_fire(struct soft_timer *t, uint64_t now)
{
    (void)now;
    vcpu_wake(of_vwake(t));
}

/* The emulated physical timer's level and deadline after a change; t->lock held. */
static void ptimer_update_locked(struct vcpu *v)
{
    struct vtimer *t = &v->timer;
    bool fires = vtimer_fires(t->cntp_ctl, t->cntp_cval, counter_read());
    vgic_set_level(&v->vm->vgic, &v->vgic, VGIC_INTID_PTIMER, fires);
    if (!fires && (t->cntp_ctl & CNT_CTL_ENABLE) && !(t->cntp_ctl & CNT_CTL_IMASK)) {
        softtimer_arm(&t->pwake, t->cntp_cval);
    } else {
        softtimer_cancel(&t->pwake);
    }
}

/* The deadline passed: raise the level if the timer still fires as it stands now. */
static void pwake_fire(struct soft_timer *st, uint64_t now)
{
    (void)now;
    struct vcpu *v = of_pwake(st);
    struct vtimer *t = &v->timer;
    spin_lock(&t->lock);
    if (!t->quiesced && vtimer_fires(t->cntp_ctl, t->cntp_cval, counter_read())) {
        vgic_set_level(&v->vm->vgic, &v->vgic, VGIC_INTID_PTIMER, true);
    }
    spin_unlock(&t->lock);
}

void vtimer_vcpu_quiesce(struct vcpu *v)
{
    struct vtimer *t = &v->timer;
    uint64_t flags = local_irq_save();
    spin_lock(&t->lock);
    t->quiesced = true; /* a pwake callback already past its pop raises nothing now */
    spin_unlock(&t->lock);
    local_irq_restore(flags);
    /* Not under t->lock: a running pwake callback takes it. */
    softtimer_cancel_sync(&t->pwake);
    softtimer_cancel_sync(&t->vwake);
}

void vtimer_vcpu_reset(struct vcpu *v)
{
    struct vtimer *t = &v->timer;
    softtimer_cancel_sync(&t->pwake);
    softtimer_cancel_sync(&t->vwake);
    uint64_t flags = local_irq_save();
    spin_lock(&t->lock);
    t->vwake.fn = vwake_fire;
    t->pwake.fn = pwake_fire;
    t->cntp_ctl = 0; /* disabled: its output is low */
    t->cntp_cval = 0;
    t->quiesced = false;
    vgic_set_level(&v->vm->vgic, &v->vgic, VGIC_INTID_PTIMER, false);
    spin_unlock(&t->lock);
    local_irq_restore(flags);
}

void vtimer_put(struct vcpu *v)
{
    const struct vcpu_sysregs *s = &v->arch.sys;
    /* The physical interrupt's active state stays with the vCPU, not the CPU. */
    if (gic_ppi_active(PPI_VTIMER)) {
        gic_ppi_set_active(PPI_VTIMER, false);
    }
    uint64_t ctl = s->cntv_ctl_el0;
    uint64_t deadline = vtimer_phys_deadline(s->cntv_cval_el0, v->vm->cntvoff);
    if ((ctl & CNT_CTL_ENABLE) && !(ctl & CNT_CTL_IMASK) && deadline != UINT64_MAX) {
        softtimer_arm(&v->timer.vwake, deadline);
    }
}

void vtimer_load(struct vcpu *v)
{
    const struct vcpu_sysregs *s = &v->arch.sys;
    softtimer_cancel(&v->timer.vwake);
    /* A virtual timer interrupt the guest has not deactivated keeps the physical one active. */
    struct vgic_irq *irq = &v->vgic.private_irqs[VGIC_INTID_VTIMER];
    if (irq->active) {
        gic_ppi_set_active(PPI_VTIMER, true);
    } else if (vtimer_fires(s->cntv_ctl_el0, s->cntv_cval_el0, counter_read() - v->vm->cntvoff)) {
        /*
         * It expired while put (what woke a vCPU blocked in WFI): raise the
         * level now and leave the physical PPI active, as vtimer_irq() would
         * once the restored timer fired, so that the first entry delivers it
         * instead of exiting at once to take the PPI. The guest's
         * deactivation deactivates the PPI: through the HW list register on
         * GICv3, by shrike's GICC_DIR when the fold finds the software-EOI
         * list register emptied on GICv2 (docs/interrupts.md).
         */
        gic_ppi_set_active(PPI_VTIMER, true);
        vgic_set_level(&v->vm->vgic, &v->vgic, VGIC_INTID_VTIMER, true);
    }
}

/*
 * CVAL from a TVAL write: the counter plus the sign-extended 32-bit value,
 * modulo 2^64 as the architecture defines it (TVAL = CVAL - counter reads
 * back the same way); the deadline is CVAL itself (no offset to add).
 */
static uint64_t cval_of_tval(uint64_t now, uint64_t tval)
{
    return now + (uint64_t)(int64_t)(int32_t)(uint32_t)tval;
}

void vtimer_ptimer_access(struct vcpu *v, unsigned op2, bool read, uint64_t *val)
{
    struct vtimer *t = &v->timer;
    enum { TVAL = 0, CTL = 1, CVAL = 2 };
    uint64_t flags = local_irq_save();
    spin_lock(&t->lock);
    uint64_t now = counter_read();
    if (read) {
        if (op2 == TVAL) {
            *val = (uint64_t)(uint32_t)(t->cntp_cval - now);
        } else if (op2 == CTL) {
            *val = t->cntp_ctl | (now >= t->cntp_cval ? CNT_CTL_ISTATUS : 0);
        } else {
            *val = t->cntp_cval;
        }
    } else {
        if (op2 == TVAL) {
            t->cntp_cval = cval_of_tval(now, *val);
        } else if (op2 == CTL) {
            t->cntp_ctl = *val & (CNT_CTL_ENABLE | CNT_CTL_IMASK);
        } else {
            t->cntp_cval = *val;
        }
        ptimer_update_locked(v);
    }
    spin_unlock(&t->lock);
    local_irq_restore(flags);
}

/*
 * See vtimer.h. The guest's CNTV_* accesses do not trap, so the list register
 * may be about to carry an expiry the guest has since masked or moved: the
 * level comes from the timer itself (vtimer_line: live here). vtimer_irq left
 * the physical PPI active when it forwarded the expiry (EOImode 1: priority
 * dropped, not deactivated); with the level low there is nothing to list,
 * the guest will never deactivate it (through a HW list register, or on
 * GICv2 the maintenance EOI's DIR), and an
 * active PPI cannot fire again: deactivate it, unless the guest still has
 * the virtual interrupt active (its deactivation then reaches the PPI).
 */
bool vtimer_hw_resample(struct vgic_irq *irq)
{
    bool level = vtimer_line(irq);
    struct vcpu *v = irq->owner ? irq->owner->owner : 0;
    if (irq->intid == VGIC_INTID_VTIMER && v != 0 && this_cpu()->loaded == v && !level &&
        !irq->active && gic_ppi_active(PPI_VTIMER)) {
        gic_ppi_set_active(PPI_VTIMER, false);
    }
    return level;
}
