/* The psci guest: every PSCI error code. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(psci) = {
    .name = "psci",
    .vcpus = 2,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "psci",
    VM_BLOBS(psci),
};
