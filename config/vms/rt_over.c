/*
 * A real-time vCPU of 9 ms every 10 ms on CPU 0 of shrike-pools.elf: alone
 * admissible (90%), refused beside rt-budget (22%) on the same CPU, named
 * (system.sched-pool-refuse).
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_RT_ADMIT(rt_over, SCHED_RT_PPM(9000, 10000));

VM_CONFIG(rt_over) = {
    .name = "rt-over",
    .vcpus = 1,
    .affinity = {0x1},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 rt.periods=10",
    .image_file = "rt",
    .rt_budget_us = {9000},
    .rt_period_us = {10000},
    VM_BLOBS(rt_over),
};
