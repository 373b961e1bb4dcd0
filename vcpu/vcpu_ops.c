/*
 * The operations the scheduler calls on a vCPU (declared in
 * sched/sched_vcpu.h): sched/ holds a struct sched_vcpu, embedded in struct
 * vcpu as v->sched, and reaches the rest of the vCPU (its run loop, vGIC,
 * requests, power state, statistics) only through these.
 */
#include "sched/sched_vcpu.h"

#include "config/vm_config.h"
#include "kernel/cpu.h"
#include "kernel/list.h"
#include "vcpu/vcpu.h"
#include "vcpu/vm.h"
#include "vgic/vgic.h"

static struct vcpu *vcpu_of(struct sched_vcpu *s)
{
    return list_entry(s, struct vcpu, sched);
}

static const struct vcpu *cvcpu_of(const struct sched_vcpu *s)
{
    return list_entry(s, const struct vcpu, sched);
}

unsigned vcpu_op_run(struct sched_vcpu *s)
{
    return vcpu_run(vcpu_of(s));
}

bool vcpu_op_on(const struct sched_vcpu *s)
{
    return cvcpu_of(s)->power == VCPU_ON;
}

/*
 * At a block only (after the put): both ways to ask to block (trap_wfx, PSCI
 * CPU_SUSPEND) looked at vgic_has_pending() first, after the run loop cleared
 * `changed` before its flush. Whatever can make an interrupt deliverable
 * since goes through vgic_queue_unlock(), which sets `changed`: clear, there
 * is nothing new, and the walk (the list's and each interrupt's lock) is
 * skipped. The race it closes is a pend from another CPU that saw the vCPU
 * still loaded and so only sent an IPI (vcpu/vm.c vgic_kick): a store
 * buffering pattern. The pender stores `changed`, then releases the list or
 * interrupt lock (STLR) and reads `loaded` with acquire (LDAR), an order
 * AArch64 keeps (a store-release is observed before a later load-acquire);
 * here `loaded` was cleared (vgic_cpu_set_loaded) and the fence orders that
 * store before this load of `changed`. So either this load sees `changed`
 * set (and the walk decides), or the pender sees `loaded` false and takes the
 * locked way (sched_kick -> kick_unloaded), which wakes the blocked vCPU.
 */
bool vcpu_op_has_pending(struct sched_vcpu *s)
{
    struct vcpu *v = vcpu_of(s);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&v->vgic.changed, __ATOMIC_RELAXED) == 0) {
        return false;
    }
    return vgic_has_pending(&v->vgic);
}

/*
 * The WFI's trap found nothing deliverable; since then, only a pend or a
 * change the vGIC queues can make something so, and each sets `changed`
 * (vgic_queue_unlock; cleared only before a flush).
 */
bool vcpu_op_has_work(const struct sched_vcpu *s)
{
    const struct vcpu *v = cvcpu_of(s);
    return __atomic_load_n(&v->vgic.changed, __ATOMIC_ACQUIRE) != 0 ||
           (__atomic_load_n(&v->requests, __ATOMIC_ACQUIRE) & ~VCPU_REQ_BLOCK) != 0;
}

void vcpu_op_request(struct sched_vcpu *s, unsigned req)
{
    __atomic_fetch_or(&vcpu_of(s)->requests, req, __ATOMIC_RELEASE);
}

void vcpu_op_trap_wfi(struct sched_vcpu *s)
{
    vcpu_trap_wfi(vcpu_of(s));
}

void vcpu_op_clear(struct sched_vcpu *s, unsigned req)
{
    __atomic_fetch_and(&vcpu_of(s)->requests, ~req, __ATOMIC_ACQ_REL);
}

enum vcpu_loaded vcpu_op_where(const struct sched_vcpu *s)
{
    const struct vcpu *v = cvcpu_of(s);
    if (this_cpu()->loaded == v) {
        return VCPU_LOADED_HERE;
    }
    return __atomic_load_n(&v->vgic.loaded, __ATOMIC_ACQUIRE) ? VCPU_LOADED_ELSEWHERE
                                                              : VCPU_NOT_LOADED;
}

void vcpu_op_for_each(void (*fn)(const struct sched_vcpu *s, void *ctx), void *ctx)
{
    for (unsigned i = 0; i < CONFIG_MAX_VMS; i++) {
        const struct vm *vm = vm_by_id(i);
        for (unsigned j = 0; vm != 0 && j < vm->nvcpus; j++) {
            fn(&vm->vcpus[j].sched, ctx);
        }
    }
}

void vcpu_op_exit_counts(const struct sched_vcpu *s, uint64_t counts[5])
{
    const struct vcpu *v = cvcpu_of(s);
    counts[0] = v->exits;
    counts[1] = v->stats.exits_by_class[0x16]; /* HVC */
    counts[2] = v->stats.exits_by_class[0x18]; /* MSR/MRS */
    counts[3] = v->stats.exits_by_class[0x24]; /* data abort from a lower EL */
    counts[4] = v->stats.exits_by_class[0x01]; /* WFI/WFE */
}

const char *vcpu_op_vm_name(unsigned vm_id)
{
    const struct vm *vm = vm_by_id(vm_id);
    return vm ? vm->cfg->name : "?";
}
