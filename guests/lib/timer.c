/*
 * Generic timers for test guests (see timer.h): register access for the
 * virtual and EL1 physical timers, and the per-vCPU periodic mode the timer
 * guests share.
 */
#include "guests/lib/timer.h"

#include <stddef.h>

#include "guests/lib/arch.h"
#include "guests/lib/gic.h"

struct periodic {
    uint64_t period;
    uint64_t cval; /* programmed */
    unsigned target;
    bool use_tval;
    bool done;
    struct timer_periodic_result res;
};

static struct periodic periodic[GUEST_MAX_VCPUS][2];

uint64_t read_cntpct(void)
{
    uint64_t v;

    __asm__ __volatile__("isb\n\tmrs %0, cntpct_el0\n\tisb" : "=r"(v) : : "memory");
    return v;
}

uint64_t timer_count(enum timer_id t)
{
    return t == TIMER_VIRT ? read_cntvct() : read_cntpct();
}

uint64_t timer_cval(enum timer_id t)
{
    return t == TIMER_VIRT ? read_sysreg(cntv_cval_el0) : read_sysreg(cntp_cval_el0);
}

void timer_set_cval(enum timer_id t, uint64_t cval)
{
    if (t == TIMER_VIRT) {
        write_sysreg(cntv_cval_el0, cval);
    } else {
        write_sysreg(cntp_cval_el0, cval);
    }
    isb();
}

int32_t timer_tval(enum timer_id t)
{
    isb();
    return (int32_t)(t == TIMER_VIRT ? read_sysreg(cntv_tval_el0) : read_sysreg(cntp_tval_el0));
}

void timer_set_tval(enum timer_id t, int32_t tval)
{
    uint64_t v = (uint64_t)(int64_t)tval;

    if (t == TIMER_VIRT) {
        write_sysreg(cntv_tval_el0, v);
    } else {
        write_sysreg(cntp_tval_el0, v);
    }
    isb();
}

uint32_t timer_ctl(enum timer_id t)
{
    isb();
    return (uint32_t)(t == TIMER_VIRT ? read_sysreg(cntv_ctl_el0) : read_sysreg(cntp_ctl_el0));
}

void timer_set_ctl(enum timer_id t, uint32_t ctl)
{
    if (t == TIMER_VIRT) {
        write_sysreg(cntv_ctl_el0, ctl);
    } else {
        write_sysreg(cntp_ctl_el0, ctl);
    }
    isb();
}

void timer_arm_at(enum timer_id t, uint64_t cval)
{
    timer_set_cval(t, cval);
    timer_set_ctl(t, TIMER_CTL_ENABLE);
}

void timer_stop(enum timer_id t)
{
    timer_set_ctl(t, 0);
}

bool timer_fired(enum timer_id t)
{
    return (timer_ctl(t) & TIMER_CTL_ISTATUS) != 0;
}

unsigned timer_intid(enum timer_id t)
{
    return t == TIMER_VIRT ? TIMER_VIRT_INTID : TIMER_PHYS_INTID;
}

uint64_t timer_ticks_per_ms(void)
{
    return read_cntfrq() / 1000;
}

void timer_set_handler(enum timer_id t, void (*fn)(unsigned intid), uint8_t prio)
{
    unsigned intid = timer_intid(t);

    gic_set_handler(intid, fn);
    gic_set_priority(intid, prio);
    gic_enable(intid);
}

void timer_mono_sample(struct timer_mono *m, enum timer_id t)
{
    uint64_t now = timer_count(t);

    if (m->samples > 0 && now < m->last) {
        m->backwards++;
    }
    m->last = now;
    m->samples++;
}

/* --- periodic mode ------------------------------------------------------------ */

static struct periodic *this_periodic(enum timer_id t)
{
    return &periodic[guest_vcpu_index() % GUEST_MAX_VCPUS][t == TIMER_VIRT ? 0 : 1];
}

static void periodic_tick(enum timer_id t)
{
    struct periodic *p = this_periodic(t);
    uint64_t now = timer_count(t);

    if (!(timer_ctl(t) & TIMER_CTL_ISTATUS)) {
        p->res.not_fired++;
    }
    if (now < p->cval) {
        p->res.early++;
    } else if (now - p->cval > p->res.max_late) {
        p->res.max_late = now - p->cval;
    }
    timer_mono_sample(&p->res.mono, t);
    p->res.count++;
    if (p->res.count >= p->target) {
        timer_stop(t);
        __atomic_store_n(&p->done, true, __ATOMIC_RELEASE);
    } else if (p->use_tval && p->res.count % 2 == 1) {
        timer_set_tval(t, (int32_t)p->period);
        p->cval = timer_cval(t);
    } else {
        p->cval += p->period;
        timer_set_cval(t, p->cval);
    }
}

static void periodic_virt(unsigned intid)
{
    (void)intid;
    periodic_tick(TIMER_VIRT);
}

static void periodic_phys(unsigned intid)
{
    (void)intid;
    periodic_tick(TIMER_PHYS);
}

void timer_periodic_start(enum timer_id t, uint64_t period, unsigned n, bool use_tval, uint8_t prio)
{
    struct periodic *p = this_periodic(t);

    timer_stop(t);
    *p = (struct periodic){.period = period, .target = n, .use_tval = use_tval};
    timer_set_handler(t, t == TIMER_VIRT ? periodic_virt : periodic_phys, prio);
    p->cval = timer_count(t) + period;
    timer_arm_at(t, p->cval);
}

/* --- watchdog ------------------------------------------------------------------ */

static unsigned watchdog_fired[GUEST_MAX_VCPUS];

static void watchdog_handler(unsigned intid)
{
    timer_stop(intid == TIMER_VIRT_INTID ? TIMER_VIRT : TIMER_PHYS);
    watchdog_fired[guest_vcpu_index() % GUEST_MAX_VCPUS]++;
}

void timer_watchdog_arm(enum timer_id t, uint64_t ms)
{
    timer_stop(t);
    timer_set_handler(t, watchdog_handler, TIMER_WATCHDOG_PRIO);
    timer_arm_at(t, timer_count(t) + ms * timer_ticks_per_ms());
}

void timer_watchdog_cancel(enum timer_id t)
{
    timer_stop(t);
    gic_disable(timer_intid(t));
    gic_set_handler(timer_intid(t), NULL);
}

unsigned timer_watchdog_count(void)
{
    return watchdog_fired[guest_vcpu_index() % GUEST_MAX_VCPUS];
}

bool timer_periodic_wait(enum timer_id t, uint64_t deadline)
{
    struct periodic *p = this_periodic(t);
    enum timer_id other = t == TIMER_VIRT ? TIMER_PHYS : TIMER_VIRT;
    bool masked = irq_local_masked();
    uint64_t now = read_cntvct();

    /* A timer that never fires would leave WFI asleep for good: wake at the deadline. */
    timer_watchdog_arm(other, now < deadline ? (deadline - now) / timer_ticks_per_ms() + 1 : 1);
    for (;;) {
        irq_local_disable();
        if (__atomic_load_n(&p->done, __ATOMIC_ACQUIRE) || deadline_passed(deadline)) {
            break;
        }
        timer_mono_sample(&p->res.mono, t);
        wfi();
        irq_local_enable(); /* the interrupt that woke us is taken here */
    }
    timer_watchdog_cancel(other);
    if (!masked) {
        irq_local_enable();
    }
    return __atomic_load_n(&p->done, __ATOMIC_ACQUIRE);
}

struct timer_periodic_result timer_periodic_result(enum timer_id t)
{
    bool masked = irq_local_masked();
    struct timer_periodic_result r;

    irq_local_disable();
    r = this_periodic(t)->res;
    if (!masked) {
        irq_local_enable();
    }
    return r;
}
