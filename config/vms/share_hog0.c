/*
 * CPU-bound for 6 s from its start on CPU 0 of shrike-pools.elf's fair pool,
 * beside rt-budget (system.sched-pool-rt, ninja bench): it outlives
 * rt-budget's 500 periods (5 s from about the same start), so its power-off,
 * EL2 work on CPU 0, falls in none of them (until 6 s of the counter, after a
 * boot 1 s longer, it did: one release 1,078 us late).
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(share_hog0) = {
    .name = "share-hog0",
    .vcpus = 1,
    .affinity = {0x1},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 share.for_ms=6000",
    .image_file = "share",
    VM_BLOBS(share_hog0),
};
