/* The debug guest: hardware breakpoints and watchpoints per vCPU, 3 vCPUs moving over 2 CPUs. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(debug) = {
    .name = "debug",
    .vcpus = 3,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "debug",
    VM_BLOBS(debug),
};
