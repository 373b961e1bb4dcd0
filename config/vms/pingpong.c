/* The pingpong guest: an SGI bounced between 2 vCPUs pinned to CPUs 0 and 1 (issue 10). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(pingpong) = {
    .name = "pingpong",
    .vcpus = 2,
    .affinity = {0x1, 0x2},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "pingpong",
    VM_BLOBS(pingpong),
};
