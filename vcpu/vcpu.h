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

#include "sched/runqueue.h"
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

/*
 * Requests another CPU (or a handler) leaves for the vCPU's run loop, which
 * checks them after every exit: any set bit makes the vCPU leave the guest.
 */
#define VCPU_REQ_STOP    (1U << 0) /* the VM is powering off or resetting */
#define VCPU_REQ_OFF     (1U << 1) /* the vCPU called PSCI CPU_OFF */
#define VCPU_REQ_RESCHED (1U << 2) /* its slice ended with another vCPU waiting */
#define VCPU_REQ_BLOCK   (1U << 3) /* WFI with nothing to deliver */
#define VCPU_REQ_YIELD   (1U << 4) /* WFE with another vCPU waiting */
#define VCPU_REQ_MIGRATE (1U << 5) /* move to another CPU (test knob) */

/* Where the scheduler has a vCPU. */
enum vcpu_sched_state {
    VS_IDLE,     /* off, or not started: on no queue */
    VS_RUNNABLE, /* on its CPU's run queue */
    VS_RUNNING,  /* loaded and running on se.cpu */
    VS_BLOCKED,  /* in WFI, on no queue, until sched_wake() */
};

struct vcpu_stats {
    uint64_t run_ticks;  /* counter ticks spent running */
    uint64_t wait_ticks; /* counter ticks spent runnable but waiting */
    uint64_t blocks;
    uint64_t wakes;
    uint64_t migrations;
    uint64_t switches_in;
    uint64_t exits_by_class[64];
};

struct vcpu {
    struct vcpu_arch arch;
    struct vm *vm;
    unsigned id; /* index in the VM */
    enum vcpu_power power;
    unsigned requests;
    struct sched_entity se; /* se.cpu: the CPU that runs it or whose queue holds it */
    enum vcpu_sched_state sstate;
    bool wake_pending;    /* a wake-up arrived while it was running */
    uint64_t state_since; /* counter value when sstate last changed */
    uint64_t left_at;     /* counter when its last run ended (switch-cost statistics) */
    struct vcpu_stats stats;
    uint64_t steal_base; /* stats.wait_ticks at the VM's last reset (vcpu/pvtime.c) */
    uint64_t steal_seen; /* stats.wait_ticks when its stolen time was last published */
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

/* Sets a request bit and kicks the CPU the vCPU is placed on. */
void vcpu_request(struct vcpu *v, unsigned req);

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
