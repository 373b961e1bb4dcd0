/*
 * The rt guest with a real-time budget beside two Linux guests hashing on
 * every vCPU (system.sched-rt-linux, shrike-linux-fair.elf on one CPU): 2 ms
 * of work every 10 ms for 2,000 periods, an EDF server of 2.2 ms every 10 ms
 * on CPU 0 (2 ms of work plus the guest's own overhead).
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

#define RT_BUDGET_US 2200
#define RT_PERIOD_US 10000
VM_RT_ADMIT(rt_linux, SCHED_RT_PPM(RT_BUDGET_US, RT_PERIOD_US));

VM_CONFIG(rt_linux) = {
    .name = "rt-linux",
    .vcpus = 1,
    .affinity = {0x1},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs =
        "console=ttyAMA0 rt.period_us=10000 rt.work_us=2000 rt.periods=2000 rt.start_ms=11000",
    .image_file = "rt",
    .rt_budget_us = {RT_BUDGET_US},
    .rt_period_us = {RT_PERIOD_US},
    VM_BLOBS(rt_linux),
};
