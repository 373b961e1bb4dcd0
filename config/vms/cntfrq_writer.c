/* The cntfrq guest (writer), on CPU 1 beside the other one. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(cntfrq_writer) = {
    .name = "cntfrq-writer",
    .vcpus = 1,
    .affinity = {0x2},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 cntfrq=writer",
    .testdev = false,
    .magic_page = false,
    .image_file = "cntfrq",
    VM_BLOBS(cntfrq_writer),
};
