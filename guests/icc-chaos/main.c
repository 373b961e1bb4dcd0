/*
 * icc-chaos: random accesses to the virtual CPU interface on every vCPU while
 * shrike switches them on and off CPUs, then exact checks of the registers'
 * semantics and that each vCPU still takes interrupts.
 *
 * Each vCPU runs CHAOS_ACTIONS actions from its own seeded xorshift64: writes
 * of random 64-bit values to ICC_BPR1_EL1 (RES0 bits included: QEMU 7.2's
 * write_vbpr clamps before cutting the value to its field, so e.g. 8 would
 * leave VBPR1 = 0 and abort QEMU at its next priority check, unless shrike
 * keeps ICH_VMCR_EL2.VCBPR = 1), ICC_CTLR_EL1 (random CBPR, EOImode),
 * ICC_PMR_EL1, ICC_IGRPEN1_EL1, ICC_AP1R0_EL1, ICC_EOIR1_EL1 and ICC_DIR_EL1
 * with random INTIDs; ICC_BPR0_EL1 (Group 0 is trapped by shrike: every access
 * must UNDEF, counted exactly); reads of ICC_IAR1_EL1 and ICC_RPR_EL1; SGIs to
 * random vCPUs, its virtual timer armed a little ahead, and short windows with
 * IRQs unmasked, so that interrupts are pending, active and preempting while
 * the registers change. Every CTLR, PMR and BPR1 write is read back at once
 * (IRQs masked) and every RPR read checked for form; the mismatches are
 * counted and must be 0 (docs/interrupts.md: BPR1 always reads its minimum,
 * CBPR and EOImode read back as written, PMR keeps its implemented bits).
 *
 * Then each vCPU restores a sane interface (EOImode 1, DIR of every private
 * INTID until GICR_ISACTIVER0 reads 0, AP1R0 = 0, EOImode 0, CBPR 0, BPR1 0,
 * PMR 0xFF, group 1 on), checks PMR, RPR, EOImode/DIR and CBPR/BPR1 exactly
 * with SGI 14 sent to itself (and the timer, hardware-mapped, in EOImode 1),
 * and receives exactly one SGI 15 from the previous vCPU and exactly one timer
 * interrupt, not before its CVAL.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define CHAOS_ACTIONS 50000U /* per vCPU: 200,000 for 4 */
#define SGI_CHECK     15     /* the final check's SGI; the chaos uses 0..14 */
#define SGI_CHAOS     15     /* chaos SGIs: 0..SGI_CHAOS-1 */
#define SGI_SEM       14     /* the semantics checks' SGI, sent to itself */
#define SEM_PRIO      0x50   /* its priority: exact with 5 priority bits or more */
#define TIMER_PRIO    0x80
#define WAIT_MS       500
#define RUN_MS        20000
#define DEACT_ROUNDS  8
#define ACK_TRIES     2000
#define TIMER_AHEAD   (timer_ticks_per_ms() / 2)

#define CTLR_CBPR    (1U << 0)
#define CTLR_EOIMODE (1U << 1)
#define CTLR_RW      (CTLR_CBPR | CTLR_EOIMODE)

enum op {
    OP_BPR1,
    OP_BPR0,
    OP_CTLR,
    OP_PMR,
    OP_IGRPEN1,
    OP_AP1R0,
    OP_EOIR,
    OP_DIR,
    OP_IAR,
    OP_RPR,
    OP_SGI,
    OP_TIMER,
    OP_UNMASK,
    OP_COUNT
};

static unsigned nr_vcpus;
static unsigned chaos_done;
static unsigned restored;
static unsigned finished[GUEST_MAX_VCPUS];

/* Per vCPU, written by its own handlers. */
static unsigned sgi_check_from[GUEST_MAX_VCPUS][GUEST_MAX_VCPUS];
static unsigned chaos_sgis[GUEST_MAX_VCPUS];
static unsigned timer_irqs[GUEST_MAX_VCPUS];
static unsigned timer_early[GUEST_MAX_VCPUS];
static uint64_t timer_cval_set[GUEST_MAX_VCPUS];

/* Per vCPU: the interface as first read, and the chaos tallies. */
struct view {
    uint64_t ctlr_ro; /* ICC_CTLR_EL1 without CBPR and EOImode */
    uint64_t bpr1;    /* ICC_BPR1_EL1: its minimum, and what every read must give */
    unsigned pmr_mask;
};
static struct view views[GUEST_MAX_VCPUS];
static unsigned ops[GUEST_MAX_VCPUS][OP_COUNT];
static unsigned bpr0_undefs[GUEST_MAX_VCPUS];
static unsigned iar_acks[GUEST_MAX_VCPUS];
static unsigned bad_ctlr[GUEST_MAX_VCPUS];
static unsigned bad_pmr[GUEST_MAX_VCPUS];
static unsigned bad_bpr1[GUEST_MAX_VCPUS];
static unsigned bad_rpr[GUEST_MAX_VCPUS];

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

/* Mostly private INTIDs (the ones that can be active here), sometimes anything. */
static uint64_t random_intid(uint64_t r)
{
    return (r & 0x30) != 0 ? (r >> 8) % 32 : (r >> 8) & 0xFFFFFF;
}

/* A value for a register write: small, 32 bits or 64 bits, each a third of the time. */
static uint64_t random_value(uint64_t *s, uint64_t small_mask)
{
    uint64_t r = rng_next(s);

    switch (r % 3) {
    case 0:
        return (r >> 8) & small_mask;
    case 1:
        return (r >> 8) & 0xFFFFFFFF;
    default:
        return rng_next(s);
    }
}

static void sgi_handler(unsigned intid)
{
    unsigned me = guest_vcpu_index();

    if (intid == SGI_CHECK) {
        /* The sender's index is not in the SGI: the only sender is the previous vCPU. */
        unsigned from = (me + nr_vcpus - 1) % nr_vcpus;
        __atomic_store_n(&sgi_check_from[me][from], sgi_check_from[me][from] + 1, __ATOMIC_RELEASE);
    } else {
        chaos_sgis[me]++;
    }
}

static void timer_handler(unsigned intid)
{
    unsigned me = guest_vcpu_index();

    (void)intid;
    if (timer_count(TIMER_VIRT) < timer_cval_set[me]) {
        timer_early[me]++;
    }
    timer_stop(TIMER_VIRT); /* level: stop it before the EOI */
    __atomic_store_n(&timer_irqs[me], timer_irqs[me] + 1, __ATOMIC_RELEASE);
}

static void arm_timer(unsigned me, uint64_t ahead)
{
    timer_cval_set[me] = timer_count(TIMER_VIRT) + ahead;
    timer_arm_at(TIMER_VIRT, timer_cval_set[me]);
}

static void bpr0_write(unsigned me, uint64_t v)
{
    struct fault_record rec;

    fault_expect(&rec);
    write_sysreg(icc_bpr0_el1, v);
    isb();
    bpr0_undefs[me] += fault_expect_end();
}

/* The read-backs run with IRQs masked: nothing of the guest's runs in between. */
static void ctlr_write(unsigned me, uint64_t v)
{
    write_sysreg(icc_ctlr_el1, v);
    isb();
    uint64_t r = read_sysreg(icc_ctlr_el1);
    bad_ctlr[me] += (r & CTLR_RW) != (v & CTLR_RW) || (r & ~(uint64_t)CTLR_RW) != views[me].ctlr_ro;
}

static void pmr_write(unsigned me, uint64_t v)
{
    write_sysreg(icc_pmr_el1, v);
    isb();
    bad_pmr[me] += read_sysreg(icc_pmr_el1) != (v & views[me].pmr_mask);
}

static void bpr1_write(unsigned me, uint64_t v)
{
    write_sysreg(icc_bpr1_el1, v);
    isb();
    bad_bpr1[me] += read_sysreg(icc_bpr1_el1) != views[me].bpr1;
}

/* A running priority is idle (0xFF) or an implemented priority value. */
static void rpr_read(unsigned me)
{
    uint64_t r = read_sysreg(icc_rpr_el1);
    bad_rpr[me] += r != 0xFF && (r & ~(uint64_t)views[me].pmr_mask) != 0;
}

static void chaos_action(unsigned me, uint64_t *s)
{
    uint64_t r = rng_next(s);
    uint64_t v = r >> 16;
    enum op op = (enum op)((r & 0xFFFF) % OP_COUNT);

    ops[me][op]++;
    switch (op) {
    case OP_BPR1:
        bpr1_write(me, random_value(s, 0x1F));
        break;
    case OP_BPR0:
        bpr0_write(me, v & 0xF);
        break;
    case OP_CTLR:
        ctlr_write(me, random_value(s, 0xFF));
        break;
    case OP_PMR:
        pmr_write(me, random_value(s, 0xFF));
        break;
    case OP_IGRPEN1:
        /* Mostly on, so that interrupts keep coming. */
        write_sysreg(icc_igrpen1_el1, (v & 7) != 0 ? 1 : v & 0xFFFFFFFE);
        break;
    case OP_AP1R0:
        write_sysreg(icc_ap1r0_el1, (v & 1) ? 0 : v & 0xFFFFFFFF);
        break;
    case OP_EOIR:
        write_sysreg(icc_eoir1_el1, random_intid(v));
        break;
    case OP_DIR:
        write_sysreg(icc_dir_el1, random_intid(v));
        break;
    case OP_IAR:
        if ((read_sysreg(icc_iar1_el1) & 0xFFFFFF) < 1020) {
            iar_acks[me]++;
        }
        break;
    case OP_RPR:
        rpr_read(me);
        break;
    case OP_SGI:
        gic_send_sgi((unsigned)(v % SGI_CHAOS), (unsigned)((v >> 8) % nr_vcpus));
        break;
    case OP_TIMER:
        arm_timer(me, (v % 64) * (TIMER_AHEAD / 32));
        break;
    default:
        irq_local_enable();
        for (unsigned i = 0; i < (v & 31); i++) {
            cpu_relax();
        }
        irq_local_disable();
        break;
    }
    isb();
}

static void barrier(unsigned *counter, uint64_t deadline)
{
    __atomic_fetch_add(counter, 1, __ATOMIC_ACQ_REL);
    while (load_acquire(counter) < nr_vcpus && !deadline_passed(deadline)) {
        cpu_relax();
    }
}

static bool wait_count(const unsigned *counter, unsigned target, unsigned ms)
{
    return SPIN_UNTIL(load_acquire(counter) >= target, deadline_after_ms(ms));
}

/* DIR of every private INTID in EOImode 1, until the redistributor says none is active. */
static uint32_t deactivate_all(unsigned me)
{
    uint64_t isactiver = gic_redist_sgi_base(me) + GICR_ISACTIVER0;
    uint32_t active = 0;

    write_sysreg(icc_ctlr_el1, CTLR_EOIMODE);
    isb();
    for (unsigned round = 0; round < DEACT_ROUNDS; round++) {
        for (unsigned intid = 0; intid < 32; intid++) {
            write_sysreg(icc_dir_el1, intid);
        }
        isb();
        active = mmio_read32(isactiver); /* an exit: list registers folded and refilled */
        if (active == 0) {
            break;
        }
    }
    return active;
}

/* The interface's shape as the guest first sees it (before any chaos). */
static void read_view(unsigned me)
{
    unsigned pribits;

    write_sysreg(icc_bpr1_el1, 0); /* below any minimum: sets the minimum */
    isb();
    views[me].ctlr_ro = read_sysreg(icc_ctlr_el1) & ~(uint64_t)CTLR_RW;
    views[me].bpr1 = read_sysreg(icc_bpr1_el1);
    pribits = (unsigned)((views[me].ctlr_ro >> 8) & 7) + 1;
    views[me].pmr_mask = 0xFFU & ~((1U << (8 - pribits)) - 1);
}

static void restore(unsigned me)
{
    uint32_t active;

    timer_stop(TIMER_VIRT);
    write_sysreg(icc_ap1r0_el1, 0);
    isb();
    active = deactivate_all(me);
    write_sysreg(icc_ap1r0_el1, 0);
    write_sysreg(icc_ctlr_el1, 0);
    write_sysreg(icc_bpr1_el1, 0);
    write_sysreg(icc_pmr_el1, GIC_PMR_ALL);
    write_sysreg(icc_igrpen1_el1, 1);
    isb();
    CHECK_EQ(active, 0, "vcpu %u: no private interrupt left active", me);
    CHECK_EQ(read_sysreg(icc_ctlr_el1) & CTLR_RW, 0,
             "vcpu %u: ICC_CTLR_EL1 CBPR and EOImode read back 0", me);
    CHECK_EQ(read_sysreg(icc_pmr_el1), views[me].pmr_mask, "vcpu %u: ICC_PMR_EL1 reads back 0x%x",
             me, views[me].pmr_mask);
    CHECK_EQ(read_sysreg(icc_igrpen1_el1), 1, "vcpu %u: ICC_IGRPEN1_EL1 reads back 1", me);
    CHECK_EQ(read_sysreg(icc_ap1r0_el1), 0, "vcpu %u: ICC_AP1R0_EL1 reads back 0", me);
    CHECK_EQ(gic_rpr(), 0xFF, "vcpu %u: ICC_RPR_EL1 idle", me);
}

/* Drains what the chaos left pending: a short window with IRQs unmasked. */
static void drain(void)
{
    irq_local_enable();
    for (unsigned i = 0; i < 1000; i++) {
        cpu_relax();
    }
    irq_local_disable();
}

/*
 * With IRQs masked, reads ICC_IAR1_EL1 until it gives intid (returned) or
 * ACK_TRIES reads pass (1023). Anything else acknowledged is EOId (and DIRed
 * in EOImode 1) and counted in *others.
 */
static unsigned ack(unsigned intid, unsigned *others)
{
    for (unsigned i = 0; i < ACK_TRIES; i++) {
        unsigned got = (unsigned)(read_sysreg(icc_iar1_el1) & 0xFFFFFF);
        if (got == intid) {
            return got;
        }
        if (got < 1020) {
            write_sysreg(icc_eoir1_el1, got);
            write_sysreg(icc_dir_el1, got); /* ignored in EOImode 0 */
            (*others)++;
        }
        isb();
    }
    return GIC_SPURIOUS;
}

static void check_pmr(unsigned me)
{
    unsigned m = views[me].pmr_mask;

    gic_set_pmr(0x5A);
    CHECK_EQ(gic_pmr(), 0x5A & m, "vcpu %u: PMR 0x5A reads 0x%x", me, 0x5A & m);
    write_sysreg(icc_pmr_el1, 0xFFFFFFFF000000A7ULL);
    isb();
    CHECK_EQ(read_sysreg(icc_pmr_el1), 0xA7 & m, "vcpu %u: PMR with RES0 bits reads 0x%x", me,
             0xA7 & m);
    gic_set_pmr(GIC_PMR_ALL);
    CHECK_EQ(gic_pmr(), m, "vcpu %u: PMR 0xFF reads 0x%x", me, m);
}

/* RPR follows an acknowledged SGI; in EOImode 1, EOIR drops the priority and DIR deactivates. */
static void check_rpr_dir(unsigned me, unsigned *others)
{
    gic_set_priority(SGI_SEM, SEM_PRIO);
    CHECK_EQ(gic_rpr(), 0xFF, "vcpu %u: RPR idle before SGI %u", me, SGI_SEM);
    gic_send_sgi(SGI_SEM, me);
    CHECK_EQ(ack(SGI_SEM, others), SGI_SEM, "vcpu %u: SGI %u acknowledged", me, SGI_SEM);
    CHECK_EQ(gic_rpr(), SEM_PRIO, "vcpu %u: RPR 0x%x while it is active", me, SEM_PRIO);
    gic_eoi(SGI_SEM);
    CHECK_EQ(gic_rpr(), 0xFF, "vcpu %u: RPR idle after its EOI", me);
    CHECK(!gic_is_active(SGI_SEM), "vcpu %u: EOImode 0: EOI deactivated it", me);

    write_sysreg(icc_ctlr_el1, CTLR_EOIMODE);
    isb();
    CHECK_EQ(read_sysreg(icc_ctlr_el1) & CTLR_RW, CTLR_EOIMODE, "vcpu %u: EOImode 1 reads back",
             me);
    gic_send_sgi(SGI_SEM, me);
    CHECK_EQ(ack(SGI_SEM, others), SGI_SEM, "vcpu %u: EOImode 1: SGI %u acknowledged", me, SGI_SEM);
    gic_eoi(SGI_SEM);
    CHECK_EQ(gic_rpr(), 0xFF, "vcpu %u: EOImode 1: EOI dropped the priority", me);
    CHECK(gic_is_active(SGI_SEM), "vcpu %u: EOImode 1: still active after EOI", me);
    gic_send_sgi(SGI_SEM, me); /* pending and active: not acknowledged again */
    CHECK_EQ(ack(SGI_SEM, others), GIC_SPURIOUS, "vcpu %u: active SGI %u not taken again", me,
             SGI_SEM);
    write_sysreg(icc_dir_el1, SGI_SEM);
    isb();
    CHECK(!gic_is_active(SGI_SEM) && gic_is_pending(SGI_SEM),
          "vcpu %u: DIR deactivated it, still pending", me);
    CHECK_EQ(ack(SGI_SEM, others), SGI_SEM, "vcpu %u: after DIR, taken again", me);
    gic_eoi(SGI_SEM);
    write_sysreg(icc_dir_el1, SGI_SEM);
    isb();
    CHECK(!gic_is_active(SGI_SEM), "vcpu %u: DIR deactivated it again", me);
}

/*
 * Still in EOImode 1: the timer is hardware-mapped, so DIR must deactivate the
 * physical interrupt too (shrike does it for the trapped DIR).
 */
static void check_timer_dir(unsigned me, unsigned *others)
{
    uint64_t deadline = deadline_after_ms(20);
    unsigned got;

    arm_timer(me, timer_ticks_per_ms() / 4);
    for (;;) {
        /* The deadline before the acknowledge: a host stall after an early
         * (spurious) acknowledge is not a lost timer interrupt. */
        bool late = deadline_passed(deadline);
        got = ack(TIMER_VIRT_INTID, others);
        if (got == TIMER_VIRT_INTID || late) {
            break;
        }
    }
    timer_stop(TIMER_VIRT);
    CHECK_EQ(got, TIMER_VIRT_INTID, "vcpu %u: EOImode 1: timer interrupt acknowledged", me);
    gic_eoi(TIMER_VIRT_INTID);
    CHECK(gic_is_active(TIMER_VIRT_INTID), "vcpu %u: EOImode 1: timer active after EOI", me);
    write_sysreg(icc_dir_el1, TIMER_VIRT_INTID);
    isb();
    CHECK(!gic_is_active(TIMER_VIRT_INTID), "vcpu %u: DIR deactivated the timer interrupt", me);
    write_sysreg(icc_ctlr_el1, 0);
    isb();
}

/* CBPR reads back as written; BPR1 writes are ignored (shrike keeps VCBPR = 1). */
static void check_cbpr(unsigned me)
{
    uint64_t min = views[me].bpr1;

    if (((views[me].ctlr_ro >> 8) & 7) == 4) {
        CHECK_EQ(min, 3, "vcpu %u: 5 priority bits: BPR1 minimum 3", me);
    }
    write_sysreg(icc_ctlr_el1, CTLR_CBPR);
    isb();
    CHECK_EQ(read_sysreg(icc_ctlr_el1) & CTLR_RW, CTLR_CBPR, "vcpu %u: CBPR 1 reads back", me);
    write_sysreg(icc_bpr1_el1, 7);
    isb();
    CHECK_EQ(read_sysreg(icc_bpr1_el1), min, "vcpu %u: CBPR 1: BPR1 write ignored", me);
    write_sysreg(icc_ctlr_el1, 0);
    isb();
    CHECK_EQ(read_sysreg(icc_ctlr_el1) & CTLR_RW, 0, "vcpu %u: CBPR 0 reads back", me);
    write_sysreg(icc_bpr1_el1, 7);
    isb();
    CHECK_EQ(read_sysreg(icc_bpr1_el1), min, "vcpu %u: CBPR 0: BPR1 write 7 reads %lu", me, min);
    write_sysreg(icc_bpr1_el1, 8);
    isb();
    CHECK_EQ(read_sysreg(icc_bpr1_el1), min, "vcpu %u: BPR1 write 8 reads %lu", me, min);
}

static void check_semantics(unsigned me)
{
    unsigned others = 0;

    check_pmr(me);
    check_rpr_dir(me, &others);
    check_timer_dir(me, &others);
    check_cbpr(me);
    CHECK_EQ(others, 0, "vcpu %u: nothing else acknowledged meanwhile", me);
    gic_set_priority(SGI_SEM, (uint8_t)(0x10 + GIC_PRIO_STEP * SGI_SEM));
}

static void check_delivery(unsigned me)
{
    unsigned prev = (me + nr_vcpus - 1) % nr_vcpus;
    bool got;

    timer_irqs[me] = 0;
    timer_early[me] = 0; /* the chaos re-arms the timer under a pending interrupt */
    barrier(&restored, deadline_after_ms(RUN_MS));

    irq_local_enable();
    gic_send_sgi(SGI_CHECK, (me + 1) % nr_vcpus);
    got = wait_count(&sgi_check_from[me][prev], 1, WAIT_MS);
    CHECK(got, "vcpu %u: SGI %u from vcpu %u received", me, SGI_CHECK, prev);
    arm_timer(me, timer_ticks_per_ms());
    got = wait_count(&timer_irqs[me], 1, WAIT_MS);
    CHECK(got, "vcpu %u: timer interrupt received", me);
    irq_local_disable();
    CHECK_EQ(load_acquire(&sgi_check_from[me][prev]), 1, "vcpu %u: exactly one SGI %u", me,
             SGI_CHECK);
    CHECK_EQ(load_acquire(&timer_irqs[me]), 1, "vcpu %u: exactly one timer interrupt", me);
    CHECK_EQ(timer_early[me], 0, "vcpu %u: no timer interrupt before its CVAL", me);
}

static void report_chaos(unsigned me, uint64_t seed)
{
    printf("icc-chaos: vcpu %u: seed 0x%lx, %u actions, %u BPR0, %u IAR acks, %u SGIs taken\n", me,
           seed, CHAOS_ACTIONS, ops[me][OP_BPR0], iar_acks[me], chaos_sgis[me]);
    CHECK_EQ(bpr0_undefs[me], ops[me][OP_BPR0], "vcpu %u: every ICC_BPR0_EL1 write UNDEFs", me);
    CHECK_EQ(bad_ctlr[me], 0, "vcpu %u: %u CTLR writes read back as written", me, ops[me][OP_CTLR]);
    CHECK_EQ(bad_pmr[me], 0, "vcpu %u: %u PMR writes read back", me, ops[me][OP_PMR]);
    CHECK_EQ(bad_bpr1[me], 0, "vcpu %u: %u BPR1 writes read back %lu", me, ops[me][OP_BPR1],
             views[me].bpr1);
    CHECK_EQ(bad_rpr[me], 0, "vcpu %u: %u RPR reads well formed", me, ops[me][OP_RPR]);
}

static void run(unsigned me)
{
    uint64_t seed = 0x9E3779B97F4A7C15ULL * (me + 1);
    uint64_t s = seed;

    if (me != 0) {
        CHECK_EQ(gic_cpu_init(), 0, "vcpu %u: redistributor and CPU interface up", me);
    }
    read_view(me);
    for (unsigned sgi = 0; sgi < GIC_NR_SGIS; sgi++) {
        gic_set_handler(sgi, sgi_handler);
        gic_set_priority(sgi, (uint8_t)(0x10 + GIC_PRIO_STEP * sgi));
        gic_enable(sgi);
    }
    timer_set_handler(TIMER_VIRT, timer_handler, TIMER_PRIO);

    for (unsigned i = 0; i < CHAOS_ACTIONS; i++) {
        chaos_action(me, &s);
    }
    irq_local_disable();
    barrier(&chaos_done, deadline_after_ms(RUN_MS));
    report_chaos(me, seed);

    restore(me);
    drain();
    check_semantics(me);
    check_delivery(me);
    store_release(&finished[me], 1);
}

void guest_main(void)
{
    uint64_t deadline;

    nr_vcpus = guest_vcpu_count();
    if (nr_vcpus > GUEST_MAX_VCPUS) {
        nr_vcpus = GUEST_MAX_VCPUS;
    }
    if (!CHECK_EQ(gic_init(), 0, "vcpu 0: GIC up")) {
        return;
    }
    for (unsigned i = 1; i < nr_vcpus; i++) {
        CHECK_EQ(guest_cpu_on(i, run), PSCI_RET_SUCCESS, "CPU_ON(%u)", i);
    }
    run(0);
    deadline = deadline_after_ms(RUN_MS);
    for (unsigned i = 1; i < nr_vcpus; i++) {
        while (!load_acquire(&finished[i]) && !deadline_passed(deadline)) {
            cpu_relax();
        }
        CHECK(load_acquire(&finished[i]), "vcpu %u finished", i);
    }
}
