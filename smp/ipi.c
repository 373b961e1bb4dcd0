/* shrike's own SGIs (see ipi.h). */
#include "smp/ipi.h"
#include "smp/ipi_kick.h"

#include "kernel/check.h"
#include "kernel/cpu.h"
#include "kernel/gic.h"
#include "kernel/irq.h"
#include "kernel/panic.h"
#include "smp/call.h"

static void ipi_stop(unsigned intid, void *ctx)
{
    (void)intid;
    (void)ctx;
    panic_stop_this_cpu();
}

unsigned long ipi_kicks_sent(unsigned cpu)
{
    return cpu < CONFIG_MAX_CPUS ? __atomic_load_n(&cpus[cpu].kicks_sent, __ATOMIC_RELAXED) : 0;
}

unsigned long ipi_kicks_taken(unsigned cpu)
{
    return cpu < CONFIG_MAX_CPUS ? __atomic_load_n(&cpus[cpu].kicks_taken, __ATOMIC_RELAXED) : 0;
}

static void on_kick(unsigned intid, void *ctx)
{
    (void)intid;
    (void)ctx;
    this_cpu()->kicks_taken++;
    /* Taking the interrupt is the point: the exit path re-evaluates what to run. */
}

void ipi_cpu_init(void)
{
    if (this_cpu_id() == 0) {
        CHECK(irq_register(IPI_CALL, smp_call_ipi, 0));
        CHECK(irq_register(IPI_STOP, ipi_stop, 0));
        CHECK(irq_register(IPI_KICK, on_kick, 0));
        irq_set_lines_only(IPI_KICK); /* it only counts: the lean IRQ exit takes it */
    }
    for (unsigned sgi = 0; sgi < IPI_COUNT; sgi++) {
        gic_enable_irq(sgi, GIC_PRIO_IPI);
    }
}

/* Racing first sends store the same value. */
uint64_t ipi_route_slow(unsigned cpu)
{
    uint64_t route = gicv3_sgi_route(cpus[cpu].mpidr);
    __atomic_store_n(&cpus[cpu].sgi_route, route, __ATOMIC_RELAXED);
    return route;
}

void ipi_send(unsigned cpu, enum ipi ipi)
{
    if (ipi == IPI_KICK) {
        ipi_kick(cpu);
        return;
    }
    if (gic_host_v2) {
        gicv2_send_sgi(ipi, cpus[cpu].mpidr);
        return;
    }
    gicv3_send_sgi_routed(ipi, ipi_route(cpu));
}
