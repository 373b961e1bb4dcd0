/* Admission control for real-time budgets (see admission.h). */
#include "sched/admission.h"

#include <stddef.h>

#include "config/vm_config.h"
#include "sched/runqueue.h"

static unsigned only_cpu(uint64_t mask, unsigned ncpus)
{
    if (mask == 0 || (mask & (mask - 1U)) != 0) {
        return ncpus;
    }
    for (unsigned cpu = 0; cpu < ncpus; cpu++) {
        if (mask == 1ULL << cpu) {
            return cpu;
        }
    }
    return ncpus;
}

/* Adds one reservation to its CPU's utilisation. */
static enum admit_result admit_one(uint64_t *util, const struct rt_reservation *r, unsigned ncpus)
{
    uint64_t cpus = ncpus >= 64 ? ~0ULL : (1ULL << ncpus) - 1U;
    unsigned cpu = only_cpu(r->affinity & cpus, ncpus);

    if (r->budget_us == 0 || r->period_us == 0 || r->budget_us > r->period_us) {
        return ADMIT_BAD_PARAMS;
    }
    if (cpu == ncpus) {
        return ADMIT_NOT_PINNED;
    }
    util[cpu] += SCHED_RT_PPM(r->budget_us, r->period_us);
    return util[cpu] > SCHED_RT_FULL_PPM ? ADMIT_OVERLOADED : ADMIT_OK;
}

enum admit_result sched_admit(const struct rt_reservation *r, unsigned n, unsigned ncpus,
                              uint64_t *util_ppm, unsigned *bad)
{
    uint64_t util[SCHED_MAX_CPUS] = {0};

    ncpus = ncpus < SCHED_MAX_CPUS ? ncpus : SCHED_MAX_CPUS;
    for (unsigned i = 0; i < n; i++) {
        enum admit_result res = admit_one(util, &r[i], ncpus);

        *bad = i;
        if (res != ADMIT_OK) {
            return res;
        }
    }
    for (unsigned cpu = 0; util_ppm != NULL && cpu < ncpus; cpu++) {
        util_ppm[cpu] = util[cpu];
    }
    return ADMIT_OK;
}

enum admit_result sched_admit_vms(const struct vm_config *const *vms, unsigned n, unsigned ncpus,
                                  unsigned *bad_vm, unsigned *bad_vcpu)
{
    uint64_t util[SCHED_MAX_CPUS] = {0};

    ncpus = ncpus < SCHED_MAX_CPUS ? ncpus : SCHED_MAX_CPUS;
    for (unsigned v = 0; v < n; v++) {
        for (unsigned i = 0; i < vms[v]->vcpus && i < VM_MAX_VCPUS; i++) {
            const struct rt_reservation r = {.budget_us = vms[v]->rt_budget_us[i],
                                             .period_us = vms[v]->rt_period_us[i],
                                             .affinity = vms[v]->affinity[i]};
            enum admit_result res;

            if (r.budget_us == 0) {
                continue; /* not real time */
            }
            res = admit_one(util, &r, ncpus);
            if (res != ADMIT_OK) {
                *bad_vm = v;
                *bad_vcpu = i;
                return res;
            }
        }
    }
    return ADMIT_OK;
}
