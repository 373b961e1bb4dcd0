/* HVC and trapped SMC from guests: SMCCC 1.1, PSCI and shrike's own calls (docs/hypercalls.md). */
#ifndef SHRIKE_VCPU_HYPERCALL_H
#define SHRIKE_VCPU_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "vcpu/vcpu.h"

struct vcpu *hypercall_hvc(struct vcpu *v, uint64_t esr);
struct vcpu *hypercall_smc(struct vcpu *v, uint64_t esr);

/* The call about to be made (v's x0, esr's immediate) may run with list registers live (trap.c). */
bool hypercall_lines_only(const struct vcpu *v, uint64_t esr);

#endif
