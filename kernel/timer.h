/*
 * The EL2 physical timer (CNTHP_*, PPI 10 = INTID 26), one per CPU, used as a
 * one-shot "call me at time T" deadline. Whoever owns the CPU's timer (the
 * tick, later the scheduler) installs the callback.
 */
#ifndef SHRIKE_KERNEL_TIMER_H
#define SHRIKE_KERNEL_TIMER_H

#include <stdint.h>

#define TIMER_INTID_EL2_PHYS 26

typedef void (*timer_fn_t)(uint64_t now);

/* Per-CPU setup: timer disabled, interrupt enabled at the GIC. */
void timer_cpu_init(void);

/* Sets this CPU's callback, run in IRQ context when the deadline passes. */
void timer_set_callback(timer_fn_t fn);

/* Fires once when the physical counter reaches cval (at once if it already has). */
void timer_arm(uint64_t cval);
void timer_cancel(void);

uint64_t timer_now(void);

/* EL2 timer interrupts taken on cpu since boot. */
uint64_t timer_irq_count(unsigned cpu);
uint64_t timer_freq(void);

/* Counter ticks for a duration; exact for whole multiples of the frequency. */
static inline uint64_t timer_ns_to_ticks(uint64_t freq, uint64_t ns)
{
    return (ns / 1000000000ULL) * freq + ((ns % 1000000000ULL) * freq) / 1000000000ULL;
}

static inline uint64_t timer_ms_to_ticks(uint64_t freq, uint64_t ms)
{
    return (ms / 1000ULL) * freq + ((ms % 1000ULL) * freq) / 1000ULL;
}

#endif
