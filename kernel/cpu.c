/* Per-CPU data and stacks (see cpu.h). */
#include "kernel/cpu.h"

struct cpu cpus[CONFIG_MAX_CPUS];
struct cpu_stack cpu_stacks[CONFIG_MAX_CPUS] __attribute__((section(".stacks")));
unsigned cpu_count = 1;

int cpu_index_of_mpidr(uint64_t mpidr)
{
    for (unsigned i = 0; i < cpu_count; i++) {
        if (cpus[i].mpidr == (mpidr & MPIDR_AFF_MASK)) {
            return (int)i;
        }
    }
    return -1;
}

#define HCR_EL2_FMO (1ULL << 3)
#define HCR_EL2_IMO (1ULL << 4)
#define HCR_EL2_AMO (1ULL << 5)
#define HCR_EL2_RW  (1ULL << 31)

void cpu_el2_init(void)
{
    /*
     * Route physical IRQs, FIQs and SErrors to EL2: without IMO/FMO/AMO they
     * target EL1 and stay masked while shrike runs at EL2. Lower ELs run AArch64.
     */
    write_sysreg(HCR_EL2_RW | HCR_EL2_AMO | HCR_EL2_IMO | HCR_EL2_FMO, hcr_el2);
    write_sysreg(0, cntvoff_el2);
    isb();
}
