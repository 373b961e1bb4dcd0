/* The spi guest: the PL011 interrupt (INTID 33) routed to each of 2 vCPUs; RX typed in. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(spi) = {
    .name = "spi",
    .vcpus = 2,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "spi",
    VM_BLOBS(spi),
};
