/*
 * ESR_EL2 decoding: exception class and fault status tables, ISS field
 * decoders and the (name, value) field list for the crash report. Layouts
 * follow the Arm ARM (DDI 0487), ESR_EL2 and its ISS encoding sections.
 */
#include "kernel/esr.h"

struct ec_info {
    const char *name;
    const char *desc;
};

/* Indexed by EC; a NULL name marks a value unallocated in ESR_EL2. */
static const struct ec_info ec_table[ESR_EC_MAX + 1] = {
    [ESR_EC_UNKNOWN] = {"UNKNOWN", "Unknown reason"},
    [ESR_EC_WFX] = {"WFX", "Trapped WFI, WFE, WFIT or WFET instruction execution"},
    [ESR_EC_CP15_32] = {"CP15_32", "Trapped MCR or MRC access with coproc=0b1111 (AArch32)"},
    [ESR_EC_CP15_64] = {"CP15_64", "Trapped MCRR or MRRC access with coproc=0b1111 (AArch32)"},
    [ESR_EC_CP14_MR] = {"CP14_MR", "Trapped MCR or MRC access with coproc=0b1110 (AArch32)"},
    [ESR_EC_CP14_LS] = {"CP14_LS", "Trapped LDC or STC access (AArch32)"},
    [ESR_EC_FP_ASIMD] = {"FP_ASIMD",
                         "Access to SME, SVE, Advanced SIMD or floating-point functionality "
                         "trapped"},
    [ESR_EC_CP10_ID] = {"CP10_ID", "Trapped VMRS access, from ID group trap (AArch32)"},
    [ESR_EC_PAC] = {"PAC", "Trapped use of a Pointer authentication instruction"},
    [ESR_EC_OTHER] = {"OTHER", "Trapped execution of an instruction not covered by other EC "
                               "values"},
    [ESR_EC_CP14_64] = {"CP14_64", "Trapped MRRC access with coproc=0b1110 (AArch32)"},
    [ESR_EC_BTI] = {"BTI", "Branch Target Exception"},
    [ESR_EC_ILL] = {"ILL", "Illegal Execution state"},
    [ESR_EC_SVC32] = {"SVC32", "SVC instruction execution in AArch32 state"},
    [ESR_EC_HVC32] = {"HVC32", "HVC instruction execution in AArch32 state"},
    [ESR_EC_SMC32] = {"SMC32", "SMC instruction execution in AArch32 state"},
    [ESR_EC_SYS128] = {"SYS128",
                       "Trapped MSRR, MRRS or 128-bit System instruction execution in AArch64 "
                       "state"},
    [ESR_EC_SVC64] = {"SVC64", "SVC instruction execution in AArch64 state"},
    [ESR_EC_HVC64] = {"HVC64", "HVC instruction execution in AArch64 state"},
    [ESR_EC_SMC64] = {"SMC64", "SMC instruction execution in AArch64 state"},
    [ESR_EC_SYS64] = {"SYS64", "Trapped MSR, MRS or System instruction execution in AArch64 state"},
    [ESR_EC_SVE] = {"SVE", "Access to SVE functionality trapped"},
    [ESR_EC_ERET] = {"ERET", "Trapped ERET, ERETAA or ERETAB instruction execution"},
    [ESR_EC_TSTART] = {"TSTART", "Trapped TSTART instruction execution"},
    [ESR_EC_FPAC] = {"FPAC", "Pointer authentication instruction authentication failure"},
    [ESR_EC_SME] = {"SME", "Access to SME functionality trapped"},
    [ESR_EC_IABT_LOW] = {"IABT_LOW", "Instruction Abort from a lower Exception level"},
    [ESR_EC_IABT_CUR] = {"IABT_CUR", "Instruction Abort taken without a change in Exception level"},
    [ESR_EC_PC_ALIGN] = {"PC_ALIGN", "PC alignment fault"},
    [ESR_EC_DABT_LOW] = {"DABT_LOW", "Data Abort from a lower Exception level"},
    [ESR_EC_DABT_CUR] = {"DABT_CUR", "Data Abort taken without a change in Exception level"},
    [ESR_EC_SP_ALIGN] = {"SP_ALIGN", "SP alignment fault"},
    [ESR_EC_MOPS] = {"MOPS", "Memory Operation Exception"},
    [ESR_EC_FP_EXC32] = {"FP_EXC32", "Trapped floating-point exception taken from AArch32 state"},
    [ESR_EC_FP_EXC64] = {"FP_EXC64", "Trapped floating-point exception taken from AArch64 state"},
    [ESR_EC_GCS] = {"GCS", "Guarded Control Stack exception"},
    [ESR_EC_SERROR] = {"SERROR", "SError exception"},
    [ESR_EC_BREAKPT_LOW] = {"BREAKPT_LOW", "Breakpoint exception from a lower Exception level"},
    [ESR_EC_BREAKPT_CUR] = {"BREAKPT_CUR",
                            "Breakpoint exception taken without a change in Exception level"},
    [ESR_EC_SOFTSTP_LOW] = {"SOFTSTP_LOW", "Software Step exception from a lower Exception level"},
    [ESR_EC_SOFTSTP_CUR] = {"SOFTSTP_CUR",
                            "Software Step exception taken without a change in Exception level"},
    [ESR_EC_WATCHPT_LOW] = {"WATCHPT_LOW", "Watchpoint exception from a lower Exception level"},
    [ESR_EC_WATCHPT_CUR] = {"WATCHPT_CUR",
                            "Watchpoint exception taken without a change in Exception level"},
    [ESR_EC_BKPT32] = {"BKPT32", "BKPT instruction execution in AArch32 state"},
    [ESR_EC_VECTOR32] = {"VECTOR32", "Vector Catch exception from AArch32 state"},
    [ESR_EC_BRK64] = {"BRK64", "BRK instruction execution in AArch64 state"},
    [ESR_EC_PROFILING] = {"PROFILING", "Profiling exception"},
};

/* Indexed by DFSC/IFSC; NULL marks an unallocated code. */
static const char *const fsc_table[ESR_FSC_MASK + 1] = {
    [ESR_FSC_ADDR_SIZE + 0] = "address size fault, level 0",
    [ESR_FSC_ADDR_SIZE + 1] = "address size fault, level 1",
    [ESR_FSC_ADDR_SIZE + 2] = "address size fault, level 2",
    [ESR_FSC_ADDR_SIZE + 3] = "address size fault, level 3",
    [ESR_FSC_TRANSLATION + 0] = "translation fault, level 0",
    [ESR_FSC_TRANSLATION + 1] = "translation fault, level 1",
    [ESR_FSC_TRANSLATION + 2] = "translation fault, level 2",
    [ESR_FSC_TRANSLATION + 3] = "translation fault, level 3",
    [ESR_FSC_ACCESS_FLAG + 0] = "access flag fault, level 0",
    [ESR_FSC_ACCESS_FLAG + 1] = "access flag fault, level 1",
    [ESR_FSC_ACCESS_FLAG + 2] = "access flag fault, level 2",
    [ESR_FSC_ACCESS_FLAG + 3] = "access flag fault, level 3",
    [ESR_FSC_PERMISSION + 0] = "permission fault, level 0",
    [ESR_FSC_PERMISSION + 1] = "permission fault, level 1",
    [ESR_FSC_PERMISSION + 2] = "permission fault, level 2",
    [ESR_FSC_PERMISSION + 3] = "permission fault, level 3",
    [ESR_FSC_SEA] = "synchronous external abort",
    [ESR_FSC_TAG_CHECK] = "synchronous tag check fault",
    [ESR_FSC_SEA_TTW_LM2] = "synchronous external abort on table walk, level -2",
    [ESR_FSC_SEA_TTW_LM1] = "synchronous external abort on table walk, level -1",
    [ESR_FSC_SEA_TTW + 0] = "synchronous external abort on table walk, level 0",
    [ESR_FSC_SEA_TTW + 1] = "synchronous external abort on table walk, level 1",
    [ESR_FSC_SEA_TTW + 2] = "synchronous external abort on table walk, level 2",
    [ESR_FSC_SEA_TTW + 3] = "synchronous external abort on table walk, level 3",
    [ESR_FSC_ECC] = "synchronous parity or ECC error",
    [ESR_FSC_ECC_TTW_LM1] = "synchronous parity or ECC error on table walk, level -1",
    [ESR_FSC_ECC_TTW + 0] = "synchronous parity or ECC error on table walk, level 0",
    [ESR_FSC_ECC_TTW + 1] = "synchronous parity or ECC error on table walk, level 1",
    [ESR_FSC_ECC_TTW + 2] = "synchronous parity or ECC error on table walk, level 2",
    [ESR_FSC_ECC_TTW + 3] = "synchronous parity or ECC error on table walk, level 3",
    [ESR_FSC_ALIGNMENT] = "alignment fault",
    [ESR_FSC_GPF_TTW_LM2] = "granule protection fault on table walk, level -2",
    [ESR_FSC_GPF_TTW_LM1] = "granule protection fault on table walk, level -1",
    [ESR_FSC_GPF_TTW + 0] = "granule protection fault on table walk, level 0",
    [ESR_FSC_GPF_TTW + 1] = "granule protection fault on table walk, level 1",
    [ESR_FSC_GPF_TTW + 2] = "granule protection fault on table walk, level 2",
    [ESR_FSC_GPF_TTW + 3] = "granule protection fault on table walk, level 3",
    [ESR_FSC_GPF] = "granule protection fault",
    [ESR_FSC_ADDR_SIZE_LM1] = "address size fault, level -1",
    [ESR_FSC_TRANSLATION_LM2] = "translation fault, level -2",
    [ESR_FSC_TRANSLATION_LM1] = "translation fault, level -1",
    [ESR_FSC_ADDR_SIZE_LM2] = "address size fault, level -2",
    [ESR_FSC_TLB_CONFLICT] = "TLB conflict abort",
    [ESR_FSC_ATOMIC_HW_UPDATE] = "unsupported atomic hardware update fault",
    [ESR_FSC_IMPDEF_LOCKDOWN] = "implementation defined fault (lockdown)",
    [ESR_FSC_IMPDEF_ATOMIC] = "implementation defined fault (unsupported exclusive or atomic)",
};

/* Abort ISS bits shared by data and instruction aborts. */
#define ABT_FNV_BIT   10
#define ABT_EA_BIT    9
#define ABT_S1PTW_BIT 7

/* Data abort ISS. */
#define DABT_ISV_BIT   24
#define DABT_SAS_SHIFT 22
#define DABT_SSE_BIT   21
#define DABT_SRT_SHIFT 16
#define DABT_SF_BIT    15
#define DABT_AR_BIT    14
#define DABT_VNCR_BIT  13
#define DABT_CM_BIT    8
#define DABT_WNR_BIT   6

/* WFx ISS. */
#define WFX_CV_BIT     24
#define WFX_COND_SHIFT 20
#define WFX_RN_SHIFT   5
#define WFX_RV_BIT     2

/* SError ISS. */
#define SERROR_IDS_BIT   24
#define SERROR_IESB_BIT  13
#define SERROR_AET_SHIFT 10
#define SERROR_EA_BIT    9

static unsigned field(uint32_t iss, unsigned shift, unsigned width)
{
    return (unsigned)((iss >> shift) & ((1u << width) - 1u));
}

static bool bit(uint32_t iss, unsigned n)
{
    return ((iss >> n) & 1u) != 0;
}

const char *esr_class_name(unsigned ec)
{
    if (ec > ESR_EC_MAX) {
        return "INVALID";
    }
    return ec_table[ec].name ? ec_table[ec].name : "RESERVED";
}

const char *esr_class_desc(unsigned ec)
{
    if (ec > ESR_EC_MAX) {
        return "Invalid exception class";
    }
    return ec_table[ec].desc ? ec_table[ec].desc : "Unallocated exception class";
}

struct esr_dabt esr_decode_dabt(uint64_t esr)
{
    uint32_t iss = esr_iss(esr);
    struct esr_dabt d = {
        .isv = bit(iss, DABT_ISV_BIT),
        .vncr = bit(iss, DABT_VNCR_BIT),
        .fnv = bit(iss, ABT_FNV_BIT),
        .ea = bit(iss, ABT_EA_BIT),
        .cm = bit(iss, DABT_CM_BIT),
        .s1ptw = bit(iss, ABT_S1PTW_BIT),
        .wnr = bit(iss, DABT_WNR_BIT),
        .dfsc = iss & ESR_FSC_MASK,
    };

    if (d.isv) {
        d.size_bytes = 1u << field(iss, DABT_SAS_SHIFT, 2);
        d.sse = bit(iss, DABT_SSE_BIT);
        d.srt = field(iss, DABT_SRT_SHIFT, 5);
        d.sf = bit(iss, DABT_SF_BIT);
        d.ar = bit(iss, DABT_AR_BIT);
    }
    return d;
}

struct esr_iabt esr_decode_iabt(uint64_t esr)
{
    uint32_t iss = esr_iss(esr);
    struct esr_iabt i = {
        .fnv = bit(iss, ABT_FNV_BIT),
        .ea = bit(iss, ABT_EA_BIT),
        .s1ptw = bit(iss, ABT_S1PTW_BIT),
        .ifsc = iss & ESR_FSC_MASK,
    };

    return i;
}

struct esr_sysreg esr_decode_sysreg(uint64_t esr)
{
    uint32_t iss = esr_iss(esr);
    struct esr_sysreg s = {
        .op0 = field(iss, ESR_SYS_OP0_SHIFT, 2),
        .op1 = field(iss, ESR_SYS_OP1_SHIFT, 3),
        .crn = field(iss, ESR_SYS_CRN_SHIFT, 4),
        .crm = field(iss, ESR_SYS_CRM_SHIFT, 4),
        .op2 = field(iss, ESR_SYS_OP2_SHIFT, 3),
        .rt = field(iss, ESR_SYS_RT_SHIFT, 5),
        .read = (iss & ESR_SYS_DIR_READ) != 0,
    };

    return s;
}

uint32_t esr_sysreg_key(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
    return ESR_SYSREG(op0, op1, crn, crm, op2);
}

struct esr_wfx esr_decode_wfx(uint64_t esr)
{
    uint32_t iss = esr_iss(esr);
    unsigned ti = field(iss, 0, 2);
    struct esr_wfx w = {
        .wfe = (ti & 1u) != 0,
        .cv = bit(iss, WFX_CV_BIT),
        .cond = field(iss, WFX_COND_SHIFT, 4),
        .ti = ti,
        .wfxt = (ti & 2u) != 0,
        .rv = bit(iss, WFX_RV_BIT),
        .rn = field(iss, WFX_RN_SHIFT, 5),
    };

    return w;
}

const char *esr_fsc_name(unsigned fsc)
{
    if (fsc > ESR_FSC_MASK || !fsc_table[fsc]) {
        return "unknown fault status";
    }
    return fsc_table[fsc];
}

/* Bounded output list for esr_iss_fields(). */
struct field_list {
    struct esr_field *out;
    unsigned max;
    unsigned n;
};

static void put(struct field_list *l, const char *name, uint32_t value)
{
    if (l->n < l->max) {
        l->out[l->n].name = name;
        l->out[l->n].value = value;
        l->n++;
    }
}

static void put_dabt(struct field_list *l, uint64_t esr)
{
    struct esr_dabt d = esr_decode_dabt(esr);

    put(l, "ISV", d.isv);
    if (d.isv) {
        put(l, "SAS", d.size_bytes);
        put(l, "SSE", d.sse);
        put(l, "SRT", d.srt);
        put(l, "SF", d.sf);
        put(l, "AR", d.ar);
    }
    put(l, "WnR", d.wnr);
    put(l, "FnV", d.fnv);
    put(l, "EA", d.ea);
    put(l, "CM", d.cm);
    put(l, "S1PTW", d.s1ptw);
    put(l, "DFSC", d.dfsc);
}

static void put_iabt(struct field_list *l, uint64_t esr)
{
    struct esr_iabt i = esr_decode_iabt(esr);

    put(l, "FnV", i.fnv);
    put(l, "EA", i.ea);
    put(l, "S1PTW", i.s1ptw);
    put(l, "IFSC", i.ifsc);
}

static void put_sysreg(struct field_list *l, uint64_t esr)
{
    struct esr_sysreg s = esr_decode_sysreg(esr);

    put(l, "Op0", s.op0);
    put(l, "Op1", s.op1);
    put(l, "Op2", s.op2);
    put(l, "CRn", s.crn);
    put(l, "CRm", s.crm);
    put(l, "Rt", s.rt);
    put(l, "Dir", s.read);
}

static void put_wfx(struct field_list *l, uint64_t esr)
{
    struct esr_wfx w = esr_decode_wfx(esr);

    put(l, "TI", w.ti);
    put(l, "CV", w.cv);
    put(l, "COND", w.cond);
}

static void put_serror(struct field_list *l, uint64_t esr)
{
    uint32_t iss = esr_iss(esr);

    put(l, "IDS", bit(iss, SERROR_IDS_BIT));
    if (bit(iss, SERROR_IDS_BIT)) {
        /* IMPLEMENTATION DEFINED syndrome: nothing architectural to split out. */
        put(l, "ISS", iss & ~(1u << SERROR_IDS_BIT));
        return;
    }
    put(l, "IESB", bit(iss, SERROR_IESB_BIT));
    put(l, "AET", field(iss, SERROR_AET_SHIFT, 3));
    put(l, "EA", bit(iss, SERROR_EA_BIT));
    put(l, "DFSC", iss & ESR_FSC_MASK);
}

unsigned esr_iss_fields(uint64_t esr, struct esr_field *out, unsigned max)
{
    struct field_list l = {.out = out, .max = out ? max : 0, .n = 0};

    switch (esr_ec(esr)) {
    case ESR_EC_DABT_LOW:
    case ESR_EC_DABT_CUR:
        put_dabt(&l, esr);
        break;
    case ESR_EC_IABT_LOW:
    case ESR_EC_IABT_CUR:
        put_iabt(&l, esr);
        break;
    case ESR_EC_SYS64:
        put_sysreg(&l, esr);
        break;
    case ESR_EC_WFX:
        put_wfx(&l, esr);
        break;
    case ESR_EC_HVC32:
    case ESR_EC_HVC64:
    case ESR_EC_SMC64:
    case ESR_EC_SVC32:
    case ESR_EC_SVC64:
    case ESR_EC_BRK64:
        put(&l, "imm16", esr_hvc_imm(esr));
        break;
    case ESR_EC_SERROR:
        put_serror(&l, esr);
        break;
    default:
        put(&l, "ISS", esr_iss(esr));
        break;
    }
    return l.n;
}
