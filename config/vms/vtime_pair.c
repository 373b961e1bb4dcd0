/* The vtime guest on 2 vCPUs (CPUs 2 and 3): a multi-vCPU VM keeps CNTVOFF 0. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(vtime_pair) = {
    .name = "vtime-pair",
    .vcpus = 2,
    .affinity = {0x4, 0x8},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 vtime=pair",
    .testdev = false,
    .magic_page = false,
    .image_file = "vtime",
    VM_BLOBS(vtime_pair),
};
