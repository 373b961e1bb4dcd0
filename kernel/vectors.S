/*
 * The 16 EL2 exception vectors. Exceptions from a lower EL are guest exits
 * (vcpu/entry.S, exit kind = sync/IRQ/FIQ/SError, from AArch64 or AArch32
 * EL0 alike). IRQs taken at EL2 (SP_EL2) are handled and return. Every other
 * entry is unexpected and goes to the fatal path, which switches to this
 * CPU's guarded panic stack first so that even a stack overflow gets its
 * report.
 */
#include "asm-offsets.h"

/* A guest exit: push the guest's x0/x1, x0 = exit kind, continue in vcpu/entry.S. */
.macro guest_vector kind
    .balign 128
    stp     x0, x1, [sp, #-16]!
    mov     x0, #\kind
    b       guest_exit
.endm

/* A guest's IRQ: the lean exit (vcpu/entry.S) knows its kind. */
.macro guest_irq_vector
    .balign 128
    stp     x0, x1, [sp, #-16]!
    b       guest_exit_irq
.endm

/* x0 = vector kind (enum vector_kind); the interrupted x0 is parked in TPIDR_EL0. */
.macro fatal_vector kind
    .balign 128
    msr     tpidr_el0, x0
    mov     x0, #\kind
    b       fatal_common
.endm

.macro save_frame
    stp     x0, x1, [sp, #FRAME_X0 + 0 * 8]
    stp     x2, x3, [sp, #FRAME_X0 + 2 * 8]
    stp     x4, x5, [sp, #FRAME_X0 + 4 * 8]
    stp     x6, x7, [sp, #FRAME_X0 + 6 * 8]
    stp     x8, x9, [sp, #FRAME_X0 + 8 * 8]
    stp     x10, x11, [sp, #FRAME_X0 + 10 * 8]
    stp     x12, x13, [sp, #FRAME_X0 + 12 * 8]
    stp     x14, x15, [sp, #FRAME_X0 + 14 * 8]
    stp     x16, x17, [sp, #FRAME_X0 + 16 * 8]
    stp     x18, x19, [sp, #FRAME_X0 + 18 * 8]
    stp     x20, x21, [sp, #FRAME_X0 + 20 * 8]
    stp     x22, x23, [sp, #FRAME_X0 + 22 * 8]
    stp     x24, x25, [sp, #FRAME_X0 + 24 * 8]
    stp     x26, x27, [sp, #FRAME_X0 + 26 * 8]
    stp     x28, x29, [sp, #FRAME_X0 + 28 * 8]
    str     x30, [sp, #FRAME_X0 + 30 * 8]
.endm

.macro restore_frame
    ldp     x2, x3, [sp, #FRAME_X0 + 2 * 8]
    ldp     x4, x5, [sp, #FRAME_X0 + 4 * 8]
    ldp     x6, x7, [sp, #FRAME_X0 + 6 * 8]
    ldp     x8, x9, [sp, #FRAME_X0 + 8 * 8]
    ldp     x10, x11, [sp, #FRAME_X0 + 10 * 8]
    ldp     x12, x13, [sp, #FRAME_X0 + 12 * 8]
    ldp     x14, x15, [sp, #FRAME_X0 + 14 * 8]
    ldp     x16, x17, [sp, #FRAME_X0 + 16 * 8]
    ldp     x18, x19, [sp, #FRAME_X0 + 18 * 8]
    ldp     x20, x21, [sp, #FRAME_X0 + 20 * 8]
    ldp     x22, x23, [sp, #FRAME_X0 + 22 * 8]
    ldp     x24, x25, [sp, #FRAME_X0 + 24 * 8]
    ldp     x26, x27, [sp, #FRAME_X0 + 26 * 8]
    ldp     x28, x29, [sp, #FRAME_X0 + 28 * 8]
    ldr     x30, [sp, #FRAME_X0 + 30 * 8]
    ldp     x0, x1, [sp, #FRAME_X0 + 0 * 8]
.endm

    .section .text.vectors, "ax"
    .balign 2048
    .global el2_vectors
el2_vectors:
    fatal_vector 0          /* current EL, SP_EL0: sync */
    fatal_vector 1          /* irq */
    fatal_vector 2          /* fiq */
    fatal_vector 3          /* serror */
    fatal_vector 4          /* current EL, SP_EL2: sync */
    .balign 128
    b       el2_irq_entry   /* irq */
    fatal_vector 6          /* fiq */
    fatal_vector 7          /* serror */
    guest_vector 0          /* lower EL, AArch64: sync */
    guest_irq_vector        /* irq */
    guest_vector 2         /* fiq */
    guest_vector 3         /* serror */
    guest_vector 0         /* lower EL, AArch32: sync */
    guest_irq_vector       /* irq */
    guest_vector 2         /* fiq */
    guest_vector 3         /* serror */

el2_irq_entry:
    sub     sp, sp, #FRAME_SIZE
    save_frame
    mrs     x0, elr_el2
    mrs     x1, spsr_el2
    stp     x0, x1, [sp, #FRAME_ELR]
    mov     x0, sp
    bl      el2_irq
    ldp     x0, x1, [sp, #FRAME_ELR]
    msr     elr_el2, x0
    msr     spsr_el2, x1
    restore_frame
    add     sp, sp, #FRAME_SIZE
    eret

/*
 * x0 = kind, original x0 in TPIDR_EL0. Move to the panic stack (the current
 * one may be what overflowed), build a frame and report.
 */
fatal_common:
    msr     tpidrro_el0, x0
    mov     x0, sp
    msr     sp_el0, x0
    mrs     x0, tpidr_el2
    ldr     x0, [x0, #CPU_PANIC_SP]
    mov     sp, x0
    sub     sp, sp, #FRAME_SIZE
    mrs     x0, tpidr_el0
    save_frame
    mrs     x0, sp_el0
    str     x0, [sp, #FRAME_SP]
    mrs     x0, elr_el2
    mrs     x1, spsr_el2
    stp     x0, x1, [sp, #FRAME_ELR]
    mrs     x0, esr_el2
    mrs     x1, far_el2
    stp     x0, x1, [sp, #FRAME_ESR]
    mov     x0, sp
    mrs     x1, tpidrro_el0
    mov     x29, #0                 /* end of the frame-pointer chain */
    bl      el2_fatal_exception
1:  wfi
    b       1b
