/*
 * PSCI client: shrike asking the firmware (QEMU's built-in PSCI, over SMC at
 * EL2) to start CPUs and to power the machine off.
 */
#ifndef SHRIKE_SMP_PSCI_H
#define SHRIKE_SMP_PSCI_H

#include <stdint.h>

#define PSCI_VERSION           0x84000000U
#define PSCI_CPU_SUSPEND_64    0xC4000001U
#define PSCI_CPU_OFF           0x84000002U
#define PSCI_CPU_ON_64         0xC4000003U
#define PSCI_AFFINITY_INFO_64  0xC4000004U
#define PSCI_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_SYSTEM_OFF        0x84000008U
#define PSCI_SYSTEM_RESET      0x84000009U
#define PSCI_FEATURES          0x8400000AU

#define PSCI_SUCCESS            0
#define PSCI_NOT_SUPPORTED      (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED             (-3)
#define PSCI_ALREADY_ON         (-4)
#define PSCI_ON_PENDING         (-5)
#define PSCI_INTERNAL_FAILURE   (-6)
#define PSCI_NOT_PRESENT        (-7)
#define PSCI_DISABLED           (-8)
#define PSCI_INVALID_ADDRESS    (-9)

int64_t psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
uint32_t psci_version(void);
int64_t psci_features(uint32_t fid);
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
_Noreturn void psci_system_off(void);

#endif
