/*
 * Exception injection. The vCPU is loaded, so its EL1 registers are live in
 * the hardware: ESR/FAR/ELR/SPSR_EL1 are written directly, and the saved
 * PC/PSTATE are redirected to the guest's vector.
 */
#include "vcpu/inject.h"

#include "kernel/sysreg.h"
#include "vcpu/exception_model.h"

static void enter_vector(struct vcpu *v, uint64_t esr)
{
    struct vcpu_regs *r = &v->arch.regs;
    struct exc_entry e = exc_sync_entry(read_sysreg(vbar_el1), r->pstate);
    write_sysreg(esr, esr_el1);
    write_sysreg(r->pc, elr_el1);
    write_sysreg(r->pstate, spsr_el1);
    r->pc = e.pc;
    r->pstate = e.pstate;
}

void inject_undef(struct vcpu *v)
{
    enter_vector(v, exc_esr_undef());
}

void inject_data_abort(struct vcpu *v, uint64_t far, bool wnr)
{
    write_sysreg(far, far_el1);
    enter_vector(v, exc_esr_data_abort(exc_from_el0(v->arch.regs.pstate), wnr));
}

void inject_insn_abort(struct vcpu *v, uint64_t far)
{
    write_sysreg(far, far_el1);
    enter_vector(v, exc_esr_insn_abort(exc_from_el0(v->arch.regs.pstate)));
}
