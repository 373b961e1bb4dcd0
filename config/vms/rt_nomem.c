/*
 * A real-time vCPU of 9 ms every 10 ms on CPU 0 with 4 GiB of RAM, more than
 * the machine has: admissible, then refused for its memory. It must leave no
 * reservation behind: rt-budget (22% on CPU 0) is admitted after it
 * (system.sched-pool-refuse; before, 112% refused rt-budget).
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_RT_ADMIT(rt_nomem, SCHED_RT_PPM(9000, 10000));

VM_CONFIG(rt_nomem) = {
    .name = "rt-nomem",
    .vcpus = 1,
    .affinity = {0x1},
    .ram_size = MIB(4096),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 rt.periods=10",
    .image_file = "rt",
    .rt_budget_us = {9000},
    .rt_period_us = {10000},
    VM_BLOBS(rt_nomem),
};
