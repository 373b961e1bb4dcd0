/*
 * Compile-time cross-check of the generated offsets against the C structs:
 * if asm-offsets.h were stale or hand-edited, the build fails here.
 */
#include <stddef.h>

#include "asm-offsets.h"
#include "kernel/cpu.h"
#include "kernel/exception.h"
#include "vcpu/vcpu.h"

_Static_assert(CPU_SIZE == sizeof(struct cpu), "asm-offsets.h is stale");
_Static_assert(CPU_PANIC_SP == offsetof(struct cpu, panic_sp), "asm-offsets.h is stale");
_Static_assert(CPU_STACK_SIZE == sizeof(struct cpu_stack), "asm-offsets.h is stale");
_Static_assert(FRAME_SIZE == sizeof(struct el2_frame), "asm-offsets.h is stale");
_Static_assert(FRAME_SIZE % 16 == 0, "EL2 frames must keep SP 16-byte aligned");
_Static_assert(FRAME_ELR == offsetof(struct el2_frame, elr), "asm-offsets.h is stale");
_Static_assert(FRAME_ESR == offsetof(struct el2_frame, esr), "asm-offsets.h is stale");
_Static_assert(CPU_GUEST_REGS == offsetof(struct cpu, guest_regs), "asm-offsets.h is stale");
_Static_assert(VCPU_REGS_PC == offsetof(struct vcpu_regs, pc), "asm-offsets.h is stale");
_Static_assert(VCPU_REGS_PC + 8 == offsetof(struct vcpu_regs, pstate), "pc and pstate are a pair");
_Static_assert(VCPU_FP_FPSR + 8 == offsetof(struct vcpu_fpsimd, fpcr), "fpsr and fpcr are a pair");
_Static_assert(offsetof(struct vcpu_fpsimd, q) == 0, "fpsimd_save stores q0 at offset 0");
