/* The reroute guest: vCPU 0 alone on CPU 0 rewrites an SPI's route; vCPUs 1 and 2 share CPU 1. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(reroute) = {
    .name = "reroute",
    .vcpus = 3,
    .affinity = {0x1, 0x2, 0x2},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "reroute",
    VM_BLOBS(reroute),
};
