/*
 * A virtual CPU. The generic part (state, placement, VM) is what the rest of
 * shrike uses; struct vcpu_arch is the AArch64 context: general registers
 * (saved and restored on every exit by vcpu/entry.S), EL1 system registers
 * and FP/SIMD (switched only when another vCPU is loaded on the CPU, since
 * shrike itself never touches them).
 */
#ifndef SHRIKE_VCPU_VCPU_H
#define SHRIKE_VCPU_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/sched_vcpu.h"
#include "vcpu/vdebug.h"
#include "vcpu/vpmu.h"
#include "vgic/vgic.h"
#include "vtimer/vtimer.h"

struct vm;

/* Saved by the world switch on every exit; offsets generated for entry.S. */
struct vcpu_regs {
    uint64_t x[31];
    uint64_t pc;     /* ELR_EL2 */
    uint64_t pstate; /* SPSR_EL2 */
};

/* EL1 (and EL0) system registers a guest OS owns. */
struct vcpu_sysregs {
    uint64_t sctlr_el1, actlr_el1, cpacr_el1;
    uint64_t ttbr0_el1, ttbr1_el1, tcr_el1, mair_el1, amair_el1;
    uint64_t esr_el1, afsr0_el1, afsr1_el1, far_el1, par_el1;
    uint64_t vbar_el1, contextidr_el1, tpidr_el1, tpidr_el0, tpidrro_el0;
    uint64_t sp_el0, sp_el1, elr_el1, spsr_el1;
    uint64_t cntkctl_el1, csselr_el1;
    uint64_t cntv_ctl_el0, cntv_cval_el0;
};

struct vcpu_fpsimd {
    uint64_t q[64]; /* v0-v31, 128 bits each */
    uint64_t fpsr;
    uint64_t fpcr;
};

struct vcpu_arch {
    struct vcpu_regs regs;
    struct vcpu_sysregs sys;
    struct vcpu_fpsimd fp;
    struct vdebug debug; /* trapped debug registers, emulated per vCPU (vdebug.h) */
    uint64_t vmpidr;     /* VMPIDR_EL2: the MPIDR the guest reads */
    bool fp_live;        /* fp is in the FP/SIMD registers (lazily, since vcpu_fp_claim) */
};

enum vcpu_power {
    VCPU_OFF,
    VCPU_ON,
};

/* The requests (VCPU_REQ_*) the run loop acts on are in sched/sched_vcpu.h. */

struct vcpu_stats {
    uint64_t exits_by_class[64];
};

struct vcpu {
    struct vcpu_arch arch;
    struct vm *vm;
    unsigned id; /* index in the VM */
    enum vcpu_power power;
    unsigned requests;
    struct sched_vcpu sched; /* the scheduler's (sched/sched_vcpu.h): entity, state, statistics */
    struct vcpu_stats stats;
    uint64_t steal_base; /* sched.stats.wait_ticks at the VM's last reset (vcpu/pvtime.c) */
    uint64_t steal_seen; /* sched.stats.wait_ticks when its stolen time was last published */
    bool steal_asked;    /* the guest asked for its record (PV_TIME_ST) since the VM's reset */
    unsigned last_pcpu;  /* where it last ran (valid once ran_before) */
    bool ran_before;
    uint64_t exits;
    uint64_t tlb_flushes;
    struct vgic_cpu vgic;
    struct vtimer timer;
    struct vpmu pmu;
};

/* Resets the context to the architectural entry state: EL1h, DAIF masked, MMU off. */
void vcpu_reset_context(struct vcpu *v, uint64_t entry, uint64_t x0);

/*
 * Resets the whole vCPU (PSCI CPU_ON, VM reset): its timers, its private
 * interrupts and virtual CPU interface (vgic_cpu_reset), then its context as
 * vcpu_reset_context. The vCPU must not be running.
 */
void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t x0);

/* Loads this vCPU's state onto the current CPU / saves it back. */
void vcpu_load(struct vcpu *v);
void vcpu_put(struct vcpu *v);
/* v, loaded on this CPU, traps its WFI again from its next entry (HCR_EL2.TWI). */
void vcpu_trap_wfi(struct vcpu *v);
/*
 * v, loaded here and waiting in its own WFI (HCR_EL2.TWI clear), traps its
 * next WFI once (the console's unfinished line: vcpu/vuart.c); and, from that
 * trap or when the line ends (vcpu_wfi_native_again), waits in its own WFI
 * again if the scheduler still lets it (se.wfi_native: nothing queued beside
 * it since).
 */
void vcpu_trap_next_wfi(struct vcpu *v);
void vcpu_wfi_native_again(struct vcpu *v);

/* Sets a request bit and kicks the CPU the vCPU is placed on. */
void vcpu_request(struct vcpu *v, unsigned req);

/* v has something to do (its timer, PSCI CPU_ON): sched_wake(&v->sched). */
void vcpu_wake(struct vcpu *v);

/*
 * Loads v, runs it until a request makes it leave, puts it; returns the
 * requests that made it leave (cleared from v). Called by the scheduler.
 */
unsigned vcpu_run(struct vcpu *v);

/* The world switch (vcpu/entry.S): runs the guest until the next exit; returns the exit kind. */
unsigned long guest_enter(struct vcpu_regs *regs);
void fpsimd_save(struct vcpu_fpsimd *fp);
void fpsimd_restore(const struct vcpu_fpsimd *fp);

/*
 * The guest's first FP/SIMD instruction since vcpu_load trapped (CPTR_EL2.TFP):
 * its registers go live and the trap is lifted; the instruction runs again.
 */
void vcpu_fp_claim(struct vcpu *v);

/* Exit kinds returned by guest_enter(). */
#define EXIT_SYNC    0
#define EXIT_IRQ     1
#define EXIT_FIQ     2
#define EXIT_SERROR  3
/* A synchronous exit trap_exit() already handled, and its answer to vcpu/entry.S: resume. */
#define EXIT_HANDLED 4
#define EXIT_RESUME  5

#endif
