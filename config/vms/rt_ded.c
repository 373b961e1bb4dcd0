/*
 * The rt guest alone on shrike-pools.elf's dedicated CPU 3 (pool 1): 2 ms of
 * work every 10 ms for 1,000 periods, 10 s of guest time, waiting in WFI for
 * its virtual timer between them. A dedicated CPU arms no slice or balancer
 * timer, and the vCPU's own timer is its PPI (INTID 27), not the EL2 timer
 * (INTID 26): 0 EL2 timer interrupts (system.sched-pool-dedicated). A
 * CPU-bound vCPU would do too on silicon, but under -icount QEMU then runs
 * the CPU with no timer deadline ahead of the others for seconds.
 */
#include "config/vm_config.h"
#include "vcpu/abi.h"

VM_CONFIG(rt_ded) = {
    .name = "rt-ded",
    .vcpus = 1,
    .affinity = VM_FLOATING,
    .ram_size = MIB(16),
    .stage2 = {.ipa_bits = 40, .start_level = 1, .demand = false},
    .load_offset = GUEST_IMAGE_OFFSET,
    .bootargs = "console=ttyAMA0 rt.period_us=10000 rt.work_us=2000 rt.periods=1000",
    .image_file = "rt",
    .pool = 1,
    VM_BLOBS(rt_ded),
};
