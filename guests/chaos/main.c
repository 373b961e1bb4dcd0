/*
 * chaos: a seeded hostile guest for the stress runner (docs/stress.md). Every
 * vCPU runs actions until stress.ms of counter time have passed (or
 * stress.actions per vCPU); action i of vCPU v is a pure function of
 * (stress.seed, v, i), so stress.from=K replays a run from action K:
 *   - HVC and SMC with random function IDs and arguments, PSCI included
 *     (CPU_ON of random targets and entry points, AFFINITY_INFO, FEATURES,
 *     CPU_SUSPEND with random standby power states); never SYSTEM_OFF,
 *     SYSTEM_RESET, CPU_OFF or a power-down suspend, which would end the run;
 *   - MRS, MSR and SYS of random encodings, written into a code page at run
 *     time (clean to PoU, invalidate the I-cache, ISB) and called; MSR only
 *     where a write cannot break the guest itself (debug, PMU, ID, IMPDEF,
 *     EL2/EL3 encodings; never the timer's CVAL: QEMU-NOTES.md);
 *   - loads and stores of every width and form (signed, pair, pre/post-index,
 *     acquire/release, exclusive) to random IPAs: GIC frames at random
 *     offsets, beyond the last redistributor, the UART, device holes, beyond
 *     RAM, a far IPA, misaligned;
 *   - ICC_SGI1R/ASGI1R/SGI0R with random INTIDs and target lists, EOIR/DIR of
 *     random INTIDs, PMR, IAR reads; in a GICv2 VM (a GICv2 host) the same
 *     through GICD_SGIR and the GICC frame (GICV, which stage 2 maps there);
 *   - timer storms (CVAL in the past, IRQs briefly unmasked), virtual and
 *     physical;
 *   - UDF, BRK, SVC, HVC #imm, SMC #imm;
 *   - on the last vCPU (of 2 or more), once, at a seeded index with
 *     stress.wfi=1: WFI with everything masked forever.
 * Synchronous exceptions come back to its own vector (fault_expect) and are
 * counted by exception class, calls by result. vCPU 0 prints the tallies
 * ("chaos: vcpu ..." and "chaos: total ...") and powers the VM off.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"
#include "guests/stress/params.h"
#include "kernel/format.h"

#define STORM_WINDOW 64 /* cpu_relax() rounds with IRQs unmasked */
#define STORM_MAX    16 /* interrupts per storm before the handler stops the timer */
#define MARK_EVERY   (1U << 16)
#define NR_EC        64

enum act {
    ACT_HVC,
    ACT_SMC,
    ACT_PSCI,
    ACT_SYSREG,
    ACT_MEM,
    ACT_ICC,
    ACT_TIMER,
    ACT_EXC,
    ACT_COUNT
};

static const char *const act_names[ACT_COUNT] = {"hvc", "smc", "psci",  "sysreg",
                                                 "mem", "icc", "timer", "exc"};

struct cstat {
    uint64_t actions;
    uint64_t next_index;
    unsigned by_act[ACT_COUNT];
    uint64_t ticks_by_act[ACT_COUNT]; /* counter ticks spent in each kind */
    unsigned ec[NR_EC];
    unsigned ret_ok;     /* calls returning 0 */
    unsigned ret_notsup; /* -1 */
    unsigned ret_other;
    unsigned storm_irqs;
    unsigned wfi_forever;
} __attribute__((aligned(64)));

static struct cstat cs[GUEST_MAX_VCPUS];
/* Per vCPU: a few instructions written at run time, then called. */
static uint32_t code[GUEST_MAX_VCPUS][16] __attribute__((aligned(PAGE_SIZE)));
static uint8_t scratch[GUEST_MAX_VCPUS][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static unsigned nr_vcpus;
static uint64_t seed;
static uint64_t seed_arg; /* the seed as given (replay with it) */
static uint64_t first_index;
static uint64_t max_actions;
static uint64_t deadline;
static uint64_t start_time;
static unsigned stop;
static unsigned stopped;
static uint64_t wfi_index; /* the action at which the last vCPU parks; ~0: never */
static uint64_t ram_end;
static uint64_t only_act;   /* stress.only=K: every action of kind K (replaying one kind) */
static uint64_t timer_pick; /* stress.timer=1: virtual only, 2: physical only */

static uint64_t rnd(uint64_t r, unsigned k)
{
    return stress_mix(r + 0x632BE59BD9B4E019ULL * (k + 1));
}

/* Function IDs that would end or suspend the whole run (PSCI: W0 alone is the ID). */
static bool fid_ends_run(uint64_t fid)
{
    uint32_t f = (uint32_t)fid & ~0x40000000U; /* SMC32 and SMC64 alike */

    return f == PSCI_FN_SYSTEM_OFF || f == PSCI_FN_SYSTEM_RESET || f == PSCI_FN_CPU_OFF ||
           f == PSCI_FN_CPU_SUSPEND || f == 0x8400000BU /* CPU_FREEZE */ ||
           f == 0x8400000CU /* CPU_DEFAULT_SUSPEND */ || f == 0x8400000EU /* SYSTEM_SUSPEND */ ||
           f == 0x84000012U /* SYSTEM_RESET2 */;
}

static uint64_t random_fid(uint64_t r)
{
    uint64_t fid;

    switch (r & 7) {
    case 0:
    case 1:
        fid = 0x84000000U | ((r >> 8) & 0x1F) | ((r >> 13) & 1 ? 0x40000000U : 0); /* PSCI */
        break;
    case 2:
        fid = 0x80000000U | ((r >> 8) & 0xFFFF); /* SMCCC arch */
        break;
    case 3:
        fid = 0xC6000000U | ((r >> 8) & 0xF); /* shrike's own */
        break;
    case 4:
        fid = 0x80000000U | ((r >> 8) & 0x3F000000U) | ((r >> 40) & 0xFFFF); /* any owner */
        break;
    case 5:
        fid = (r >> 8) & 0xFFFFFFFFU;
        break;
    default:
        fid = r; /* upper bits set: W0 is the ID */
        break;
    }
    return fid_ends_run(fid) ? PSCI_FN_VERSION : fid;
}

static void count_ret(struct cstat *s, int64_t ret)
{
    if (ret == 0) {
        s->ret_ok++;
    } else if (ret == -1) {
        s->ret_notsup++;
    } else {
        s->ret_other++;
    }
}

static void act_call(struct cstat *s, uint64_t r, bool smc)
{
    uint64_t fid = random_fid(rnd(r, 0));
    uint64_t a1 = rnd(r, 1), a2 = rnd(r, 2), a3 = rnd(r, 3);

    /* Arguments: random, or small (indices, MPIDRs, lengths), or RAM addresses. */
    if (r & (1ULL << 60)) {
        a1 &= 0xFF;
    }
    if (r & (1ULL << 61)) {
        a2 = GUEST_RAM_BASE + (a2 % (ram_end - GUEST_RAM_BASE));
    }
    if ((uint32_t)fid == SHRIKE_HC_CONSOLE_WRITE) {
        a2 &= 0x1FF; /* some above the 256-byte limit */
    }
    count_ret(s, smc ? smc_call(fid, a1, a2, a3) : hvc_call(fid, a1, a2, a3));
}

/* GICv2: the GICC frame's registers, to which the v3 actions' ICC ones correspond. */
static void gicc_write(unsigned off, uint32_t v)
{
    mmio_write32(gic_cpuif_base() + off, v);
}

/* Undoes what the chaos may have done to the timer's path, so that a standby ends. */
static void wake_setup(void)
{
    if (gic_version() == 2) {
        /* Group 0 signalled as IRQ, as the guest library sets every interrupt up. */
        mmio_write32(gic_dist_base() + GICD_CTLR, GICD_CTLR_ENABLE_GRP0);
        mmio_write32(gic_dist_base() + GICD_ICACTIVER, 1U << TIMER_VIRT_INTID); /* banked */
        gic_set_group1(TIMER_VIRT_INTID, false);
        gic_set_priority(TIMER_VIRT_INTID, 0x80);
        gic_enable(TIMER_VIRT_INTID);
        gicc_write(GICC_APR0, 0);
        gicc_write(GICC_PMR, GIC_PMR_ALL);
        gicc_write(GICC_CTLR, GICC_CTLR_ENABLE_GRP0);
        return;
    }
    uint64_t sgi = gic_redist_sgi_base(guest_vcpu_index());

    mmio_write32(gic_dist_base() + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
    mmio_write32(sgi + GICR_ICACTIVER0, 1U << TIMER_VIRT_INTID);
    gic_set_group1(TIMER_VIRT_INTID, true);
    gic_set_priority(TIMER_VIRT_INTID, 0x80);
    gic_enable(TIMER_VIRT_INTID);
    write_sysreg(icc_ap1r0_el1, 0);
    write_sysreg(icc_pmr_el1, GIC_PMR_ALL);
    write_sysreg(icc_igrpen1_el1, 1);
    isb();
}

static void act_psci(struct cstat *s, uint64_t r, unsigned me)
{
    uint64_t target = rnd(r, 1);
    uint64_t entry = rnd(r, 2);
    bool c64 = (r >> 12) & 1;

    if ((r >> 13) & 1) {
        target &= 0xF; /* mostly existing MPIDRs, a few absent ones */
    }
    if ((r >> 14) & 1) {
        entry = GUEST_RAM_BASE + (entry & 0xFFFFFC);
    }
    switch ((r >> 8) % 5) {
    case 0:
        count_ret(s, smc_call(c64 ? PSCI_FN_CPU_ON_64 : PSCI_FN_CPU_ON, target, entry, rnd(r, 3)));
        break;
    case 1:
        count_ret(s, hvc_call(c64 ? PSCI_FN_AFFINITY_INFO_64 : PSCI_FN_AFFINITY_INFO, target,
                              rnd(r, 3) & 3, 0));
        break;
    case 2:
        count_ret(s, hvc_call(PSCI_FN_FEATURES, random_fid(rnd(r, 4)), 0, 0));
        break;
    case 3:
        count_ret(s, smc_call(PSCI_FN_MIGRATE_INFO_TYPE, target, 0, 0));
        break;
    default:
        /*
         * CPU_SUSPEND, standby only (StateType, bit 16 or bit 30 in the
         * extended format, clear): returns like WFI. Not on vCPU 0, which
         * must finish the run; the timer is armed first to wake it.
         */
        if (me != 0) {
            wake_setup();
            timer_arm_at(TIMER_VIRT, timer_count(TIMER_VIRT) + timer_ticks_per_ms() / 8);
            count_ret(s, hvc_call(c64 ? PSCI_FN_CPU_SUSPEND_64 : PSCI_FN_CPU_SUSPEND,
                                  target & ~((1ULL << 16) | (1ULL << 30)), entry, 0));
            timer_stop(TIMER_VIRT);
        }
        break;
    }
}

/* Writes n instructions and ret to this vCPU's code slot, made visible to fetch. */
static void emit(unsigned me, const uint32_t *insn, unsigned n)
{
    uint32_t *c = code[me];

    for (unsigned i = 0; i < n; i++) {
        c[i] = insn[i];
    }
    c[n] = 0xD65F03C0U; /* ret */
    /* The architecture's sequence for self-modifying code (D-side to PoU, I-side, ISB). */
    __asm__ __volatile__("dc cvau, %0\n\tdsb ish\n\tic ivau, %0\n\tdsb ish\n\tisb"
                         :
                         : "r"(c)
                         : "memory");
}

typedef uint64_t (*stub_fn)(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);

static uint64_t call_stub(unsigned me, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
    stub_fn fn = (stub_fn)(uintptr_t)code[me];
    return fn(x0, x1, x2, x3);
}

/* An MSR this guest survives: nothing that holds its own translation, vectors, stack or timer. */
static bool msr_safe(unsigned op0, unsigned op1, unsigned crn)
{
    if (op0 == 2) {
        return true;
    }
    return op1 >= 4 || crn == 0 || crn == 9 || crn == 11 || crn == 15;
}

static void act_sysreg(unsigned me, uint64_t r)
{
    unsigned op0 = 1 + (unsigned)(r % 3); /* 1 (SYS), 2, 3 */
    unsigned op1 = (unsigned)(r >> 8) & 7, crn = (unsigned)(r >> 11) & 15;
    unsigned crm = (unsigned)(r >> 15) & 15, op2 = (unsigned)(r >> 19) & 7;
    bool read = (r >> 22) & 1;
    uint64_t x0 = rnd(r, 1);

    if (op0 == 1) {
        /* SYS/SYSL: an address operand in this vCPU's scratch page or nowhere. */
        x0 = (r >> 23) & 1 ? (uint64_t)(uintptr_t)scratch[me] + (x0 & (PAGE_SIZE - 1))
                           : 0x100000000ULL + (x0 & 0xFFFFFFF000ULL);
    } else if (!read && !msr_safe(op0, op1, crn)) {
        read = true;
    }
    uint32_t insn = 0xD5000000U | (read ? 1U << 21 : 0) | op0 << 19 | op1 << 16 | crn << 12 |
                    crm << 8 | op2 << 5;
    emit(me, &insn, 1);
    call_stub(me, x0, 0, 0, 0);
}

/* One access of form f at address a (value v for stores). */
static void mem_access(unsigned f, uint64_t a, uint64_t v)
{
    uint64_t t = 0, u = 0, b = a;

    switch (f) {
    case 0:
        __asm__ __volatile__("ldrb %w0, [%1]" : "=r"(t) : "r"(a) : "memory");
        break;
    case 1:
        __asm__ __volatile__("ldrh %w0, [%1]" : "=r"(t) : "r"(a) : "memory");
        break;
    case 2:
        __asm__ __volatile__("ldr %w0, [%1]" : "=r"(t) : "r"(a) : "memory");
        break;
    case 3:
        __asm__ __volatile__("ldr %0, [%1]" : "=r"(t) : "r"(a) : "memory");
        break;
    case 4:
        __asm__ __volatile__("ldrsb %0, [%1]" : "=r"(t) : "r"(a) : "memory");
        break;
    case 5:
        __asm__ __volatile__("ldrsh %w0, [%1]" : "=r"(t) : "r"(a) : "memory");
        break;
    case 6:
        __asm__ __volatile__("ldrsw %0, [%1]" : "=r"(t) : "r"(a) : "memory");
        break;
    case 7:
        __asm__ __volatile__("strb %w0, [%1]" : : "r"(v), "r"(a) : "memory");
        break;
    case 8:
        __asm__ __volatile__("strh %w0, [%1]" : : "r"(v), "r"(a) : "memory");
        break;
    case 9:
        __asm__ __volatile__("str %w0, [%1]" : : "r"(v), "r"(a) : "memory");
        break;
    case 10:
        __asm__ __volatile__("str %0, [%1]" : : "r"(v), "r"(a) : "memory");
        break;
    case 11:
        __asm__ __volatile__("ldp %0, %1, [%2]" : "=r"(t), "=r"(u) : "r"(a) : "memory");
        break;
    case 12:
        __asm__ __volatile__("stp %w0, %w0, [%1]" : : "r"(v), "r"(a) : "memory");
        break;
    case 13:
        __asm__ __volatile__("ldr %0, [%1], #8" : "=r"(t), "+r"(b) : : "memory");
        break;
    case 14:
        __asm__ __volatile__("str %w1, [%0, #4]!" : "+r"(b) : "r"(v) : "memory");
        break;
    case 15:
        __asm__ __volatile__("ldar %w0, [%1]" : "=r"(t) : "r"(a) : "memory");
        break;
    case 16:
        __asm__ __volatile__("stlr %0, [%1]" : : "r"(v), "r"(a) : "memory");
        break;
    case 17:
        __asm__ __volatile__("ldxr %w0, [%2]\n\tstxr %w1, %w0, [%2]"
                             : "=&r"(t), "=&r"(u)
                             : "r"(a)
                             : "memory");
        break;
    case 18:
        __asm__ __volatile__("ldr %w0, [%1, %2]" : "=r"(t) : "r"(a), "r"(0UL) : "memory");
        break;
    default:
        __asm__ __volatile__("ldur %w0, [%1, #-1]" : "=r"(t) : "r"(a + 1) : "memory");
        break;
    }
    (void)t;
    (void)u;
    (void)b;
}
#define MEM_FORMS 20

/* The device-hole targets: mapped at stage 1, chosen at random below. */
static const struct {
    uint64_t base, size;
} targets[] = {
    {0x08010000UL, 0x20000},     /* GICv2 GICC/GICH frames: a hole here */
    {0x08080000UL, 0x20000},     /* GICv3 ITS: a hole here */
    {0x081A0000UL, 0x60000},     /* beyond 8 redistributors, to 2 MiB */
    {0x08200000UL, 0x200000},    /* and the next 2 MiB */
    {0x09001000UL, 0xF000},      /* PL031 and the rest of the UART's 64 KiB */
    {0x09200000UL, 0x1E00000},   /* to the test device */
    {0x0B200000UL, 0xE00000},    /* beyond it, to 0x0C00_0000 */
    {0x4000000000ULL, 0x200000}, /* far above RAM */
};
#define NR_TARGETS (sizeof(targets) / sizeof(targets[0]))

static uint64_t random_ipa(uint64_t r)
{
    uint64_t off = rnd(r, 1);
    uint64_t a;

    switch ((r >> 8) % 8) {
    case 0:
        a = GUEST_GICD_BASE + (off & (GUEST_GICD_SIZE - 1));
        break;
    case 1:
        a = GUEST_GICR_BASE + (off % ((uint64_t)GUEST_GICR_STRIDE * nr_vcpus)); /* own frames */
        break;
    case 2:
        a = GUEST_GICR_BASE + GUEST_GICR_STRIDE * nr_vcpus + (off & 0x1FFFFF); /* beyond the last */
        break;
    case 3:
        a = GUEST_UART_BASE + (off & (GUEST_UART_SIZE - 1));
        break;
    case 4:
    case 5:
    case 7: {
        unsigned t = (unsigned)((off >> 40) % NR_TARGETS);
        a = targets[t].base + (off % targets[t].size); /* device holes */
        break;
    }
    default:
        a = ram_end + (off & 0x1FFFFF); /* beyond RAM */
        break;
    }
    /* Aligned to the widest access mostly; misaligned a quarter of the time. */
    return (r >> 16) & 3 ? a & ~7ULL : a;
}

static void act_mem(uint64_t r)
{
    uint64_t a = random_ipa(r);

    mem_access((unsigned)((r >> 24) % MEM_FORMS), a, rnd(r, 2));
}

/* act_icc in a GICv2 VM: the SGI register and the CPU interface's frame. */
static void act_gicc_v2(uint64_t r)
{
    uint64_t v = rnd(r, 1);
    uint64_t sgir = gic_dist_base() + GICD_SGIR;

    switch ((r >> 8) % 7) {
    case 0:
        mmio_write32(sgir, (uint32_t)v); /* random filter (3 reserved), targets, NSATT, INTID */
        break;
    case 1:
        mmio_write32(sgir, (uint32_t)v & (0x3U << 24 | 0xFFU << 16 | 0xFU));
        break;
    case 2:
        mmio_write8(sgir + (v >> 40 & 3), (uint8_t)v); /* a byte: not the fast path's */
        break;
    case 3:
        gicc_write(GICC_AEOIR + (unsigned)(v >> 40 & 1) * 4, (uint32_t)v); /* AEOIR, AHPPIR */
        break;
    case 4:
        gicc_write(GICC_EOIR, (uint32_t)v & ((r >> 20) & 1 ? 0x3FF : 0x1FFF));
        gicc_write(GICC_DIR, (uint32_t)(v >> 32) & 0x1FFF);
        break;
    case 5:
        gicc_write(GICC_PMR, (r >> 20) & 1 ? 0xFF : (uint32_t)v & 0xFF);
        break;
    default: {
        uint32_t iar = mmio_read32(gic_cpuif_base() + GICC_IAR);
        if ((r >> 20) & 1) {
            gicc_write(GICC_EOIR, iar);
        }
        break;
    }
    }
}

static void act_icc(uint64_t r)
{
    uint64_t v = rnd(r, 1);

    if (gic_version() == 2) {
        act_gicc_v2(r);
        return;
    }
    switch ((r >> 8) % 7) {
    case 0:
        write_sysreg(icc_sgi1r_el1, v); /* random INTID, target list, affinity, IRM */
        break;
    case 1:
        write_sysreg(icc_sgi1r_el1, v & ((0xFULL << 24) | 0xFFFF | ICC_SGIR_IRM));
        break;
    case 2:
        write_sysreg(s3_0_c12_c11_6, v); /* ICC_ASGI1R_EL1 */
        break;
    case 3:
        write_sysreg(s3_0_c12_c11_7, v); /* ICC_SGI0R_EL1 */
        break;
    case 4:
        write_sysreg(icc_eoir1_el1, v & ((r >> 20) & 1 ? 0x3FF : 0xFFFFFF));
        write_sysreg(icc_dir_el1, (v >> 32) & 0x3FF);
        break;
    case 5:
        write_sysreg(icc_pmr_el1, (r >> 20) & 1 ? 0xFF : v & 0xFF);
        break;
    default: {
        uint64_t iar = read_sysreg(icc_iar1_el1);
        if ((r >> 20) & 1) {
            write_sysreg(icc_eoir1_el1, iar);
        }
        break;
    }
    }
    isb();
}

static unsigned storm_left[GUEST_MAX_VCPUS];

static void storm_handler(unsigned intid)
{
    unsigned me = guest_vcpu_index();

    cs[me].storm_irqs++;
    if (storm_left[me] == 0 || --storm_left[me] == 0) {
        timer_stop(intid == TIMER_VIRT_INTID ? TIMER_VIRT : TIMER_PHYS);
    }
}

static void act_timer(unsigned me, uint64_t r)
{
    enum timer_id t = timer_pick == 1   ? TIMER_VIRT
                      : timer_pick == 2 ? TIMER_PHYS
                      : (r >> 8) & 1    ? TIMER_PHYS
                                        : TIMER_VIRT;
    uint64_t now = timer_count(t);

    storm_left[me] = 1 + (unsigned)((r >> 9) % STORM_MAX);
    timer_arm_at(t, rnd(r, 1) % (now + 1)); /* in the past: fires at once, again after each EOI */
    irq_local_enable();
    /*
     * nop, not yield: QEMU's single-threaded TCG (-icount) ends the CPU's
     * turn at every YIELD, and the other CPUs' turns would stretch the window.
     */
    for (unsigned i = 0; i < STORM_WINDOW; i++) {
        __asm__ __volatile__("nop" : : : "memory");
    }
    irq_local_disable();
    timer_stop(t);
}

static void act_exc(unsigned me, uint64_t r)
{
    uint32_t imm = (uint32_t)(r >> 16) & 0xFFFF;
    uint32_t insn[2] = {0, 0xD503201FU /* nop: skipped by the vector's ELR + 4 */};

    switch ((r >> 8) % 5) {
    case 0:
        insn[0] = 0x00000000U | imm; /* UDF #imm */
        break;
    case 1:
        insn[0] = 0xD4200000U | imm << 5; /* BRK #imm */
        break;
    case 2:
        insn[0] = 0xD4000001U | imm << 5; /* SVC #imm: ELR is the next instruction */
        break;
    case 3:
        insn[0] = 0xD4000002U | imm << 5; /* HVC #imm */
        break;
    default:
        insn[0] = 0xD4000003U | imm << 5; /* SMC #imm */
        break;
    }
    uint64_t fid = random_fid(rnd(r, 1));
    emit(me, insn, 2);
    call_stub(me, fid, rnd(r, 2), rnd(r, 3), 0);
}

/* Everything masked, no interrupt can be pending at the CPU interface: WFI forever. */
__attribute__((noreturn)) static void wfi_forever(unsigned me)
{
    cs[me].wfi_forever = 1;
    __atomic_fetch_add(&stopped, 1, __ATOMIC_ACQ_REL);
    __asm__ __volatile__("msr daifset, #0xf" : : : "memory");
    if (gic_version() == 2) {
        gicc_write(GICC_CTLR, 0);
        gicc_write(GICC_PMR, 0);
    } else {
        write_sysreg(icc_igrpen1_el1, 0);
        write_sysreg(icc_pmr_el1, 0);
    }
    timer_stop(TIMER_VIRT);
    timer_stop(TIMER_PHYS);
    isb();
    for (;;) {
        wfi();
    }
}

static void action(unsigned me, uint64_t index)
{
    struct cstat *s = &cs[me];
    uint64_t r = stress_mix(seed ^ ((uint64_t)me << 56) ^ index);
    enum act a = only_act < ACT_COUNT ? (enum act)only_act : (enum act)(r % ACT_COUNT);
    struct fault_record rec;

    r = rnd(r, 7);
    s->by_act[a]++;
    uint64_t t0 = read_cntvct();
    fault_expect(&rec);
    switch (a) {
    case ACT_HVC:
        act_call(s, r, false);
        break;
    case ACT_SMC:
        act_call(s, r, true);
        break;
    case ACT_PSCI:
        act_psci(s, r, me);
        break;
    case ACT_SYSREG:
        act_sysreg(me, r);
        break;
    case ACT_MEM:
        act_mem(r);
        break;
    case ACT_ICC:
        act_icc(r);
        break;
    case ACT_TIMER:
        act_timer(me, r);
        break;
    default:
        act_exc(me, r);
        break;
    }
    unsigned n = fault_expect_end();
    s->ticks_by_act[a] += read_cntvct() - t0;
    if (n > 0) {
        s->ec[rec.ec % NR_EC] += n;
    }
}

static void run(unsigned me)
{
    struct cstat *s = &cs[me];
    bool parks = me + 1 == nr_vcpus && nr_vcpus > 1;

    if (me != 0) {
        gic_cpu_init(); /* may fail: the chaos may have broken the GIC already */
    }
    timer_set_handler(TIMER_VIRT, storm_handler, 0x80);
    timer_set_handler(TIMER_PHYS, storm_handler, 0x80);
    for (uint64_t i = first_index;; i++) {
        if (load_acquire(&stop) || (max_actions != 0 && i - first_index >= max_actions) ||
            read_cntvct() >= deadline) {
            break;
        }
        if (parks && i == wfi_index) {
            wfi_forever(me);
        }
        if (me == 0 && (i & (MARK_EVERY - 1)) == 0 && i != first_index) {
            printf("chaos: vcpu 0 at action %lu\n", i);
        }
        s->next_index = i;
        action(me, i);
        s->actions++;
    }
    s->next_index++;
    __atomic_fetch_add(&stopped, 1, __ATOMIC_ACQ_REL);
}

static void report(void)
{
    uint64_t total = 0;

    for (unsigned v = 0; v < nr_vcpus; v++) {
        struct cstat *s = &cs[v];
        char ecs[256];
        unsigned n = 0;
        for (unsigned ec = 0; ec < NR_EC && n < sizeof(ecs) - 16; ec++) {
            if (s->ec[ec] != 0) {
                n += (unsigned)fmt_snprintf(ecs + n, sizeof(ecs) - n, " ec%02x=%u", ec, s->ec[ec]);
            }
        }
        ecs[n] = '\0';
        printf("chaos: vcpu %u actions=%lu next=%lu%s calls ok=%u notsup=%u other=%u storm_irqs=%u"
               " wfi_forever=%u exceptions:%s\n",
               v, s->actions, s->next_index, "", s->ret_ok, s->ret_notsup, s->ret_other,
               s->storm_irqs, s->wfi_forever, ecs);
        char kinds[200];
        n = 0;
        for (unsigned k = 0; k < ACT_COUNT; k++) {
            n += (unsigned)fmt_snprintf(kinds + n, sizeof(kinds) - n, " %s=%u/%luus", act_names[k],
                                        s->by_act[k],
                                        s->ticks_by_act[k] / (timer_ticks_per_ms() / 1000));
        }
        printf("chaos: vcpu %u by kind (count/time):%s\n", v, kinds);
        total += s->actions;
    }
    printf("chaos: total actions=%lu seed=%lu from=%lu vcpus=%u elapsed_ms=%lu\n", total, seed_arg,
           first_index, nr_vcpus, (read_cntvct() - start_time) / timer_ticks_per_ms());
}

static void secondary(unsigned me)
{
    run(me);
    for (;;) {
        wfi(); /* vCPU 0 ends the VM */
    }
}

void guest_main(void)
{
    nr_vcpus = guest_vcpu_count() > GUEST_MAX_VCPUS ? GUEST_MAX_VCPUS : guest_vcpu_count();
    /* Each VM of a mix its own stream: seed + 1000 x its index in the mix. */
    seed_arg = stress_param("seed", 1) + 1000 * stress_param("vm", 0);
    seed = stress_mix(seed_arg);
    first_index = stress_param("from", 0);
    max_actions = stress_param("actions", 0);
    only_act = stress_param("only", ACT_COUNT);
    timer_pick = stress_param("timer", 0);
    ram_end = guest_ram_base() + guest_ram_size();
    wfi_index = stress_param("wfi", 1) ? first_index + stress_mix(seed) % 4096 : ~0ULL;
    printf("chaos: %u vCPU(s), seed %lu, from action %lu, %lu ms, %lu actions per vCPU max, "
           "counter at %lu ms\n",
           nr_vcpus, seed_arg, first_index, stress_param("ms", 5000), max_actions,
           read_cntvct() / timer_ticks_per_ms());
    CHECK_EQ(gic_init(), 0, "GIC up");
    /*
     * Stage 1 for the targets (stage 2 decides what they are): 2 MiB blocks
     * where possible, few 4 KiB pages (each costs a broadcast TLBI).
     */
    int rc = 0;
    for (unsigned i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        rc |= mmu_map(targets[i].base, targets[i].base, targets[i].size, MMU_DEVICE);
    }
    rc |= mmu_map(ram_end, ram_end, 0x200000, MMU_DEVICE);
    CHECK_EQ(rc, 0, "stage-1 mappings of the targets");
    start_time = read_cntvct();
    deadline = start_time + stress_param("ms", 5000) * timer_ticks_per_ms();
    for (unsigned i = 1; i < nr_vcpus; i++) {
        CHECK_EQ(guest_cpu_on(i, secondary), PSCI_RET_SUCCESS, "CPU_ON(%u)", i);
    }
    run(0);
    store_release(&stop, 1);
    uint64_t wait = deadline_after_ms(200);
    while (load_acquire(&stopped) < nr_vcpus && !deadline_passed(wait)) {
        cpu_relax();
    }
    report();
}
