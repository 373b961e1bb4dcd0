/*
 * Cross-CPU calls: run fn(arg) on another CPU, in its IRQ context. Each
 * (target, sender) pair has its own slot, so senders never contend.
 */
#ifndef SHRIKE_SMP_CALL_H
#define SHRIKE_SMP_CALL_H

#include <stdbool.h>

typedef void (*smp_call_fn)(void *arg);

/*
 * Queues fn(arg) on cpu and kicks it. With wait, returns once fn has run;
 * waiting callers must have IRQs enabled (the target may be calling them).
 * A call to the current CPU runs at once.
 */
void smp_call(unsigned cpu, smp_call_fn fn, void *arg, bool wait);

/* IPI_CALL handler. */
void smp_call_ipi(unsigned intid, void *ctx);

#endif
