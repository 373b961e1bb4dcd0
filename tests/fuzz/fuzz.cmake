# The libFuzzer harnesses: one executable fuzz_NAME per name, built from
# tests/fuzz/fuzz_NAME.c and the listed hypervisor sources (paths relative to
# the project root; the same sources and fakes as the host unit tests).
# fuzz_NAME_ARGS: libFuzzer options of that harness's runs. Included by
# tests/fuzz/CMakeLists.txt (builds them with clang) and by the top-level
# CMakeLists.txt (ctest smoke runs, label "fuzz", and the `fuzz` target).
set(SHRIKE_FUZZ_TARGETS esr_mmio vgic sysreg psci fdt vuart)

set(fuzz_esr_mmio_SOURCES kernel/esr.c vcpu/mmio.c)
set(fuzz_vgic_SOURCES vgic/vgic.c vgic/vgic_reset.c vgic/vgic_mmio_dist.c vgic/vgic_mmio_dist_v2.c vgic/vgic_mmio_redist.c
    tests/unit/host_panic.c)
set(fuzz_vgic_ARGS -max_len=256) # programs of up to ~60 steps keep it near 10^4 exec/s
set(fuzz_sysreg_SOURCES kernel/esr.c vcpu/idregs.c vcpu/setway.c vcpu/vdebug.c)
set(fuzz_psci_SOURCES vcpu/psci_rules.c)
set(fuzz_fdt_SOURCES kernel/fdt.c kernel/fdt_platform.c)
set(fuzz_fdt_ARGS -max_len=16384) # the seeds are QEMU's DTBs (~8 KiB)
set(fuzz_vuart_SOURCES tests/unit/vuart_fakes.c vcpu/vuart.c vcpu/vconsole.c kernel/format.c
    tests/unit/host_panic.c)
