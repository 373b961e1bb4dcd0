/*
 * A vector table for irqbench's timer latencies: every entry branches to the
 * runtime's own vector (guests/lib/vectors.S) at the same offset, but the
 * IRQ entry from the current EL (SP_EL1) first reads CNTVCT_EL0 into
 * TPIDRRO_EL0, so that the latency ends at the guest's first IRQ-vector
 * instruction rather than in its C handler. The read is the vector's second
 * instruction (the first parks x0 in TPIDR_EL0): irqbench subtracts one.
 * Nothing else in a test guest uses TPIDR_EL0 or TPIDRRO_EL0.
 */
.macro forward n
    .balign 0x80
    b       guest_vectors + \n * 0x80
.endm

    .text
    .balign 0x800
    .global stamp_vectors
stamp_vectors:
    forward 0
    forward 1
    forward 2
    forward 3
    forward 4
    .balign 0x80            /* current EL, SP_EL1: IRQ */
    msr     tpidr_el0, x0
    mrs     x0, cntvct_el0
    msr     tpidrro_el0, x0
    mrs     x0, tpidr_el0
    b       guest_vectors + 5 * 0x80
    forward 6
    forward 7
    forward 8
    forward 9
    forward 10
    forward 11
    forward 12
    forward 13
    forward 14
    forward 15
