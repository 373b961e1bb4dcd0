/*
 * The wfi guest: vCPUs blocked in WFI for 1 s, vCPU 0 woken by its virtual timer on time.
 * VM_WFI_TRAP: system.sched-wfi measures the blocks and the CPUs' idle time, which a WFI
 * left to the guest (the default, VM_WFI_AUTO, for a vCPU alone on its CPU) does not show.
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(wfi) = {
    .name = "wfi",
    .vcpus = 4,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "wfi",
    .wfi = VM_WFI_TRAP,
    VM_BLOBS(wfi),
};
