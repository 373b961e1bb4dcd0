/*
 * Physical interrupt dispatch at EL2: one handler per INTID, shared by all
 * CPUs (SGIs and PPIs are banked per CPU, so each CPU runs the handler for
 * its own instance).
 */
#ifndef SHRIKE_KERNEL_IRQ_H
#define SHRIKE_KERNEL_IRQ_H

#include <stdbool.h>

#define IRQ_MAX_INTID 1020

typedef void (*irq_handler_t)(unsigned intid, void *ctx);

/* Installs the handler; returns false if the INTID is out of range or already claimed. */
bool irq_register(unsigned intid, irq_handler_t handler, void *ctx);

/*
 * Like irq_register, but shrike does not deactivate the interrupt after the
 * handler: it is forwarded to a guest through a hardware-mapped list register,
 * and the guest's deactivation reaches the physical GIC.
 */
bool irq_register_forwarded(unsigned intid, irq_handler_t handler, void *ctx);

/* Acknowledges and dispatches every pending interrupt (called from el2_irq and guest exits). */
void irq_dispatch(void);

/*
 * The handler of intid only raises or lowers virtual interrupt lines
 * (vgic_set_level, vgic_set_pending) or does nothing at all: it may run while
 * a vCPU's list registers are live and not yet folded (the lean IRQ exit,
 * vcpu/irq_exit.c). Set at registration, before the interrupt is enabled.
 */
void irq_set_lines_only(unsigned intid);

/*
 * The lean IRQ exit's dispatch (vcpu/irq_exit.c): intid, acknowledged and its
 * priority dropped, is handled and deactivated here if its handler is
 * lines-only (true); otherwise (false) it is left for irq_dispatch_from(),
 * which handles it and then every other pending one. One interrupt per call:
 * another pending one is taken at once after the guest is re-entered.
 */
bool irq_handle_lines_only(unsigned intid);
void irq_dispatch_from(unsigned intid);

#endif
