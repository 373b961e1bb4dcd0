/* Admission control for real-time budgets (see admission.h). */
#include "sched/admission.h"

#include <stddef.h>

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

enum admit_result sched_admit(const struct rt_reservation *r, unsigned n, unsigned ncpus,
                              uint64_t *util_ppm, unsigned *bad)
{
    uint64_t util[SCHED_MAX_CPUS] = {0};

    ncpus = ncpus < SCHED_MAX_CPUS ? ncpus : SCHED_MAX_CPUS;
    for (unsigned i = 0; i < n; i++) {
        unsigned cpu = only_cpu(r[i].affinity, ncpus);

        *bad = i;
        if (r[i].budget_us == 0 || r[i].period_us == 0 || r[i].budget_us > r[i].period_us) {
            return ADMIT_BAD_PARAMS;
        }
        if (cpu == ncpus) {
            return ADMIT_NOT_PINNED;
        }
        util[cpu] += SCHED_RT_PPM(r[i].budget_us, r[i].period_us);
        if (util[cpu] > SCHED_RT_FULL_PPM) {
            return ADMIT_OVERLOADED;
        }
    }
    for (unsigned cpu = 0; util_ppm != NULL && cpu < ncpus; cpu++) {
        util_ppm[cpu] = util[cpu];
    }
    return ADMIT_OK;
}
