/*
 * Two vCPUs on shrike-pools.elf's dedicated pool of one CPU: refused at
 * creation, named, as a dedicated pool runs one vCPU per CPU
 * (system.sched-pool-refuse).
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(ded_pair) = {
    .name = "ded-pair",
    .vcpus = 2,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 share.until_ms=2000",
    .image_file = "share",
    .pool = 1,
    VM_BLOBS(ded_pair),
};
