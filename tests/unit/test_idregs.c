/*
 * Host unit test for vcpu/idregs.c: every sanitization rule against exact
 * hand-computed values (all ones, a nibble ramp, realistic hardware values),
 * an independent per-field model of the rules checked over many values,
 * pass-through of the other registers, idregs_init() through a host reader
 * (each register read exactly once) and out-of-range lookups.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "vcpu/idregs.h"
#include "unit.h"

UNIT_STATE;

#define ONES 0xFFFFFFFFFFFFFFFFULL
#define RAMP 0xFEDCBA9876543210ULL /* nibble n holds n */

/*
 * The rules written out per 4-bit field, nibble 15 (bits [63:60]) first:
 * 'k' kept, '0' cleared, '1' forced to 1. Registers not listed keep everything.
 */
struct field_rule {
    unsigned crm, op2;
    const char *fields;
};

static const struct field_rule field_rules[] = {
    {1, 2, "kkkkkkkkk0kkkkkk"}, /* ID_DFR0_EL1: PerfMon */
    {4, 0, "kk0k000001kkkkkk"}, /* ID_AA64PFR0_EL1 */
    {4, 1, "00000000000000kk"}, /* ID_AA64PFR1_EL1: BT, SSBS kept */
    {4, 4, "0000000000000000"}, /* ID_AA64ZFR0_EL1 */
    {4, 5, "0000000000000000"}, /* ID_AA64SMFR0_EL1 */
    {5, 0, "000000k0k0k0k00k"}, /* ID_AA64DFR0_EL1 */
    {5, 1, "0000000000000000"}, /* ID_AA64DFR1_EL1 */
    {5, 4, "0000000000000000"}, /* ID_AA64AFR0_EL1 */
    {5, 5, "0000000000000000"}, /* ID_AA64AFR1_EL1 */
    {6, 1, "kkkkkkkk00kkk00k"}, /* ID_AA64ISAR1_EL1 */
    {6, 2, "kkkkkkkkkkkk00k0"}, /* ID_AA64ISAR2_EL1 */
    {7, 1, "kkkkkkkkkkk0kkkk"}, /* ID_AA64MMFR1_EL1: LO */
};

#define NRULES (sizeof(field_rules) / sizeof(field_rules[0]))

static const char *rule_for(unsigned crm, unsigned op2)
{
    for (unsigned i = 0; i < NRULES; i++) {
        if (field_rules[i].crm == crm && field_rules[i].op2 == op2) {
            return field_rules[i].fields;
        }
    }
    return "kkkkkkkkkkkkkkkk";
}

static uint64_t model(unsigned crm, unsigned op2, uint64_t hw)
{
    const char *fields = rule_for(crm, op2);
    uint64_t out = 0;
    for (unsigned n = 0; n < 16; n++) {
        uint64_t nibble = (hw >> (4 * n)) & 0xF;
        switch (fields[15 - n]) {
        case '0':
            nibble = 0;
            break;
        case '1':
            nibble = 1;
            break;
        default:
            break;
        }
        out |= nibble << (4 * n);
    }
    return out;
}

static uint64_t rng_state = 0x1d5ea5edULL;

static uint64_t rng_next(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void test_pfr0(void)
{
    EXPECT_EQ(idreg_sanitize(4, 0, ONES), 0xFF0F000001FFFFFFULL);
    EXPECT_EQ(idreg_sanitize(4, 0, RAMP), 0xFE0C000001543210ULL);
    EXPECT_EQ(idreg_sanitize(4, 0, 0), 0x0000000001000000ULL);
    /* Cortex-A76-like: CSV3, CSV2, RAS, AdvSIMD, FP, EL0-3 AArch64; GIC 0. */
    EXPECT_EQ(idreg_sanitize(4, 0, 0x1100000010111111ULL), 0x1100000001111111ULL);
    /* Neoverse-V1-like: SVE, RAS v1.1, GICv4.1, AMU, SEL2, DIT. */
    EXPECT_EQ(idreg_sanitize(4, 0, 0x1101111113111111ULL), 0x1101000001111111ULL);
    /* GIC forced to 1 whatever the hardware says. */
    for (uint64_t gic = 0; gic < 16; gic++) {
        EXPECT_EQ(idreg_sanitize(4, 0, gic << 24), 1ULL << 24);
        EXPECT_EQ(idreg_sanitize(4, 0, (gic << 24) | 0x22), (1ULL << 24) | 0x22);
    }
    /* Each cleared field on its own. */
    static const unsigned cleared[] = {28, 32, 36, 40, 44, 52};
    for (unsigned i = 0; i < sizeof(cleared) / sizeof(cleared[0]); i++) {
        EXPECT_EQ(idreg_sanitize(4, 0, 0xFULL << cleared[i]), 1ULL << 24);
        EXPECT_EQ(idreg_sanitize(4, 0, 0x1ULL << cleared[i]), 1ULL << 24);
    }
    /* Kept: EL0-EL3, FP, AdvSIMD, DIT, CSV2, CSV3. */
    EXPECT_EQ(idreg_sanitize(4, 0, 0xFF0F000000FFFFFFULL), 0xFF0F000001FFFFFFULL);
}

static void test_pfr1(void)
{
    EXPECT_EQ(idreg_sanitize(4, 1, ONES), 0xFFULL);
    EXPECT_EQ(idreg_sanitize(4, 1, RAMP), 0x10ULL);
    EXPECT_EQ(idreg_sanitize(4, 1, 0x21), 0x21);                  /* BTI, SSBS2 */
    EXPECT_EQ(idreg_sanitize(4, 1, 0x0000000001000221ULL), 0x21); /* + SME, MTE2 */
    EXPECT_EQ(idreg_sanitize(4, 1, 0x0000F00000000000ULL), 0);    /* GCS */
    EXPECT_EQ(idreg_sanitize(4, 1, 0x000F000000000000ULL), 0);    /* THE */
    EXPECT_EQ(idreg_sanitize(4, 1, 0x00000F0000000000ULL), 0);    /* MTE_frac */
    EXPECT_EQ(idreg_sanitize(4, 1, 0x000000F000000000ULL), 0);    /* NMI */
    EXPECT_EQ(idreg_sanitize(4, 1, 0x00000000000FF000ULL), 0);    /* MPAM_frac, RAS_frac */
}

static void test_zeroed(void)
{
    static const unsigned regs[][2] = {{4, 4}, {4, 5}, {5, 1}, {5, 4}, {5, 5}};
    for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
        EXPECT_EQ(idreg_sanitize(regs[i][0], regs[i][1], ONES), 0);
        EXPECT_EQ(idreg_sanitize(regs[i][0], regs[i][1], RAMP), 0);
        EXPECT_EQ(idreg_sanitize(regs[i][0], regs[i][1], 1), 0);
    }
}

static void test_dfr0(void)
{
    EXPECT_EQ(idreg_sanitize(5, 0, ONES), 0x000000F0F0F0F00FULL);
    EXPECT_EQ(idreg_sanitize(5, 0, RAMP), 0x0000009070503000ULL);
    /* QEMU "max"-like: PMUv3p8, 6 BRPs, 4 WRPs, 2 CTX_CMPs, Armv8.4 debug, PMSVer. */
    EXPECT_EQ(idreg_sanitize(5, 0, 0x0000000110305719ULL), 0x0000000010305009ULL);
    /* BRBE, MTPMU, TraceFilt, PMSVer, PMUVer, TraceVer. */
    EXPECT_EQ(idreg_sanitize(5, 0, 0x00FF0F0F00000FF0ULL), 0);
}

static void test_isar1_isar2(void)
{
    EXPECT_EQ(idreg_sanitize(6, 1, ONES), 0xFFFFFFFF00FFF00FULL);
    EXPECT_EQ(idreg_sanitize(6, 1, RAMP), 0xFEDCBA9800543000ULL);
    /* Cortex-A78-like: LRCPC, FCMA, JSCVT, DPB, APA=1, GPA=1 -> PAuth gone. */
    EXPECT_EQ(idreg_sanitize(6, 1, 0x0000000001210011ULL), 0x0000000000210001ULL);
    EXPECT_EQ(idreg_sanitize(6, 2, ONES), 0xFFFFFFFFFFFF00F0ULL);
    EXPECT_EQ(idreg_sanitize(6, 2, RAMP), 0xFEDCBA9876540010ULL);
    EXPECT_EQ(idreg_sanitize(6, 2, 0x0000000000003112ULL), 0x0000000000000010ULL);
}

/* ID_AA64MMFR1_EL1: LO (19:16) cleared, the rest kept (VMIDBits, VH, PAN, ECBHB...). */
static void test_mmfr1(void)
{
    EXPECT_EQ(idreg_sanitize(7, 1, ONES), 0xFFFFFFFFFFF0FFFFULL);
    EXPECT_EQ(idreg_sanitize(7, 1, RAMP), 0xFEDCBA9876503210ULL);
    /* QEMU 7.2 -cpu max: LO = 1 goes, VMIDBits = 2 (16-bit VMIDs) stays. */
    EXPECT_EQ(idreg_sanitize(7, 1, 0x11010211122ULL), 0x11010201122ULL);
    EXPECT_EQ(idreg_sanitize(7, 1, 0), 0);
}

static void test_aarch32(void)
{
    EXPECT_EQ(idreg_sanitize(1, 2, ONES), 0xFFFFFFFFF0FFFFFFULL);
    EXPECT_EQ(idreg_sanitize(1, 2, RAMP), 0xFEDCBA9870543210ULL);
    EXPECT_EQ(idreg_sanitize(1, 2, 0x0000000016011099ULL), 0x0000000010011099ULL);
    /* ID_PFR1_EL1.GIC is kept as the hardware says, unlike ID_AA64PFR0_EL1.GIC. */
    EXPECT_EQ(idreg_sanitize(1, 1, 0x10000000ULL), 0x10000000ULL);
    EXPECT_EQ(idreg_sanitize(1, 1, 0), 0);
    EXPECT_EQ(idreg_sanitize(1, 1, ONES), ONES);
}

static void test_passthrough(void)
{
    unsigned checked = 0;
    bool ok = true;
    for (unsigned crm = 1; crm <= 7; crm++) {
        for (unsigned op2 = 0; op2 <= 7; op2++) {
            bool ruled = false;
            for (unsigned i = 0; i < NRULES; i++) {
                ruled = ruled || (field_rules[i].crm == crm && field_rules[i].op2 == op2);
            }
            if (ruled) {
                continue;
            }
            checked++;
            ok = ok && idreg_sanitize(crm, op2, ONES) == ONES;
            ok = ok && idreg_sanitize(crm, op2, RAMP) == RAMP;
            ok = ok && idreg_sanitize(crm, op2, 0) == 0;
            for (unsigned i = 0; i < 16; i++) {
                uint64_t v = rng_next();
                ok = ok && idreg_sanitize(crm, op2, v) == v;
            }
        }
    }
    EXPECT(ok);
    EXPECT_EQ(checked, 56 - NRULES);
    /* A few by name: ID_AA64ISAR0, ID_AA64MMFR0 and 2, MVFR0, ID_AA64PFR2. */
    EXPECT_EQ(idreg_sanitize(6, 0, RAMP), RAMP);
    EXPECT_EQ(idreg_sanitize(7, 0, RAMP), RAMP);
    EXPECT_EQ(idreg_sanitize(7, 2, RAMP), RAMP);
    EXPECT_EQ(idreg_sanitize(3, 0, RAMP), RAMP);
    EXPECT_EQ(idreg_sanitize(4, 2, RAMP), RAMP);
}

/* The implementation against the per-field model, on random values. */
static void test_model(void)
{
    bool ok = true;
    for (unsigned round = 0; round < 2000; round++) {
        for (unsigned crm = 1; crm <= 7; crm++) {
            for (unsigned op2 = 0; op2 <= 7; op2++) {
                uint64_t v = rng_next();
                ok = ok && idreg_sanitize(crm, op2, v) == model(crm, op2, v);
            }
        }
    }
    EXPECT(ok);
    /* The model agrees with the hand-computed constants above. */
    EXPECT_EQ(model(4, 0, ONES), 0xFF0F000001FFFFFFULL);
    EXPECT_EQ(model(5, 0, RAMP), 0x0000009070503000ULL);
}

static void test_sanitize_out_of_range(void)
{
    for (unsigned op2 = 0; op2 < 8; op2++) {
        EXPECT_EQ(idreg_sanitize(0, op2, ONES), 0);
        EXPECT_EQ(idreg_sanitize(8, op2, ONES), 0);
    }
    EXPECT_EQ(idreg_sanitize(4, 8, ONES), 0);
    EXPECT_EQ(idreg_sanitize(UINT_MAX, 0, ONES), 0);
    EXPECT_EQ(idreg_sanitize(4, UINT_MAX, ONES), 0);
}

/* Host reader: a distinct value per register, and a count of every call. */
static unsigned reads[8][8];
static unsigned bad_reads;
static uint64_t reader_salt;

static uint64_t hw_value(unsigned crm, unsigned op2)
{
    uint64_t z = reader_salt + ((uint64_t)crm << 3 | op2) * 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ULL;
    return z ^ (z >> 29);
}

static uint64_t test_reader(unsigned crm, unsigned op2)
{
    if (crm < 1 || crm > 7 || op2 > 7) {
        bad_reads++;
        return 0;
    }
    reads[crm][op2]++;
    return hw_value(crm, op2);
}

static bool each_read(unsigned times)
{
    bool ok = true;
    for (unsigned crm = 0; crm < 8; crm++) {
        for (unsigned op2 = 0; op2 < 8; op2++) {
            ok = ok && reads[crm][op2] == (crm == 0 ? 0 : times);
        }
    }
    return ok;
}

static bool table_matches(void)
{
    bool ok = true;
    for (unsigned crm = 1; crm <= 7; crm++) {
        for (unsigned op2 = 0; op2 <= 7; op2++) {
            uint64_t want = model(crm, op2, hw_value(crm, op2));
            ok = ok && idregs_guest_value(crm, op2) == want;
        }
    }
    return ok;
}

static void test_init(void)
{
    /* Before any init the table is zero. */
    EXPECT_EQ(idregs_guest_value(4, 0), 0);

    reader_salt = 1;
    idregs_set_host_reader(test_reader);
    idregs_init();
    EXPECT(each_read(1));
    EXPECT_EQ(bad_reads, 0);
    EXPECT(table_matches());
    EXPECT_EQ(idregs_guest_value(4, 0), idreg_sanitize(4, 0, hw_value(4, 0)));
    EXPECT_EQ(idregs_guest_value(4, 4), 0);
    EXPECT_EQ(idregs_guest_value(7, 0), hw_value(7, 0));

    /* A second init rereads everything. */
    reader_salt = 2;
    idregs_init();
    EXPECT(each_read(2));
    EXPECT(table_matches());

    /* Without a reader every register reads as zero, so the guest sees only GIC = 1. */
    idregs_set_host_reader(0);
    idregs_init();
    EXPECT(each_read(2));
    bool zero = true;
    for (unsigned crm = 1; crm <= 7; crm++) {
        for (unsigned op2 = 0; op2 <= 7; op2++) {
            zero = zero && idregs_guest_value(crm, op2) == (crm == 4 && op2 == 0 ? 1ULL << 24 : 0);
        }
    }
    EXPECT(zero);
}

/* On a GICv2 host ID_AA64PFR0_EL1.GIC reads 0 (no ICC_* registers), every other field the same. */
static void test_init_gic_v2(void)
{
    reader_salt = 4;
    idregs_set_host_reader(test_reader);
    idregs_set_host_gic_v2(true);
    idregs_init();
    EXPECT_EQ(idregs_guest_value(4, 0), idreg_sanitize(4, 0, hw_value(4, 0)) & ~(0xFULL << 24));
    EXPECT_EQ(idregs_guest_value(4, 0) >> 24 & 0xF, 0);
    EXPECT_EQ(idregs_guest_value(7, 0), hw_value(7, 0));
    idregs_set_host_reader(0);
    idregs_init();
    EXPECT_EQ(idregs_guest_value(4, 0), 0);
    idregs_set_host_gic_v2(false);
    idregs_init();
    EXPECT_EQ(idregs_guest_value(4, 0), 1ULL << 24);
}

static void test_lookup_out_of_range(void)
{
    reader_salt = 3;
    idregs_set_host_reader(test_reader);
    idregs_init();
    for (unsigned op2 = 0; op2 < 8; op2++) {
        EXPECT_EQ(idregs_guest_value(0, op2), 0);
        EXPECT_EQ(idregs_guest_value(8, op2), 0);
    }
    for (unsigned crm = 1; crm <= 7; crm++) {
        EXPECT_EQ(idregs_guest_value(crm, 8), 0);
    }
    EXPECT_EQ(idregs_guest_value(15, 7), 0);
    EXPECT_EQ(idregs_guest_value(UINT_MAX, 0), 0);
    EXPECT_EQ(idregs_guest_value(1, UINT_MAX), 0);
    EXPECT(idregs_guest_value(7, 7) != 0); /* in range: the (nonzero) stored value */
}

int main(void)
{
    test_pfr0();
    test_pfr1();
    test_zeroed();
    test_dfr0();
    test_isar1_isar2();
    test_mmfr1();
    test_aarch32();
    test_passthrough();
    test_model();
    test_sanitize_out_of_range();
    test_init();
    test_init_gic_v2();
    test_lookup_out_of_range();
    return unit_report("idregs");
}
