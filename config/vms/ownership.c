/* The ownership guest: shrike's INTIDs 25 and 26 read as zero; the vtimer still flows. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(ownership) = {
    .name = "ownership",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "ownership",
    VM_BLOBS(ownership),
};
