/* The fpswitch guest: two vCPUs taking turns on one CPU, checking their FP/SIMD registers across
 * switches. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(fpswitch) = {
    .name = "fpswitch",
    .vcpus = 2,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "fpswitch",
    VM_BLOBS(fpswitch),
};
