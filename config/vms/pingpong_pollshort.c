/*
 * The pingpong guest with .wfi = VM_WFI_POLL for 1 us, shorter than a round
 * trip, so its polls time out and it blocks (system.wfi-poll-short):
 * its vCPUs wait in WFI for each other's SGIs, on CPUs 0 and 1.
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(pingpong_pollshort) = {
    .name = "pingpong-pshort",
    .vcpus = 2,
    .affinity = {0x1, 0x2},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .image_file = "pingpong",
    .wfi = VM_WFI_POLL,
    .wfi_poll_us = 1,
    VM_BLOBS(pingpong_pollshort),
};
