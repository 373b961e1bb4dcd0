/* One vCPU alone on its CPU whose virtual timer keeps firing through its EOIs
 * (system.irq-vtimer-refire). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(vtimer_refire) = {
    .name = "vtimer-refire",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .image_file = "vtimer-refire",
    VM_BLOBS(vtimer_refire),
};
