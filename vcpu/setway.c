/*
 * Set/way emulation (see setway.h). Why the first operation of a loop only:
 * a loop has one operation per line of every cache level (tens of thousands
 * on a 2 MiB L2), and cleaning the whole RAM for each would take minutes. Between
 * two operations of one loop the guest runs only its loop, so after the first
 * flush there is nothing left that the rest could clean. KVM goes further: it
 * also traps the guest's SCTLR_EL1 writes (HCR_EL2.TVM) after a set/way
 * operation and flushes again when the caches are turned on or off, for a
 * guest that keeps writing with its caches on after its set/way loop. shrike
 * keeps HCR_EL2 constant (no TVM), and the guests that use set/way at all
 * (firmware and boot loaders; Linux never does) turn their caches off first
 * and clean afterwards, which the first-operation flush covers.
 */
#include "vcpu/setway.h"

bool setway_is_op(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
    return op0 == 1 && op1 == 0 && crn == 7 && op2 == 2 && (crm == 6 || crm == 10 || crm == 14);
}

bool setway_starts_loop(struct setway_track *t, const void *vcpu, uint64_t exit)
{
    bool cont = t->vcpu == vcpu && t->exit + 1 == exit;
    t->vcpu = vcpu;
    t->exit = exit;
    return !cont;
}

#ifndef SHRIKE_HOST_TEST
#include "config/kernel.h"
#include "kernel/cpu.h"
#include "mm/cache.h"
#include "vcpu/vm.h"

static struct setway_track tracks[CONFIG_MAX_CPUS]; /* each used by its own CPU only */

void setway_trap(struct vcpu *v)
{
    if (setway_starts_loop(&tracks[this_cpu_id()], v, v->exits)) {
        /* Dirty lines of this VM's RAM, on any CPU, reach memory; none stays cached. */
        dcache_clean_inval_poc(pa_to_ptr(v->vm->ram), v->vm->cfg->ram_size);
    }
}
#endif
