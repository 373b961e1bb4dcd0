/* Bringing the secondary CPUs online (see smp.c). */
#ifndef SHRIKE_SMP_SMP_H
#define SHRIKE_SMP_SMP_H

#include "kernel/fdt.h"

/* Assigns logical indices (boot CPU 0, the rest in DTB order) and fills struct cpu. */
void smp_init_cpus(const struct fdt_platform *plat);

/* Starts every other listed CPU with PSCI CPU_ON and waits for each to come online. */
unsigned smp_boot_secondaries(void);

unsigned smp_online_count(void);

/* Per-CPU hardware setup shared by the boot CPU and the secondaries. */
void cpu_local_init(void);

/* C entry of a secondary CPU (from boot.S). */
_Noreturn void secondary_main(unsigned idx);

/* Where every CPU ends up: WFI with interrupts enabled. */
_Noreturn void cpu_idle_loop(void);

#endif
