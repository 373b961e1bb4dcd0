/* EL2 physical timer (see timer.h). */
#include "kernel/timer.h"

#include "kernel/check.h"
#include "kernel/cpu.h"
#include "kernel/gic.h"
#include "kernel/irq.h"

#define CNTHP_CTL_ENABLE (1U << 0)
#define CNTHP_CTL_IMASK  (1U << 1)

static timer_fn_t callbacks[CONFIG_MAX_CPUS];
static uint64_t irq_counts[CONFIG_MAX_CPUS];

static void timer_irq(unsigned intid, void *ctx)
{
    (void)intid;
    (void)ctx;
    /* Disarm first: the interrupt is level-sensitive and stays asserted until then. */
    write_sysreg(0, cnthp_ctl_el2);
    isb();
    irq_counts[this_cpu_id()]++;
    timer_fn_t fn = callbacks[this_cpu_id()];
    if (fn) {
        fn(counter_read());
    }
}

void timer_cpu_init(void)
{
    write_sysreg(CNTHP_CTL_IMASK, cnthp_ctl_el2);
    isb();
    if (this_cpu_id() == 0) {
        CHECK(irq_register(TIMER_INTID_EL2_PHYS, timer_irq, 0));
    }
    gic_enable_irq(TIMER_INTID_EL2_PHYS, GIC_PRIO_DEFAULT);
}

void timer_set_callback(timer_fn_t fn)
{
    callbacks[this_cpu_id()] = fn;
}

void timer_arm(uint64_t cval)
{
    write_sysreg(cval, cnthp_cval_el2);
    write_sysreg(CNTHP_CTL_ENABLE, cnthp_ctl_el2);
    isb();
}

void timer_cancel(void)
{
    write_sysreg(0, cnthp_ctl_el2);
    isb();
}

uint64_t timer_now(void)
{
    return counter_read();
}

uint64_t timer_freq(void)
{
    return read_sysreg(cntfrq_el0);
}

uint64_t timer_irq_count(unsigned cpu)
{
    return cpu < CONFIG_MAX_CPUS ? irq_counts[cpu] : 0;
}
