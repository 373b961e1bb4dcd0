/* Physical interrupt dispatch (see irq.h). */
#include "kernel/irq.h"

#include "kernel/exception.h"
#include "kernel/gic.h"
#include "kernel/log.h"

static struct {
    irq_handler_t handler;
    void *ctx;
    bool forwarded;
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

void irq_dispatch(void)
{
    for (;;) {
        unsigned intid = gic_ack();
        if (intid >= GIC_INTID_SPURIOUS) {
            return;
        }
        gic_eoi(intid);
        irq_handler_t h =
            intid < IRQ_MAX_INTID ? __atomic_load_n(&handlers[intid].handler, __ATOMIC_ACQUIRE) : 0;
        if (h) {
            h(intid, handlers[intid].ctx);
            if (handlers[intid].forwarded) {
                continue; /* the guest deactivates it */
            }
        } else {
            log_warn("unhandled interrupt %u: disabled", intid);
            gic_disable_irq(intid);
        }
        gic_deactivate(intid);
    }
}

void el2_irq(struct el2_frame *frame)
{
    (void)frame;
    irq_dispatch();
}
