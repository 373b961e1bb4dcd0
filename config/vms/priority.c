/* The priority guest: the priority mask (PMR), preemption of a nesting handler, RPR. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(priority) = {
    .name = "priority",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "priority",
    VM_BLOBS(priority),
};
