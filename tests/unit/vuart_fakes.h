/*
 * Shared by the host tests of the emulated PL011 (test_vuart.c) and the
 * console multiplexer (test_vconsole.c): fakes of the kernel functions
 * vconsole.c and vuart.c call (console, IRQ registration, GIC), with console
 * output captured into a buffer and physical input taken from a string, and
 * helpers that drive a vuart through its MMIO callbacks.
 */
#ifndef SHRIKE_TESTS_UNIT_VUART_FAKES_H
#define SHRIKE_TESTS_UNIT_VUART_FAKES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/irq.h"
#include "vcpu/vuart.h"

/* The fake console: what was written, and whether it was written under its lock. */
extern unsigned console_depth;
extern unsigned unlocked_writes;

/* The fake physical UART and interrupt plumbing. */
extern const char *fake_input; /* what console_getc() returns, one byte at a time */
extern bool rx_irq_enabled;
extern irq_handler_t fake_handler;
extern void *fake_handler_ctx;
extern unsigned fake_intid;
extern unsigned gic_enabled_intid;
extern unsigned gic_enabled_prio;

/*
 * Fake time (timer_now()) and soft timers: fire(t) runs an armed timer at
 * its deadline (fake_now moves there), false if not armed. fake_arms counts
 * softtimer_arm() calls.
 */
extern uint64_t fake_now;
extern unsigned fake_arms;
bool fire(struct soft_timer *t);

/* The captured console output so far, then forgotten. */
const char *take(void);

/* MMIO accesses to a vuart (checked to succeed), and shorthands. */
uint64_t rd(struct vuart *u, uint64_t off, unsigned size);
uint32_t rd32(struct vuart *u, uint64_t off);
void wr(struct vuart *u, uint64_t off, unsigned size, uint64_t v);
void wr32(struct vuart *u, uint64_t off, uint32_t v);
void send(struct vuart *u, const char *s);             /* transmit s */
void push(struct vuart *u, unsigned n, uint8_t first); /* receive first, first + 1, ... */
void drain(struct vuart *u);                           /* read the RX FIFO empty */
void enable_fifo(struct vuart *u);                     /* LCR_H as Linux writes it */

/* vcpu_trap_next_wfi() calls, and a DR/register write made by vCPU v (not NULL). */
extern unsigned fake_wfi_traps, fake_wfi_untraps;
void wr_as(struct vuart *u, struct vcpu *v, uint64_t off, unsigned size, uint64_t val);

#endif
