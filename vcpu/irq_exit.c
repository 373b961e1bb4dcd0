/*
 * The lean IRQ exit: the interrupts that dominate guest IRQ exits, a kick
 * (IPI_KICK: something was queued for the vCPU running here) and its
 * virtual timer's PPI, are taken from vcpu/entry.S without returning to the
 * run loop. Their handlers only raise lines (kernel/irq.h, lines-only), which
 * commutes with folding the list registers, so they run while the list
 * registers are live; any other interrupt folds them first, as the run loop
 * does, and is then dispatched as usual. The kick and the timer's PPI are
 * recognised by INTID, without the handler table; other lines-only ones go
 * through it. One interrupt per exit: another pending one is taken as soon
 * as the guest is re-entered (an exit more, in the rare case, instead of an
 * acknowledge more in every one). Afterwards:
 *   - a request (block, reschedule, stop...) or another vCPU to run here:
 *     the list registers are folded and the run loop takes over;
 *   - otherwise, if the vGIC changed what the guest must see
 *     (vgic_cpu.changed), the list registers are folded and filled again;
 *     if not, they stay as they are (a fold now would change nothing);
 *   - the guest is re-entered through guest_resume.
 * The same rules as the lean synchronous exit (vcpu/trap.c): every fold is
 * followed by a flush before the next entry, and `changed` is cleared before
 * the flush so that a pend racing with it either is seen by it or leaves the
 * flag set for the next exit.
 */
#include "vcpu/irq_exit.h"

#include "kernel/cpu.h"
#include "kernel/gic.h"
#include "kernel/irq.h"
#include "kernel/lib.h"
#include "sched/sched.h"
#include "smp/ipi.h"
#include "vtimer/vtimer.h"
#include "vgic/vgic_hw.h"

static inline bool nothing_requested(const struct vcpu *v)
{
    return load_relaxed(v->requests) == 0;
}

unsigned long irq_exit(struct vcpu_regs *regs)
{
    struct vcpu *v = list_entry(regs, struct vcpu, arch.regs);
    struct vgic_cpu *c = &v->vgic;
    v->exits++;
    unsigned intid = gic_ack();
    if (intid == IPI_KICK) {
        /* The most frequent one, by far. */
        gic_eoi_deactivate(intid);
        this_cpu()->kicks_taken++; /* ipi_kicks_taken() */
    } else if (intid == PPI_VTIMER) {
        gic_eoi(intid);
        vtimer_irq_exit(v); /* the next: its own timer */
    } else if (intid < GIC_INTID_SPURIOUS) {
        gic_eoi(intid);
        if (vgic_hw_eoi_maintenance(c, intid)) {
            gic_deactivate(intid); /* GICv2: the timer's deactivation, list registers live */
        } else if (!irq_handle_lines_only(intid)) {
            if (c->used_lrs != 0) {
                vgic_hw_fold(c);
            }
            irq_dispatch_from(intid);
        }
    }
    sched_irq_exit();
    if (!nothing_requested(v)) {
        if (c->used_lrs != 0 && !c->folded) {
            vgic_hw_fold(c);
        }
        return EXIT_HANDLED;
    }
    if (c->folded || load_relaxed(c->changed) != 0) {
        /* Cleared first: a pend racing with the refill is seen by it, or leaves it set. */
        store_relaxed(c->changed, 0U);
        if (c->used_lrs != 0 || !list_empty(&c->ap_list)) {
            vgic_hw_refill(c);
        }
    }
    return EXIT_RESUME;
}
