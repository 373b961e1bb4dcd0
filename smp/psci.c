/* PSCI client over SMC (see psci.h); the SMC Calling Convention, SMC64. */
#include "smp/psci.h"

#include "kernel/sysreg.h"

int64_t psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fid;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ __volatile__("smc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                         :
                         : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                           "x15", "x16", "x17", "memory");
    return (int64_t)x0;
}

uint32_t psci_version(void)
{
    return (uint32_t)psci_call(PSCI_FN_VERSION, 0, 0, 0);
}

int64_t psci_features(uint32_t fid)
{
    return psci_call(PSCI_FN_FEATURES, fid, 0, 0);
}

int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
    return psci_call(PSCI_FN_CPU_ON_64, mpidr, entry, context);
}

_Noreturn void psci_system_off(void)
{
    psci_call(PSCI_FN_SYSTEM_OFF, 0, 0, 0);
    for (;;) {
        wfi();
    }
}
