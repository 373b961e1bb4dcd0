/* The lr-overflow guest: 12 SGIs, 12 SPIs, then 24 at once (more than the list registers). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(lr_overflow) = {
    .name = "lr-overflow",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "lr-overflow",
    VM_BLOBS(lr_overflow),
};
