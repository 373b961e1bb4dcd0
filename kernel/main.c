/*
 * The boot CPU's path, in order:
 *   1. console on the early UART; read the host DTB (RAM, CPUs, GIC, UART)
 *   2. page allocator over the RAM above the image
 *   3. EL2 stage-1 tables, MMU and caches on
 *   4. GIC (v3 or v2, from the DTB) distributor, this CPU's interface, IPIs, EL2 timer
 *   5. secondaries started with PSCI CPU_ON (smp/smp.c)
 *   6. boot self-checks, then the idle loop
 * Secondaries enter at secondary_main() (smp/smp.c).
 */
#include "kernel/bootargs.h"
#include "kernel/check.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/entropy.h"
#include "kernel/fdt.h"
#include "kernel/gic.h"
#include "kernel/lib.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "kernel/selftest.h"
#include "kernel/timer.h"
#include "mm/el2_mmu.h"
#include "mm/page_alloc.h"
#include "sched/sched.h"
#include "smp/call.h"
#include "smp/ipi.h"
#include "smp/psci.h"
#include "smp/smp.h"
#include "vcpu/vconsole.h"
#include "vcpu/spectre.h"
#include "vcpu/vm.h"

/* The host DTB sits below the image; it cannot be larger than that gap. */
#define HOST_DTB_MAX (2UL << 20)

extern char __image_end[];

static struct fdt_platform platform;

_Noreturn void boot_main(const void *dtb);

static uint64_t ram_end_above_image(void)
{
    uint64_t image_end = (uint64_t)(uintptr_t)__image_end;
    for (unsigned i = 0; i < platform.nmem; i++) {
        uint64_t end = platform.mem[i].base + platform.mem[i].size;
        if (image_end >= platform.mem[i].base && image_end < end) {
            return end;
        }
    }
    panic("the image is not inside RAM listed by the host DTB");
}

static void read_host_dtb(const void *dtb)
{
    if (dtb == 0 || fdt_check(dtb, HOST_DTB_MAX) != 0) {
        dtb = (const void *)CONFIG_HOST_DTB_FALLBACK;
    }
    int err = fdt_read_platform(dtb, HOST_DTB_MAX, &platform);
    if (err) {
        panic("host DTB at %p unusable: %s", dtb, fdt_strerror(err));
    }
    log_info("host DTB at %p, %zu bytes", dtb, fdt_total_size(dtb));
    bootargs_init(platform.bootargs);
    /* Seeds for guests come from the host's; without one, guests get none. */
    bool seeded = entropy_init(platform.rng_seed, platform.rng_seed_len);
    panic_set_poweroff(bootargs_has("panic=poweroff"));
    if (platform.uart.base != 0) {
        console_init(platform.uart.base);
    }
    for (unsigned i = 0; i < platform.nmem; i++) {
        log_info("RAM [%#lx, %#lx)", platform.mem[i].base,
                 platform.mem[i].base + platform.mem[i].size);
    }
    log_info("%u CPU(s) in the host DTB, GICv%u, PSCI over %s, bootargs \"%s\"", platform.ncpus,
             platform.gic_version, platform.psci_hvc ? "HVC" : "SMC", platform.bootargs);
    log_info("guest seeds: %s", seeded ? "from the host DTB's rng-seed"
                                       : "none (no rng-seed of 32 bytes in the host DTB)");
}

static void start_cpu(void *arg)
{
    (void)arg;
    spectre_cpu_init(); /* before this CPU runs a guest */
    sched_cpu_start();
}

static void start_vms(void)
{
    static char names[256];
    if (!bootargs_get("vms", names, sizeof(names))) {
        if (bootargs_has_key("vms")) {
            log_err("vms= is longer than %zu characters: starting the default VMs",
                    sizeof(names) - 1);
        }
        memcpy(names, CONFIG_DEFAULT_VMS, sizeof(CONFIG_DEFAULT_VMS));
    }
    vm_init();
    sched_init();
    vconsole_set_stats_hook(sched_print_stats);
    vconsole_set_trace_hook(sched_dump_trace);
    unsigned n = vm_boot(names);
    log_info("%u VM(s) started", n);
    if (platform.uart_spi_valid && !vconsole_start_input(32 + platform.uart_spi)) {
        log_warn("console input unavailable: UART interrupt already claimed");
    }
    if (n == 0) {
        log_err("no VM to run: powering off");
        psci_system_off();
    }
    for (unsigned i = 0; i < cpu_count; i++) {
        smp_call(i, start_cpu, 0, false);
    }
}

_Noreturn void boot_main(const void *dtb)
{
    uint64_t t0 = counter_read();
    smp_init_cpus(&(struct fdt_platform){.ncpus = 0});
    console_init(CONFIG_EARLY_UART_BASE);
    kprintf("shrike: booting at EL2, MPIDR %#lx, host DTB at %p\n", read_mpidr(), dtb);
    read_host_dtb(dtb);
    smp_init_cpus(&platform);

    CHECK(page_alloc_init(ptr_to_pa(__image_end), pa_init(ram_end_above_image())));
    el2_mmu_init(&platform);
    el2_mmu_enable();
    log_info("EL2 MMU on: %zu free pages, PA size %u bits", page_alloc_free_pages(), el2_pa_bits());

    if (!gic_init(&platform)) {
        panic("no usable GIC in the host DTB (GICv%u; a GICv2 needs its GICH and GICV frames)",
              platform.gic_version);
    }
    cpu_local_init();
    local_irq_enable();
    log_info("PSCI %u.%u, CPU 0 online, MPIDR %#lx", psci_version() >> 16, psci_version() & 0xFFFF,
             read_mpidr());
    __atomic_store_n(&this_cpu()->online, true, __ATOMIC_RELEASE);

    unsigned online = smp_boot_secondaries();
    uint64_t t1 = counter_read();
    log_info("%u CPU(s) online %lu us after entry", online, (t1 - t0) * 1000000 / timer_freq());

    selftest_boot(platform.ncpus);
    if (bootargs_has("selftest=el2-fault")) {
        selftest_fault("el2-fault");
    } else if (bootargs_has("selftest=stack-overflow")) {
        selftest_fault("stack-overflow");
    } else if (bootargs_has("selftest=poweroff")) {
        log_info("self-test done: powering off");
        psci_system_off();
    } else {
        start_vms();
    }
    cpu_idle_loop();
}
