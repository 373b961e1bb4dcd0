/*
 * The wfi guest on 3 vCPUs with the default .wfi (VM_WFI_AUTO), beside wfi-shared
 * (system.sched-wfi-auto): each vCPU alone on its CPU (0, 2, 3), so its WFIs run in
 * the guest and never trap.
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(wfi_auto) = {
    .name = "wfi-auto",
    .vcpus = 3,
    .affinity = {0x1, 0x4, 0x8},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .image_file = "wfi",
    VM_BLOBS(wfi_auto),
};
