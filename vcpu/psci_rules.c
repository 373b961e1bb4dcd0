/* PSCI argument rules for guests (see psci_rules.h). */
#include "vcpu/psci_rules.h"

bool psci_is_fid(uint32_t fid)
{
    return (fid & ~0x4000001FU) == 0x84000000U;
}

int64_t psci_guest_features(uint32_t fid)
{
    switch (fid) {
    case 0x80000000U: /* SMCCC_VERSION: Linux asks this to find SMCCC 1.1 */
    case PSCI_FN_VERSION:
    case PSCI_FN_CPU_SUSPEND:
    case PSCI_FN_CPU_SUSPEND_64:
    case PSCI_FN_CPU_OFF:
    case PSCI_FN_CPU_ON:
    case PSCI_FN_CPU_ON_64:
    case PSCI_FN_AFFINITY_INFO:
    case PSCI_FN_AFFINITY_INFO_64:
    case PSCI_FN_MIGRATE_INFO_TYPE:
    case PSCI_FN_SYSTEM_OFF:
    case PSCI_FN_SYSTEM_RESET:
    case PSCI_FN_FEATURES:
        return PSCI_RET_SUCCESS; /* CPU_SUSPEND: original power_state format, no OS-initiated mode
                                  */
    default:
        return PSCI_RET_NOT_SUPPORTED;
    }
}

int psci_mpidr_to_index(uint64_t mpidr, unsigned nvcpus)
{
    /* shrike gives vCPU i the MPIDR Aff0 = i, all other affinity fields 0. */
    if ((mpidr & ~0xFFULL & 0xFF00FFFFFFULL) != 0 || (mpidr & 0xFF) >= nvcpus) {
        return -1;
    }
    return (int)(mpidr & 0xFF);
}

int64_t psci_check_cpu_on(int target, bool target_on, uint64_t entry, uint64_t ram_base,
                          uint64_t ram_size)
{
    if (target < 0) {
        return PSCI_RET_INVALID_PARAMETERS;
    }
    if (target_on) {
        return PSCI_RET_ALREADY_ON;
    }
    if (entry < ram_base || entry - ram_base >= ram_size || (entry & 3) != 0) {
        return PSCI_RET_INVALID_ADDRESS;
    }
    return PSCI_RET_SUCCESS;
}

int64_t psci_check_affinity_info(int target, uint64_t lowest_level)
{
    if (target < 0 || lowest_level != 0) {
        return PSCI_RET_INVALID_PARAMETERS;
    }
    return PSCI_RET_SUCCESS;
}
