/* The vtime guest alone on CPU 1 beside vtime-hog: virtual time stops while it waits for the CPU
 * (CONFIG_VTIME_STOPS). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(vtime_solo) = {
    .name = "vtime-solo",
    .vcpus = 1,
    .affinity = {0x2},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 vtime=solo",
    .testdev = false,
    .magic_page = false,
    .image_file = "vtime",
    VM_BLOBS(vtime_solo),
};
