/*
 * irqstate: interrupt state that must not outlive what produced it (issue 10).
 *
 * vCPU 0, a hardware-mapped level (defect 2): with INTID 27 disabled, the
 * virtual timer fires (GICR_ISPENDR0 shows it), the guest silences the timer
 * (CNTV_CTL_EL0 = 0, which does not trap) and enables 27 again: no interrupt
 * may arrive, since the timer's output is low; re-armed, the timer must then
 * interrupt exactly once (the physical interrupt left active was deactivated).
 *
 * vCPU 1, a reset by CPU_ON (defect 5): in its first life it enables SGIs and
 * its physical timer, raises its priority mask, acknowledges one SGI without
 * an EOI (active, so the running priority drops to it) and leaves another
 * pending, then calls CPU_OFF. Started again by CPU_ON, it must find its
 * redistributor and CPU interface in their reset state. On a GICv2 the
 * private INTIDs are the distributor's banked registers and the CPU interface
 * is GICC (on shrike the GICV frame, its state in GICH_VMCR/GICH_APR): the
 * redistributor's sleep check becomes GICC_APR0 = 0 (no active priority
 * left), ICC_IGRPEN1_EL1 becomes GICC_CTLR = 0.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define SGI_ACTIVE  5
#define SGI_PENDING 6
#define WAIT_MS     2000

#define GICR_ISENABLER0 0x0100
#define GICR_ISPENDR0   0x0200
#define GICR_ISACTIVER0 0x0300
#define GICR_WAKER      0x0014
#define WAKER_SLEEP     (1U << 1)

static unsigned vtimer_irqs;
static unsigned first_life_done;
static unsigned second_life_done;
static unsigned self_sgis;

static void vtimer_handler(unsigned intid)
{
    (void)intid;
    timer_stop(TIMER_VIRT);
    store_release(&vtimer_irqs, load_acquire(&vtimer_irqs) + 1);
}

static void spin_ms(uint64_t ms)
{
    uint64_t end = deadline_after_ms(ms);
    while (!deadline_passed(end)) {
        cpu_relax();
    }
}

static bool wait_irqs(const unsigned *counter, unsigned n, uint64_t ms)
{
    uint64_t end = deadline_after_ms(ms);
    while (load_acquire(counter) < n && !deadline_passed(end)) {
        cpu_relax();
    }
    return load_acquire(counter) >= n;
}

static void check_silenced_timer(void)
{
    gic_set_handler(TIMER_VIRT_INTID, vtimer_handler);
    gic_set_priority(TIMER_VIRT_INTID, 0x80);
    gic_disable(TIMER_VIRT_INTID);
    irq_local_enable();
    timer_arm_at(TIMER_VIRT, timer_count(TIMER_VIRT) + timer_ticks_per_ms());
    uint64_t end = deadline_after_ms(WAIT_MS);
    while (!gic_is_pending(TIMER_VIRT_INTID) && !deadline_passed(end)) {
        cpu_relax();
    }
    CHECK(gic_is_pending(TIMER_VIRT_INTID), "vtimer fired while INTID 27 was disabled: pending");
    timer_stop(TIMER_VIRT); /* the output goes low, without a trap */
    CHECK(!gic_is_pending(TIMER_VIRT_INTID), "silenced: 27 no longer pending");
    gic_enable(TIMER_VIRT_INTID);
    spin_ms(20);
    CHECK_EQ(load_acquire(&vtimer_irqs), 0,
             "no interrupt from a silenced timer once 27 is enabled");
    timer_arm_at(TIMER_VIRT, timer_count(TIMER_VIRT) + timer_ticks_per_ms());
    wait_irqs(&vtimer_irqs, 1, WAIT_MS);
    spin_ms(5);
    CHECK_EQ(load_acquire(&vtimer_irqs), 1, "re-armed: the timer interrupts exactly once");
    irq_local_disable();
}

static void self_sgi_handler(unsigned intid)
{
    (void)intid;
    store_release(&self_sgis, load_acquire(&self_sgis) + 1);
}

/* vCPU 1, first life: leave every kind of private state behind, then CPU_OFF. */
static void first_life(unsigned me)
{
    CHECK_EQ(gic_cpu_init(), 0, "vcpu 1: CPU interface up (first life)");
    gic_set_priority(SGI_ACTIVE, 0x40);
    gic_set_priority(SGI_PENDING, 0x60);
    gic_enable(SGI_ACTIVE);
    gic_enable(SGI_PENDING);
    gic_enable(TIMER_PHYS_INTID);
    timer_arm_at(TIMER_PHYS, read_cntpct() + 1000 * timer_ticks_per_ms());
    gic_send_sgi(SGI_ACTIVE, me);
    uint64_t end = deadline_after_ms(WAIT_MS);
    while (gic_hppir() != SGI_ACTIVE && !deadline_passed(end)) {
        cpu_relax();
    }
    uint64_t iar = gic_ack(); /* active, never EOI'd */
    gic_send_sgi(SGI_PENDING, me);
    gic_set_pmr(0x90);
    CHECK_EQ(gic_iar_intid(iar), SGI_ACTIVE, "vcpu 1: SGI %u acknowledged, left active",
             SGI_ACTIVE);
    CHECK_EQ(gic_rpr(), 0x40, "vcpu 1: running priority 0x40 before CPU_OFF");
    store_release(&first_life_done, 1);
}

/* vCPU 1, second life: nothing of the first may remain. */
static void second_life(unsigned me)
{
    bool v2 = gic_version() == 2;
    uint64_t sgi_base = v2 ? gic_dist_base() : gic_redist_sgi_base(me); /* v2: banked */
    CHECK_EQ(mmio_read32(sgi_base + GICR_ISENABLER0), 0, "vcpu 1 after CPU_ON: no SGI/PPI enabled");
    CHECK_EQ(mmio_read32(sgi_base + GICR_ISPENDR0), 0, "vcpu 1 after CPU_ON: none pending");
    CHECK_EQ(mmio_read32(sgi_base + GICR_ISACTIVER0), 0, "vcpu 1 after CPU_ON: none active");
    if (v2) {
        CHECK_EQ(mmio_read32(gic_cpuif_base() + GICC_APR0), 0,
                 "vcpu 1 after CPU_ON: GICC_APR0 is 0 (no active priority)");
    } else {
        CHECK(mmio_read32(gic_redist_base(me) + GICR_WAKER) & WAKER_SLEEP,
              "vcpu 1 after CPU_ON: redistributor asleep");
    }
    CHECK_EQ(gic_pmr(), 0, "vcpu 1 after CPU_ON: %s is 0", v2 ? "GICC_PMR" : "ICC_PMR_EL1");
    CHECK_EQ(gic_rpr(), 0xFF, "vcpu 1 after CPU_ON: running priority idle (no active priority)");
    if (v2) {
        CHECK_EQ(mmio_read32(gic_cpuif_base() + GICC_CTLR), 0,
                 "vcpu 1 after CPU_ON: GICC_CTLR is 0");
    } else {
        CHECK_EQ(read_sysreg(icc_igrpen1_el1), 0, "vcpu 1 after CPU_ON: ICC_IGRPEN1_EL1 is 0");
    }
    CHECK_EQ(timer_ctl(TIMER_PHYS) & TIMER_CTL_ENABLE, 0, "vcpu 1 after CPU_ON: CNTP_CTL off");
    CHECK_EQ(timer_cval(TIMER_PHYS), 0, "vcpu 1 after CPU_ON: CNTP_CVAL 0");
    /* And it works from there: one self-SGI, taken once. */
    CHECK_EQ(gic_cpu_init(), 0, "vcpu 1: CPU interface up (second life)");
    gic_set_handler(SGI_PENDING, self_sgi_handler);
    gic_set_priority(SGI_PENDING, 0x60);
    gic_enable(SGI_PENDING);
    irq_local_enable();
    gic_send_sgi(SGI_PENDING, me);
    wait_irqs(&self_sgis, 1, WAIT_MS);
    spin_ms(5);
    irq_local_disable();
    CHECK_EQ(load_acquire(&self_sgis), 1, "vcpu 1: one self-SGI taken once after the reset");
    store_release(&second_life_done, 1);
}

static bool wait_off(unsigned idx)
{
    uint64_t end = deadline_after_ms(WAIT_MS * 5);
    while (psci_affinity_info(idx, 0) != PSCI_AFFINITY_OFF && !deadline_passed(end)) {
        cpu_relax();
    }
    return psci_affinity_info(idx, 0) == PSCI_AFFINITY_OFF;
}

void guest_main(void)
{
    if (!CHECK_EQ(gic_init(), 0, "vcpu 0: GIC up")) {
        return;
    }
    check_silenced_timer();
    if (!CHECK(guest_vcpu_count() >= 2, "2 vCPUs")) {
        return;
    }
    CHECK_EQ(guest_cpu_on(1, first_life), PSCI_RET_SUCCESS, "CPU_ON(1), first life");
    CHECK(wait_irqs(&first_life_done, 1, WAIT_MS * 5) && wait_off(1), "vcpu 1 off again");
    CHECK_EQ(guest_cpu_on(1, second_life), PSCI_RET_SUCCESS, "CPU_ON(1), second life");
    CHECK(wait_irqs(&second_life_done, 1, WAIT_MS * 5) && wait_off(1), "vcpu 1 done");
}
