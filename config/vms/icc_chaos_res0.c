/* icc-chaos, BPR1 writes with RES0 bits: aborts QEMU 7.2 (not in the suite: docs/interrupts.md). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(icc_chaos_res0) = {
    .name = "icc-chaos-res0",
    .vcpus = 4,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 bpr=res0",
    .testdev = false,
    .magic_page = false,
    .image_file = "icc-chaos",
    VM_BLOBS(icc_chaos_res0),
};
