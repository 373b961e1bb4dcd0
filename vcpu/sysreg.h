/* Trapped system-register accesses from guests (EC 0x18), see sysreg.c. */
#ifndef SHRIKE_VCPU_SYSREG_H
#define SHRIKE_VCPU_SYSREG_H

#include <stdbool.h>
#include <stdint.h>

#include "vcpu/vcpu.h"

struct vcpu *sysreg_trap(struct vcpu *v, uint64_t esr);

/*
 * The access may run with list registers live (trap.c): an ICC_SGI1R_EL1
 * write only pends SGIs; every other trapped register may read interrupt
 * state (ICC_DIR_EL1 deactivates one), so it gets folded list registers.
 */
bool sysreg_lines_only(uint64_t esr);

#endif
