/*
 * Set/way cache maintenance from guests (HCR_EL2.TSW), see setway.c.
 *
 * DC ISW/CSW/CISW act on one cache line chosen by set and way on the CPU
 * that runs them. A vCPU moves between CPUs and shares caches with other
 * VMs, so such an operation means nothing useful for a guest: it is only
 * ever part of a loop over every set and way that cleans (or invalidates)
 * the whole cache, typically just before or after the guest turns its MMU
 * and caches off or on. shrike turns the first operation of such a loop
 * into a clean and invalidate of the VM's whole RAM by VA to the point of
 * coherency, and the rest of the loop into nothing (KVM does the same).
 */
#ifndef SHRIKE_VCPU_SETWAY_H
#define SHRIKE_VCPU_SETWAY_H

#include <stdbool.h>
#include <stdint.h>

/* DC ISW (CRm 6), DC CSW (CRm 10), DC CISW (CRm 14): op0 1, op1 0, CRn 7, op2 2. */
bool setway_is_op(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2);

/*
 * The last set/way trap seen on one physical CPU: which vCPU took it, at
 * which of its exits (struct vcpu's exit count).
 */
struct setway_track {
    const void *vcpu;
    uint64_t exit;
};

/*
 * True if the set/way trap that `vcpu` takes at exit number `exit` starts a
 * loop: the same vCPU's previous exit on this CPU was not a set/way trap.
 * Any other exit in between (an interrupt, another trap, another vCPU)
 * starts a new loop. Records this trap in *t.
 */
bool setway_starts_loop(struct setway_track *t, const void *vcpu, uint64_t exit);

#ifndef SHRIKE_HOST_TEST
struct vcpu;

/* Emulates a trapped DC ISW/CSW/CISW for the running vCPU v. */
void setway_trap(struct vcpu *v);
#endif

#endif
