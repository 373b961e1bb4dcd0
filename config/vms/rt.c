/* The rt guest: a 2 ms task every 10 ms on one vCPU, 2,000 periods (its own latencies). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(rt) = {
    .name = "rt",
    .vcpus = 1,
    .affinity = {0x2},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 rt.period_us=10000 rt.work_us=2000 rt.periods=2000",
    .testdev = false,
    .magic_page = false,
    .image_file = "rt",
    VM_BLOBS(rt),
};
