/*
 * unsigned gpr_hold(unsigned long iterations): fills x1-x30 with a pattern
 * of their own (register n: 0xA5n0...0n), spins `iterations` times on x0
 * alone, then returns the number of registers that no longer hold their
 * pattern (0 when every exit and switch meanwhile kept them). The caller's
 * IRQs are masked, so the guest's own handlers never run in between: every
 * interrupt is taken by shrike and shows only as an exit.
 */
    .text
    .global gpr_hold
gpr_hold:
    stp     x29, x30, [sp, #-96]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    movz    x\n, #(0xA500 + \n), lsl #48
    movk    x\n, #\n
    .endr
1:
    subs    x0, x0, #1
    b.ne    1b
    /* x0 (0 now) counts the mismatches; x30 is the scratch once its own value is saved. */
    str     x30, [sp, #-16]!
    .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29
    movz    x30, #(0xA500 + \n), lsl #48
    movk    x30, #\n
    cmp     x\n, x30
    cinc    x0, x0, ne
    .endr
    ldr     x1, [sp], #16
    movz    x30, #(0xA500 + 30), lsl #48
    movk    x30, #30
    cmp     x1, x30
    cinc    x0, x0, ne
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #96
    ret
