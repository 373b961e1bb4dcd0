/*
 * The world switch: guest_enter() saves shrike's callee-saved registers on
 * the hypervisor stack, loads the guest's x0-x30, ELR_EL2 and SPSR_EL2 and
 * ERETs. A guest exit comes back through the lower-EL vectors
 * (kernel/vectors.S branches here), stores the guest's registers into the
 * same struct vcpu_regs, calls the firmware's branch-predictor workaround on
 * cores that need it, restores shrike's registers and returns the exit
 * kind from guest_enter(). Nothing else happens here: system registers,
 * stage 2, timer and GIC state are switched in C (vcpu/vcpu.c).
 *
 * The lean exit: a synchronous exit first calls trap_exit() (vcpu/trap.c)
 * from here, on the stack guest_enter() left. When it answers "resume",
 * the trap was handled and nothing needs the run loop (no request, nothing
 * for the vGIC to flush or fold), so the guest's registers are reloaded
 * and it ERETs straight back: shrike's own callee-saved registers stay on
 * the stack, untouched, for the exit that does return from guest_enter().
 * The guest's x19-x29 are already saved, so the fast path may use them.
 *
 * The lean IRQ exit (guest_exit_irq) saves less: only the registers a C
 * call may clobber (x0-x18, x30) and x19, its base. The guest's x20-x29
 * stay live in their registers through irq_exit() (vcpu/irq_exit.c),
 * which AAPCS64 makes preserve them, and ELR_EL2/SPSR_EL2 in theirs (IRQs
 * stay masked at EL2, and a synchronous exception at EL2 is a panic). So
 * code called from irq_exit() must not read or write the guest's
 * general-purpose registers in struct vcpu_regs: none does (interrupt
 * handlers raise lines, count and wake). When it answers "resume" only the
 * saved ones are reloaded; otherwise the rest is stored before the run loop
 * sees the vCPU.
 */
#include "asm-offsets.h"

/*
 * The pieces of an exit and an entry, each written once. \base holds the
 * struct vcpu_regs; the caller-saved part is x0-x18 and x30 (x0/x1 were
 * pushed by the vector), the callee-saved part x19-x29 (x19 is stored with
 * x18 by the first, as the base register of the lean IRQ exit).
 */
.macro save_caller_regs base
    stp     x2, x3, [\base, #VCPU_REGS_X + 2 * 8]
    stp     x4, x5, [\base, #VCPU_REGS_X + 4 * 8]
    stp     x6, x7, [\base, #VCPU_REGS_X + 6 * 8]
    stp     x8, x9, [\base, #VCPU_REGS_X + 8 * 8]
    stp     x10, x11, [\base, #VCPU_REGS_X + 10 * 8]
    stp     x12, x13, [\base, #VCPU_REGS_X + 12 * 8]
    stp     x14, x15, [\base, #VCPU_REGS_X + 14 * 8]
    stp     x16, x17, [\base, #VCPU_REGS_X + 16 * 8]
    stp     x18, x19, [\base, #VCPU_REGS_X + 18 * 8]
    str     x30, [\base, #VCPU_REGS_X + 30 * 8]
    ldp     x2, x3, [sp], #16               /* the guest's x0, x1 */
    stp     x2, x3, [\base, #VCPU_REGS_X + 0 * 8]
.endm

/* x20-x29, and ELR_EL2/SPSR_EL2 through the scratch registers \t0 and \t1. */
.macro save_callee_regs_elr base, t0, t1
    stp     x20, x21, [\base, #VCPU_REGS_X + 20 * 8]
    stp     x22, x23, [\base, #VCPU_REGS_X + 22 * 8]
    stp     x24, x25, [\base, #VCPU_REGS_X + 24 * 8]
    stp     x26, x27, [\base, #VCPU_REGS_X + 26 * 8]
    stp     x28, x29, [\base, #VCPU_REGS_X + 28 * 8]
    mrs     \t0, elr_el2
    mrs     \t1, spsr_el2
    stp     \t0, \t1, [\base, #VCPU_REGS_PC]
.endm

/* x0-x17 and x30 from x19 (the base stays). */
.macro load_caller_regs
    ldp     x0, x1, [x19, #VCPU_REGS_X + 0 * 8]
    ldp     x2, x3, [x19, #VCPU_REGS_X + 2 * 8]
    ldp     x4, x5, [x19, #VCPU_REGS_X + 4 * 8]
    ldp     x6, x7, [x19, #VCPU_REGS_X + 6 * 8]
    ldp     x8, x9, [x19, #VCPU_REGS_X + 8 * 8]
    ldp     x10, x11, [x19, #VCPU_REGS_X + 10 * 8]
    ldp     x12, x13, [x19, #VCPU_REGS_X + 12 * 8]
    ldp     x14, x15, [x19, #VCPU_REGS_X + 14 * 8]
    ldp     x16, x17, [x19, #VCPU_REGS_X + 16 * 8]
    ldr     x30, [x19, #VCPU_REGS_X + 30 * 8]
.endm

/*
 * Spectre-v2/BHB on cores that need the firmware for it (vcpu/spectre.c):
 * SMCCC_ARCH_WORKAROUND_1 or _3 invalidates the branch predictors before
 * shrike's first indirect branch. The SMC may clobber x0-x3 and preserves
 * x4-x17 and x19-x29 (SMCCC 1.1); \keep (x20, shrike's once the guest's is
 * stored) carries the exit kind across it, if the caller needs it.
 */
.macro spectre_workaround keep=
    adrp    x2, spectre_exit_fid
    ldr     w2, [x2, :lo12:spectre_exit_fid]
    cbz     w2, 1f
    .ifnb \keep
    mov     \keep, x0
    .endif
    mov     w0, w2
    smc     #0
    .ifnb \keep
    mov     x0, \keep
    .endif
1:
.endm

/* guest_enter()'s return: shrike's callee-saved registers back from the stack. */
.macro return_from_guest_enter
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #96
    ret
.endm

    .text

/* unsigned long guest_enter(struct vcpu_regs *regs) */
    .global guest_enter
guest_enter:
    stp     x29, x30, [sp, #-96]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    mrs     x1, tpidr_el2
    str     x0, [x1, #CPU_GUEST_REGS]
    mov     x19, x0
    b       guest_resume

/*
 * Entered from the lower-EL vectors with the guest's registers live and
 * x0 = exit kind pushed: the vector did "stp x0, x1, [sp, #-16]!; mov x0, #kind".
 * SP_EL2 is where guest_enter left it.
 */
    .global guest_exit
guest_exit:
    mrs     x1, tpidr_el2
    ldr     x1, [x1, #CPU_GUEST_REGS]
    save_caller_regs x1
    save_callee_regs_elr x1, x2, x3
    mov     x19, x1                         /* the vcpu_regs: kept across the SMC and the call */
    spectre_workaround x20
    cbnz    x0, 2f                          /* FIQ or SError: the run loop */
    mov     x0, x19
    bl      trap_exit                       /* EXIT_RESUME, EXIT_SYNC or EXIT_HANDLED */
    tbz     x0, #0, 2f                      /* only EXIT_RESUME has bit 0 set (trap.c) */

/*
 * Loads the guest's registers from x19 (struct vcpu_regs *) and enters it;
 * the lean exit falls through to here. x19 is the base, so it is loaded last.
 */
guest_resume:
    ldp     x1, x2, [x19, #VCPU_REGS_PC]
    msr     elr_el2, x1
    msr     spsr_el2, x2
    load_caller_regs
    ldp     x20, x21, [x19, #VCPU_REGS_X + 20 * 8]
    ldp     x22, x23, [x19, #VCPU_REGS_X + 22 * 8]
    ldp     x24, x25, [x19, #VCPU_REGS_X + 24 * 8]
    ldp     x26, x27, [x19, #VCPU_REGS_X + 26 * 8]
    ldp     x28, x29, [x19, #VCPU_REGS_X + 28 * 8]
    ldp     x18, x19, [x19, #VCPU_REGS_X + 18 * 8]
    eret

/* Back to the run loop (IRQs come in at guest_exit_irq, below). */
2:
    return_from_guest_enter

/*
 * An IRQ from the guest: the vector did "stp x0, x1, [sp, #-16]!". Saves
 * x0-x19 and x30 only (see the top of this file) and calls irq_exit(),
 * which answers EXIT_RESUME or EXIT_HANDLED like trap_exit().
 */
    .global guest_exit_irq
guest_exit_irq:
    mrs     x1, tpidr_el2
    ldr     x1, [x1, #CPU_GUEST_REGS]
    save_caller_regs x1
    mov     x19, x1
    spectre_workaround                      /* x20 is still the guest's: no kind to keep */
    mov     x0, x19
    bl      irq_exit
    tbz     x0, #0, 2f

    /* Resume: the registers saved above, x19 (the base) last. */
    load_caller_regs
    ldp     x18, x19, [x19, #VCPU_REGS_X + 18 * 8]
    eret

    /* To the run loop: the rest of the guest's state first, then guest_enter() returns. */
2:
    save_callee_regs_elr x19, x1, x2
    return_from_guest_enter

/* FP/SIMD state: the guest's, live in hardware while its vCPU is loaded. */
    .arch_extension fp
    .arch_extension simd

/* void fpsimd_save(struct vcpu_fpsimd *fp) */
    .global fpsimd_save
fpsimd_save:
    stp     q0, q1, [x0, #0 * 32]
    stp     q2, q3, [x0, #1 * 32]
    stp     q4, q5, [x0, #2 * 32]
    stp     q6, q7, [x0, #3 * 32]
    stp     q8, q9, [x0, #4 * 32]
    stp     q10, q11, [x0, #5 * 32]
    stp     q12, q13, [x0, #6 * 32]
    stp     q14, q15, [x0, #7 * 32]
    stp     q16, q17, [x0, #8 * 32]
    stp     q18, q19, [x0, #9 * 32]
    stp     q20, q21, [x0, #10 * 32]
    stp     q22, q23, [x0, #11 * 32]
    stp     q24, q25, [x0, #12 * 32]
    stp     q26, q27, [x0, #13 * 32]
    stp     q28, q29, [x0, #14 * 32]
    stp     q30, q31, [x0, #15 * 32]
    mrs     x1, fpsr
    mrs     x2, fpcr
    add     x3, x0, #VCPU_FP_FPSR
    stp     x1, x2, [x3]
    ret

/* void fpsimd_restore(const struct vcpu_fpsimd *fp) */
    .global fpsimd_restore
fpsimd_restore:
    ldp     q0, q1, [x0, #0 * 32]
    ldp     q2, q3, [x0, #1 * 32]
    ldp     q4, q5, [x0, #2 * 32]
    ldp     q6, q7, [x0, #3 * 32]
    ldp     q8, q9, [x0, #4 * 32]
    ldp     q10, q11, [x0, #5 * 32]
    ldp     q12, q13, [x0, #6 * 32]
    ldp     q14, q15, [x0, #7 * 32]
    ldp     q16, q17, [x0, #8 * 32]
    ldp     q18, q19, [x0, #9 * 32]
    ldp     q20, q21, [x0, #10 * 32]
    ldp     q22, q23, [x0, #11 * 32]
    ldp     q24, q25, [x0, #12 * 32]
    ldp     q26, q27, [x0, #13 * 32]
    ldp     q28, q29, [x0, #14 * 32]
    ldp     q30, q31, [x0, #15 * 32]
    add     x3, x0, #VCPU_FP_FPSR
    ldp     x1, x2, [x3]
    msr     fpsr, x1
    msr     fpcr, x2
    ret
