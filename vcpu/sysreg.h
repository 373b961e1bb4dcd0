/* Trapped system-register accesses from guests (EC 0x18), see sysreg.c. */
#ifndef SHRIKE_VCPU_SYSREG_H
#define SHRIKE_VCPU_SYSREG_H

#include <stdint.h>

#include "vcpu/vcpu.h"

struct vcpu *sysreg_trap(struct vcpu *v, uint64_t esr);

#endif
