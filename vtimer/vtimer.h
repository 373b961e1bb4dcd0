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

struct vcpu;

struct vtimer {
    struct soft_timer vwake; /* the virtual timer's deadline while the vCPU is put */
    struct soft_timer pwake; /* the emulated physical timer's deadline */
    uint64_t cntp_ctl;       /* ENABLE, IMASK (ISTATUS is computed) */
    uint64_t cntp_cval;
};

#define CNT_CTL_ENABLE  (1ULL << 0)
#define CNT_CTL_IMASK   (1ULL << 1)
#define CNT_CTL_ISTATUS (1ULL << 2)

/* Per CPU: the physical virtual-timer PPI, forwarded to guests. */
void vtimer_cpu_init(void);

void vtimer_vcpu_reset(struct vcpu *v);

/* vCPU switch. Put saves nothing itself (CNTV_* are EL1 system registers) but arms the deadline. */
void vtimer_load(struct vcpu *v);
void vtimer_put(struct vcpu *v);

/* Trapped CNTP_TVAL/CTL/CVAL_EL0 access (op2 0/1/2); val in/out. */
void vtimer_ptimer_access(struct vcpu *v, unsigned op2, bool read, uint64_t *val);

/* Timer output as the GIC sees it: enabled, not masked, condition met. */
static inline bool vtimer_fires(uint64_t ctl, uint64_t cval, uint64_t now)
{
    return (ctl & CNT_CTL_ENABLE) && !(ctl & CNT_CTL_IMASK) && now >= cval;
}

#endif
