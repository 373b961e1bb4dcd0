/* The lean IRQ exit (see irq_exit.c). */
#ifndef SHRIKE_VCPU_IRQ_EXIT_H
#define SHRIKE_VCPU_IRQ_EXIT_H

#include "vcpu/vcpu.h"

/*
 * Called by vcpu/entry.S on every IRQ exit, before guest_enter() returns:
 * EXIT_RESUME when the guest can be re-entered at once (its interrupts were
 * handled, its list registers are up to date), else EXIT_HANDLED (the
 * interrupts were handled and the list registers folded: the run loop acts
 * on the requests and flushes).
 */
unsigned long irq_exit(struct vcpu_regs *regs);

#endif
