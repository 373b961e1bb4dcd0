/* A second bench VM (same image): two CPU-bound VMs on one CPU for ninja bench (2x
 * oversubscription). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(bench2) = {
    .name = "bench2",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = true,
    .magic_page = false,
    .image_file = "bench",
    VM_BLOBS(bench2),
};
