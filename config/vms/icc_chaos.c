/* The icc-chaos guest: random ICC_* writes on 4 vCPUs switched between CPUs, then delivery. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(icc_chaos) = {
    .name = "icc-chaos",
    .vcpus = 4,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "icc-chaos",
    VM_BLOBS(icc_chaos),
};
