/*
 * The register frame that vectors.S saves for an exception taken at EL2, and
 * the C entry points it calls.
 */
#ifndef SHRIKE_KERNEL_EXCEPTION_H
#define SHRIKE_KERNEL_EXCEPTION_H

#include <stdint.h>

struct el2_frame {
    uint64_t x[31];
    uint64_t sp; /* stack pointer at the time of the exception */
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
    uint64_t far;
};

/* Which of the 16 vector entries was taken (vectors.S passes it). */
enum vector_kind {
    VEC_CUR_SP0_SYNC,
    VEC_CUR_SP0_IRQ,
    VEC_CUR_SP0_FIQ,
    VEC_CUR_SP0_SERROR,
    VEC_CUR_SPX_SYNC,
    VEC_CUR_SPX_IRQ,
    VEC_CUR_SPX_FIQ,
    VEC_CUR_SPX_SERROR,
    VEC_LOW64_SYNC,
    VEC_LOW64_IRQ,
    VEC_LOW64_FIQ,
    VEC_LOW64_SERROR,
    VEC_LOW32_SYNC,
    VEC_LOW32_IRQ,
    VEC_LOW32_FIQ,
    VEC_LOW32_SERROR,
    VEC_KIND_COUNT,
};

/* Prints the decoded report, stops this CPU and the others. Never returns. */
_Noreturn void el2_fatal_exception(struct el2_frame *frame, unsigned kind);

/* An IRQ taken while running at EL2 (idle loop, or interrupts unmasked in EL2 code). */
void el2_irq(struct el2_frame *frame);

#endif
