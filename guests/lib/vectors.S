/*
 * The 16 EL1 vectors of a test guest. Every entry saves a full frame (x0-x30,
 * ELR, SPSR, ESR, FAR; struct exc_frame in fault.h) on the current stack and
 * calls guest_exception(frame, vector number); on return ELR and SPSR are
 * reloaded from the frame (the handler may have moved ELR) and the registers
 * restored. ELR and SPSR are on the stack before any C runs, so a handler may
 * unmask IRQs (irq_enable_nesting() in gic.h) and take nested ones; the exit
 * path masks them again before it reloads ELR_EL1/SPSR_EL1.
 */
#include "guests/lib/fault.h"

.macro ventry kind
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x0, #\kind
    b       exc_common
.endm

    .text
    .balign 0x800
    .global guest_vectors
guest_vectors:
    ventry 0    /* current EL, SP_EL0: sync, IRQ, FIQ, SError */
    ventry 1
    ventry 2
    ventry 3
    ventry 4    /* current EL, SP_ELx */
    ventry 5
    ventry 6
    ventry 7
    ventry 8    /* lower EL, AArch64 */
    ventry 9
    ventry 10
    ventry 11
    ventry 12   /* lower EL, AArch32 */
    ventry 13
    ventry 14
    ventry 15

exc_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    mrs     x1, elr_el1
    mrs     x2, spsr_el1
    stp     x1, x2, [sp, #FRAME_ELR]
    mrs     x1, esr_el1
    mrs     x2, far_el1
    stp     x1, x2, [sp, #FRAME_ESR]

    mov     x1, x0
    mov     x0, sp
    bl      guest_exception

    msr     daifset, #0xf           /* no exception between here and eret (ERET restores DAIF) */
    ldp     x1, x2, [sp, #FRAME_ELR]
    msr     elr_el1, x1
    msr     spsr_el1, x2
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #FRAME_SIZE
    eret
