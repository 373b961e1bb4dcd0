/* Physical interrupt dispatch (see irq.h). */
#include "kernel/irq.h"

#include "kernel/exception.h"
#include "kernel/gic.h"
#include "kernel/log.h"

static struct {
    irq_handler_t handler;
    void *ctx;
    bool forwarded;
    bool lines_only;
} handlers[IRQ_MAX_INTID];

static bool install(unsigned intid, irq_handler_t handler, void *ctx, bool forwarded)
{
    if (intid >= IRQ_MAX_INTID || handlers[intid].handler != 0) {
        return false;
    }
    handlers[intid].ctx = ctx;
    handlers[intid].forwarded = forwarded;
    __atomic_store_n(&handlers[intid].handler, handler, __ATOMIC_RELEASE);
    return true;
}

bool irq_register(unsigned intid, irq_handler_t handler, void *ctx)
{
    return install(intid, handler, ctx, false);
}

bool irq_register_forwarded(unsigned intid, irq_handler_t handler, void *ctx)
{
    return install(intid, handler, ctx, true);
}

void irq_set_lines_only(unsigned intid)
{
    if (intid < IRQ_MAX_INTID) {
        handlers[intid].lines_only = true;
    }
}

/* One acknowledged interrupt (priority dropped: EOImode 1): its handler, then its deactivation. */
static void handle(unsigned intid)
{
    irq_handler_t h =
        intid < IRQ_MAX_INTID ? __atomic_load_n(&handlers[intid].handler, __ATOMIC_ACQUIRE) : 0;
    if (h) {
        h(intid, handlers[intid].ctx);
        if (handlers[intid].forwarded) {
            return; /* the guest deactivates it */
        }
    } else {
        log_warn("unhandled interrupt %u: disabled", intid);
        gic_disable_irq(intid);
    }
    gic_deactivate(intid);
}

void irq_dispatch_from(unsigned intid)
{
    while (intid < GIC_INTID_SPURIOUS) {
        handle(intid);
        intid = gic_ack();
        if (intid < GIC_INTID_SPURIOUS) {
            gic_eoi(intid);
        }
    }
}

void irq_dispatch(void)
{
    unsigned intid = gic_ack();
    if (intid < GIC_INTID_SPURIOUS) {
        gic_eoi(intid);
    }
    irq_dispatch_from(intid);
}

bool irq_handle_lines_only(unsigned intid)
{
    if (intid >= IRQ_MAX_INTID || !handlers[intid].lines_only) {
        return false;
    }
    handle(intid);
    return true;
}

void el2_irq(struct el2_frame *frame)
{
    (void)frame;
    irq_dispatch();
}
