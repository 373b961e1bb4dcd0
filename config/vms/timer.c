/* The timer guest: the virtual timer (INTID 27) on 4 vCPUs, periodic, pending state, WFI. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(timer) = {
    .name = "timer",
    .vcpus = 4,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "timer",
    VM_BLOBS(timer),
};
