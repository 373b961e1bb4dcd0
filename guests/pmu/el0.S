/*
 * EL0 for the pmu guest: el0_run(va) erets to EL0 at va (DAIF masked) and
 * returns when the EL0 code's SVC (or its fault) comes back: the guest's
 * EL0 sync handler sends the exception return to el0_resume at EL1h, with
 * SP_EL1 as it was here. The snippets sit in their own page, which the guest
 * maps for EL0 at an alias.
 */
    .text
    .global el0_run
el0_run:
    stp     x29, x30, [sp, #-16]!
    msr     elr_el1, x0
    mov     x1, #0x3c0              /* SPSR: EL0t, D, A, I, F masked */
    msr     spsr_el1, x1
    isb
    eret
    .global el0_resume
el0_resume:
    ldp     x29, x30, [sp], #16
    ret

    .balign 4096
    .global el0_page
el0_page:
    .global el0_read_ccntr
el0_read_ccntr:
    mrs     x0, pmccntr_el0
    svc     #0
    .global el0_read_evcntr0
el0_read_evcntr0:
    mrs     x0, pmevcntr0_el0
    svc     #0
    .global el0_read_pmcr
el0_read_pmcr:
    mrs     x0, pmcr_el0
    svc     #0
    .balign 4096
