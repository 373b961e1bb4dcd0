/* The bench guest: null hypercall and MMIO round trips. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(bench) = {
    .name = "bench",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = true,
    .magic_page = false,
    .image_file = "bench",
    VM_BLOBS(bench),
};
