/*
 * What the scheduler keeps of a vCPU, and the few operations it calls on one.
 *
 * struct sched_vcpu is owned by sched/: its run-queue entity, where the
 * scheduler has it (state and since when), a wake-up that raced with its
 * run, and its scheduling statistics. vcpu/ embeds one in struct vcpu
 * (v->sched) and passes &v->sched to the calls of sched/sched.h; sched/
 * never sees struct vcpu.
 *
 * sched/ reaches the vCPU only through the vcpu_op_*() hooks declared below,
 * resolved at link time: vcpu/vcpu_ops.c implements them for the hypervisor,
 * tests/unit/test_sched_core.c fakes them. Direct calls, so the switch path
 * costs what it cost before the split (no table of function pointers).
 */
#ifndef SHRIKE_SCHED_SCHED_VCPU_H
#define SHRIKE_SCHED_SCHED_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/runqueue.h"

struct vm_config;

/*
 * Requests another CPU (or a handler) leaves for the vCPU's run loop, which
 * checks them after every exit: any set bit makes the vCPU leave the guest.
 * vcpu_op_run() returns the ones it left with.
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

struct sched_vcpu_stats {
    uint64_t run_ticks;  /* counter ticks spent running */
    uint64_t wait_ticks; /* counter ticks spent runnable but waiting */
    uint64_t blocks;
    uint64_t wakes;
    uint64_t migrations;
    uint64_t switches_in;
    uint64_t polls_woken;    /* VM_WFI_POLL: WFIs whose poll ended in a wake-up */
    uint64_t polls_timedout; /* VM_WFI_POLL: polled wfi_poll_us (or a vCPU queued), then blocked */
};

struct sched_vcpu {
    struct sched_entity se; /* se.cpu: the CPU that runs it or whose queue holds it */
    enum vcpu_sched_state sstate;
    bool wake_pending;      /* a wake-up arrived while it was running */
    bool wfi_own_dedicated; /* wfi_in_guest() on a dedicated CPU: fixed at sched_vcpu_init() */
    bool wfi_own_alone;     /* wfi_in_guest() elsewhere, while nothing else is queued: fixed too */
    uint64_t state_since;   /* counter value when sstate last changed */
    uint64_t left_at;       /* counter when its last run ended (switch-cost statistics) */
    uint64_t arrived_at;    /* counter when it was placed on se.cpu (powered on, or moved) */
    struct sched_vcpu_stats stats;
    const struct vm_config *cfg; /* its VM's: pool, weight, cap, budgets, WFI policy */
    unsigned vm_id;              /* for the trace and se.id */
    unsigned vcpu_id;            /* index in the VM */
};

/*
 * --- The operations sched/ calls on a vCPU (implemented by vcpu/vcpu_ops.c) ---
 *
 * vcpu_op_run: loads s's vCPU here, runs its guest until a request makes it
 *   leave, puts it; returns the requests it left with (cleared). IRQs masked.
 * vcpu_op_on: it is powered on (PSCI), i.e. it should be queued when woken.
 * vcpu_op_has_pending: its vGIC holds an interrupt it can take now that it
 *   did not hold when it asked to block: call after it was put, before
 *   blocking it (the list is walked only if its vGIC changed since the flush
 *   before the run that asked; vcpu/vcpu_ops.c says why that closes the race
 *   with a pend from another CPU).
 * vcpu_op_has_work: while it waits loaded, something ends the wait: its vGIC
 *   changed since the last flush, or a request other than VCPU_REQ_BLOCK.
 * vcpu_op_request / vcpu_op_clear: sets (release) or clears (acquire-release)
 *   request bits, atomically; nothing more (no kick, no wake-up).
 * vcpu_op_where: whether its state is in this CPU's hardware, in another
 *   CPU's (the vGIC's `loaded`, read with acquire), or in none.
 * vcpu_op_trap_wfi: s, loaded on this CPU with HCR_EL2.TWI clear, traps its WFI again.
 * vcpu_op_for_each: calls fn on every vCPU of every VM (the statistics).
 * vcpu_op_exit_counts: its exits in all, and by class: hvc, sysreg, dabt, wfx.
 * vcpu_op_vm_name: the name of VM vm_id for the trace ("?" if none).
 */
unsigned vcpu_op_run(struct sched_vcpu *s);
bool vcpu_op_on(const struct sched_vcpu *s);
bool vcpu_op_has_pending(struct sched_vcpu *s);
bool vcpu_op_has_work(const struct sched_vcpu *s);
void vcpu_op_request(struct sched_vcpu *s, unsigned req);
void vcpu_op_clear(struct sched_vcpu *s, unsigned req);
enum vcpu_loaded { VCPU_NOT_LOADED, VCPU_LOADED_HERE, VCPU_LOADED_ELSEWHERE };
enum vcpu_loaded vcpu_op_where(const struct sched_vcpu *s);
void vcpu_op_trap_wfi(struct sched_vcpu *s);
void vcpu_op_for_each(void (*fn)(const struct sched_vcpu *s, void *ctx), void *ctx);
void vcpu_op_exit_counts(const struct sched_vcpu *s, uint64_t counts[5]);
const char *vcpu_op_vm_name(unsigned vm_id);

/* The CPU that runs s or whose queue holds it (it may move meanwhile: read once, with acquire). */
static inline unsigned sched_vcpu_cpu(const struct sched_vcpu *s)
{
    return __atomic_load_n(&s->se.cpu, __ATOMIC_ACQUIRE);
}

#endif
