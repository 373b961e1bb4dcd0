/*
 * The scheduler: per-CPU run queues (sched/runqueue.h, policy chosen at build
 * time), preemption at the end of a slice by the EL2 physical timer, WFI
 * blocking and wake-ups by IPI, load balancing and migration, statistics and
 * a trace. docs/scheduler.md explains the design.
 *
 * The hooks the rest of shrike calls are declared here; everything else is
 * private to sched/. A vCPU is a struct sched_vcpu here (sched/sched_vcpu.h,
 * embedded in struct vcpu as v->sched); what sched/ calls back on a vCPU is
 * the vcpu_op_*() block there.
 */
#ifndef SHRIKE_SCHED_SCHED_H
#define SHRIKE_SCHED_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct sched_vcpu;
struct vm_config;

/* Boot: per-CPU queues, balancer and knobs (after the soft timers). */
void sched_init(void);
void sched_cpu_init(void);

/* v has something to do (powered on, interrupt pending, request): make it runnable. */
void sched_wake(struct sched_vcpu *v);

/*
 * An interrupt became pending for v (the vGIC's kick): a vCPU blocked in WFI
 * is woken; one running on another CPU is made to exit (IPI) so that its next
 * entry flushes the interrupt; a queued one, or one running on this CPU, is
 * left alone (it flushes before it enters the guest). A vCPU that is not
 * running never costs another CPU an interrupt.
 */
void sched_kick(struct sched_vcpu *v);

/*
 * v, loaded here, asked to block (VCPU_REQ_BLOCK) and nothing else waits for
 * this CPU: waits with v loaded until it has something to do, then clears the
 * request and returns true (re-enter v). Returns false, the request kept, if
 * v must block in the scheduler instead (another vCPU is queued here). A VM
 * with .wfi = VM_WFI_POLL polls first, for up to its .wfi_poll_us.
 */
bool sched_halt_in_place(struct sched_vcpu *v);

/* Runs what this CPU's queue holds until it is empty; IRQs masked. Returns to idle. */
void sched_run_this_cpu(void);

/*
 * Per vCPU, at VM creation: its VM's configuration (pool, weight, cap,
 * budgets, WFI policy), the ids the trace shows, its affinity (bit n: CPU n)
 * and first placement.
 */
void sched_vcpu_init(struct sched_vcpu *v, const struct vm_config *cfg, unsigned vm_id,
                     unsigned vcpu_id, uint64_t affinity);

/*
 * Admission control at VM creation (sched/admission.h): false, with the VM
 * named on the console, if a real-time vCPU of c is not on a fair pool,
 * not pinned to one CPU of it, or would overload its CPU together with the
 * VMs admitted before. The build checks one VM's set with VM_RT_ADMIT.
 */
bool sched_admit_vm(const struct vm_config *c);

/* Per CPU, once VMs exist: the balancer (and the test knob's forced migrations). */
void sched_cpu_start(void);

/* True if another vCPU waits on this CPU (a WFE then yields). */
bool sched_should_yield(void);

/* The run loop calls this after an IRQ exit (a vCPU may have been queued here). */
void sched_irq_exit(void);

/*
 * Switch cost, called just before v enters the guest: the time since the
 * previous vCPU on this CPU left its guest, or, when v last ran on another
 * CPU (moved), since v itself left its guest there.
 */
void sched_account_switch(struct sched_vcpu *v, bool moved);

/* Statistics on the console (Ctrl-T, and when the machine powers off). */
void sched_print_stats(void);

/* The trace as Chrome JSON on the console, between "shrike: trace begin/end" lines. */
void sched_dump_trace(void);

#endif
