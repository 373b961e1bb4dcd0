/* The smp guest: CPU_ON/OFF/AFFINITY_INFO on 4 vCPUs; 44-bit IPA, 4 levels from level 0 (seed lab).
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(smp) = {
    .name = "smp",
    .vcpus = 4,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 44, .start_level = 0, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "smp",
    VM_BLOBS(smp),
};
