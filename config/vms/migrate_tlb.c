/* The migrate-tlb guest: local TLBI while bouncing between CPUs 0 and 1 (pages 0xAA.., 0xBB..). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(migrate_tlb) = {
    .name = "migrate-tlb",
    .vcpus = 1,
    .affinity = {0x3},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 tlb=ab",
    .testdev = false,
    .magic_page = false,
    .image_file = "migrate-tlb",
    VM_BLOBS(migrate_tlb),
};
