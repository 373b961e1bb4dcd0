/* The psci-suspend guest: 2 vCPUs on one physical CPU; one in CPU_SUSPEND, woken by an SGI. */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(psci_suspend) = {
    .name = "psci-suspend",
    .vcpus = 2,
    .affinity = {0x1, 0x1},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "psci-suspend",
    VM_BLOBS(psci_suspend),
};
