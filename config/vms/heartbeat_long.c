/*
 * The heartbeat guest, beating until a byte is typed to it: beside VMs that reset and power
 * off (system.linux-reboot, system.vms-lifecycle), however long the host takes to run them.
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(heartbeat_long) = {
    .name = "heartbeat-long",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 heartbeat.until-told",
    .testdev = false,
    .magic_page = false,
    .image_file = "heartbeat",
    VM_BLOBS(heartbeat_long),
};
