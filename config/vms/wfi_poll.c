/*
 * .wfi = VM_WFI_POLL on a shared pool: admitted and run beside the refused VMs
 * (system.sched-pool-refuse), CPU-bound for 6 s from its start (not until a
 * counter time: its life does not depend on the boot's length) on CPU 0,
 * beside rt-budget, so that no other CPU is busy; it outlives rt-budget's 500
 * periods, so that its power-off falls in none of them.
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(wfi_poll) = {
    .name = "wfi-poll",
    .vcpus = 1,
    .affinity = {0x1},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 share.for_ms=6000",
    .image_file = "share",
    .wfi = VM_WFI_POLL,
    .wfi_poll_us = 50,
    VM_BLOBS(wfi_poll),
};
