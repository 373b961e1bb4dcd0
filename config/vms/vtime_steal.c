/* The vtime guest alone on CPU 1 beside vtime-hog, on shrike.elf: its stolen time (PV_TIME_ST)
 * matches its preemptions. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(vtime_steal) = {
    .name = "vtime-steal",
    .vcpus = 1,
    .affinity = {0x2},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 vtime=steal",
    .testdev = false,
    .magic_page = false,
    .image_file = "vtime",
    VM_BLOBS(vtime_steal),
};
