/*
 * sysreg: system registers shrike traps. Unemulated ones come back as UNDEF
 * (ESR_EL1.EC 0) at the accessing instruction, which the guest steps over:
 * exactly 3 here. The Group 0 CPU-interface registers (ICC_IAR0_EL1 here)
 * trap to EL2 (ICH_HCR_EL2.TALL0) and shrike, which offers Group 1 only,
 * injects that UNDEF; the
 * implementation-defined registers are trapped by HCR_EL2.TIDCP where the CPU
 * implements it (QEMU 7.2 does not: there the CPU itself UNDEFs them). The
 * emulated PMU, debug and OS-lock registers never UNDEF, and the ID registers
 * hide SVE, the PMU and MTE and show the GICv3 system-register interface.
 * Shrike only (bare QEMU shows the real PMU and has no GICv3 by default).
 */
#include "guests/lib/guest.h"

#define MDSCR_TDCC (1UL << 12)
#define MDSCR_HDE  (1UL << 14)

/* Runs asm (which may UNDEF at label 1:) under a fault record; returns 1 if execution went on. */
#define UNDEF_PROBE(rec, insn, ...)                             \
    ({                                                          \
        uint64_t pc_, ran_ = 0, v_ = 0;                         \
        fault_expect(rec);                                      \
        __asm__ __volatile__("adr %0, 1f\n"                     \
                             "1:\t" insn "\n\t"                 \
                             "mov %1, #1"                       \
                             : "=&r"(pc_), "+r"(ran_), "+r"(v_) \
                             :                                  \
                             : "memory");                       \
        fault_expect_end();                                     \
        check_undef(rec, pc_, ran_, __VA_ARGS__);               \
    })

static void check_undef(const struct fault_record *rec, uint64_t pc, uint64_t ran, const char *what)
{
    CHECK_EQ(rec->count, 1, "%s: one UNDEF", what);
    CHECK_EQ(rec->ec, EC_UNKNOWN, "%s: ESR_EL1.EC is 0", what);
    CHECK_EQ(rec->elr, pc, "%s: ELR_EL1 is the access", what);
    CHECK_EQ(ran, 1, "%s: the next instruction ran", what);
}

static unsigned unemulated(void)
{
    struct fault_record rec;
    unsigned undefs = 0;

    UNDEF_PROBE(&rec, "mrs %2, s3_0_c15_c0_0", "read of s3_0_c15_c0_0");
    undefs += rec.count;
    UNDEF_PROBE(&rec, "mrs %2, s3_0_c12_c8_0", "read of ICC_IAR0_EL1 (Group 0)");
    undefs += rec.count;
    UNDEF_PROBE(&rec, "msr s3_0_c15_c0_0, %2", "write of s3_0_c15_c0_0");
    undefs += rec.count;
    return undefs;
}

static unsigned emulated(void)
{
    struct fault_record rec;

    fault_expect(&rec);
    CHECK_EQ(read_sysreg(pmcr_el0), 0, "PMCR_EL0 reads 0 (PMU hidden)");
    write_sysreg(pmcntenclr_el0, 0x8000000FUL);
    write_sysreg(mdscr_el1, MDSCR_TDCC | MDSCR_HDE);
    isb();
    CHECK_EQ(read_sysreg(mdscr_el1), MDSCR_TDCC,
             "MDSCR_EL1 keeps TDCC and drops HDE (no halting debug)");
    write_sysreg(mdscr_el1, 0);
    write_sysreg(oslar_el1, 0);
    write_sysreg(osdlr_el1, 0);
    isb();
    fault_expect_end();
    CHECK_EQ(rec.count, 0, "PMCR/PMCNTENCLR/MDSCR/OSLAR/OSDLR accesses: no UNDEF");
    return rec.count;
}

static unsigned field(uint64_t reg, unsigned shift)
{
    return (unsigned)(reg >> shift) & 0xF;
}

static void id_registers(void)
{
    uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
    uint64_t pfr1 = read_sysreg(id_aa64pfr1_el1);
    uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);

    CHECK_EQ(field(pfr0, 32), 0, "ID_AA64PFR0_EL1.SVE is 0 (0x%lx)", pfr0);
    CHECK_EQ(field(pfr0, 24), 1, "ID_AA64PFR0_EL1.GIC is 1 (GICv3 system registers)");
    CHECK_EQ(field(dfr0, 8), 0, "ID_AA64DFR0_EL1.PMUVer is 0 (0x%lx)", dfr0);
    CHECK_EQ(field(pfr1, 8), 0, "ID_AA64PFR1_EL1.MTE is 0 (0x%lx)", pfr1);
}

/*
 * What shrike does not context-switch is trapped (docs/trap-policy.md): the
 * LORegion and RAS error-record registers of features the ID registers hide
 * UNDEF (on cortex-a57 the CPU itself, on max shrike, silently); AIDR_EL1 and
 * REVIDR_EL1 read 0; ACTLR_EL1 is RAZ/WI; set/way cache maintenance is done
 * by shrike as a clean and invalidate and never loses data.
 */
static unsigned not_switched(void)
{
    struct fault_record rec;
    unsigned undefs = 0;
    uint64_t mmfr1 = read_sysreg(id_aa64mmfr1_el1);

    CHECK_EQ(field(mmfr1, 16), 0, "ID_AA64MMFR1_EL1.LO is 0 (0x%lx)", mmfr1);
    UNDEF_PROBE(&rec, "mrs %2, s3_0_c10_c4_7", "read of LORID_EL1 (LORegions hidden)");
    undefs += rec.count;
    UNDEF_PROBE(&rec, "mrs %2, s3_0_c5_c3_0", "read of ERRIDR_EL1 (RAS hidden)");
    undefs += rec.count;
    UNDEF_PROBE(&rec, "msr s3_0_c5_c3_1, %2", "write of ERRSELR_EL1 (RAS hidden)");
    undefs += rec.count;

    static volatile uint64_t canary;
    canary = 0x5e7a5e7a5e7a5e7aUL;
    fault_expect(&rec);
    uint64_t aidr = read_sysreg(s3_1_c0_c0_7);
    uint64_t revidr = read_sysreg(s3_0_c0_c0_6);
    write_sysreg(s3_0_c1_c0_1, ~0UL);
    isb();
    uint64_t actlr = read_sysreg(s3_0_c1_c0_1);
    __asm__ __volatile__("dc isw, %0\n\tdc csw, %0\n\tdc cisw, %0" : : "r"(0UL) : "memory");
    fault_expect_end();
    CHECK_EQ(rec.count, 0, "AIDR/REVIDR/ACTLR_EL1 and DC ISW/CSW/CISW: no UNDEF");
    CHECK_EQ(aidr, 0, "AIDR_EL1 reads 0");
    CHECK_EQ(revidr, 0, "REVIDR_EL1 reads 0");
    CHECK_EQ(actlr, 0, "ACTLR_EL1 reads 0 after a write of all ones (RAZ/WI)");
    CHECK_EQ(canary, 0x5e7a5e7a5e7a5e7aUL, "DC ISW lost no data (it cleans as well)");
    return undefs;
}

void guest_main(void)
{
    unsigned undefs;

    if (!guest_on_shrike()) {
        CHECK(false, "running on shrike (the sysreg guest checks shrike's emulation)");
        return;
    }
    undefs = unemulated();
    undefs += emulated();
    CHECK_EQ(undefs, 3, "exactly 3 UNDEFs in all");
    id_registers();
    CHECK_EQ(not_switched(), 3, "exactly 3 UNDEFs from hidden LORegion and RAS registers");
}
