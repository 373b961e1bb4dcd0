/*
 * The echo guest on 6 floating vCPUs (on 4 CPUs): vCPU 0 echoes, the other five spin
 * until it is told "off" (system.console-input: typed bytes reach a VM
 * whose CPUs are busy, shared and changing).
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(echo_load) = {
    .name = "echo-load",
    .vcpus = 6,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .testdev = false,
    .magic_page = false,
    .image_file = "echo",
    VM_BLOBS(echo_load),
};
