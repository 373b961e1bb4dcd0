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

#endif
