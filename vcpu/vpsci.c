/*
 * PSCI for guests. Power-state changes happen under the VM lock, which makes
 * CPU_ON atomic: when several vCPUs race to start the same one, exactly one
 * sees it off and turns it on; the others get ALREADY_ON. A vCPU that calls
 * CPU_OFF stays ON (for AFFINITY_INFO and CPU_ON) until its CPU has saved its
 * state, so a CPU_ON can never race with the save.
 */
#include "vcpu/vpsci.h"

#include "kernel/log.h"
#include "sched/sched.h"
#include "vcpu/abi.h"
#include "vcpu/psci_rules.h"
#include "vcpu/vm.h"

static int64_t cpu_on(struct vcpu *v, uint64_t mpidr, uint64_t entry, uint64_t context)
{
    struct vm *vm = v->vm;
    int idx = psci_mpidr_to_index(mpidr, vm->nvcpus);
    spin_lock(&vm->lock);
    struct vcpu *t = idx >= 0 ? &vm->vcpus[idx] : 0;
    int64_t ret =
        psci_check_cpu_on(idx, t && t->power == VCPU_ON, entry, GUEST_RAM_BASE, vm->cfg->ram_size);
    if (ret == PSCI_RET_SUCCESS && vm->state != VM_RUNNING) {
        ret = PSCI_RET_DENIED;
    }
    if (ret == PSCI_RET_SUCCESS) {
        vcpu_reset(t, entry, context);
        __atomic_store_n(&t->power, VCPU_ON, __ATOMIC_RELEASE);
    }
    spin_unlock(&vm->lock);
    if (ret == PSCI_RET_SUCCESS) {
        vcpu_wake(t);
    }
    return ret;
}

static int64_t affinity_info(struct vcpu *v, uint64_t mpidr, uint64_t level)
{
    struct vm *vm = v->vm;
    int idx = psci_mpidr_to_index(mpidr, vm->nvcpus);
    int64_t ret = psci_check_affinity_info(idx, level);
    if (ret != PSCI_RET_SUCCESS) {
        return ret;
    }
    return __atomic_load_n(&vm->vcpus[idx].power, __ATOMIC_ACQUIRE) == VCPU_ON ? PSCI_AFFINITY_ON
                                                                               : PSCI_AFFINITY_OFF;
}

/*
 * Standby and power-down requests are both treated as a WFI: PSCI allows a
 * power-down request to return as from standby (PSCI 1.1, 5.4.2), which is
 * what KVM does too. Like a trapped WFI (vcpu/trap.c), the vCPU blocks in the
 * scheduler until something wakes it (sched_wake: an interrupt for it, its
 * timer), leaving the physical CPU to others; it returns SUCCESS then.
 */
static int64_t cpu_suspend(struct vcpu *v, uint64_t power_state)
{
    (void)power_state;
    if (!vgic_has_pending(&v->vgic)) {
        __atomic_fetch_or(&v->requests, VCPU_REQ_BLOCK, __ATOMIC_RELAXED);
    }
    return PSCI_RET_SUCCESS;
}

#define SMCCC_64BIT (1U << 30)

void vpsci_call(struct vcpu *v, uint32_t fid)
{
    uint64_t *x = v->arch.regs.x;
    int64_t ret;
    /*
     * SMC32/HVC32 calls: only the low 32 bits of each argument count (SMCCC
     * 1.1, 2.6). The registers themselves come back unchanged: the guest's
     * x1-x3 are not written, only copies are narrowed.
     */
    uint64_t arg_mask = (fid & SMCCC_64BIT) ? ~0ULL : 0xFFFFFFFFULL;
    uint64_t a1 = x[1] & arg_mask;
    uint64_t a2 = x[2] & arg_mask;
    uint64_t a3 = x[3] & arg_mask;
    switch (fid) {
    case PSCI_FN_VERSION:
        ret = PSCI_VERSION_1_1;
        break;
    case PSCI_FN_CPU_ON:
    case PSCI_FN_CPU_ON_64:
        ret = cpu_on(v, a1, a2, a3);
        break;
    case PSCI_FN_CPU_OFF:
        vcpu_request(v, VCPU_REQ_OFF);
        return;
    case PSCI_FN_AFFINITY_INFO:
    case PSCI_FN_AFFINITY_INFO_64:
        ret = affinity_info(v, a1, a2);
        break;
    case PSCI_FN_CPU_SUSPEND:
    case PSCI_FN_CPU_SUSPEND_64:
        ret = cpu_suspend(v, a1);
        break;
    case PSCI_FN_MIGRATE_INFO_TYPE:
        ret = PSCI_MIGRATE_TOS_NOT_PRESENT;
        break;
    case PSCI_FN_FEATURES:
        ret = psci_guest_features((uint32_t)a1);
        break;
    case PSCI_FN_SYSTEM_OFF:
        vm_stop(v->vm, VM_STOP_OFF);
        return;
    case PSCI_FN_SYSTEM_RESET:
        vm_stop(v->vm, VM_STOP_RESET);
        return;
    default:
        ret = PSCI_RET_NOT_SUPPORTED;
        break;
    }
    x[0] = (uint64_t)ret;
}
