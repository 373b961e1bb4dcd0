/*
 * PSCI 1.1 argument validation for guests, as pure functions (unit-tested on
 * the host). vcpu/vpsci.c applies them under the VM lock.
 */
#ifndef SHRIKE_VCPU_PSCI_RULES_H
#define SHRIKE_VCPU_PSCI_RULES_H

#include <stdbool.h>
#include <stdint.h>

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
#define PSCI_RET_INVALID_ADDRESS    (-9)

#define PSCI_VERSION_1_1             0x10001
#define PSCI_AFFINITY_ON             0
#define PSCI_AFFINITY_OFF            1
#define PSCI_MIGRATE_TOS_NOT_PRESENT 2

/* True for a function ID in the PSCI ranges (0x8400_0000-1F, 0xC400_0000-1F). */
bool psci_is_fid(uint32_t fid);

/* PSCI_FEATURES: 0 for what shrike implements, NOT_SUPPORTED otherwise. */
int64_t psci_guest_features(uint32_t fid);

/* The MPIDR a PSCI call names, as an index into the VM's vCPUs, or -1 (Aff0 only). */
int psci_mpidr_to_index(uint64_t mpidr, unsigned nvcpus);

/*
 * CPU_ON: target index from psci_mpidr_to_index, whether that vCPU is on,
 * the entry point and the VM's RAM. The first failing rule wins: invalid
 * target, already on, entry outside RAM or misaligned.
 */
int64_t psci_check_cpu_on(int target, bool target_on, uint64_t entry, uint64_t ram_base,
                          uint64_t ram_size);

/* AFFINITY_INFO: only lowest affinity level 0 is supported. */
int64_t psci_check_affinity_info(int target, uint64_t lowest_level);

#endif
