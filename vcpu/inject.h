/* Injecting synchronous exceptions into the loaded vCPU's EL1 (see inject.c). */
#ifndef SHRIKE_VCPU_INJECT_H
#define SHRIKE_VCPU_INJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "vcpu/vcpu.h"

void inject_undef(struct vcpu *v);
void inject_data_abort(struct vcpu *v, uint64_t far, bool wnr);
void inject_insn_abort(struct vcpu *v, uint64_t far);

#endif
