/*
 * PSCI client: shrike asking the firmware (QEMU's built-in PSCI, over SMC at
 * EL2) to start CPUs and to power the machine off.
 */
#ifndef SHRIKE_SMP_PSCI_H
#define SHRIKE_SMP_PSCI_H

#include <stdint.h>

#include "kernel/psci_defs.h"

int64_t psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
uint32_t psci_version(void);
int64_t psci_features(uint32_t fid);
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
_Noreturn void psci_system_off(void);

#endif
