/*
 * Must not compile: a VM whose real-time vCPUs on one CPU ask 20% + 60% + 25%
 * (ctest unit.admit_reject expects the build to fail naming the VM).
 */
#include "config/vm_config.h"
#include "sched/admission.h"

VM_RT_ADMIT(overloaded,
            SCHED_RT_PPM(2000, 10000) + SCHED_RT_PPM(6000, 10000) + SCHED_RT_PPM(2500, 10000));
