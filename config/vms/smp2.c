/* The smp guest on 2 vCPUs: the default demo's multi-vCPU VM. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(smp2) = {
    .name = "smp2",
    .vcpus = 2,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 44, .start_level = 0, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "smp",
    VM_BLOBS(smp2),
};
