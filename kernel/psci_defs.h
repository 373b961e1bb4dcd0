/*
 * PSCI 1.1 function IDs and return values (Arm DEN0022), one copy for
 * shrike's client of the firmware (smp/psci.c), its PSCI for guests
 * (vcpu/vpsci.c) and the guests themselves (guests/lib/smccc.h).
 */
#ifndef SHRIKE_KERNEL_PSCI_DEFS_H
#define SHRIKE_KERNEL_PSCI_DEFS_H

#define PSCI_FN_VERSION           0x84000000U
#define PSCI_FN_CPU_SUSPEND       0x84000001U
#define PSCI_FN_CPU_SUSPEND_64    0xC4000001U
#define PSCI_FN_CPU_OFF           0x84000002U
#define PSCI_FN_CPU_ON            0x84000003U
#define PSCI_FN_CPU_ON_64         0xC4000003U
#define PSCI_FN_AFFINITY_INFO     0x84000004U
#define PSCI_FN_AFFINITY_INFO_64  0xC4000004U
#define PSCI_FN_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_FN_SYSTEM_OFF        0x84000008U
#define PSCI_FN_SYSTEM_RESET      0x84000009U
#define PSCI_FN_FEATURES          0x8400000AU

#define PSCI_RET_SUCCESS            0
#define PSCI_RET_NOT_SUPPORTED      (-1)
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_DENIED             (-3)
#define PSCI_RET_ALREADY_ON         (-4)
#define PSCI_RET_ON_PENDING         (-5)
#define PSCI_RET_INTERNAL_FAILURE   (-6)
#define PSCI_RET_NOT_PRESENT        (-7)
#define PSCI_RET_DISABLED           (-8)
#define PSCI_RET_INVALID_ADDRESS    (-9)

#define PSCI_VERSION_1_1 0x10001

/* AFFINITY_INFO results. */
#define PSCI_AFFINITY_ON         0
#define PSCI_AFFINITY_OFF        1
#define PSCI_AFFINITY_ON_PENDING 2

/* MIGRATE_INFO_TYPE: no Trusted OS that would need migrating. */
#define PSCI_MIGRATE_TOS_NOT_PRESENT 2

#endif
