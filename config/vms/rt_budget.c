/*
 * The rt guest with a real-time budget (issue 13): 2 ms of work every 10 ms
 * on CPU 0 of shrike-pools.elf's fair pool, beside the CPU-bound share-hog0,
 * 500 periods (system.sched-pool-rt). Its server: 2.2 ms every 10 ms (the
 * guest's own overhead on top of the 2 ms: its IRQ handler and timer writes).
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

#define RT_BUDGET_US 2200
#define RT_PERIOD_US 10000
VM_RT_ADMIT(rt_budget, SCHED_RT_PPM(RT_BUDGET_US, RT_PERIOD_US));

VM_CONFIG(rt_budget) = {
    .name = "rt-budget",
    .vcpus = 1,
    .affinity = {0x1},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 rt.period_us=10000 rt.work_us=2000 rt.periods=500",
    .image_file = "rt",
    .rt_budget_us = {RT_BUDGET_US},
    .rt_period_us = {RT_PERIOD_US},
    VM_BLOBS(rt_budget),
};
