/* Capped at 25% alone on CPU 2 of shrike-pools.elf's fair pool, CPU-bound until 6 s
 * (system.sched-pool-fair). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(share_cap) = {
    .name = "share-cap",
    .vcpus = 1,
    .affinity = {0x4},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 share.until_ms=6000",
    .image_file = "share",
    .cap_pct = 25,
    VM_BLOBS(share_cap),
};
