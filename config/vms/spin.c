/* The spin demo: 4 CPU-bound vCPUs on any CPU that never power off, each reporting every 2 s. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(spin) = {
    .name = "spin",
    .vcpus = 4,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "spin",
    VM_BLOBS(spin),
};
