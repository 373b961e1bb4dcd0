/* The spin demo on 2 vCPUs pinned: vCPU 0 only on CPU 0, vCPU 1 only on CPU 1. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(spin_pinned) = {
    .name = "spin-pinned",
    .vcpus = 2,
    .affinity = {0x1, 0x2},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "spin",
    VM_BLOBS(spin_pinned),
};
