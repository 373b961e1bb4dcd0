/*
 * Per-CPU data. Each physical CPU finds its own struct cpu through TPIDR_EL2,
 * set at entry before any C code runs. Offsets used by assembly are generated
 * from this struct (kernel/asm-offsets.c).
 */
#ifndef SHRIKE_KERNEL_CPU_H
#define SHRIKE_KERNEL_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "config/kernel.h"
#include "kernel/sysreg.h"
#include "mm/page_alloc.h"

struct vcpu;
struct vcpu_regs;

struct cpu {
    struct vcpu_regs *guest_regs; /* registers of the running guest (vcpu/entry.S) */
    struct vcpu *vcpu;            /* the vCPU placed on this CPU, if any */
    struct vcpu *loaded;          /* the vCPU whose state is in the hardware */
    unsigned id;                  /* logical index: 0 is the boot CPU */
    uint64_t mpidr;               /* MPIDR_EL1 affinity fields */
    uint64_t panic_sp;            /* top of the fatal-exception stack (used by vectors.S) */
    uint64_t stack_top;           /* top of the normal hypervisor stack */
    bool online;
    bool stopped; /* parked after another CPU's panic */
    uint64_t gicr_base;
    unsigned long kicks_taken; /* IPI_KICKs taken here (smp/ipi.h) */
    unsigned long kicks_sent;  /* IPI_KICKs sent here, by any CPU (atomic) */
    /* The GICv3 ICC_SGI1R_EL1 route to this CPU but the INTID, once known (smp/ipi_kick.h). */
    uint64_t sgi_route;
    /* Boot self-test bookkeeping (kernel/selftest.c). */
    uint32_t ping_from; /* bitmask of CPUs whose ping is pending here */
    uint32_t pong_from; /* bitmask of CPUs whose reply is pending here */
    uint32_t pongs;     /* replies received */
};

/*
 * Stacks, one block per CPU; each stack has an unmapped guard page under it so
 * that an overflow faults instead of corrupting its neighbour.
 */
struct cpu_stack {
    uint8_t guard[PAGE_SIZE];
    uint8_t stack[CONFIG_STACK_PAGES * PAGE_SIZE];
    uint8_t panic_guard[PAGE_SIZE];
    uint8_t panic[CONFIG_PANIC_STACK_PAGES * PAGE_SIZE];
} __attribute__((aligned(PAGE_SIZE)));

extern struct cpu cpus[CONFIG_MAX_CPUS];
extern struct cpu_stack cpu_stacks[CONFIG_MAX_CPUS];
extern unsigned cpu_count; /* CPUs listed in the host DTB, capped at CONFIG_MAX_CPUS */

static inline struct cpu *this_cpu(void)
{
    return (struct cpu *)read_sysreg(tpidr_el2);
}

static inline unsigned this_cpu_id(void)
{
    return this_cpu()->id;
}

#define MPIDR_AFF_MASK 0xFF00FFFFFFULL

static inline uint64_t read_mpidr(void)
{
    return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
}

/* EL2 control registers every CPU starts from (HCR_EL2 routing, counter offset). */
void cpu_el2_init(void);

/* Logical index of the CPU with this MPIDR, or -1. */
int cpu_index_of_mpidr(uint64_t mpidr);

#endif
