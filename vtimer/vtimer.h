/*
 * Guest timers (see vtimer.c): the virtual timer (CNTV_*, PPI 27) runs in
 * hardware and is delivered as a hardware-mapped virtual interrupt; the EL1
 * physical timer (CNTP_*, PPI 30) is trapped and emulated on soft timers.
 */
#ifndef SHRIKE_VTIMER_VTIMER_H
#define SHRIKE_VTIMER_VTIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/softtimer.h"
#include "kernel/spinlock.h"

struct vcpu;
struct vgic_irq;

struct vtimer {
    struct soft_timer vwake; /* the virtual timer's deadline while the vCPU is put */
    struct soft_timer pwake; /* the emulated physical timer's deadline */
    /*
     * The emulated physical timer: its trapped accesses (on the vCPU's CPU)
     * and pwake's callback (on the CPU that armed it, perhaps another one
     * since a migration) both take this lock, which also covers the level
     * they drive into the vGIC (INTID 30).
     */
    spinlock_t lock;
    uint64_t cntp_ctl; /* ENABLE, IMASK (ISTATUS is computed) */
    uint64_t cntp_cval;
    bool quiesced; /* vtimer_vcpu_quiesce() ran: raise nothing until vtimer_vcpu_reset() */
};

#define CNT_CTL_ENABLE  (1ULL << 0)
#define CNT_CTL_IMASK   (1ULL << 1)
#define CNT_CTL_ISTATUS (1ULL << 2)

/* The physical virtual-timer PPI: forwarded, hardware-mapped to the guest's INTID 27. */
#define PPI_VTIMER 27

/* Per CPU: the physical virtual-timer PPI, forwarded to guests. */
void vtimer_cpu_init(void);

/*
 * PPI_VTIMER taken on an IRQ exit of v, loaded here (vcpu/irq_exit.c), its
 * priority dropped: raises v's virtual-timer line, as the PPI's handler does,
 * without the handler table. The guest deactivates the PPI (the HW bit).
 */
void vtimer_irq_exit(struct vcpu *v);

/*
 * Back to the reset state: both soft timers cancelled (synchronously), the
 * emulated physical timer disabled with its output (INTID 30) low, pwake and
 * vwake ready for use. Any CPU, while the vCPU is not running.
 */
void vtimer_vcpu_reset(struct vcpu *v);

/*
 * Stops both of the vCPU's soft timers: when it returns, neither is armed
 * and no callback of theirs runs or is pending on any CPU, and the emulated
 * physical timer raises nothing until vtimer_vcpu_reset(). Any CPU, while
 * the vCPU is not running (for VM reset and CPU_ON).
 */
void vtimer_vcpu_quiesce(struct vcpu *v);

/* vCPU switch. Put saves nothing itself (CNTV_* are EL1 system registers) but arms the deadline. */
void vtimer_load(struct vcpu *v);
void vtimer_put(struct vcpu *v);

/* Trapped CNTP_TVAL/CTL/CVAL_EL0 access (op2 0/1/2); val in/out. */
void vtimer_ptimer_access(struct vcpu *v, unsigned op2, bool read, uint64_t *val);

/*
 * A hardware-mapped level interrupt is re-sampled from the device when it is
 * queued into a list register: called with irq->lock held, on the CPU where
 * irq's vCPU is loaded, just before the interrupt would be listed pending.
 * Returns the device's current output level (INTID 27: the live CNTV_CTL_EL0
 * ENABLE && !IMASK && ISTATUS). When the level is low and the guest does not
 * have the virtual interrupt active, the physical PPI that the forwarding
 * left active is deactivated, so that the timer can fire again.
 */
bool vtimer_hw_resample(struct vgic_irq *irq);

/* Timer output as the GIC sees it: enabled, not masked, condition met. */
static inline bool vtimer_fires(uint64_t ctl, uint64_t cval, uint64_t now)
{
    return (ctl & CNT_CTL_ENABLE) && !(ctl & CNT_CTL_IMASK) && now >= cval;
}

/*
 * The physical counter value at which a virtual CVAL is reached: CNTVCT =
 * CNTPCT - CNTVOFF, so cval + cntvoff, saturated: past 2^64 the virtual
 * counter does not get there before the physical one wraps (centuries), so
 * never. Wrapping instead would put the deadline in the past and wake the
 * vCPU again and again.
 */
static inline uint64_t vtimer_phys_deadline(uint64_t cval, uint64_t cntvoff)
{
    return cval > UINT64_MAX - cntvoff ? UINT64_MAX : cval + cntvoff;
}

#endif
