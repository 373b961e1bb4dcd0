/*
 * Admitting VMs (sched_admit_vm, sched.h): a VM's pool must exist, each vCPU
 * of a dedicated pool's VM must find a CPU of the pool that no other VM's
 * vCPU owns, and its real-time reservations must pass admission.c's rules
 * together with those of the VMs admitted before it. Cold code, split from
 * sched.c: it runs at VM creation only.
 */
#include <stdint.h>

#include "config/vm_config.h"
#include "kernel/check.h"
#include "kernel/lib.h"
#include "kernel/log.h"
#include "sched/admission.h"
#include "sched/pool.h"
#include "sched/sched.h"
#include "sched/sched_arch.h"
#include "sched/sched_internal.h"
#include "sched/sched_vcpu.h"

static const char *admit_why(enum admit_result r)
{
    switch (r) {
    case ADMIT_BAD_PARAMS:
        return "has a budget of 0, a period of 0 or a budget above its period";
    case ADMIT_NOT_PINNED:
        return "is not pinned to exactly one CPU (EDF is partitioned)";
    case ADMIT_OVERLOADED:
        return "would take its CPU's real-time utilisation above 100%";
    default:
        return "is admissible";
    }
}

/*
 * The VMs admitted so far, each once (a VM that resets is created again from
 * the same configuration): admission checks each new one together with them.
 * A VM counts only once created (sched_vcpu_init of its vCPU 0, after the
 * last step of vm_create that can fail), so a VM refused later for memory or
 * affinity leaves no reservation behind. Creation is serial (boot, or a
 * reset on one CPU), so these need no lock.
 */
static const struct vm_config *admitted[CONFIG_MAX_VMS];
static unsigned nadmitted;

/* Dedicated CPUs: which vCPU owns each (dedicated_key()), 0 for none. */
static uintptr_t dedicated_owner[SCHED_MAX_CPUS];

/* A vCPU's key, unique per configuration and vCPU (a config is far larger than VM_MAX_VCPUS). */
static uintptr_t dedicated_key(const struct vm_config *c, unsigned i)
{
    return (uintptr_t)c + i;
}

static bool is_admitted(const struct vm_config *c)
{
    for (unsigned i = 0; i < nadmitted; i++) {
        if (admitted[i] == c) {
            return true;
        }
    }
    return false;
}

/* Every vCPU of c finds a CPU of its dedicated pool that no other VM's vCPU owns. */
static bool dedicated_fits(const struct vm_config *c, const struct sched_pool *pool)
{
    uintptr_t owners[SCHED_MAX_CPUS];
    memcpy(owners, dedicated_owner, sizeof(owners));
    for (unsigned i = 0; i < c->vcpus && i < VM_MAX_VCPUS; i++) {
        unsigned cpu =
            pool_dedicated_cpu(pool, present_cpus(), c->affinity[i], owners, dedicated_key(c, i));
        if (cpu >= cpu_count) {
            log_err("VM %s refused: vCPU %u finds no free CPU in dedicated pool %s (one vCPU per "
                    "CPU: the pool has fewer CPUs than its VMs have vCPUs, or the affinity "
                    "excludes the free ones)",
                    c->name, i, pool->name);
            return false;
        }
        owners[cpu] = dedicated_key(c, i);
    }
    return true;
}

static bool rt_fits(const struct vm_config *c, const struct sched_pool *pool)
{
    for (unsigned i = 0; i < c->vcpus && i < VM_MAX_VCPUS; i++) {
        if (c->rt_budget_us[i] != 0 &&
            (pool->policy != SCHED_POLICY_FAIR || (c->affinity[i] & ~pool->cpus) != 0)) {
            log_err("VM %s refused: vCPU %u has a real-time budget, which needs a fair pool "
                    "(pool %s) and an affinity within it",
                    c->name, i, pool->name);
            return false;
        }
    }
    if (is_admitted(c) || nadmitted == CONFIG_MAX_VMS) {
        return true; /* counted already; or vm_boot() refuses it anyway */
    }
    admitted[nadmitted] = c;
    unsigned bad_vm = 0, bad_vcpu = 0;
    enum admit_result r = sched_admit_vms(admitted, nadmitted + 1, cpu_count, &bad_vm, &bad_vcpu);
    if (r != ADMIT_OK) {
        log_err("VM %s refused: real-time vCPU %u %s", c->name, bad_vcpu, admit_why(r));
        return false;
    }
    return true;
}

bool sched_admit_vm(const struct vm_config *c)
{
    const struct sched_pool *pool = sched_pool_of_vm(c);
    if (c->pool >= sched_npools()) {
        log_err("VM %s refused: pool %u does not exist (CONFIG_SCHED_POOLS has %u)", c->name,
                c->pool, sched_npools());
        return false;
    }
    if (pool->policy == SCHED_POLICY_DEDICATED && !dedicated_fits(c, pool)) {
        return false;
    }
    return rt_fits(c, pool);
}

/* c is created: its real-time reservations count, its vCPUs own their dedicated CPUs. */
void sched_admit_commit(const struct vm_config *c)
{
    if (!is_admitted(c) && nadmitted < CONFIG_MAX_VMS) {
        admitted[nadmitted++] = c;
    }
    const struct sched_pool *pool = sched_pool_of_vm(c);
    if (pool->policy != SCHED_POLICY_DEDICATED) {
        return;
    }
    for (unsigned i = 0; i < c->vcpus && i < VM_MAX_VCPUS; i++) {
        unsigned cpu = pool_dedicated_cpu(pool, present_cpus(), c->affinity[i], dedicated_owner,
                                          dedicated_key(c, i));
        CHECK(cpu < cpu_count); /* dedicated_fits() said so */
        dedicated_owner[cpu] = dedicated_key(c, i);
    }
}

/* A dedicated vCPU's affinity: the one CPU it owns. */
uint64_t sched_dedicated_affinity(const struct sched_vcpu *v, uint64_t affinity)
{
    const struct vm_config *c = v->cfg;
    for (unsigned cpu = 0; cpu < cpu_count && cpu < SCHED_MAX_CPUS; cpu++) {
        if (dedicated_owner[cpu] == dedicated_key(c, v->vcpu_id)) {
            return 1ULL << cpu;
        }
    }
    return affinity;
}
