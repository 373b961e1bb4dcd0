/* The vtimer-wrap guest: random and near-2^64 CNTV_* values, then 1 s of WFI with CVAL = ~0. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(vtimer_wrap) = {
    .name = "vtimer-wrap",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "vtimer-wrap",
    VM_BLOBS(vtimer_wrap),
};
