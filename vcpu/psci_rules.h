/*
 * PSCI 1.1 argument validation for guests, as pure functions (unit-tested on
 * the host). vcpu/vpsci.c applies them under the VM lock.
 */
#ifndef SHRIKE_VCPU_PSCI_RULES_H
#define SHRIKE_VCPU_PSCI_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/psci_defs.h"

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
