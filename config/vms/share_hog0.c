/* CPU-bound until 6 s on CPU 0 of shrike-pools.elf's fair pool, beside rt-budget
 * (system.sched-pool-rt). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(share_hog0) = {
    .name = "share-hog0",
    .vcpus = 1,
    .affinity = {0x1},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 share.until_ms=6000",
    .image_file = "share",
    VM_BLOBS(share_hog0),
};
