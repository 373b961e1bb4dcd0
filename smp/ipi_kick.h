/*
 * IPI_KICK to another CPU, inline: the path of every interrupt a guest sends
 * to a vCPU running elsewhere (vcpu/vm.c, vgic_kick), and of the scheduler's
 * kicks through ipi_send(). Hypervisor code only (it reads struct cpu).
 */
#ifndef SHRIKE_SMP_IPI_KICK_H
#define SHRIKE_SMP_IPI_KICK_H

#include "kernel/cpu.h"
#include "kernel/gic.h"
#include "smp/ipi.h"

/* The route to cpu, computed at its first IPI (0 is no route: one always has a TargetList bit). */
uint64_t ipi_route_slow(unsigned cpu);

/* GICv3: the ICC_SGI1R_EL1 route to cpu, but the INTID. */
static inline uint64_t ipi_route(unsigned cpu)
{
    uint64_t route = __atomic_load_n(&cpus[cpu].sgi_route, __ATOMIC_RELAXED);
    return route != 0 ? route : ipi_route_slow(cpu);
}

static inline void ipi_kick(unsigned cpu)
{
    __atomic_fetch_add(&cpus[cpu].kicks_sent, 1, __ATOMIC_RELAXED);
    if (gic_host_v2) {
        gicv2_send_sgi(IPI_KICK, cpus[cpu].mpidr);
        return;
    }
    gicv3_send_sgi_routed(IPI_KICK, ipi_route(cpu));
}

#endif
