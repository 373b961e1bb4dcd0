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

static inline void ipi_kick(unsigned cpu)
{
    struct cpu *to = &cpus[cpu];
    __atomic_fetch_add(&to->kicks_sent, 1, __ATOMIC_RELAXED);
    if (gic_host_v2) {
        gicv2_send_sgi(IPI_KICK, to->mpidr);
        return;
    }
    uint64_t route = __atomic_load_n(&to->sgi_route, __ATOMIC_RELAXED);
    if (route == 0) {
        route = ipi_route_slow(cpu);
    }
    gicv3_send_sgi_routed(IPI_KICK, route);
}

#endif
