/*
 * pmu: the virtual PMUv3 (vcpu/vpmu.c; issue 14). Run under -icount, where
 * QEMU counts INST_RETIRED exactly.
 *
 *   pmu=solo  (VM pmu, 1 vCPU): PMUVer, PMCR.N and the events; INST_RETIRED
 *             over a loop of known length, exact within a few instructions;
 *             200 hypercalls in the counted region add their HVC instructions
 *             and nothing of shrike's (EL2 filtering forced: a guest's NSH
 *             reads back 0); the cycle counter runs and stops with PMCNTEN;
 *             PMCR.P/C reset the counters; an overflow of counter 1 raises
 *             exactly one PMU interrupt (INTID 23), which PMOVSCLR ends;
 *             PMUSERENR's EN, CR and ER gate EL0's reads exactly.
 *   pmu=pair  (VM pmu-pair, 2 vCPUs sharing CPU 0): each vCPU counts its own
 *             loop's instructions while the other preempts it: exactly its
 *             own, never the sum; its cycles run only while it runs.
 */
#include "guests/lib/dtb.h"
#include "guests/lib/fault.h"
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/mmu.h"
#include "guests/lib/smccc.h"
#include "vcpu/abi.h"

#define PMU_INTID      23
#define EV_INST        0x08
#define PMCR_E         (1U << 0)
#define PMCR_P         (1U << 1)
#define PMCR_C         (1U << 2)
#define CYCLE          (1U << 31)
#define NSH            (1U << 27)
#define EC_SYSREG      0x18
#define EC_SVC64       0x15
#define EL0_ALIAS      0x1000000000UL /* where the EL0 snippets' page is mapped for EL0 */
#define LOOP           10000U
#define PAIR_LOOP      2000000U
#define OVERFLOW_AHEAD 5000U

extern char el0_page[], el0_read_ccntr[], el0_read_evcntr0[], el0_read_pmcr[], el0_resume[];
uint64_t el0_run(uint64_t va);

static volatile unsigned pmu_irqs;
static volatile uint64_t ovs_seen;
static volatile unsigned el0_ec;

/* 2 instructions an iteration: exactly 2 * n + a few between the counter reads. */
static void spin_insns(uint64_t n)
{
    __asm__ __volatile__("1: subs %0, %0, #1\n\tb.ne 1b" : "+r"(n) : : "cc");
}

static void select_event(unsigned ctr, uint32_t type)
{
    write_sysreg(pmselr_el0, ctr);
    isb();
    write_sysreg(pmxevtyper_el0, type);
    isb();
}

static uint64_t count_insns(uint64_t iterations)
{
    write_sysreg(pmevcntr0_el0, 0);
    isb();
    uint64_t a = read_sysreg(pmevcntr0_el0);
    spin_insns(iterations);
    uint64_t b = read_sysreg(pmevcntr0_el0);
    return b - a;
}

static void pmu_irq(unsigned intid)
{
    (void)intid;
    ovs_seen = read_sysreg(pmovsset_el0);
    write_sysreg(pmovsclr_el0, ovs_seen);
    isb();
    pmu_irqs = pmu_irqs + 1;
}

/* EL0's SVC or trapped access: back to el0_run's caller at EL1h, x0 = result or ~0. */
static void el0_sync(struct exc_frame *f)
{
    unsigned ec = (unsigned)(f->esr >> 26) & 0x3F;
    el0_ec = ec;
    if (ec != EC_SVC64) {
        f->x[0] = ~0ULL;
    }
    f->elr = (uint64_t)(uintptr_t)el0_resume;
    f->spsr = 0x3C5; /* EL1h, DAIF masked */
}

static uint64_t at_el0(const char *snippet, unsigned *ec)
{
    el0_ec = 0;
    uint64_t v = el0_run(EL0_ALIAS + (uint64_t)(snippet - el0_page));
    *ec = el0_ec;
    return v;
}

static void check_ids(void)
{
    uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);
    CHECK_EQ((dfr0 >> 8) & 0xF, 1, "ID_AA64DFR0_EL1.PMUVer = 1 (PMUv3)");
    uint64_t pmcr = read_sysreg(pmcr_el0);
    unsigned n = (unsigned)(pmcr >> 11) & 0x1F;
    printf("pmu: PMCR_EL0 %#lx: %u event counters, PMCEID0 %#lx\n", pmcr, n,
           read_sysreg(pmceid0_el0));
    CHECK(n >= 2, "PMCR_EL0.N: at least 2 event counters");
    CHECK_EQ(pmcr & 0x7F, 0, "PMCR_EL0 at reset: E, P, C, D, X, DP, LC clear");
    CHECK_EQ(read_sysreg(pmcntenset_el0), 0, "PMCNTENSET at reset: 0");
    CHECK(read_sysreg(pmceid0_el0) & (1U << EV_INST), "PMCEID0: INST_RETIRED implemented");
}

static void check_counting(void)
{
    select_event(0, EV_INST | NSH); /* NSH: the guest asks to count EL2 too */
    write_sysreg(pmselr_el0, 0);
    isb();
    CHECK_EQ(read_sysreg(pmxevtyper_el0), EV_INST,
             "PMEVTYPER0: NSH reads back 0 (EL2 never counted)");
    write_sysreg(pmcntenset_el0, 1U | CYCLE);
    write_sysreg(pmcr_el0, PMCR_E | PMCR_P | PMCR_C);
    isb();

    uint64_t n = count_insns(LOOP);
    printf("pmu: INST_RETIRED %lu for a loop of %u instructions\n", n, 2 * LOOP);
    CHECK(n >= 2 * LOOP && n <= 2 * LOOP + 16, "INST_RETIRED exact within 16 instructions");

    write_sysreg(pmevcntr0_el0, 0);
    isb();
    uint64_t a = read_sysreg(pmevcntr0_el0);
    for (unsigned i = 0; i < 200; i++) {
        (void)hvc_call(SMCCC_VERSION, 0, 0, 0);
    }
    uint64_t hvc = read_sysreg(pmevcntr0_el0) - a;
    printf("pmu: 200 hypercalls: %lu instructions counted\n", hvc);
    CHECK(hvc < 200 * 20, "200 hypercalls count their own instructions only (none of shrike's)");

    uint64_t c0 = read_sysreg(pmccntr_el0);
    spin_insns(LOOP);
    uint64_t c1 = read_sysreg(pmccntr_el0);
    CHECK(c1 > c0, "the cycle counter runs (%lu cycles)", c1 - c0);
    write_sysreg(pmcntenclr_el0, CYCLE);
    isb();
    c0 = read_sysreg(pmccntr_el0);
    spin_insns(LOOP);
    CHECK_EQ(read_sysreg(pmccntr_el0) - c0, 0, "the cycle counter stops with PMCNTENCLR");
    write_sysreg(pmcntenset_el0, CYCLE);

    write_sysreg(pmcr_el0, PMCR_E | PMCR_P | PMCR_C);
    isb();
    uint64_t ev = read_sysreg(pmevcntr0_el0);
    uint64_t cc = read_sysreg(pmccntr_el0);
    CHECK(ev < 16, "PMCR.P resets the event counters (%lu)", ev);
    CHECK(cc < 1000, "PMCR.C resets the cycle counter (%lu)", cc);
}

static void check_overflow(void)
{
    select_event(1, EV_INST);
    write_sysreg(pmselr_el0, 1);
    isb();
    write_sysreg(pmxevcntr_el0, 0xFFFFFFFFULL - OVERFLOW_AHEAD);
    write_sysreg(pmintenset_el1, 2);
    write_sysreg(pmcntenset_el0, 2);
    isb();
    irq_local_enable();
    spin_insns(OVERFLOW_AHEAD * 2);
    /*
     * QEMU notices an overflow of INST_RETIRED at the CPU's next exception
     * or PMU access, not at once (a real PMU raises it within a few cycles):
     * poll PMOVSSET, a trapped read, until the interrupt came.
     */
    for (unsigned i = 0; i < 1000 && pmu_irqs == 0; i++) {
        (void)read_sysreg(pmovsset_el0);
    }
    spin_insns(LOOP); /* quiet: the line must have gone down */
    irq_local_disable();
    CHECK_EQ(pmu_irqs, 1, "one PMU interrupt for one overflow");
    CHECK_EQ(ovs_seen & 3, 2, "PMOVSSET showed counter 1's overflow");
    CHECK_EQ(read_sysreg(pmovsset_el0) & 2, 0, "PMOVSCLR cleared it");
    write_sysreg(pmselr_el0, 1);
    isb();
    uint64_t c1 = read_sysreg(pmxevcntr_el0);
    CHECK(c1 < 4 * LOOP, "counter 1 wrapped past 2^32 (%#lx)", c1);
    write_sysreg(pmintenclr_el1, 2);
    write_sysreg(pmcntenclr_el0, 2);
}

static void check_el0(void)
{
    unsigned ec;
    el0_sync_set_handler(el0_sync);
    if (!CHECK_EQ(mmu_map(EL0_ALIAS, (uint64_t)(uintptr_t)el0_page, PAGE_SIZE, MMU_EL0 | MMU_RO), 0,
                  "EL0 snippets mapped")) {
        return;
    }
    write_sysreg(pmuserenr_el0, 0);
    isb();
    CHECK_EQ(read_sysreg(pmuserenr_el0), 0, "PMUSERENR reads back 0");
    (void)at_el0(el0_read_ccntr, &ec);
    CHECK_EQ(ec, EC_SYSREG, "PMUSERENR 0: EL0's PMCCNTR read traps to EL1");

    write_sysreg(pmuserenr_el0, 1U << 2); /* CR */
    isb();
    uint64_t v = at_el0(el0_read_ccntr, &ec);
    CHECK(ec == EC_SVC64 && v != ~0ULL && v > 0, "PMUSERENR.CR: EL0 reads PMCCNTR (%lu)", v);
    (void)at_el0(el0_read_evcntr0, &ec);
    CHECK_EQ(ec, EC_SYSREG, "PMUSERENR.CR: EL0's PMEVCNTR0 read still traps");

    write_sysreg(pmuserenr_el0, 1U << 3); /* ER */
    isb();
    (void)at_el0(el0_read_evcntr0, &ec);
    CHECK_EQ(ec, EC_SVC64, "PMUSERENR.ER: EL0 reads PMEVCNTR0");
    (void)at_el0(el0_read_pmcr, &ec);
    CHECK_EQ(ec, EC_SYSREG, "PMUSERENR.ER: EL0's PMCR read still traps");

    write_sysreg(pmuserenr_el0, 1U << 0); /* EN */
    isb();
    v = at_el0(el0_read_pmcr, &ec);
    CHECK(ec == EC_SVC64 && v == read_sysreg(pmcr_el0), "PMUSERENR.EN: EL0 reads PMCR as EL1 does");
    write_sysreg(pmuserenr_el0, 0);
}

static void solo(void)
{
    CHECK_EQ(gic_init(), 0, "GIC up");
    gic_set_handler(PMU_INTID, pmu_irq);
    gic_set_priority(PMU_INTID, 0x80);
    gic_set_group1(PMU_INTID, true);
    gic_enable(PMU_INTID);
    check_ids();
    check_counting();
    check_overflow();
    check_el0();
}

static uint64_t pair_counted[2];
static uint64_t pair_cycles[2];
static uint64_t pair_ticks[2];
static unsigned pair_done;

static void pair_count(unsigned me)
{
    select_event(0, EV_INST);
    write_sysreg(pmcntenset_el0, 1U | CYCLE);
    write_sysreg(pmcr_el0, PMCR_E | PMCR_P | PMCR_C);
    isb();
    uint64_t t0 = read_cntvct();
    uint64_t c0 = read_sysreg(pmccntr_el0);
    pair_counted[me] = count_insns(PAIR_LOOP);
    pair_cycles[me] = read_sysreg(pmccntr_el0) - c0;
    pair_ticks[me] = read_cntvct() - t0;
    __atomic_fetch_add(&pair_done, 1, __ATOMIC_ACQ_REL);
}

static void pair_secondary(unsigned me)
{
    pair_count(me);
}

static void pair(void)
{
    CHECK_EQ(guest_cpu_on(1, pair_secondary), PSCI_RET_SUCCESS, "pair: CPU_ON(1)");
    pair_count(0);
    uint64_t end = deadline_after_ms(10000);
    while (load_acquire(&pair_done) < 2 && !deadline_passed(end)) {
        cpu_relax();
    }
    if (!CHECK_EQ(load_acquire(&pair_done), 2, "pair: both vCPUs counted")) {
        return;
    }
    for (unsigned i = 0; i < 2; i++) {
        printf("pmu: pair: vcpu %u: %lu instructions, %lu cycles in %lu ticks\n", i,
               pair_counted[i], pair_cycles[i], pair_ticks[i]);
        CHECK(pair_counted[i] >= 2 * PAIR_LOOP && pair_counted[i] <= 2 * PAIR_LOOP + 16,
              "pair: vcpu %u counted its own %u instructions exactly", i, 2 * PAIR_LOOP);
        /* QEMU's cycle counter is 1 GHz of virtual time: 16 cycles a tick under icount shift=4. */
        CHECK(pair_cycles[i] * 4 < pair_ticks[i] * 16 * 3,
              "pair: vcpu %u's cycles ran only while it ran (under 3/4 of the time)", i);
    }
}

void guest_main(void)
{
    if (dtb_bootargs_have("pmu=pair")) {
        pair();
    } else {
        solo();
    }
}
