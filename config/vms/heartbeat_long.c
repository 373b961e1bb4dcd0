/* The heartbeat guest, 20 s long: beside a Linux guest that reboots (system.linux-reboot). */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(heartbeat_long) = {
    .name = "heartbeat-long",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 heartbeat.long",
    .testdev = false,
    .magic_page = false,
    .image_file = "heartbeat",
    VM_BLOBS(heartbeat_long),
};
