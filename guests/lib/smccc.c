/*
 * SMCCC conduits and PSCI wrappers (see smccc.h). x4-x17 are treated as
 * clobbered, as SMCCC 1.0 allows.
 */
#include "guests/lib/smccc.h"

#define SMCCC_CLOBBERS                                                                          \
    "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", \
        "memory"

struct smccc_res hvc_call_res(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fid;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;

    __asm__ __volatile__("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : SMCCC_CLOBBERS);
    return (struct smccc_res){(int64_t)x0, x1, x2, x3};
}

struct smccc_res smc_call_res(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fid;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;

    __asm__ __volatile__("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : SMCCC_CLOBBERS);
    return (struct smccc_res){(int64_t)x0, x1, x2, x3};
}

int64_t hvc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return hvc_call_res(fid, a1, a2, a3).a0;
}

int64_t smc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return smc_call_res(fid, a1, a2, a3).a0;
}

int64_t psci_version(void)
{
    return hvc_call(PSCI_FN_VERSION, 0, 0, 0);
}

int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context_id)
{
    /* Whatever the caller wrote for the new vCPU is visible before it starts. */
    __asm__ __volatile__("dsb ish" : : : "memory");
    return hvc_call(PSCI_FN_CPU_ON_64, mpidr, entry, context_id);
}

void psci_cpu_off(void)
{
    hvc_call(PSCI_FN_CPU_OFF, 0, 0, 0);
    for (;;) {
        __asm__ __volatile__("wfi");
    }
}

int64_t psci_affinity_info(uint64_t mpidr, uint64_t lowest_level)
{
    return hvc_call(PSCI_FN_AFFINITY_INFO_64, mpidr, lowest_level, 0);
}

int64_t psci_features(uint64_t fid)
{
    return hvc_call(PSCI_FN_FEATURES, fid, 0, 0);
}

int64_t psci_migrate_info_type(void)
{
    return hvc_call(PSCI_FN_MIGRATE_INFO_TYPE, 0, 0, 0);
}

int64_t psci_cpu_suspend(uint64_t power_state, uint64_t entry, uint64_t context_id)
{
    return hvc_call(PSCI_FN_CPU_SUSPEND_64, power_state, entry, context_id);
}

void psci_system_off(void)
{
    hvc_call(PSCI_FN_SYSTEM_OFF, 0, 0, 0);
    for (;;) {
        __asm__ __volatile__("wfi");
    }
}

void psci_system_reset(void)
{
    hvc_call(PSCI_FN_SYSTEM_RESET, 0, 0, 0);
    for (;;) {
        __asm__ __volatile__("wfi");
    }
}
