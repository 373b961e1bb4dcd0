/*
 * Structure offsets and sizes for assembly. This file is compiled to assembly
 * only; cmake/gen-asm-offsets.cmake turns the "->NAME value" markers into
 * asm-offsets.h. Nothing here is ever linked.
 */
#include <stddef.h>

#include "kernel/cpu.h"
#include "kernel/exception.h"
#include "vcpu/vcpu.h"

#define DEFINE(sym, val) __asm__ __volatile__("\n.ascii \"->" #sym " %0\"" : : "i"(val))

void asm_offsets(void);

void asm_offsets(void)
{
    DEFINE(CPU_SIZE, sizeof(struct cpu));
    DEFINE(CPU_GUEST_REGS, offsetof(struct cpu, guest_regs));
    DEFINE(CPU_PANIC_SP, offsetof(struct cpu, panic_sp));
    DEFINE(CPU_STACK_TOP, offsetof(struct cpu, stack_top));
    DEFINE(CPU_STACK_SIZE, sizeof(struct cpu_stack));
    DEFINE(CPU_STACK_STACK_END, offsetof(struct cpu_stack, stack) + CONFIG_STACK_PAGES * PAGE_SIZE);

    DEFINE(VCPU_REGS_X, offsetof(struct vcpu_regs, x));
    DEFINE(VCPU_REGS_PC, offsetof(struct vcpu_regs, pc));
    DEFINE(VCPU_FP_FPSR, offsetof(struct vcpu_fpsimd, fpsr));
    DEFINE(EXIT_RESUME_KIND, EXIT_RESUME);
    DEFINE(EXIT_IRQ_KIND, EXIT_IRQ);

    DEFINE(FRAME_SIZE, sizeof(struct el2_frame));
    DEFINE(FRAME_X0, offsetof(struct el2_frame, x));
    DEFINE(FRAME_SP, offsetof(struct el2_frame, sp));
    DEFINE(FRAME_ELR, offsetof(struct el2_frame, elr));
    DEFINE(FRAME_SPSR, offsetof(struct el2_frame, spsr));
    DEFINE(FRAME_ESR, offsetof(struct el2_frame, esr));
    DEFINE(FRAME_FAR, offsetof(struct el2_frame, far));
}
