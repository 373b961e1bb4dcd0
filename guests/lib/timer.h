/*
 * Generic timers for test guests: the virtual timer (CNTV_*, PPI 11 = INTID
 * 27) and the EL1 physical timer (CNTP_*, PPI 14 = INTID 30), both
 * level-triggered: the interrupt is pending while ENABLE = 1, IMASK = 0 and
 * the counter >= CVAL, so a handler moves CVAL forward (or stops the timer)
 * before it returns.
 *
 * On top of the registers: a periodic mode per vCPU and timer
 * (timer_periodic_*) that counts interrupts, flags any taken before CVAL, and
 * samples the counter for monotonicity, for the timer guests.
 */
#ifndef SHRIKE_GUESTS_LIB_TIMER_H
#define SHRIKE_GUESTS_LIB_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define TIMER_CTL_ENABLE  (1U << 0)
#define TIMER_CTL_IMASK   (1U << 1)
#define TIMER_CTL_ISTATUS (1U << 2)

#define TIMER_VIRT_INTID 27 /* PPI 11 */
#define TIMER_PHYS_INTID 30 /* PPI 14 */

enum timer_id {
    TIMER_VIRT, /* CNTV_*_EL0 against CNTVCT_EL0 */
    TIMER_PHYS, /* CNTP_*_EL0 against CNTPCT_EL0 */
};

/* The timer's counter, with an ISB on both sides. */
uint64_t timer_count(enum timer_id t);
uint64_t read_cntpct(void);

uint64_t timer_cval(enum timer_id t);
void timer_set_cval(enum timer_id t, uint64_t cval);
int32_t timer_tval(enum timer_id t); /* CVAL - counter, signed 32-bit */
void timer_set_tval(enum timer_id t, int32_t tval);
uint32_t timer_ctl(enum timer_id t);
void timer_set_ctl(enum timer_id t, uint32_t ctl);

/* CVAL = cval, then CTL = ENABLE (unmasked). */
void timer_arm_at(enum timer_id t, uint64_t cval);
/* CTL = 0: no interrupt. */
void timer_stop(enum timer_id t);
/* ISTATUS: the timer condition holds. */
bool timer_fired(enum timer_id t);

unsigned timer_intid(enum timer_id t);
uint64_t timer_ticks_per_ms(void);

/*
 * Registers fn as the handler of the timer's PPI on this vCPU, sets its
 * priority and enables it at the redistributor (gic_cpu_init() first).
 */
void timer_set_handler(enum timer_id t, void (*fn)(unsigned intid), uint8_t prio);

/* A counter sampled again and again: how often it went backwards. */
struct timer_mono {
    uint64_t last;
    unsigned samples;
    unsigned backwards;
};

void timer_mono_sample(struct timer_mono *m, enum timer_id t);

/*
 * A watchdog on timer t: its interrupt (lowest priority) fires ms from now,
 * wakes a WFI that nothing else would end, and stops the timer. Cancelling
 * stops and disables it and removes the handler.
 */
#define TIMER_WATCHDOG_PRIO 0xF0
void timer_watchdog_arm(enum timer_id t, uint64_t ms);
void timer_watchdog_cancel(enum timer_id t);
unsigned timer_watchdog_count(void); /* watchdog interrupts on this vCPU so far */

/* What a periodic run on one vCPU saw. */
struct timer_periodic_result {
    unsigned count;     /* interrupts handled */
    unsigned early;     /* handled while the counter was below the programmed CVAL */
    unsigned not_fired; /* handled with CTL.ISTATUS clear */
    uint64_t max_late;  /* worst counter - CVAL at entry, in ticks */
    struct timer_mono mono;
};

/*
 * Periodic mode on this vCPU: installs a handler for t (priority prio) and
 * arms the timer period ticks from now; each interrupt checks the counter
 * against the programmed CVAL, counts, and advances CVAL by period, until n
 * have arrived, then stops the timer. With use_tval, every other interrupt
 * programs the next one with TVAL = period instead (the CVAL that results
 * becomes the programmed one).
 */
void timer_periodic_start(enum timer_id t, uint64_t period, unsigned n, bool use_tval,
                          uint8_t prio);

/*
 * Waits for the run to finish, in WFI with IRQs masked at PSTATE between
 * checks (the standard idle loop: WFI wakes on a pending interrupt), sampling
 * the counter at every wake-up. The other timer is the watchdog meanwhile.
 * False if the deadline (CNTVCT) passed first.
 */
bool timer_periodic_wait(enum timer_id t, uint64_t deadline);

/* This vCPU's result so far. */
struct timer_periodic_result timer_periodic_result(enum timer_id t);

#endif
