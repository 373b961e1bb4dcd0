/*
 * The little of the CPU that sched/sched.c uses directly: which CPU this is,
 * how many there are, the counter, IRQ masking, WFI and a polling loop's
 * pause. On the hypervisor
 * they come from kernel/cpu.h and kernel/sysreg.h; a host unit test
 * (tests/unit/test_sched_core.c) defines them as functions of its fake arch,
 * with threads as CPUs.
 */
#ifndef SHRIKE_SCHED_SCHED_ARCH_H
#define SHRIKE_SCHED_SCHED_ARCH_H

#include <stdint.h>

#ifdef SHRIKE_HOST_TEST
unsigned this_cpu_id(void);
extern unsigned cpu_count;
uint64_t counter_read(void);
uint64_t local_irq_save(void);
void local_irq_restore(uint64_t flags);
void wfi(void);
void cpu_poll_pause(void);
#else
#include "kernel/cpu.h"
#include "kernel/sysreg.h"

/*
 * One turn of a polling loop: YIELD, a hint that this CPU only waits (an SMT
 * core runs its sibling; under QEMU's -icount round robin the next CPU runs
 * at once, instead of after this one's 100 ms quantum).
 */
static inline void cpu_poll_pause(void)
{
    __asm__ __volatile__("yield" : : : "memory");
}
#endif

#endif
