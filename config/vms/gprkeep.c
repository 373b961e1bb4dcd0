/* The gprkeep guest: vCPUs 0 and 2 share CPU 0 and hold x1-x30 through their exits; vCPU 1 on CPU
 * 1 kicks them with SGIs. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(gprkeep) = {
    .name = "gprkeep",
    .vcpus = 3,
    .affinity = {0x1, 0x2, 0x1},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "gprkeep",
    VM_BLOBS(gprkeep),
};
