/* Weight 1 (256) of 1:2:4 on CPU 1 of shrike-pools.elf's fair pool, CPU-bound until 6 s
 * (system.sched-pool-fair). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(share_w1) = {
    .name = "share-w1",
    .vcpus = 1,
    .affinity = {0x2},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 share.until_ms=6000",
    .image_file = "share",
    .weight = 256,
    VM_BLOBS(share_w1),
};
