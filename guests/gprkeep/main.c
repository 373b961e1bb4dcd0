/*
 * gprkeep: a guest's general-purpose registers survive every kind of exit.
 * vCPUs 0 and 2 share CPU 0 and each holds a pattern in x1-x30 through a
 * long spin with its IRQs masked (gpr_hold, hold.S), so the two preempt each
 * other at every slice (an IRQ exit that goes to the run loop, a put and a
 * load); vCPU 1, alone on CPU 1, sends them SGIs all the while, so CPU 0
 * also takes kick IPIs that resume the guest at once (the lean IRQ exit,
 * which leaves x20-x29, ELR and SPSR in their registers: vcpu/entry.S).
 * Each holder reports the registers it found changed: 0.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"

#define SPINS    20000000UL
#define SGI_KICK 1

unsigned gpr_hold(unsigned long iterations);

static volatile unsigned holders_done;
static volatile unsigned long sgis_sent;

static void on_sgi(unsigned intid)
{
    (void)intid;
}

static void hold(unsigned me)
{
    gic_enable(SGI_KICK); /* this vCPU's own: deliverable, so every SGI kicks its CPU */
    irq_local_disable();
    unsigned bad = gpr_hold(SPINS);
    CHECK_EQ(bad, 0, "vcpu %u: x1-x30 kept across its exits (%u changed)", me, bad);
    __atomic_fetch_add(&holders_done, 1, __ATOMIC_RELEASE);
}

static void holder2(unsigned me)
{
    gic_cpu_init();
    hold(me);
    for (;;) {
        __asm__ __volatile__("wfi");
    }
}

static void sender(unsigned me)
{
    (void)me;
    gic_cpu_init();
    while (__atomic_load_n(&holders_done, __ATOMIC_ACQUIRE) < 2) {
        gic_send_sgi(SGI_KICK, 0);
        gic_send_sgi(SGI_KICK, 2);
        sgis_sent = sgis_sent + 2;
    }
    __atomic_fetch_add(&holders_done, 1, __ATOMIC_RELEASE);
    for (;;) {
        __asm__ __volatile__("wfi");
    }
}

void guest_main(void)
{
    if (!CHECK_EQ(gic_init(), 0, "GIC up")) {
        return;
    }
    gic_set_handler(SGI_KICK, on_sgi);
    CHECK_EQ(guest_cpu_on(1, sender), 0, "vCPU 1 (sender) started");
    CHECK_EQ(guest_cpu_on(2, holder2), 0, "vCPU 2 (holder) started");
    hold(0);
    while (__atomic_load_n(&holders_done, __ATOMIC_ACQUIRE) < 3) {
    }
    printf("gprkeep: sgis_sent=%lu\n", sgis_sent);
}
