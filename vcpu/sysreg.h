/* Trapped system-register accesses from guests (EC 0x18), see sysreg.c. */
#ifndef SHRIKE_VCPU_SYSREG_H
#define SHRIKE_VCPU_SYSREG_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/esr.h"
#include "vcpu/vcpu.h"

struct vcpu *sysreg_trap(struct vcpu *v, uint64_t esr);

/* ICC_SGI1R_EL1 (S3_0_C12_C11_5) laid out as in the SYS64 ISS. */
#define SYSREG_SGI1R_WRITE_ISS ((uint64_t)ESR_SYSREG(3, 0, 12, 11, 5))

/*
 * An MSR ICC_SGI1R_EL1: the trap an SMP guest takes most (every IPI it
 * sends), tested on the whole syndrome at once (EC, the register, Direction
 * 0) before any other decode; Rt is the only field left out.
 */
static inline bool sysreg_is_sgi1r_write(uint64_t esr)
{
    const uint64_t mask = (uint64_t)ESR_EC_MASK << ESR_EC_SHIFT | ESR_SYSREG_KEY_MASK | 1;
    return (esr & mask) == ((uint64_t)ESR_EC_SYS64 << ESR_EC_SHIFT | SYSREG_SGI1R_WRITE_ISS);
}

/* Pends the SGIs the write names (a trap that only raises lines: see below); PC + 4. */
void sysreg_sgi1r_write(struct vcpu *v, uint64_t esr);

/*
 * The access may run with list registers live (trap.c): an ICC_SGI1R_EL1
 * write only pends SGIs; every other trapped register may read interrupt
 * state (ICC_DIR_EL1 deactivates one), so it gets folded list registers.
 */
bool sysreg_lines_only(uint64_t esr);

#endif
