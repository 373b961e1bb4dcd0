/*
 * EL2 entry: the boot CPU from QEMU's ELF load (x0 = host DTB), secondaries
 * from PSCI CPU_ON (x0 = logical CPU index, the context id we passed). Both
 * arrive with the MMU off; this file sets up the stack, TPIDR_EL2 and
 * VBAR_EL2 and calls C. Everything else happens in kernel/main.c.
 */
#include "asm-offsets.h"

#define SCTLR_EL2_RES1 0x30C50830

    .section .text.boot, "ax"
    .global _start
_start:
    mov     x19, x0                 /* keep the DTB pointer */
    mrs     x1, CurrentEL
    cmp     x1, #(2 << 2)
    b.ne    not_el2

    /* Known SCTLR_EL2: MMU, caches and alignment checks off until C builds tables. */
    ldr     x1, =SCTLR_EL2_RES1
    msr     sctlr_el2, x1
    isb

    /* Clear BSS before any C code runs. */
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:
    mov     x0, #0
    bl      cpu_entry_setup
    mov     x0, x19
    bl      boot_main
    b       park

    .global secondary_entry
secondary_entry:
    mov     x19, x0                 /* logical CPU index */
    ldr     x1, =SCTLR_EL2_RES1
    msr     sctlr_el2, x1
    isb
    bl      cpu_entry_setup
    mov     x0, x19
    bl      secondary_main
    b       park

/*
 * x0 = logical CPU index. Points SP at that CPU's stack, TPIDR_EL2 at its
 * struct cpu and VBAR_EL2 at the vectors. Clobbers x1-x3 and does not touch
 * memory, so that it is safe before BSS is cleared.
 */
cpu_entry_setup:
    adrp    x1, cpu_stacks
    add     x1, x1, :lo12:cpu_stacks
    ldr     x2, =CPU_STACK_SIZE
    madd    x1, x0, x2, x1
    ldr     x2, =CPU_STACK_STACK_END
    add     x1, x1, x2
    mov     sp, x1

    adrp    x1, cpus
    add     x1, x1, :lo12:cpus
    mov     x2, #CPU_SIZE
    madd    x1, x0, x2, x1
    msr     tpidr_el2, x1

    adrp    x1, el2_vectors
    add     x1, x1, :lo12:el2_vectors
    msr     vbar_el2, x1
    isb
    ret

not_el2:
park:
    msr     daifset, #0xf
3:  wfi
    b       3b
