/*
 * icc-chaos: random writes to the virtual CPU interface on every vCPU while
 * shrike switches them on and off CPUs, then a check that each vCPU still
 * takes interrupts.
 *
 * Each vCPU runs CHAOS_ACTIONS actions from its own seeded xorshift64: writes
 * of random values to ICC_BPR1_EL1, ICC_BPR0_EL1 (Group 0 is trapped by
 * shrike: every access must UNDEF, counted exactly), ICC_CTLR_EL1 (CBPR,
 * EOImode), ICC_PMR_EL1, ICC_IGRPEN1_EL1, ICC_AP1R0_EL1, ICC_EOIR1_EL1 and
 * ICC_DIR_EL1 with random INTIDs, reads of ICC_IAR1_EL1, SGIs to random vCPUs,
 * its virtual timer armed a little ahead, and short windows with IRQs
 * unmasked, so that interrupts are pending, active and preempting while the
 * registers change. BPR1 writes are 0..7 (the field; below the minimum too).
 * Bootarg `bpr=res0` (VM icc-chaos-res0) writes half of them as random 32-bit
 * values, RES0 bits [31:3] included: QEMU 7.2 clamps such a value to the
 * minimum before cutting it to the 3-bit field (write_vbpr), so e.g. 8 leaves
 * VBPR1 = 0 and its next priority check aborts (icv_gprio_mask, `bpr > 0`).
 * The guest does that alone, without a trap: no hypervisor can prevent it
 * short of trapping Group 1 (ICH_HCR_EL2.TALL1). See docs/interrupts.md.
 *
 * Then each vCPU restores a sane interface (EOImode 1, DIR of every private
 * INTID until GICR_ISACTIVER0 reads 0, AP1R0 = 0, EOImode 0, CBPR 0, BPR1 0,
 * PMR 0xFF, group 1 on) and checks: it reads back, RPR is idle, it receives
 * exactly one SGI 15 from the previous vCPU and exactly one timer interrupt,
 * not before its CVAL.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define CHAOS_ACTIONS 50000U /* per vCPU: 200,000 for 4 */
#define SGI_CHECK     15     /* the final check's SGI; the chaos uses 0..14 */
#define SGI_CHAOS     15     /* chaos SGIs: 0..SGI_CHAOS-1 */
#define TIMER_PRIO    0x80
#define WAIT_MS       500
#define RUN_MS        20000
#define DEACT_ROUNDS  8
#define TIMER_AHEAD   (timer_ticks_per_ms() / 2)

#define CTLR_CBPR    (1U << 0)
#define CTLR_EOIMODE (1U << 1)

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
    OP_SGI,
    OP_TIMER,
    OP_UNMASK,
    OP_COUNT
};

static unsigned nr_vcpus;
static bool bpr_res0; /* bootarg bpr=res0: BPR1 writes with RES0 bits [31:3] set too */
static unsigned chaos_done;
static unsigned restored;
static unsigned finished[GUEST_MAX_VCPUS];

/* Per vCPU, written by its own handlers. */
static unsigned sgi_check_from[GUEST_MAX_VCPUS][GUEST_MAX_VCPUS];
static unsigned chaos_sgis[GUEST_MAX_VCPUS];
static unsigned timer_irqs[GUEST_MAX_VCPUS];
static unsigned timer_early[GUEST_MAX_VCPUS];
static uint64_t timer_cval_set[GUEST_MAX_VCPUS];

/* Per vCPU, the chaos tallies. */
static unsigned ops[GUEST_MAX_VCPUS][OP_COUNT];
static unsigned bpr0_undefs[GUEST_MAX_VCPUS];
static unsigned iar_acks[GUEST_MAX_VCPUS];

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

static void chaos_action(unsigned me, uint64_t r)
{
    uint64_t v = r >> 16;
    enum op op = (enum op)((r & 0xFFFF) % OP_COUNT);

    ops[me][op]++;
    switch (op) {
    case OP_BPR1:
        write_sysreg(icc_bpr1_el1, !bpr_res0 || (v & 1) ? v & 7 : v & 0xFFFFFFFF);
        break;
    case OP_BPR0:
        bpr0_write(me, v & 0xF);
        break;
    case OP_CTLR:
        write_sysreg(icc_ctlr_el1, v & 0xFFFFFFFF);
        break;
    case OP_PMR:
        write_sysreg(icc_pmr_el1, v & 0xFF);
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
    uint64_t deadline = deadline_after_ms(ms);

    while (load_acquire(counter) < target) {
        if (deadline_passed(deadline)) {
            return false;
        }
        cpu_relax();
    }
    return true;
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

/* PMR = 0xFF reads back with only the implemented priority bits (ICC_CTLR_EL1.PRIbits + 1). */
static unsigned pmr_all(void)
{
    unsigned pribits = (unsigned)((read_sysreg(icc_ctlr_el1) >> 8) & 7) + 1;

    return 0xFFU & ~((1U << (8 - pribits)) - 1);
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
    CHECK_EQ(read_sysreg(icc_ctlr_el1) & (CTLR_CBPR | CTLR_EOIMODE), 0,
             "vcpu %u: ICC_CTLR_EL1 CBPR and EOImode read back 0", me);
    CHECK_EQ(read_sysreg(icc_pmr_el1), pmr_all(), "vcpu %u: ICC_PMR_EL1 reads back 0x%x", me,
             pmr_all());
    CHECK_EQ(read_sysreg(icc_igrpen1_el1), 1, "vcpu %u: ICC_IGRPEN1_EL1 reads back 1", me);
    CHECK_EQ(read_sysreg(icc_ap1r0_el1), 0, "vcpu %u: ICC_AP1R0_EL1 reads back 0", me);
    CHECK_EQ(gic_rpr(), 0xFF, "vcpu %u: ICC_RPR_EL1 idle", me);
}

static void check_delivery(unsigned me)
{
    unsigned prev = (me + nr_vcpus - 1) % nr_vcpus;
    bool got;

    /* Drain what the chaos left pending, then count from zero. */
    irq_local_enable();
    for (unsigned i = 0; i < 1000; i++) {
        cpu_relax();
    }
    irq_local_disable();
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

static void run(unsigned me)
{
    uint64_t seed = 0x9E3779B97F4A7C15ULL * (me + 1);
    uint64_t s = seed;

    if (me != 0) {
        CHECK_EQ(gic_cpu_init(), 0, "vcpu %u: redistributor and CPU interface up", me);
    }
    for (unsigned sgi = 0; sgi < GIC_NR_SGIS; sgi++) {
        gic_set_handler(sgi, sgi_handler);
        gic_set_priority(sgi, (uint8_t)(0x10 + GIC_PRIO_STEP * sgi));
        gic_enable(sgi);
    }
    timer_set_handler(TIMER_VIRT, timer_handler, TIMER_PRIO);

    for (unsigned i = 0; i < CHAOS_ACTIONS; i++) {
        chaos_action(me, rng_next(&s));
    }
    irq_local_disable();
    barrier(&chaos_done, deadline_after_ms(RUN_MS));
    printf("icc-chaos: vcpu %u: seed 0x%lx, %u actions, %u BPR0, %u IAR acks, %u SGIs taken\n", me,
           seed, CHAOS_ACTIONS, ops[me][OP_BPR0], iar_acks[me], chaos_sgis[me]);
    CHECK_EQ(bpr0_undefs[me], ops[me][OP_BPR0], "vcpu %u: every ICC_BPR0_EL1 write UNDEFs", me);

    restore(me);
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
    bpr_res0 = dtb_bootargs_have("bpr=res0");
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
