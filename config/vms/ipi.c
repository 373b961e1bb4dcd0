/* The ipi guest: unicast and broadcast SGIs between 4 vCPUs, counted exactly. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(ipi) = {
    .name = "ipi",
    .vcpus = 4,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "ipi",
    VM_BLOBS(ipi),
};
