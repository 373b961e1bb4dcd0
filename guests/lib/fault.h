/*
 * Exceptions in a test guest: the frame the vectors save, the faults a test
 * provokes on purpose (struct fault_record, fault_expect()), the IRQ hook and
 * the report for anything unexpected, which powers the VM off.
 */
#ifndef SHRIKE_GUESTS_LIB_FAULT_H
#define SHRIKE_GUESTS_LIB_FAULT_H

/* Frame layout, shared with vectors.S. */
#define FRAME_X0   0
#define FRAME_ELR  248
#define FRAME_SPSR 256
#define FRAME_ESR  264
#define FRAME_FAR  272
#define FRAME_SIZE 288

/* Exception classes (ESR_EL1.EC) the tests look for. */
#define EC_UNKNOWN    0x00 /* UNDEF, including an unemulated trapped system register */
#define EC_IABT_LOWER 0x20
#define EC_IABT_CUR   0x21 /* instruction abort taken from EL1 to EL1 */
#define EC_DABT_LOWER 0x24
#define EC_DABT_CUR   0x25 /* data abort taken from EL1 to EL1 */

#ifndef __ASSEMBLER__

#include <stdint.h>

struct exc_frame {
    uint64_t x[31];
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
    uint64_t far;
    uint64_t pad;
};

_Static_assert(sizeof(struct exc_frame) == FRAME_SIZE, "frame size");
_Static_assert(__builtin_offsetof(struct exc_frame, elr) == FRAME_ELR, "frame elr");
_Static_assert(__builtin_offsetof(struct exc_frame, far) == FRAME_FAR, "frame far");

/* What the sync handler recorded while a record was armed: count and the last fault. */
struct fault_record {
    unsigned count;
    unsigned ec;  /* ESR_EL1.EC of the last fault */
    uint64_t esr; /* ESR_EL1 */
    uint64_t far; /* FAR_EL1 */
    uint64_t elr; /* ELR_EL1 as taken (the faulting instruction) */
};

/*
 * Arms rec (cleared here) for this vCPU: every synchronous exception until
 * fault_expect_end() is recorded in it instead of being fatal. The handler
 * then skips the faulting instruction (ELR += 4), except for an instruction
 * abort, which resumes at the saved x30: a `blr` to a bad address "returns".
 */
void fault_expect(struct fault_record *rec);

/* Disarms this vCPU's record; returns its count. */
unsigned fault_expect_end(void);

/* ESR_EL1.EC of an ESR value. */
static inline unsigned esr_ec(uint64_t esr)
{
    return (unsigned)(esr >> 26) & 0x3F;
}

/* Called for IRQs taken at EL1 (IRQs stay masked unless a guest unmasks them). */
void irq_set_handler(void (*fn)(struct exc_frame *frame));

/*
 * A synchronous exception from EL0 (an SVC, or an instruction EL0 may not
 * execute) calls fn with the frame, which it may change to choose where and
 * at which EL the exception returns; without a handler it is unexpected.
 */
void el0_sync_set_handler(void (*fn)(struct exc_frame *frame));

/* Called by vectors.S; kind is the vector number, 0..15. */
void guest_exception(struct exc_frame *frame, unsigned kind);

#endif /* !__ASSEMBLER__ */

#endif
