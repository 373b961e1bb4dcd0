/* The haltstop guest with .wfi = VM_WFI_POLL: a stop request ends vCPU 1's poll wait
 * (system.haltstop-poll). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(haltstop_poll) = {
    .name = "haltstop-poll",
    .vcpus = 2,
    .affinity = {0x1, 0x2},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "haltstop",
    .wfi = VM_WFI_POLL,
    .wfi_poll_us = 1000000,
    VM_BLOBS(haltstop_poll),
};
