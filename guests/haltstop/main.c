/*
 * haltstop: a request that ends a vCPU's halt reaches the run loop. vCPU 1,
 * alone on CPU 1, masks its IRQs and executes WFI once: the trap halts it in
 * place (VM_WFI_TRAP) or polls (VM_WFI_POLL), and nothing is pending, so it
 * waits. Then it spins for good, IRQs still masked, on a CPU with no timer
 * armed (a lone vCPU is tickless): from then on only a kick makes it exit.
 * vCPU 0 waits a while and returns, so the runtime powers the VM off: the
 * stop request to vCPU 1 kicks its CPU while it is still halted. The VM
 * must power off; if the halt swallowed the request and re-entered the
 * guest, vCPU 1 would spin on and the VM never stop.
 *
 * The specs run under -icount, so that what happens first does not depend on
 * the host: the waits YIELD, which ends a CPU's turn in QEMU's round robin
 * (a plain spin would keep it until the next timer deadline of any CPU, and
 * CPU 1 is tickless), and vCPU 1 reaches its WFI in its first turn after
 * setting the flag that vCPU 0 waits for.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"

#define DELAY_SPINS 5000000UL

static volatile unsigned in_wfi;

static void waiter(unsigned me)
{
    (void)me;
    irq_local_disable();
    in_wfi = 1;
    __asm__ __volatile__("dsb ish\n\twfi" : : : "memory");
    for (;;) {
        __asm__ __volatile__("yield" : : : "memory");
    }
}

void guest_main(void)
{
    CHECK_EQ(guest_cpu_on(1, waiter), 0, "vCPU 1 started");
    while (!in_wfi) {
        __asm__ __volatile__("yield" : : : "memory");
    }
    for (volatile unsigned long i = 0; i < DELAY_SPINS; i++) {
    }
    CHECK(in_wfi, "vCPU 1 reached its WFI");
}
