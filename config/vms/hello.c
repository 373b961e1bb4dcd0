/* The hello guest: one vCPU, 40-bit IPA with 2 concatenated level-1 tables (seed lab). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(hello) = {
    .name = "hello",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "hello",
    VM_BLOBS(hello),
};
