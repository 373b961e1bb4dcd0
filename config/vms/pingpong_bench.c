/* The pingpong guest for scripts/bench.py: 65,536 rounds, receiver spinning, vCPUs on CPUs 0 and 1.
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(pingpong_bench) = {
    .name = "pingpong-bench",
    .vcpus = 2,
    .affinity = {0x1, 0x2},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 pingpong=bench",
    .testdev = false,
    .magic_page = false,
    .image_file = "pingpong",
    VM_BLOBS(pingpong_bench),
};
