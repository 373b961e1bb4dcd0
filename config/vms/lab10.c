/* The lab10 guest: the seed's GICv2 injection flow (GICH_LRn -> GICV at the guest's GICC). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(lab10) = {
    .name = "lab10",
    .vcpus = 2,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "lab10",
    VM_BLOBS(lab10),
};
