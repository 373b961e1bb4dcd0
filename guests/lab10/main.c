/*
 * lab10: the seed's GICv2 injection flow (lab 10), as the guest sees it.
 *
 * shrike injects a virtual interrupt by filling a GICH_LRn; the guest's GICC
 * is the host's GICV frame (mapped there by stage 2), so the guest's own
 * GICC_IAR read acknowledges the list register and its GICC_EOIR (and, in
 * EOImode 1, GICC_DIR) write retires it, without a trap. This guest names
 * each step in its log:
 *   1. the GIC version and the GICD/GICC bases from its DTB; enable at the
 *      distributor (GICD_CTLR, GICD_ISENABLER) and at the CPU interface
 *      (GICC_CTLR, GICC_PMR);
 *   2. raise: the virtual timer (INTID 27, hardware-mapped through the LR's
 *      HW bit), then SGI 5 written by vCPU 1 to GICD_SGIR (trapped and
 *      emulated by shrike);
 *   3. the IRQ exception taken, out of WFI;
 *   4. GICC_IAR read: INTID and, for the SGI, the source CPU in [12:10];
 *   5. the handler;
 *   6. GICC_EOIR written with the IAR value (the timer: EOImode 0, priority
 *      drop and deactivation; the SGI: EOImode 1, priority drop only, the
 *      SGI stays active until the GICC_DIR write);
 *   7. the next interrupt: GICC_IAR again, spurious (1023) when none is left.
 * The IRQ handler is the guest's own (not gic.c's dispatcher) so that each
 * register access is visible here; it records, and thread context prints.
 * GICv2 only: on a GICv3 it says so and skips.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define ROUNDS      3U
#define SGI         5U
#define PRIO        0xA0U
#define TIMER_MS    1U
#define WAIT_MS     200U
#define INTID_TIMER 27U

/* What the IRQ handler saw in one round. */
struct round {
    uint64_t elr;      /* where the IRQ exception was taken */
    uint32_t iar;      /* step 4 */
    uint8_t rpr_ack;   /* running priority after the acknowledge */
    uint32_t istatus;  /* step 5 (timer): CNTV_CTL.ISTATUS in the handler */
    uint8_t rpr_eoi;   /* step 6: after GICC_EOIR */
    bool active_eoi;   /* active after GICC_EOIR (GICD_ISACTIVER) */
    bool active_dir;   /* active after GICC_DIR (EOImode 1) */
    uint32_t next_iar; /* step 7 */
    unsigned acks;     /* non-spurious acknowledges in this IRQ exception */
};

static struct round rounds[2][ROUNDS];
static unsigned phase; /* 0: timer, 1: SGI */
static unsigned taken; /* rounds whose IRQ was handled in this phase */
static unsigned go;    /* vCPU 1: send SGI round go */
static uint32_t sgir_sent[ROUNDS];
static unsigned done1;

static uint32_t cpuif(unsigned off)
{
    return mmio_read32(gic_cpuif_base() + off);
}

static void lab_irq(struct exc_frame *frame)
{
    unsigned n = load_acquire(&taken);
    struct round *r = &rounds[phase][n < ROUNDS ? n : ROUNDS - 1];
    uint32_t iar = cpuif(GICC_IAR); /* step 4: acknowledge (the LR goes active) */

    r->elr = frame->elr;
    while (gic_iar_intid(iar) < 1020) {
        r->acks++;
        r->iar = iar;
        r->rpr_ack = gic_rpr();
        if (gic_iar_intid(iar) == INTID_TIMER) { /* step 5: the device's own handling */
            r->istatus = timer_ctl(TIMER_VIRT) & TIMER_CTL_ISTATUS;
            timer_stop(TIMER_VIRT);
        }
        mmio_write32(gic_cpuif_base() + GICC_EOIR, iar); /* step 6: the whole IAR value */
        r->rpr_eoi = gic_rpr();
        r->active_eoi = gic_is_active(gic_iar_intid(iar));
        if (gic_eoimode()) {
            mmio_write32(gic_cpuif_base() + GICC_DIR, iar);
            r->active_dir = gic_is_active(gic_iar_intid(iar));
        }
        iar = cpuif(GICC_IAR); /* step 7: the next one, if any */
        r->next_iar = iar;
    }
    store_release(&taken, n + 1);
}

/* Waits in WFI (IRQs masked between checks: a pending interrupt ends WFI) for round n. */
static bool wait_taken(unsigned n)
{
    uint64_t deadline = deadline_after_ms(WAIT_MS);

    while (load_acquire(&taken) < n + 1 && !deadline_passed(deadline)) {
        wfi();
        irq_local_enable(); /* step 3: the IRQ exception is taken here */
        irq_local_disable();
    }
    return load_acquire(&taken) >= n + 1;
}

static void show_setup(void)
{
    struct dtb_gic g;
    uint32_t ctlr = cpuif(GICC_CTLR);

    CHECK_EQ(dtb_gic(&g), 0, "the DTB has a GIC node");
    printf("lab10: step 1 DTB: %s = GICv%u, GICD 0x%lx, GICC 0x%lx (0x%lx bytes)\n", g.compat,
           g.version, g.dist_base, g.cpu_base, g.cpu_size);
    CHECK_EQ(gic_cpuif_base(), g.cpu_base, "the driver uses the DTB's GICC");
    printf("lab10: step 1 distributor: GICD_CTLR = 0x%x (EnableGrp0), GICD_TYPER = 0x%x\n",
           mmio_read32(gic_dist_base() + GICD_CTLR), mmio_read32(gic_dist_base() + GICD_TYPER));
    printf("lab10: step 1 CPU interface: GICC_CTLR = 0x%x, GICC_PMR = 0x%x, GICC_BPR = %u, "
           "GICC_RPR = 0x%x, GICC_IIDR = 0x%x\n",
           ctlr, cpuif(GICC_PMR), cpuif(GICC_BPR), cpuif(GICC_RPR), cpuif(GICC_IIDR));
    CHECK_EQ(ctlr & (GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_EOIMODE), GICC_CTLR_ENABLE_GRP0,
             "GICC_CTLR: Group 0 enabled, EOImode 0");
    CHECK_EQ(gic_rpr(), 0xFF, "GICC_RPR idle");
}

static void print_round(const char *what, unsigned i, const struct round *r)
{
    printf("lab10: %s %u: step 3 IRQ taken at EL1 (ELR 0x%lx)\n", what, i, r->elr);
    printf("lab10: %s %u: step 4 GICC_IAR = 0x%x: INTID %u, source CPU %u, GICC_RPR = 0x%x\n", what,
           i, r->iar, gic_iar_intid(r->iar), gic_iar_source(r->iar), r->rpr_ack);
}

static void timer_phase(void)
{
    gic_set_priority(INTID_TIMER, PRIO);
    gic_enable(INTID_TIMER);
    printf("lab10: step 1 enable: INTID %u (virtual timer) GICD_ISENABLER0 bit %u = %u, "
           "priority 0x%x\n",
           INTID_TIMER, INTID_TIMER, gic_is_enabled(INTID_TIMER), gic_priority(INTID_TIMER));
    for (unsigned i = 0; i < ROUNDS; i++) {
        timer_arm_at(TIMER_VIRT, read_cntvct() + TIMER_MS * timer_ticks_per_ms());
        printf("lab10: timer %u: step 2 raise: CNTV_CVAL = CNTVCT + %u ms, CPU in WFI\n", i,
               TIMER_MS);
        CHECK(wait_taken(i), "timer %u: taken", i);
        const struct round *r = &rounds[0][i];
        print_round("timer", i, r);
        printf("lab10: timer %u: step 5 handler: CNTV_CTL.ISTATUS = %u, timer stopped\n", i,
               r->istatus != 0);
        printf("lab10: timer %u: step 6 GICC_EOIR <- 0x%x: GICC_RPR = 0x%x, active %u\n", i, r->iar,
               r->rpr_eoi, r->active_eoi);
        printf("lab10: timer %u: step 7 next: GICC_IAR = 0x%x\n", i, r->next_iar);
        CHECK_EQ(r->iar, INTID_TIMER, "timer %u: GICC_IAR is INTID 27, source 0", i);
        CHECK_EQ(r->acks, 1, "timer %u: one interrupt acknowledged", i);
        CHECK_EQ(r->rpr_ack, PRIO, "timer %u: running priority 0x%x in the handler", i, PRIO);
        CHECK(r->istatus != 0, "timer %u: ISTATUS set in the handler", i);
        CHECK_EQ(r->rpr_eoi, 0xFF, "timer %u: GICC_EOIR dropped the priority", i);
        CHECK_EQ(r->active_eoi, false, "timer %u: GICC_EOIR deactivated it (EOImode 0)", i);
        CHECK_EQ(r->next_iar, GIC_SPURIOUS, "timer %u: next GICC_IAR spurious", i);
    }
    gic_disable(INTID_TIMER);
}

static void sender(unsigned idx)
{
    uint64_t deadline = deadline_after_ms(10 * WAIT_MS);

    (void)idx;
    CHECK_EQ(gic_cpu_init(), 0, "vcpu 1: gic_cpu_init");
    for (unsigned i = 0; i < ROUNDS && !deadline_passed(deadline); i++) {
        while (load_acquire(&go) < i + 1 && !deadline_passed(deadline)) {
            cpu_relax();
        }
        uint32_t sgir =
            GICD_SGIR_FILTER_LIST | (uint32_t)gic_cpu_mask(0) << GICD_SGIR_TARGETS_SHIFT | SGI;
        sgir_sent[i] = sgir;
        gic_write_sgir(sgir); /* step 2: trapped, emulated by shrike, pended into an LR */
    }
    store_release(&done1, 1);
}

static void sgi_phase(void)
{
    unsigned src = (unsigned)__builtin_ctz(gic_cpu_mask(1)); /* vCPU 1's CPU interface number */

    phase = 1;
    store_release(&taken, 0);
    gic_set_priority(SGI, PRIO);
    gic_enable(SGI);
    gic_set_eoimode(true);
    printf("lab10: step 1 enable: SGI %u, GICC_CTLR = 0x%x (EOImode 1: EOIR drops, DIR "
           "deactivates)\n",
           SGI, cpuif(GICC_CTLR));
    CHECK_EQ(guest_cpu_on(1, sender), PSCI_RET_SUCCESS, "CPU_ON(1)");
    for (unsigned i = 0; i < ROUNDS; i++) {
        store_release(&go, i + 1);
        CHECK(wait_taken(i), "sgi %u: taken", i);
        const struct round *r = &rounds[1][i];
        printf("lab10: sgi %u: step 2 raise: vcpu 1 wrote GICD_SGIR = 0x%x (CPUTargetList 0x%x, "
               "SGI %u)\n",
               i, load_acquire(&sgir_sent[i]), (sgir_sent[i] >> GICD_SGIR_TARGETS_SHIFT) & 0xFF,
               SGI);
        print_round("sgi", i, r);
        printf("lab10: sgi %u: step 5 handler\n", i);
        printf("lab10: sgi %u: step 6 GICC_EOIR <- 0x%x: GICC_RPR = 0x%x, active %u\n", i, r->iar,
               r->rpr_eoi, r->active_eoi);
        printf("lab10: sgi %u: step 6 GICC_DIR <- 0x%x: active %u\n", i, r->iar, r->active_dir);
        printf("lab10: sgi %u: step 7 next: GICC_IAR = 0x%x\n", i, r->next_iar);
        CHECK_EQ(r->iar, src << GICC_IAR_SOURCE_SHIFT | SGI,
                 "sgi %u: GICC_IAR is SGI %u from CPU %u", i, SGI, src);
        CHECK_EQ(r->acks, 1, "sgi %u: one interrupt acknowledged", i);
        CHECK_EQ(r->rpr_ack, PRIO, "sgi %u: running priority 0x%x in the handler", i, PRIO);
        CHECK_EQ(r->rpr_eoi, 0xFF, "sgi %u: GICC_EOIR dropped the priority", i);
        CHECK_EQ(r->active_eoi, true, "sgi %u: still active after GICC_EOIR (EOImode 1)", i);
        CHECK_EQ(r->active_dir, false, "sgi %u: GICC_DIR deactivated it", i);
        CHECK_EQ(r->next_iar, GIC_SPURIOUS, "sgi %u: next GICC_IAR spurious", i);
    }
    CHECK(SPIN_UNTIL(load_acquire(&done1) != 0, deadline_after_ms(WAIT_MS)), "vcpu 1 done");
    gic_set_eoimode(false);
    gic_disable(SGI);
}

void guest_main(void)
{
    struct dtb_gic g;

    if (dtb_gic(&g) != 0 || g.version != 2) {
        printf("lab10: needs a GICv2: the DTB's GIC is %s\n",
               dtb_gic(&g) == 0 ? g.compat : "not found");
        test_skip("no GICv2", "the seed's lab 10 flow");
        return;
    }
    CHECK_EQ(gic_init(), 0, "gic_init");
    CHECK_EQ(gic_version(), 2, "the driver runs the GICv2 CPU interface");
    irq_set_handler(lab_irq);
    show_setup();
    timer_phase();
    if (guest_vcpu_count() < 2) {
        test_skip("1 vCPU", "the SGI rounds");
        return;
    }
    sgi_phase();
    printf("lab10: done: %u timer and %u SGI interrupts through GICC\n", ROUNDS, ROUNDS);
}
