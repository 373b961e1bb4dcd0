/*
 * Where an exception injected into a guest's EL1 lands and what it looks
 * like: plain arithmetic on the guest's PSTATE and VBAR_EL1, unit-tested on
 * the host. vcpu/inject.c applies it to a loaded vCPU.
 */
#ifndef SHRIKE_VCPU_EXCEPTION_MODEL_H
#define SHRIKE_VCPU_EXCEPTION_MODEL_H

#include <stdbool.h>
#include <stdint.h>

struct exc_entry {
    uint64_t pc;     /* VBAR_EL1 + vector offset */
    uint64_t pstate; /* EL1h, D, A, I, F masked */
};

/* The synchronous-exception vector for an exception taken to EL1 from guest_pstate. */
struct exc_entry exc_sync_entry(uint64_t vbar_el1, uint64_t guest_pstate);

/* True if guest_pstate is EL0 (AArch64 or AArch32). */
bool exc_from_el0(uint64_t guest_pstate);

/* ESR_EL1 values for the injected exceptions (IL set: 32-bit instructions). */
uint64_t exc_esr_undef(void);
uint64_t exc_esr_data_abort(bool from_el0, bool wnr); /* synchronous external abort */
uint64_t exc_esr_insn_abort(bool from_el0);           /* synchronous external abort */

#endif
