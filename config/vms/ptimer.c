/* The ptimer guest: the EL1 physical timer (INTID 30, emulated) on 2 vCPUs, TVAL included. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(ptimer) = {
    .name = "ptimer",
    .vcpus = 2,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "ptimer",
    VM_BLOBS(ptimer),
};
