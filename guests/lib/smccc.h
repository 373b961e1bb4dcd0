/*
 * SMCCC calls from a test guest: raw HVC #0 / SMC #0 (function ID in x0,
 * arguments in x1-x3, results in x0-x3) and PSCI wrappers. Results are signed:
 * negative values are SMCCC/PSCI error codes.
 */
#ifndef SHRIKE_GUESTS_LIB_SMCCC_H
#define SHRIKE_GUESTS_LIB_SMCCC_H

#include <stdint.h>

#define PSCI_VERSION           0x84000000U
#define PSCI_CPU_SUSPEND       0xC4000001U
#define PSCI_CPU_OFF           0x84000002U
#define PSCI_CPU_ON            0xC4000003U
#define PSCI_AFFINITY_INFO     0xC4000004U
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

/* AFFINITY_INFO results. */
#define PSCI_AFF_ON         0
#define PSCI_AFF_OFF        1
#define PSCI_AFF_ON_PENDING 2

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
