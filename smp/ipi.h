/*
 * Inter-processor interrupts: the SGIs shrike reserves for itself. Guests can
 * never enable, disable, reprioritize or send these physical SGIs.
 */
#ifndef SHRIKE_SMP_IPI_H
#define SHRIKE_SMP_IPI_H

enum ipi {
    IPI_CALL = 0, /* run queued cross-CPU calls (smp/call.c) */
    IPI_PING = 1, /* boot self-test: answer with IPI_PONG */
    IPI_PONG = 2, /* boot self-test: a ping was answered */
    IPI_STOP = 3, /* another CPU panicked: park */
    IPI_KICK = 4, /* re-evaluate what to run (scheduler, injections) */
    IPI_COUNT,
};

/* Per CPU: enables shrike's SGIs at this CPU's redistributor (handlers installed on CPU 0). */
void ipi_cpu_init(void);

void ipi_send(unsigned cpu, enum ipi ipi);

/*
 * An IPI_KICK acknowledged on a guest's IRQ exit is taken there
 * (vcpu/irq_exit.c) without the handler table: its priority drop, its
 * deactivation and its count in struct cpu's kicks_taken (taking it is the
 * point: the exit path looks at what changed).
 */

/*
 * Statistics: IPI_KICKs sent to a CPU, and taken there (a kick interrupts
 * whatever runs there; kicks sent while one is pending coalesce).
 */
unsigned long ipi_kicks_sent(unsigned cpu);
unsigned long ipi_kicks_taken(unsigned cpu);

#endif
