/* The migrate-timer guest: vtimer interrupts and CNTVCT on 4 moving vCPUs (migrate_ms=15). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(migrate_timer) = {
    .name = "migrate-timer",
    .vcpus = 4,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "migrate-timer",
    VM_BLOBS(migrate_timer),
};
