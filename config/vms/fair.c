/* The fair guest: 8 vCPUs on any CPU count for 1.5 s; their counts within 10% of the mean. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(fair) = {
    .name = "fair",
    .vcpus = 8,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "fair",
    VM_BLOBS(fair),
};
