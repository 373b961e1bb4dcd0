/*
 * Guest ID register values (see idregs.h). Field layouts from the Arm ARM
 * (D23.2, "AArch64 Identification registers"). Each register has a rule:
 * the hardware value with `clear` fields zeroed ("not implemented") and then
 * `set` bits ORed in. Registers without a rule pass through unchanged; the
 * architecture makes unallocated encodings in the group read as zero.
 */
#include "vcpu/idregs.h"

#include <stdbool.h>

#ifndef SHRIKE_HOST_TEST
#include "kernel/gic.h"
#include "kernel/sysreg.h"
#endif

/* Index of (crm, op2) in the group, 0 .. IDREG_COUNT-1. */
#define IDX(crm, op2) (((crm)-IDREG_CRM_FIRST) * (IDREG_OP2_LAST + 1) + (op2))

/* A 4-bit ID field starting at bit `lo`. */
#define FIELD(lo)  (0xFULL << (lo))
#define ALL_FIELDS (~0ULL)

/* ID_AA64PFR0_EL1 (4, 0) */
#define PFR0_GIC         FIELD(24)
#define PFR0_RAS         FIELD(28)
#define PFR0_SVE         FIELD(32)
#define PFR0_SEL2        FIELD(36)
#define PFR0_MPAM        FIELD(40)
#define PFR0_AMU         FIELD(44)
#define PFR0_RME         FIELD(52)
#define PFR0_GIC_SYSREGS (1ULL << 24) /* GICv3/v4 system-register interface */

/* ID_AA64PFR1_EL1 (4, 1): only these are kept. */
#define PFR1_BT   FIELD(0)
#define PFR1_SSBS FIELD(4)

/* ID_AA64DFR0_EL1 (5, 0): only these are kept. */
#define DFR0_DEBUGVER   FIELD(0)
#define DFR0_BRPS       FIELD(12)
#define DFR0_WRPS       FIELD(20)
#define DFR0_CTX_CMPS   FIELD(28)
#define DFR0_DOUBLELOCK FIELD(36)

/* ID_AA64ISAR1_EL1 (6, 1): pointer authentication. */
#define ISAR1_APA FIELD(4)
#define ISAR1_API FIELD(8)
#define ISAR1_GPA FIELD(24)
#define ISAR1_GPI FIELD(28)

/* ID_AA64ISAR2_EL1 (6, 2) */
#define ISAR2_WFXT FIELD(0)
#define ISAR2_GPA3 FIELD(8)
#define ISAR2_APA3 FIELD(12)

/* ID_AA64MMFR1_EL1 (7, 1) */
#define MMFR1_LO FIELD(16)

/* ID_DFR0_EL1 (1, 2), AArch32 */
#define ID_DFR0_PERFMON FIELD(24)

struct idreg_rule {
    uint64_t clear;
    uint64_t set;
};

static const struct idreg_rule rules[IDREG_COUNT] = {
    /* ID_DFR0_EL1: no PMU (its registers are trapped and RAZ/WI). */
    [IDX(1, 2)] = {.clear = ID_DFR0_PERFMON},
    /* ID_AA64PFR0_EL1: no SVE, RAS, Secure EL2, MPAM, AMU, RME; GICv3 system registers. */
    [IDX(4, 0)] = {.clear =
                       PFR0_SVE | PFR0_RAS | PFR0_SEL2 | PFR0_MPAM | PFR0_AMU | PFR0_RME | PFR0_GIC,
                   .set = PFR0_GIC_SYSREGS},
    /*
     * ID_AA64PFR1_EL1: BT and SSBS only. Gone: MTE, RAS_frac, MPAM_frac, SME,
     * NMI, MTE_frac, GCS, THE, and every other or future field.
     */
    [IDX(4, 1)] = {.clear = ~(PFR1_BT | PFR1_SSBS)},
    [IDX(4, 4)] = {.clear = ALL_FIELDS}, /* ID_AA64ZFR0_EL1: SVE */
    [IDX(4, 5)] = {.clear = ALL_FIELDS}, /* ID_AA64SMFR0_EL1: SME */
    /*
     * ID_AA64DFR0_EL1: breakpoints, watchpoints and the debug architecture
     * only. Gone: PMUVer, TraceVer, PMSVer, TraceFilt, MTPMU, BRBE, and every
     * other or future field.
     */
    [IDX(5, 0)] = {.clear =
                       ~(DFR0_DEBUGVER | DFR0_BRPS | DFR0_WRPS | DFR0_CTX_CMPS | DFR0_DOUBLELOCK)},
    [IDX(5, 1)] = {.clear = ALL_FIELDS}, /* ID_AA64DFR1_EL1 */
    [IDX(5, 4)] = {.clear = ALL_FIELDS}, /* ID_AA64AFR0_EL1 */
    [IDX(5, 5)] = {.clear = ALL_FIELDS}, /* ID_AA64AFR1_EL1 */
    /* ID_AA64ISAR1_EL1: pointer-authentication keys are not switched per vCPU. */
    [IDX(6, 1)] = {.clear = ISAR1_APA | ISAR1_API | ISAR1_GPA | ISAR1_GPI},
    /* ID_AA64ISAR2_EL1: no WFET/WFIT, no QARMA3 pointer authentication. */
    [IDX(6, 2)] = {.clear = ISAR2_WFXT | ISAR2_GPA3 | ISAR2_APA3},
    /* ID_AA64MMFR1_EL1: no LORegions (their registers are not switched; HCR_EL2.TLOR traps them).
     */
    [IDX(7, 1)] = {.clear = MMFR1_LO},
};

static uint64_t guest_values[IDREG_COUNT];

static bool in_group(unsigned crm, unsigned op2)
{
    return crm >= IDREG_CRM_FIRST && crm <= IDREG_CRM_LAST && op2 <= IDREG_OP2_LAST;
}

uint64_t idreg_sanitize(unsigned crm, unsigned op2, uint64_t hw)
{
    if (!in_group(crm, op2)) {
        return 0;
    }
    const struct idreg_rule *rule = &rules[IDX(crm, op2)];
    return (hw & ~rule->clear) | rule->set;
}

#ifdef SHRIKE_HOST_TEST

static uint64_t (*host_reader)(unsigned crm, unsigned op2);
static bool host_gic_v2;

void idregs_set_host_gic_v2(bool v2)
{
    host_gic_v2 = v2;
}

static bool gic_v2(void)
{
    return host_gic_v2;
}

void idregs_set_host_reader(uint64_t (*read)(unsigned crm, unsigned op2))
{
    host_reader = read;
}

static uint64_t read_hw(unsigned crm, unsigned op2)
{
    return host_reader ? host_reader(crm, op2) : 0;
}

#else

/*
 * The register is encoded in the mrs instruction, so each of the 56 needs its
 * own: one switch case per (crm, op2), e.g. "mrs x0, s3_0_c0_c4_0".
 */
#define READ_CASE(crm, op2) \
    case IDX(crm, op2):     \
        return read_sysreg(s3_0_c0_c##crm##_##op2);

#define READ_CASES_CRM(crm) \
    READ_CASE(crm, 0)       \
    READ_CASE(crm, 1)       \
    READ_CASE(crm, 2)       \
    READ_CASE(crm, 3)       \
    READ_CASE(crm, 4)       \
    READ_CASE(crm, 5)       \
    READ_CASE(crm, 6)       \
    READ_CASE(crm, 7)

static bool gic_v2(void)
{
    return gic_host_v2;
}

static uint64_t read_hw(unsigned crm, unsigned op2)
{
    switch (IDX(crm, op2)) {
        READ_CASES_CRM(1)
        READ_CASES_CRM(2)
        READ_CASES_CRM(3)
        READ_CASES_CRM(4)
        READ_CASES_CRM(5)
        READ_CASES_CRM(6)
        READ_CASES_CRM(7)
    default:
        return 0;
    }
}

#endif

void idregs_init(void)
{
    for (unsigned crm = IDREG_CRM_FIRST; crm <= IDREG_CRM_LAST; crm++) {
        for (unsigned op2 = 0; op2 <= IDREG_OP2_LAST; op2++) {
            guest_values[IDX(crm, op2)] = idreg_sanitize(crm, op2, read_hw(crm, op2));
        }
    }
    /*
     * A GICv2 host gives its VMs a GICv2 (vcpu/vm.c): no GICv3 system-register
     * interface, so ID_AA64PFR0_EL1.GIC reads 0 (the guest's ICC_* accesses UNDEF).
     */
    if (gic_v2()) {
        guest_values[IDX(4, 0)] &= ~PFR0_GIC;
    }
}

uint64_t idregs_guest_value(unsigned crm, unsigned op2)
{
    return in_group(crm, op2) ? guest_values[IDX(crm, op2)] : 0;
}
