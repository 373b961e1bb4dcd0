/* The echo guest: stays up and echoes what is typed to it (the interactive demo). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(echo) = {
    .name = "echo",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "echo",
    VM_BLOBS(echo),
};
