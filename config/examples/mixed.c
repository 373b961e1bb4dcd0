/*
 * Example of a mixed system (docs/scheduler.md, "Pools, weights, caps and
 * budgets"): on 4 CPUs, a shared fair pool of CPUs 0-2 holding a real-time
 * test guest (guests/rt: 2 ms of work every 10 ms, with a 2.2 ms budget every
 * 10 ms, pinned to CPU 0) and two Linux guests weighted 2:1, and CPU 3
 * dedicated to one single-vCPU VM (no slice timer, no balancer: 0 EL2 timer
 * interrupts). To use it, put MIXED_POOLS in config/sched.h as
 * CONFIG_SCHED_POOLS (or pass it with -D, as CMakeLists.txt does for
 * shrike-pools.elf) and the fields into config/vms/ files; ctest
 * unit.example_mixed compiles this file so that it stays valid. The pieces
 * run in the system tests: sched-pool-fair (weights, caps), sched-pool-rt and
 * sched-pool-rt-alone (a budget), sched-pool-dedicated (the dedicated CPU),
 * sched-rt-linux (the budget beside two Linux guests).
 */
#include "config/vm_config.h"
#include "sched/pool.h"
#include "vcpu/abi.h"

/* config/sched.h: */
#define MIXED_POOLS                                                                     \
    {                                                                                   \
        {"shared", 0x7, SCHED_POLICY_FAIR}, {"dedicated", 0x8, SCHED_POLICY_DEDICATED}, \
    }

static const struct sched_pool mixed_pools[] = MIXED_POOLS;

/*
 * The real-time guest: 2 ms of work every 10 ms needs a budget of 2.2 ms (its
 * own interrupt handling and timer writes on top), pinned to CPU 0 (EDF is
 * partitioned).
 */
#define RT_BUDGET_US 2200
#define RT_PERIOD_US 10000
VM_RT_ADMIT(rt, SCHED_RT_PPM(RT_BUDGET_US, RT_PERIOD_US));

VM_CONFIG(rt) = {
    .name = "rt",
    .vcpus = 1,
    .affinity = {1ULL << 0},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 rt.period_us=10000 rt.work_us=2000 rt.periods=2000",
    .image_file = "rt",
    .pool = 0,
    .rt_budget_us = {RT_BUDGET_US},
    .rt_period_us = {RT_PERIOD_US},
    VM_BLOBS(rt),
};

/* Two Linux guests on the shared pool, weighted 2:1; the second is also capped at 50% per vCPU. */
VM_CONFIG(linux_big) = {
    .name = "linux-big",
    .vcpus = 2,
    .affinity = VM_FLOATING,
    .ram_size = MIB(256),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .image_file = "Image",
    .pool = 0,
    .weight = 2 * SCHED_WEIGHT_DEFAULT,
    VM_BLOBS(linux_big),
};

VM_CONFIG(linux_small) = {
    .name = "linux-small",
    .vcpus = 2,
    .affinity = VM_FLOATING,
    .ram_size = MIB(256),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .image_file = "Image",
    .pool = 0,
    .weight = SCHED_WEIGHT_DEFAULT,
    .cap_pct = 50,
    VM_BLOBS(linux_small),
};

/* One vCPU alone on CPU 3: no slice timer, no balancing. */
VM_CONFIG(control) = {
    .name = "control",
    .vcpus = 1,
    .affinity = {1ULL << 3},
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0",
    .image_file = "heartbeat",
    .pool = 1,
    VM_BLOBS(control),
};

/* Every CPU of the 4 in exactly one pool (sched_init() checks it with pools_valid()). */
_Static_assert(sizeof(mixed_pools) / sizeof(mixed_pools[0]) == 2, "two pools");
