/* The hypervisor's own EL2 stage-1 address space (see el2_mmu.c). */
#ifndef SHRIKE_MM_EL2_MMU_H
#define SHRIKE_MM_EL2_MMU_H

#include "kernel/fdt.h"

/* Builds the EL2 tables on the boot CPU, before any CPU turns its MMU on. */
void el2_mmu_init(const struct fdt_platform *plat);

/* Turns this CPU's EL2 MMU and caches on with those tables. */
void el2_mmu_enable(void);

/* Physical address size the CPU implements (ID_AA64MMFR0_EL1.PARange), capped at 48. */
unsigned el2_pa_bits(void);

#endif
