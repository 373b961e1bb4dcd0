/*
 * SMP bring-up. The boot CPU reads the CPU list from the host DTB, fills in
 * each CPU's struct cpu (MPIDR, stacks) and starts the others one at a time
 * with PSCI CPU_ON, passing the logical index as the context id. Each
 * secondary turns its MMU on with the tables the boot CPU built, sets up its
 * redistributor, IPIs and timer, and reports online.
 */
#include "smp/smp.h"

#include "kernel/check.h"
#include "kernel/cpu.h"
#include "kernel/gic.h"
#include "kernel/log.h"
#include "kernel/softtimer.h"
#include "kernel/timer.h"
#include "mm/el2_mmu.h"
#include "smp/ipi.h"
#include "smp/psci.h"
#include "vcpu/vpmu.h"
#include "sched/sched.h"
#include "vcpu/vcpu.h"
#include "vgic/vgic_hw.h"
#include "vtimer/vtimer.h"

extern char secondary_entry[];

static void cpu_fill(unsigned idx, uint64_t mpidr)
{
    struct cpu *c = &cpus[idx];
    c->id = idx;
    c->mpidr = mpidr & MPIDR_AFF_MASK;
    c->stack_top = (uint64_t)(uintptr_t)(cpu_stacks[idx].stack + sizeof(cpu_stacks[idx].stack));
    c->panic_sp = (uint64_t)(uintptr_t)(cpu_stacks[idx].panic + sizeof(cpu_stacks[idx].panic));
}

void smp_init_cpus(const struct fdt_platform *plat)
{
    uint64_t boot_mpidr = read_mpidr();
    unsigned next = 1;
    cpu_fill(0, boot_mpidr);
    for (unsigned i = 0; i < plat->ncpus && next < CONFIG_MAX_CPUS; i++) {
        if ((plat->cpu_mpidr[i] & MPIDR_AFF_MASK) != boot_mpidr) {
            cpu_fill(next++, plat->cpu_mpidr[i]);
        }
    }
    cpu_count = next;
    if (plat->ncpus > CONFIG_MAX_CPUS || plat->cpus_truncated) {
        log_warn("host DTB lists more CPUs than CONFIG_MAX_CPUS (%u); the rest stay off",
                 CONFIG_MAX_CPUS);
    }
}

void cpu_local_init(void)
{
    cpu_el2_init();
    CHECK(gic_cpu_init());
    ipi_cpu_init();
    timer_cpu_init();
    softtimer_cpu_init();
    vgic_hw_cpu_init();
    vtimer_cpu_init();
    vpmu_cpu_init();
    sched_cpu_init();
}

static bool wait_online(unsigned idx)
{
    uint64_t deadline = counter_read() + timer_ms_to_ticks(timer_freq(), CONFIG_CPU_ON_TIMEOUT_MS);
    while (!__atomic_load_n(&cpus[idx].online, __ATOMIC_ACQUIRE)) {
        if (counter_read() > deadline) {
            return false;
        }
        wfe();
    }
    return true;
}

unsigned smp_boot_secondaries(void)
{
    uint64_t entry = (uint64_t)(uintptr_t)secondary_entry;
    for (unsigned i = 1; i < cpu_count; i++) {
        int64_t ret = psci_cpu_on(cpus[i].mpidr, entry, i);
        if (ret != PSCI_RET_SUCCESS) {
            log_err("CPU %u (MPIDR %#lx): PSCI CPU_ON failed: %ld", i, cpus[i].mpidr, ret);
            continue;
        }
        if (!wait_online(i)) {
            log_err("CPU %u (MPIDR %#lx) did not come online within %u ms", i, cpus[i].mpidr,
                    CONFIG_CPU_ON_TIMEOUT_MS);
        }
    }
    return smp_online_count();
}

unsigned smp_online_count(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < cpu_count; i++) {
        n += __atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE) ? 1 : 0;
    }
    return n;
}

/*
 * Run what is placed on this CPU; when nothing is runnable, wait. The check
 * and the WFI happen with IRQs masked, so a wake-up IPI that arrives in
 * between still ends the WFI; it is taken once IRQs are unmasked.
 */
_Noreturn void cpu_idle_loop(void)
{
    for (;;) {
        local_irq_disable();
        sched_run_this_cpu();
        wfi();
        local_irq_enable();
    }
}

_Noreturn void secondary_main(unsigned idx)
{
    el2_mmu_enable();
    cpu_local_init();
    struct cpu *c = this_cpu();
    CHECK(c->id == idx && c->mpidr == read_mpidr());
    log_info("CPU %u online, MPIDR %#lx", idx, c->mpidr);
    __atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
    sev();
    cpu_idle_loop();
}
