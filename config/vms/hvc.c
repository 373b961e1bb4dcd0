/* The hvc guest: the seed lab's numbered HVC and SMCCC; 43-bit IPA, 16 concatenated level-1 tables
 * (seed lab). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(hvc) = {
    .name = "hvc",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 43, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "hvc",
    VM_BLOBS(hvc),
};
