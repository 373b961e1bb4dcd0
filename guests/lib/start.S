/*
 * Entry points of a test guest. _start is the first byte of the image: vCPU 0
 * arrives here with x0 = the VM's DTB, MMU off, DAIF masked, at EL1h.
 * guest_secondary_entry is the PSCI CPU_ON entry for the other vCPUs (x0 =
 * context id = vCPU index). Both set SP to their vCPU's stack and VBAR_EL1;
 * secondaries also turn the MMU on here, with the tables vCPU 0 built, without
 * touching memory first (with the MMU off their accesses would bypass caches
 * that vCPU 0's writes may still sit in).
 */
#include "guests/lib/arch.h"

#define PSCI_CPU_OFF 0x84000002

    .section .text.boot, "ax"
    .global _start
_start:
    /*
     * An arm64 Image header (Linux's Documentation/arch/arm64/booting.rst), so
     * that a loader knows the footprint, BSS included, and puts the DTB above
     * it: shrike and QEMU's -kernel both read image_size.
     */
    b       1f                      /* code0/code1 */
    .long   0
    .quad   0x80000                 /* text_offset: GUEST_IMAGE_OFFSET, guest.ld links at RAM + 512 KiB */
    .quad   __image_size            /* image_size: guest.ld */
    .quad   0x2                     /* flags: little-endian, 4 KiB pages, at the base of RAM */
    .quad   0, 0, 0                 /* res2..res4 */
    .ascii  "ARM\x64"               /* magic */
    .long   0                       /* res5 */
1:  msr     daifset, #0xf
    mov     x19, x0                 /* the DTB pointer, for guest_main_entry */
    ldr     x1, =SCTLR_EL1_RES1     /* MMU and caches off, a known state */
    msr     sctlr_el1, x1
    isb

    /* Write back and drop any cached copy of the image and BSS (a previous boot's,
     * after a reset): until the MMU is on, accesses go straight to memory. */
    adrp    x0, __image_start
    add     x0, x0, :lo12:__image_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
    bl      dcache_clean_inval_range

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
    bl      vcpu_setup
    mov     x0, x19
    bl      guest_main_entry
    b       park

    .text
    .global guest_secondary_entry
guest_secondary_entry:
    msr     daifset, #0xf
    mov     x19, x0                 /* context id = vCPU index */
    ldr     x1, =SCTLR_EL1_RES1
    msr     sctlr_el1, x1
    isb
    cmp     x19, #GUEST_MAX_VCPUS
    b.hs    off
    bl      vcpu_setup
    bl      guest_mmu_enable
    mov     x0, x19
    bl      guest_secondary_main
    b       park

/* x0 = vCPU index: SP at the top of that vCPU's stack, VBAR_EL1. Leaf; no memory access. */
vcpu_setup:
    adrp    x1, guest_stacks
    add     x1, x1, :lo12:guest_stacks
    add     x2, x0, #1
    mov     x3, #GUEST_STACK_SIZE
    madd    x1, x2, x3, x1
    mov     sp, x1
    adrp    x1, guest_vectors
    add     x1, x1, :lo12:guest_vectors
    msr     vbar_el1, x1
    isb
    ret

/*
 * Loads MAIR/TCR/TTBR0_EL1 (tables: guest_pgd) and turns on the MMU and the
 * caches on this vCPU. Leaf; touches no memory. TCR.IPS follows the PARange the
 * vCPU reports, capped at 48 bits.
 */
    .global guest_mmu_enable
guest_mmu_enable:
    ic      iallu
    tlbi    vmalle1
    dsb     nsh
    ldr     x1, =MAIR_EL1_VALUE
    msr     mair_el1, x1
    mrs     x2, id_aa64mmfr0_el1
    and     x2, x2, #0xf
    mov     x3, #5
    cmp     x2, x3
    csel    x2, x2, x3, ls
    ldr     x1, =TCR_EL1_VALUE
    orr     x1, x1, x2, lsl #TCR_IPS_SHIFT
    msr     tcr_el1, x1
    adrp    x1, guest_pgd
    add     x1, x1, :lo12:guest_pgd
    msr     ttbr0_el1, x1
    isb
    ldr     x1, =SCTLR_EL1_ON
    msr     sctlr_el1, x1
    isb
    ret

/* Clean and invalidate [x0, x1) to the point of coherency. Leaf; clobbers x0-x3. */
dcache_clean_inval_range:
    mrs     x3, ctr_el0
    ubfx    x3, x3, #16, #4         /* DminLine: log2 of the line size in words */
    mov     x2, #4
    lsl     x2, x2, x3
    sub     x3, x2, #1
    bic     x0, x0, x3
3:  cmp     x0, x1
    b.hs    4f
    dc      civac, x0
    add     x0, x0, x2
    b       3b
4:  dsb     sy
    ret

/* A bad context id: switch this vCPU off. If that fails, or the main function returned: park. */
off:
    ldr     x0, =PSCI_CPU_OFF
    hvc     #0
park:
    msr     daifset, #0xf
5:  wfi
    b       5b
