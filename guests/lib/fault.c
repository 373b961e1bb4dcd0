/*
 * The C side of the EL1 vectors (see fault.h): expected faults are recorded
 * and stepped over, IRQs go to the registered handler, anything else is
 * reported and the VM powered off so that the test fails visibly.
 */
#include "guests/lib/fault.h"

#include <stdbool.h>
#include <stddef.h>

#include "guests/lib/arch.h"
#include "guests/lib/console.h"
#include "guests/lib/smccc.h"

/* More than this many faults under one fault_expect() is a loop, not a test. */
#define FAULT_MAX_PER_ARM 64

#define VECTOR_SYNC_SPX 4
#define VECTOR_IRQ_SPX  5
#define VECTOR_SYNC_EL0 8 /* lower EL, AArch64 */

static struct fault_record *armed[GUEST_MAX_VCPUS];
static void (*irq_handler)(struct exc_frame *frame);

static const char *const vector_names[16] = {
    "sync EL1t",   "IRQ EL1t",    "FIQ EL1t",    "SError EL1t",   "sync EL1h",  "IRQ EL1h",
    "FIQ EL1h",    "SError EL1h", "sync EL0/64", "IRQ EL0/64",    "FIQ EL0/64", "SError EL0/64",
    "sync EL0/32", "IRQ EL0/32",  "FIQ EL0/32",  "SError EL0/32",
};

void fault_expect(struct fault_record *rec)
{
    unsigned idx = guest_vcpu_index();

    rec->count = 0;
    rec->ec = 0;
    rec->esr = 0;
    rec->far = 0;
    rec->elr = 0;
    if (idx < GUEST_MAX_VCPUS) {
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        armed[idx] = rec;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
    }
}

unsigned fault_expect_end(void)
{
    unsigned idx = guest_vcpu_index();
    struct fault_record *rec;

    if (idx >= GUEST_MAX_VCPUS || armed[idx] == NULL) {
        return 0;
    }
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    rec = armed[idx];
    armed[idx] = NULL;
    return rec->count;
}

void irq_set_handler(void (*fn)(struct exc_frame *frame))
{
    irq_handler = fn;
}

static void (*el0_sync_handler)(struct exc_frame *frame);

void el0_sync_set_handler(void (*fn)(struct exc_frame *frame))
{
    el0_sync_handler = fn;
}

__attribute__((noreturn)) static void unexpected(const struct exc_frame *f, unsigned kind)
{
    console_emergency("unexpected exception: EC 0x%02x ESR 0x%lx ELR 0x%lx FAR 0x%lx\n",
                      esr_ec(f->esr), f->esr, f->elr, f->far);
    console_emergency("  vector %u (%s) on vcpu %u, SPSR 0x%lx, x30 0x%lx, SP 0x%lx\n", kind,
                      vector_names[kind % 16], guest_vcpu_index(), f->spsr, f->x[30],
                      (uint64_t)(uintptr_t)(f + 1));
    psci_system_off();
}

static bool record_fault(struct exc_frame *f)
{
    unsigned idx = guest_vcpu_index();
    struct fault_record *rec = idx < GUEST_MAX_VCPUS ? armed[idx] : NULL;
    unsigned ec = esr_ec(f->esr);

    if (rec == NULL || rec->count >= FAULT_MAX_PER_ARM) {
        return false;
    }
    rec->count++;
    rec->ec = ec;
    rec->esr = f->esr;
    rec->far = f->far;
    rec->elr = f->elr;
    if (ec == EC_IABT_CUR || ec == EC_IABT_LOWER) {
        f->elr = f->x[30]; /* a call to a bad address returns to its caller */
    } else {
        f->elr += 4;
    }
    return true;
}

void guest_exception(struct exc_frame *frame, unsigned kind)
{
    if (kind == VECTOR_SYNC_SPX && record_fault(frame)) {
        return;
    }
    if (kind == VECTOR_SYNC_EL0 && el0_sync_handler != NULL) {
        el0_sync_handler(frame);
        return;
    }
    if (kind == VECTOR_IRQ_SPX && irq_handler != NULL) {
        irq_handler(frame);
        return;
    }
    unexpected(frame, kind);
}
