/* The hello guest again, with stage 2 built page by page on faults (seed lab 3). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(demand) = {
    .name = "demand",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = true},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "hello",
    VM_BLOBS(demand),
};
