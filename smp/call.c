/* Cross-CPU calls (see call.h). */
#include "smp/call.h"

#include "kernel/check.h"
#include "kernel/cpu.h"
#include "smp/ipi.h"

enum { SLOT_FREE = 0, SLOT_PENDING = 1 };

struct call_slot {
    smp_call_fn fn;
    void *arg;
    unsigned state;
};

static struct call_slot slots[CONFIG_MAX_CPUS][CONFIG_MAX_CPUS]; /* [target][sender] */

static void wait_free(struct call_slot *slot)
{
    while (__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) != SLOT_FREE) {
        wfe();
    }
}

void smp_call(unsigned cpu, smp_call_fn fn, void *arg, bool wait)
{
    unsigned me = this_cpu_id();
    CHECK(cpu < cpu_count);
    if (cpu == me) {
        fn(arg);
        return;
    }
    struct call_slot *slot = &slots[cpu][me];
    wait_free(slot);
    slot->fn = fn;
    slot->arg = arg;
    __atomic_store_n(&slot->state, SLOT_PENDING, __ATOMIC_RELEASE);
    ipi_send(cpu, IPI_CALL);
    if (wait) {
        wait_free(slot);
    }
}

void smp_call_ipi(unsigned intid, void *ctx)
{
    (void)intid;
    (void)ctx;
    unsigned me = this_cpu_id();
    for (unsigned sender = 0; sender < cpu_count; sender++) {
        struct call_slot *slot = &slots[me][sender];
        if (__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) != SLOT_PENDING) {
            continue;
        }
        smp_call_fn fn = slot->fn;
        void *arg = slot->arg;
        fn(arg);
        __atomic_store_n(&slot->state, SLOT_FREE, __ATOMIC_RELEASE);
        sev();
    }
}
