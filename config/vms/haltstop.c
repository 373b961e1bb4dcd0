/* The haltstop guest with .wfi = VM_WFI_TRAP: a stop request ends vCPU 1's trap wait
 * (system.haltstop). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(haltstop) = {
    .name = "haltstop",
    .vcpus = 2,
    .affinity = {0x1, 0x2},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "haltstop",
    .wfi = VM_WFI_TRAP,
    VM_BLOBS(haltstop),
};
