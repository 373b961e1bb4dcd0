/* The pmu guest (pair): 2 vCPUs sharing CPU 0, with the virtual PMUv3. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(pmu_pair) = {
    .name = "pmu-pair",
    .vcpus = 2,
    .affinity = {0x1, 0x1},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 pmu=pair",
    .testdev = false,
    .magic_page = false,
    .pmu = true,
    .image_file = "pmu",
    VM_BLOBS(pmu_pair),
};
