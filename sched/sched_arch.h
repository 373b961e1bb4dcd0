/*
 * The little of the CPU that sched/sched.c uses directly: which CPU this is,
 * how many there are, the counter, IRQ masking and WFI. On the hypervisor
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
#else
#include "kernel/cpu.h"
#include "kernel/sysreg.h"
#endif

#endif
