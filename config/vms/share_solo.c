/*
 * Alone and uncapped on CPU 2 of shrike-pools.elf's fair pool until 4 s: one
 * runnable vCPU and no deadline, so no EL2 timer (system.sched-pool-dedicated).
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(share_solo) = {
    .name = "share-solo",
    .vcpus = 1,
    .affinity = {0x4},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 share.until_ms=4000",
    .image_file = "share",
    VM_BLOBS(share_solo),
};
