# The host unit tests: one executable per name, built from the listed sources
# (paths relative to the project root). Included by tests/unit/CMakeLists.txt,
# which builds them with the host compiler, and by the top-level CMakeLists.txt,
# which registers them with ctest under the label "unit".
set(SHRIKE_UNIT_TESTS format fdt esr)

set(unit_format_SOURCES tests/unit/test_format.c kernel/format.c)
set(unit_fdt_SOURCES tests/unit/test_fdt.c tests/unit/fdt_testlib.c kernel/fdt.c
    kernel/fdt_platform.c)
list(APPEND SHRIKE_UNIT_TESTS fdt_platform)
set(unit_fdt_platform_SOURCES tests/unit/test_fdt_platform.c tests/unit/fdt_testlib.c
    kernel/fdt.c kernel/fdt_platform.c)
set(unit_esr_SOURCES tests/unit/test_esr.c kernel/esr.c)

list(APPEND SHRIKE_UNIT_TESTS page_alloc pgtable)
set(unit_page_alloc_SOURCES tests/unit/test_page_alloc.c mm/page_alloc.c tests/unit/host_panic.c)
set(unit_pgtable_SOURCES tests/unit/test_pgtable.c tests/unit/pgtable_testlib.c mm/pgtable.c
    mm/page_alloc.c tests/unit/host_panic.c)
list(APPEND SHRIKE_UNIT_TESTS pgtable_random)
set(unit_pgtable_random_SOURCES tests/unit/test_pgtable_random.c tests/unit/pgtable_testlib.c
    mm/pgtable.c mm/page_alloc.c tests/unit/host_panic.c)
list(APPEND SHRIKE_UNIT_TESTS pgtable_flush)
set(unit_pgtable_flush_SOURCES tests/unit/test_pgtable_flush.c tests/unit/pgtable_testlib.c
    mm/pgtable.c mm/page_alloc.c tests/unit/host_panic.c)

list(APPEND SHRIKE_UNIT_TESTS cache)
set(unit_cache_SOURCES tests/unit/test_cache.c mm/cache.c)

list(APPEND SHRIKE_UNIT_TESTS vuart vmid idregs mmio)
set(unit_vuart_SOURCES tests/unit/test_vuart.c tests/unit/vuart_fakes.c vcpu/vuart.c
    vcpu/vconsole.c kernel/format.c tests/unit/host_panic.c)
set(unit_vmid_SOURCES tests/unit/test_vmid.c mm/vmid.c tests/unit/host_panic.c)
set(unit_idregs_SOURCES tests/unit/test_idregs.c vcpu/idregs.c)
list(APPEND SHRIKE_UNIT_TESTS setway spectre pvtime vpmu)
set(unit_vpmu_SOURCES tests/unit/test_vpmu.c vcpu/vpmu.c)
set(unit_pvtime_SOURCES tests/unit/test_pvtime.c vcpu/pvtime.c)
set(unit_setway_SOURCES tests/unit/test_setway.c vcpu/setway.c)
set(unit_spectre_SOURCES tests/unit/test_spectre.c vcpu/spectre.c)
set(unit_mmio_SOURCES tests/unit/test_mmio.c vcpu/mmio.c)

list(APPEND SHRIKE_UNIT_TESTS psci exception bootargs)
set(unit_psci_SOURCES tests/unit/test_psci.c vcpu/psci_rules.c)
set(unit_exception_SOURCES tests/unit/test_exception.c vcpu/exception_model.c)
set(unit_bootargs_SOURCES tests/unit/test_bootargs.c kernel/bootargs.c)

list(APPEND SHRIKE_UNIT_TESTS vgic vgic_mmio)
set(unit_vgic_SOURCES tests/unit/test_vgic.c vgic/vgic.c vgic/vgic_reset.c tests/unit/host_panic.c)
list(APPEND SHRIKE_UNIT_TESTS vgic_vmcr)
set(unit_vgic_vmcr_SOURCES tests/unit/test_vgic_vmcr.c vgic/vgic_vmcr.c)
list(APPEND SHRIKE_UNIT_TESTS vgic_deactivate)
set(unit_vgic_deactivate_SOURCES tests/unit/test_vgic_deactivate.c vgic/vgic.c vgic/vgic_reset.c tests/unit/host_panic.c)
set(unit_vgic_mmio_SOURCES tests/unit/test_vgic_mmio.c vgic/vgic.c vgic/vgic_reset.c vgic/vgic_mmio_dist.c
    vgic/vgic_mmio_redist.c tests/unit/host_panic.c)
list(APPEND SHRIKE_UNIT_TESTS vgic_v2)
set(unit_vgic_v2_SOURCES tests/unit/test_vgic_v2.c vgic/vgic.c vgic/vgic_reset.c vgic/vgic_mmio_dist.c
    vgic/vgic_mmio_dist_v2.c tests/unit/host_panic.c)
list(APPEND SHRIKE_UNIT_TESTS vgic_many)
set(unit_vgic_many_SOURCES tests/unit/test_vgic_many.c vgic/vgic.c vgic/vgic_reset.c tests/unit/host_panic.c)
list(APPEND SHRIKE_UNIT_TESTS vgic_refresh)
set(unit_vgic_refresh_SOURCES tests/unit/test_vgic_refresh.c vgic/vgic.c vgic/vgic_reset.c tests/unit/host_panic.c)
list(APPEND SHRIKE_UNIT_TESTS vgic_races)
set(unit_vgic_races_SOURCES tests/unit/test_vgic_races.c vgic/vgic.c vgic/vgic_reset.c vgic/vgic_mmio_dist.c
    vgic/vgic_mmio_redist.c tests/unit/host_panic.c)

list(APPEND SHRIKE_UNIT_TESTS sched trace)
set(unit_sched_SOURCES tests/unit/test_sched.c sched/policy_rr.c sched/balance.c
    sched/runqueue.c)
list(APPEND SHRIKE_UNIT_TESTS sched_sim)
set(unit_sched_sim_SOURCES tests/unit/test_sched_sim.c sched/policy_rr.c sched/balance.c
    sched/runqueue.c)
list(APPEND SHRIKE_UNIT_TESTS sched_fair)
set(unit_sched_fair_SOURCES tests/unit/test_sched_fair.c sched/policy_fair.c sched/policy_edf.c
    sched/policy_rr.c sched/admission.c sched/pool.c sched/balance.c sched/runqueue.c)
set(unit_trace_SOURCES tests/unit/test_trace.c sched/trace.c kernel/format.c)

list(APPEND SHRIKE_UNIT_TESTS vconsole vdebug)
set(unit_vconsole_SOURCES tests/unit/test_vconsole.c tests/unit/vuart_fakes.c vcpu/vuart.c
    vcpu/vconsole.c kernel/format.c tests/unit/host_panic.c)
set(unit_vdebug_SOURCES tests/unit/test_vdebug.c vcpu/vdebug.c)

list(APPEND SHRIKE_UNIT_TESTS chacha20 entropy)
set(unit_chacha20_SOURCES tests/unit/test_chacha20.c kernel/chacha20.c)
set(unit_entropy_SOURCES tests/unit/test_entropy.c kernel/entropy.c kernel/chacha20.c)

# Threads play CPUs in the soft-timer test.
list(APPEND SHRIKE_UNIT_TESTS softtimer)
set(unit_softtimer_SOURCES tests/unit/test_softtimer.c kernel/softtimer.c tests/unit/host_panic.c)
set(unit_softtimer_OPTIONS -pthread)
list(APPEND SHRIKE_UNIT_TESTS ratio)
set(unit_ratio_SOURCES tests/unit/test_ratio.c)
list(APPEND SHRIKE_UNIT_TESTS vtimer_math)
set(unit_vtimer_math_SOURCES tests/unit/test_vtimer_math.c)
list(APPEND SHRIKE_UNIT_TESTS guest_dtb)
set(unit_guest_dtb_SOURCES tests/unit/test_guest_dtb.c tests/unit/fdt_testlib.c guests/lib/dtb.c
    kernel/fdt.c kernel/fdt_platform.c)

# The real sched/sched.c on a fake arch (threads as CPUs), with its pools and policies.
list(APPEND SHRIKE_UNIT_TESTS sched_core)
set(unit_sched_core_SOURCES tests/unit/test_sched_core.c sched/sched.c sched/vm_admit.c sched/admission.c
    sched/pool.c sched/policy_rr.c sched/policy_fair.c sched/policy_edf.c sched/balance.c
    sched/runqueue.c sched/trace.c kernel/softtimer.c kernel/format.c tests/unit/host_panic.c)
set(unit_sched_core_OPTIONS -pthread -include${SHRIKE_ROOT}/tests/unit/sched_core_config.h)
