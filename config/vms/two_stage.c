/* The two-stage guest: maps GVA 0x8000_0000 onto the magic page (seed lab 6). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(two_stage) = {
    .name = "two-stage",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = true,
    .image_file = "two-stage",
    VM_BLOBS(two_stage),
};
