/*
 * debug: self-hosted debug inside a guest, per vCPU. shrike traps every debug
 * register access and keeps the values per vCPU, loading them into the CPU
 * only while that vCPU runs with debug enabled (vcpu/vdebug.c). shrike runs
 * this VM's 3 vCPUs on 2 CPUs with sched.migrate_ms=2, so they share CPUs
 * and move between them all the time; vCPU 0 also waits out each round in
 * WFI, so that a bystander runs next on the CPU it leaves.
 *   vCPU 0 sets breakpoint 0 on debug_target and watchpoint 0 on stores to
 *          `watched`, with debug on (OS lock clear, MDSCR KDE|MDE, PSTATE.D
 *          clear): each of ROUNDS calls and stores must raise exactly one
 *          breakpoint (EC 0x31) or watchpoint (EC 0x35) exception, wherever
 *          the vCPU runs by then; once disabled, none.
 *   vCPU 2 has debug off (MDSCR 0) but PSTATE.D clear and runs beside the
 *          breakpoint phase; vCPU 1 has debug on with no breakpoint of its own
 *          and runs beside the watchpoint phase. Each calls debug_target and
 *          stores to `watched` ROUNDS times and must never trap. A breakpoint left in a
 *          CPU by vCPU 0 (not overwritten at load, not cleared at put) would
 *          fire here.
 * Readback: the registers keep what was written, without HMC (no match at
 * EL2). Shrike only (bare QEMU has no trap to keep the values per vCPU).
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define ROUNDS     60   /* under one fault_expect(), at most FAULT_MAX_PER_ARM (64) */
#define ROUND_US   1500 /* each round spins this long: 90 ms a phase, ~45 migrations */
#define VCPUS      3
#define READY_MS   5000
#define MDSCR_KDE  (1UL << 13)
#define MDSCR_MDE  (1UL << 15)
#define EC_BKPT    0x31 /* breakpoint, taken without a change of EL */
#define EC_WATCH   0x35 /* watchpoint, taken without a change of EL */
#define ESR_WNR    (1UL << 6)
#define BCR_ENABLE 0x1E7UL  /* BAS 0b1111, PMC 0b11 (EL1 and EL0), E */
#define WCR_STORE  0x1FF7UL /* BAS 0xFF, LSC 0b10 (store), PAC 0b11, E */
#define HMC        (1UL << 13)

void debug_target(void);
__asm__(".text\n"
        ".balign 4\n"
        ".global debug_target\n"
        "debug_target:\n\t"
        "nop\n\t" /* the breakpoint's address: the handler steps over it */
        "ret\n");

static uint64_t watched __attribute__((aligned(8)));
static unsigned started[VCPUS];
static unsigned finished[VCPUS];
static unsigned stray[VCPUS]; /* exceptions taken by vCPUs 1 and 2 */
static uint64_t pcpus[VCPUS]; /* bit n: ran on physical CPU n */

static void store_watched(uint64_t v)
{
    __asm__ __volatile__("str %0, [%1]" : : "r"(v), "r"(&watched) : "memory");
}

static void spin_round(void)
{
    uint64_t end = read_cntvct() + read_cntfrq() / 1000000 * ROUND_US;
    while (read_cntvct() < end) {
        cpu_relax();
    }
}

/*
 * vCPU 0 waits out its rounds in WFI (its virtual timer ends each one), so it
 * is put, and a bystander takes its CPU, 60 times a phase.
 */
static void wfi_round(void)
{
    uint64_t deadline = read_cntvct() + read_cntfrq() / 1000000 * ROUND_US;
    timer_arm_at(TIMER_VIRT, deadline);
    while (!deadline_passed(deadline)) {
        __asm__ __volatile__("wfi");
    }
    timer_stop(TIMER_VIRT);
}

static void note_pcpu(unsigned idx)
{
    int64_t p = guest_pcpu();
    if (p >= 0 && p < 64) {
        pcpus[idx] |= 1ULL << p;
    }
}

/* OS lock open, MDSCR as given, debug exceptions unmasked at EL1. */
static void debug_on(uint64_t mdscr)
{
    write_sysreg(oslar_el1, 0);
    write_sysreg(mdscr_el1, mdscr);
    isb();
    __asm__ __volatile__("msr daifclr, #8" : : : "memory");
}

/* vCPUs 1 and 2: the same calls and stores as vCPU 0, with no breakpoint of their own. */
static void bystander(unsigned idx)
{
    struct fault_record rec;

    debug_on(idx == 1 ? MDSCR_KDE | MDSCR_MDE : 0);
    store_release(&started[idx], 1);
    fault_expect(&rec);
    for (unsigned i = 0; i < ROUNDS; i++) {
        debug_target();
        store_watched(i);
        note_pcpu(idx);
        spin_round();
    }
    stray[idx] = fault_expect_end();
    store_release(&finished[idx], 1);
}

static void check_readback(void)
{
    write_sysreg(dbgbvr0_el1, (uint64_t)(uintptr_t)debug_target);
    write_sysreg(dbgbcr0_el1, BCR_ENABLE | HMC);
    write_sysreg(dbgwvr0_el1, (uint64_t)(uintptr_t)&watched);
    write_sysreg(dbgwcr0_el1, WCR_STORE | HMC);
    isb();
    CHECK_EQ(read_sysreg(dbgbvr0_el1), (uint64_t)(uintptr_t)debug_target,
             "DBGBVR0_EL1 reads back the breakpoint address");
    CHECK_EQ(read_sysreg(dbgbcr0_el1), BCR_ENABLE, "DBGBCR0_EL1 reads back, HMC dropped");
    CHECK_EQ(read_sysreg(dbgwvr0_el1), (uint64_t)(uintptr_t)&watched,
             "DBGWVR0_EL1 reads back the watched address");
    CHECK_EQ(read_sysreg(dbgwcr0_el1), WCR_STORE, "DBGWCR0_EL1 reads back, HMC dropped");
    CHECK_EQ(read_sysreg(mdscr_el1), MDSCR_KDE | MDSCR_MDE, "MDSCR_EL1 reads back KDE|MDE");
    CHECK_EQ(read_sysreg(oslsr_el1), 0x8, "OSLSR_EL1: OS lock implemented, clear");
}

static void breakpoints(void)
{
    struct fault_record rec;

    fault_expect(&rec);
    for (unsigned i = 0; i < ROUNDS; i++) {
        debug_target();
        note_pcpu(0);
        wfi_round();
    }
    fault_expect_end();
    CHECK_EQ(rec.count, ROUNDS, "breakpoint: one exception per call to debug_target");
    CHECK_EQ(rec.ec, EC_BKPT, "breakpoint: EC 0x31");
    CHECK_EQ(rec.elr, (uint64_t)(uintptr_t)debug_target, "breakpoint: ELR is debug_target");
}

static void watchpoints(void)
{
    struct fault_record rec;

    fault_expect(&rec);
    for (unsigned i = 0; i < ROUNDS; i++) {
        store_watched(i);
        note_pcpu(0);
        wfi_round();
    }
    fault_expect_end();
    CHECK_EQ(rec.count, ROUNDS, "watchpoint: one exception per store to `watched`");
    CHECK_EQ(rec.ec, EC_WATCH, "watchpoint: EC 0x35");
    CHECK_EQ(rec.far, (uint64_t)(uintptr_t)&watched, "watchpoint: FAR is the watched address");
    CHECK_EQ(rec.esr & ESR_WNR, ESR_WNR, "watchpoint: WnR says a store");
}

static void disabled(void)
{
    struct fault_record rec;

    write_sysreg(dbgbcr0_el1, 0);
    write_sysreg(dbgwcr0_el1, 0);
    isb();
    fault_expect(&rec);
    debug_target();
    store_watched(1);
    fault_expect_end();
    CHECK_EQ(rec.count, 0, "no exception once both are disabled");
}

static unsigned bits(uint64_t m)
{
    unsigned n = 0;
    for (; m != 0; m &= m - 1) {
        n++;
    }
    return n;
}

static bool wait_flag(const unsigned *flag)
{
    return SPIN_UNTIL(load_acquire(flag), deadline_after_ms(READY_MS));
}

/* Starts bystander idx and waits until it is in its loop. */
static bool start_bystander(unsigned idx)
{
    return CHECK_EQ(guest_cpu_on(idx, bystander), 0, "CPU_ON vCPU %u", idx) &&
           CHECK(wait_flag(&started[idx]), "vCPU %u up", idx);
}

void guest_main(void)
{
    if (!CHECK(guest_on_shrike(), "running on shrike") ||
        !CHECK_EQ(guest_vcpu_count(), VCPUS, "%u vCPUs", VCPUS)) {
        return;
    }
    /* The timer's interrupt only ends a WFI (IRQs stay masked): enabled at the GIC, it wakes. */
    gic_init();
    gic_enable(TIMER_VIRT_INTID);
    debug_on(MDSCR_KDE | MDSCR_MDE);
    check_readback();
    /* One bystander per phase, so that it alone takes the CPUs vCPU 0 leaves. */
    if (!start_bystander(2)) {
        return;
    }
    breakpoints();
    if (!CHECK(wait_flag(&finished[2]), "vCPU 2 done") || !start_bystander(1)) {
        return;
    }
    watchpoints();
    disabled();
    if (!CHECK(wait_flag(&finished[1]), "vCPU 1 done")) {
        return;
    }
    CHECK_EQ(stray[2], 0, "vCPU 2 (debug off), beside breakpoints: no exception in %u rounds",
             ROUNDS);
    CHECK_EQ(stray[1], 0,
             "vCPU 1 (debug on, no breakpoint), beside watchpoints: no exception "
             "in %u rounds",
             ROUNDS);
    for (unsigned i = 0; i < VCPUS; i++) {
        CHECK(bits(pcpus[i]) >= 2, "vCPU %u ran on 2 CPUs (mask %#lx)", i, pcpus[i]);
    }
}
