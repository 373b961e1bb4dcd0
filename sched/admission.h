/*
 * Admission control for real-time budgets (sched/policy_edf.c). Real-time
 * vCPUs are partitioned: each is pinned to one CPU, and EDF over constant-
 * bandwidth servers meets every deadline on a CPU whose utilisation
 * sum(budget / period) is at most 1. Utilisations are counted in parts per
 * million rounded up, so a set is admitted only if it certainly fits (a set
 * exactly at 100% whose ratios are not whole ppm, such as 3 x 1/3, is
 * refused). Plain C: the build checks a VM's set with SCHED_RT_ADMIT, the
 * boot checks all VMs' sets per CPU with sched_admit().
 */
#ifndef SHRIKE_SCHED_ADMISSION_H
#define SHRIKE_SCHED_ADMISSION_H

#include <stdint.h>

#define SCHED_RT_FULL_PPM 1000000ULL

/* Utilisation of budget b every period p (microseconds), ppm rounded up; a constant expression. */
#define SCHED_RT_PPM(b, p) (((uint64_t)(b)*SCHED_RT_FULL_PPM + (uint64_t)(p)-1U) / (uint64_t)(p))

/*
 * Build-time check of one VM's real-time set on one CPU (ppm: a sum of
 * SCHED_RT_PPM terms): the build fails with a message naming the VM.
 */
#define SCHED_RT_ADMIT(vm, ppm)                                                        \
    _Static_assert((ppm) <= SCHED_RT_FULL_PPM, "VM " #vm ": real-time budgets exceed " \
                                               "100% of a CPU, inadmissible under EDF")

struct rt_reservation {
    uint64_t budget_us;
    uint64_t period_us;
    uint64_t affinity; /* must be exactly one CPU */
};

enum admit_result {
    ADMIT_OK,
    ADMIT_BAD_PARAMS, /* budget 0, period 0 or budget > period */
    ADMIT_NOT_PINNED, /* affinity is not exactly one CPU */
    ADMIT_OVERLOADED, /* a CPU's utilisation exceeds 100% */
};

/*
 * Checks n reservations on CPUs 0..ncpus-1; util_ppm[cpu] (ncpus entries, may
 * be NULL) receives each CPU's total. On failure *bad is the index of the
 * first reservation refused (for an overload: the one that overflowed its CPU).
 */
enum admit_result sched_admit(const struct rt_reservation *r, unsigned n, unsigned ncpus,
                              uint64_t *util_ppm, unsigned *bad);

struct vm_config;

/*
 * Boot-time check of every real-time vCPU (.rt_budget_us[i] != 0) of the n
 * VMs together, per CPU (their .affinity[i] masked to ncpus CPUs). On failure
 * *bad_vm and *bad_vcpu name the first vCPU refused, for the boot to refuse
 * that VM by name (vms[*bad_vm]->name).
 */
enum admit_result sched_admit_vms(const struct vm_config *const *vms, unsigned n, unsigned ncpus,
                                  unsigned *bad_vm, unsigned *bad_vcpu);

#endif
