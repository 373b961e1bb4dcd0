/*
 * The wfi guest's 4 vCPUs all on CPU 1 with the default .wfi (VM_WFI_AUTO), beside
 * wfi-auto (system.sched-wfi-auto): sharing their CPU, their WFIs trap and block.
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(wfi_shared) = {
    .name = "wfi-shared",
    .vcpus = 4,
    .affinity = {0x2, 0x2, 0x2, 0x2},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .image_file = "wfi",
    VM_BLOBS(wfi_shared),
};
