/* A CPU-bound vtime guest sharing CPU 1 with vtime-solo for 1.5 s. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(vtime_hog) = {
    .name = "vtime-hog",
    .vcpus = 1,
    .affinity = {0x2},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 vtime=hog",
    .testdev = false,
    .magic_page = false,
    .image_file = "vtime",
    VM_BLOBS(vtime_hog),
};
