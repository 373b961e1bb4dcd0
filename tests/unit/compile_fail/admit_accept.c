/* Must compile: real-time vCPUs at exactly 100% of one CPU (20% + 80%) are admissible. */
#include "config/vm_config.h"
#include "sched/admission.h"

VM_RT_ADMIT(full, SCHED_RT_PPM(2000, 10000) + SCHED_RT_PPM(8000, 10000));
