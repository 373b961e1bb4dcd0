/*
 * SMCCC calls from a test guest: raw HVC #0 / SMC #0 (function ID in x0,
 * arguments in x1-x3, results in x0-x3) and PSCI wrappers. Results are signed:
 * negative values are SMCCC/PSCI error codes.
 */
#ifndef SHRIKE_GUESTS_LIB_SMCCC_H
#define SHRIKE_GUESTS_LIB_SMCCC_H

#include <stdint.h>

#include "kernel/psci_defs.h"

/* x0..x3 after a call. */
struct smccc_res {
    int64_t a0;
    uint64_t a1;
    uint64_t a2;
    uint64_t a3;
};

int64_t hvc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
struct smccc_res hvc_call_res(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t smc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
struct smccc_res smc_call_res(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

int64_t psci_version(void);
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context_id);
__attribute__((noreturn)) void psci_cpu_off(void);
int64_t psci_affinity_info(uint64_t mpidr, uint64_t lowest_level);
int64_t psci_features(uint64_t fid);
int64_t psci_migrate_info_type(void);
int64_t psci_cpu_suspend(uint64_t power_state, uint64_t entry, uint64_t context_id);
__attribute__((noreturn)) void psci_system_off(void);
__attribute__((noreturn)) void psci_system_reset(void);

#endif
