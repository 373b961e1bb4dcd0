/*
 * ESR_EL2 (Exception Syndrome Register, EL2) decoding, after the Arm ARM
 * (DDI 0487, ESR_EL2): exception class names for the crash report and ISS
 * decoders for the guest trap dispatcher (data aborts for MMIO emulation,
 * system-register traps, HVC/SMC immediates, WFx). Pure bit manipulation: no
 * libc, no formatter, no system-register access.
 */
#ifndef SHRIKE_KERNEL_ESR_H
#define SHRIKE_KERNEL_ESR_H

#include <stdbool.h>
#include <stdint.h>

/* ESR_EL2 layout: ISS2 [55:32], EC [31:26], IL [25], ISS [24:0]. */
#define ESR_EC_SHIFT   26
#define ESR_EC_MASK    0x3fu
#define ESR_IL_BIT     (UINT64_C(1) << 25)
#define ESR_ISS_MASK   0x01ffffffu
#define ESR_ISS2_SHIFT 32
#define ESR_ISS2_MASK  0x00ffffffu

/*
 * Exception classes that ESR_EL2 can report. The values not listed are
 * unallocated for ESR_EL2 (0x1e and 0x1f exist only in ESR_EL3).
 */
enum esr_ec {
    ESR_EC_UNKNOWN = 0x00,     /* unknown reason */
    ESR_EC_WFX = 0x01,         /* trapped WFI/WFE/WFIT/WFET */
    ESR_EC_CP15_32 = 0x03,     /* AArch32 MCR/MRC, coproc 0b1111 */
    ESR_EC_CP15_64 = 0x04,     /* AArch32 MCRR/MRRC, coproc 0b1111 */
    ESR_EC_CP14_MR = 0x05,     /* AArch32 MCR/MRC, coproc 0b1110 */
    ESR_EC_CP14_LS = 0x06,     /* AArch32 LDC/STC */
    ESR_EC_FP_ASIMD = 0x07,    /* SME/SVE/SIMD/FP access trapped */
    ESR_EC_CP10_ID = 0x08,     /* AArch32 VMRS, ID group trap */
    ESR_EC_PAC = 0x09,         /* pointer authentication instruction trapped */
    ESR_EC_OTHER = 0x0a,       /* other trapped instruction (LD64B/ST64B*, ...) */
    ESR_EC_CP14_64 = 0x0c,     /* AArch32 MRRC, coproc 0b1110 */
    ESR_EC_BTI = 0x0d,         /* branch target exception */
    ESR_EC_ILL = 0x0e,         /* illegal execution state */
    ESR_EC_SVC32 = 0x11,       /* AArch32 SVC */
    ESR_EC_HVC32 = 0x12,       /* AArch32 HVC */
    ESR_EC_SMC32 = 0x13,       /* AArch32 SMC */
    ESR_EC_SYS128 = 0x14,      /* MSRR/MRRS/SYSP trapped (FEAT_SYSREG128) */
    ESR_EC_SVC64 = 0x15,       /* AArch64 SVC */
    ESR_EC_HVC64 = 0x16,       /* AArch64 HVC */
    ESR_EC_SMC64 = 0x17,       /* AArch64 SMC */
    ESR_EC_SYS64 = 0x18,       /* MSR/MRS/SYS trapped */
    ESR_EC_SVE = 0x19,         /* SVE access trapped */
    ESR_EC_ERET = 0x1a,        /* ERET/ERETAA/ERETAB trapped */
    ESR_EC_TSTART = 0x1b,      /* TSTART trapped (FEAT_TME) */
    ESR_EC_FPAC = 0x1c,        /* pointer authentication failure */
    ESR_EC_SME = 0x1d,         /* SME access trapped */
    ESR_EC_IABT_LOW = 0x20,    /* instruction abort from a lower EL */
    ESR_EC_IABT_CUR = 0x21,    /* instruction abort, same EL */
    ESR_EC_PC_ALIGN = 0x22,    /* PC alignment fault */
    ESR_EC_DABT_LOW = 0x24,    /* data abort from a lower EL */
    ESR_EC_DABT_CUR = 0x25,    /* data abort, same EL */
    ESR_EC_SP_ALIGN = 0x26,    /* SP alignment fault */
    ESR_EC_MOPS = 0x27,        /* memory operation exception (FEAT_MOPS) */
    ESR_EC_FP_EXC32 = 0x28,    /* trapped AArch32 floating-point exception */
    ESR_EC_FP_EXC64 = 0x2c,    /* trapped AArch64 floating-point exception */
    ESR_EC_GCS = 0x2d,         /* guarded control stack exception */
    ESR_EC_SERROR = 0x2f,      /* SError */
    ESR_EC_BREAKPT_LOW = 0x30, /* breakpoint from a lower EL */
    ESR_EC_BREAKPT_CUR = 0x31, /* breakpoint, same EL */
    ESR_EC_SOFTSTP_LOW = 0x32, /* software step from a lower EL */
    ESR_EC_SOFTSTP_CUR = 0x33, /* software step, same EL */
    ESR_EC_WATCHPT_LOW = 0x34, /* watchpoint from a lower EL */
    ESR_EC_WATCHPT_CUR = 0x35, /* watchpoint, same EL */
    ESR_EC_BKPT32 = 0x38,      /* AArch32 BKPT */
    ESR_EC_VECTOR32 = 0x3a,    /* AArch32 vector catch */
    ESR_EC_BRK64 = 0x3c,       /* AArch64 BRK */
    ESR_EC_PROFILING = 0x3d,   /* profiling exception (FEAT_SPE_EXC, FEAT_TRBE_EXC) */
    ESR_EC_MAX = 0x3f,         /* largest EC value (itself unallocated) */
};

static inline unsigned esr_ec(uint64_t esr)
{
    return (unsigned)((esr >> ESR_EC_SHIFT) & ESR_EC_MASK);
}

static inline uint32_t esr_iss(uint64_t esr)
{
    return (uint32_t)(esr & ESR_ISS_MASK);
}

/* IL: true for a 32-bit trapped instruction, false for a 16-bit T32 one. */
static inline bool esr_il(uint64_t esr)
{
    return (esr & ESR_IL_BIT) != 0;
}

/* Bytes to step ELR_EL2 over the trapped instruction: 4, or 2 for 16-bit T32. */
static inline unsigned esr_insn_len(uint64_t esr)
{
    return esr_il(esr) ? 4u : 2u;
}

/* ISS2, bits [55:32] (e.g. Xs of a faulting ST64BV, FEAT_LS64). */
static inline uint32_t esr_iss2(uint64_t esr)
{
    return (uint32_t)((esr >> ESR_ISS2_SHIFT) & ESR_ISS2_MASK);
}

/* Short mnemonic ("DABT_CUR"); "RESERVED" if unallocated, "INVALID" if ec > 0x3f. */
const char *esr_class_name(unsigned ec);

/* English description, after the Arm ARM wording. Never NULL. */
const char *esr_class_desc(unsigned ec);

/*
 * Data abort ISS (EC 0x24 and 0x25). When ISV is 0 the instruction syndrome is
 * not valid and size_bytes, sse, srt, sf and ar are left 0.
 */
struct esr_dabt {
    bool isv;            /* instruction syndrome valid */
    unsigned size_bytes; /* access size from SAS: 1, 2, 4 or 8 */
    bool sse;            /* load sign-extends */
    unsigned srt;        /* transfer register (31 = XZR/WZR) */
    bool sf;             /* 64-bit register */
    bool ar;             /* acquire/release semantics */
    bool vncr;           /* fault from a VNCR_EL2-relative access (FEAT_NV2) */
    bool fnv;            /* FAR not valid */
    bool ea;             /* external abort type */
    bool cm;             /* cache maintenance or address translation instruction */
    bool s1ptw;          /* stage 2 fault on a stage 1 translation table walk */
    bool wnr;            /* write (true) or read (false) */
    unsigned dfsc;       /* data fault status code, see esr_fsc_name() */
};

/* Decodes the ISS as a data abort; the caller checks the EC. */
struct esr_dabt esr_decode_dabt(uint64_t esr);

/* Instruction abort ISS (EC 0x20 and 0x21). */
struct esr_iabt {
    bool fnv;      /* FAR not valid */
    bool ea;       /* external abort type */
    bool s1ptw;    /* stage 2 fault on a stage 1 translation table walk */
    unsigned ifsc; /* instruction fault status code, see esr_fsc_name() */
};

/* Decodes the ISS as an instruction abort; the caller checks the EC. */
struct esr_iabt esr_decode_iabt(uint64_t esr);

/*
 * SYS64 ISS (EC 0x18): Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10],
 * Rt [9:5], CRm [4:1], Direction [0].
 */
#define ESR_SYS_OP0_SHIFT 20
#define ESR_SYS_OP2_SHIFT 17
#define ESR_SYS_OP1_SHIFT 14
#define ESR_SYS_CRN_SHIFT 10
#define ESR_SYS_RT_SHIFT  5
#define ESR_SYS_CRM_SHIFT 1
#define ESR_SYS_DIR_READ  0x1u

/* The ISS bits that name the register or instruction: everything but Rt and Direction. */
#define ESR_SYSREG_KEY_MASK 0x003ffc1eu

/*
 * Compile-time key of a system register or instruction, laid out like the
 * SYS64 ISS so that `switch (esr_sysreg_key_of(esr))` can use it as a case
 * label. Arguments in the Arm naming order: S<op0>_<op1>_C<crn>_C<crm>_<op2>.
 */
#define ESR_SYSREG(op0, op1, crn, crm, op2)                                                     \
    ((uint32_t)(((0x3u & (op0)) << ESR_SYS_OP0_SHIFT) | ((0x7u & (op1)) << ESR_SYS_OP1_SHIFT) | \
                ((0xfu & (crn)) << ESR_SYS_CRN_SHIFT) | ((0xfu & (crm)) << ESR_SYS_CRM_SHIFT) | \
                ((0x7u & (op2)) << ESR_SYS_OP2_SHIFT)))

struct esr_sysreg {
    unsigned op0, op1, crn, crm, op2;
    unsigned rt; /* transfer register (31 = XZR) */
    bool read;   /* Direction 1: MRS (or SYSL); 0: MSR (or SYS) */
};

/* Decodes the ISS as a SYS64 trap; the caller checks the EC. */
struct esr_sysreg esr_decode_sysreg(uint64_t esr);

/* Run-time ESR_SYSREG(); same value for the same arguments. */
uint32_t esr_sysreg_key(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2);

/* The key of a SYS64 syndrome (ESR or bare ISS): Rt and Direction dropped. */
static inline uint32_t esr_sysreg_key_of(uint64_t esr)
{
    return (uint32_t)(esr & ESR_SYSREG_KEY_MASK);
}

/* WFx ISS (EC 0x01): CV [24], COND [23:20], RN [9:5], RV [2], TI [1:0]. */
struct esr_wfx {
    bool wfe;      /* TI bit 0: WFE or WFET (else WFI or WFIT) */
    bool cv;       /* COND valid (always 1 from AArch64) */
    unsigned cond; /* condition code (0xe from AArch64) */
    unsigned ti;   /* raw TI: 0 WFI, 1 WFE, 2 WFIT, 3 WFET */
    bool wfxt;     /* TI bit 1: WFIT or WFET (FEAT_WFxT) */
    bool rv;       /* rn is valid (FEAT_WFxT) */
    unsigned rn;   /* register holding the WFxT timeout */
};

/* Decodes the ISS as a WFx trap; the caller checks the EC. */
struct esr_wfx esr_decode_wfx(uint64_t esr);

/* imm16 of HVC64/SMC64 (the same field holds it for SVC and HVC32; BRK's comment). */
static inline uint16_t esr_hvc_imm(uint64_t esr)
{
    return (uint16_t)(esr & 0xffffu);
}

/*
 * Fault status codes (DFSC/IFSC, bits [5:0] of an abort ISS). The four
 * level-indexed groups take the lookup level 0-3 added to the base; the
 * FEAT_LPA2 level -1 and FEAT_D128 level -2 codes sit elsewhere.
 */
enum esr_fsc {
    ESR_FSC_ADDR_SIZE = 0x00,        /* + level */
    ESR_FSC_TRANSLATION = 0x04,      /* + level */
    ESR_FSC_ACCESS_FLAG = 0x08,      /* + level */
    ESR_FSC_PERMISSION = 0x0c,       /* + level */
    ESR_FSC_SEA = 0x10,              /* synchronous external abort */
    ESR_FSC_TAG_CHECK = 0x11,        /* synchronous tag check fault (data only) */
    ESR_FSC_SEA_TTW_LM2 = 0x12,      /* SEA on table walk, level -2 */
    ESR_FSC_SEA_TTW_LM1 = 0x13,      /* SEA on table walk, level -1 */
    ESR_FSC_SEA_TTW = 0x14,          /* + level */
    ESR_FSC_ECC = 0x18,              /* parity/ECC error (without FEAT_RAS) */
    ESR_FSC_ECC_TTW_LM1 = 0x1b,      /* parity/ECC error on table walk, level -1 */
    ESR_FSC_ECC_TTW = 0x1c,          /* + level */
    ESR_FSC_ALIGNMENT = 0x21,        /* alignment fault (data only) */
    ESR_FSC_GPF_TTW_LM2 = 0x22,      /* granule protection fault on table walk, level -2 */
    ESR_FSC_GPF_TTW_LM1 = 0x23,      /* granule protection fault on table walk, level -1 */
    ESR_FSC_GPF_TTW = 0x24,          /* + level */
    ESR_FSC_GPF = 0x28,              /* granule protection fault, not on a table walk */
    ESR_FSC_ADDR_SIZE_LM1 = 0x29,    /* address size fault, level -1 */
    ESR_FSC_TRANSLATION_LM2 = 0x2a,  /* translation fault, level -2 */
    ESR_FSC_TRANSLATION_LM1 = 0x2b,  /* translation fault, level -1 */
    ESR_FSC_ADDR_SIZE_LM2 = 0x2c,    /* address size fault, level -2 */
    ESR_FSC_TLB_CONFLICT = 0x30,     /* TLB conflict abort */
    ESR_FSC_ATOMIC_HW_UPDATE = 0x31, /* unsupported atomic hardware update */
    ESR_FSC_IMPDEF_LOCKDOWN = 0x34,  /* IMPLEMENTATION DEFINED (lockdown) */
    ESR_FSC_IMPDEF_ATOMIC = 0x35,    /* IMPLEMENTATION DEFINED (exclusive or atomic) */
};

#define ESR_FSC_MASK       0x3fu
#define ESR_FSC_LEVEL_MASK 0x03u /* the level 0-3 of a level-indexed code */

/* Translation fault at any level, -2 to 3 (stage 2: not mapped, e.g. MMIO). */
static inline bool esr_fsc_is_translation(unsigned fsc)
{
    return (fsc & ~ESR_FSC_LEVEL_MASK) == ESR_FSC_TRANSLATION || fsc == ESR_FSC_TRANSLATION_LM1 ||
           fsc == ESR_FSC_TRANSLATION_LM2;
}

/* Access flag fault at any level, 0 to 3. */
static inline bool esr_fsc_is_access_flag(unsigned fsc)
{
    return (fsc & ~ESR_FSC_LEVEL_MASK) == ESR_FSC_ACCESS_FLAG;
}

/* Permission fault at any level, 0 to 3. */
static inline bool esr_fsc_is_permission(unsigned fsc)
{
    return (fsc & ~ESR_FSC_LEVEL_MASK) == ESR_FSC_PERMISSION;
}

/*
 * Lower-case name of a DFSC/IFSC ("translation fault, level 2"); "unknown
 * fault status" for unallocated codes and fsc > 0x3f. Not for the SError DFSC,
 * whose codes mean something else.
 */
const char *esr_fsc_name(unsigned fsc);

/* One decoded ISS field for the crash report. */
struct esr_field {
    const char *name;
    uint32_t value;
};

/*
 * Fill out[0..max) with the class's ISS fields, in this order:
 *   DABT_LOW/CUR: ISV, SAS (value in bytes), SSE, SRT, SF, AR, WnR, FnV, EA, CM,
 *                 S1PTW, DFSC; with ISV 0 only ISV, WnR, FnV, EA, CM, S1PTW, DFSC
 *   IABT_LOW/CUR: FnV, EA, S1PTW, IFSC
 *   SYS64:        Op0, Op1, Op2, CRn, CRm, Rt, Dir (1 = read)
 *   WFX:          TI, CV, COND
 *   HVC32/64, SMC64, SVC32/64, BRK64: imm16
 *   SERROR:       IDS, IESB, AET, EA, DFSC; with IDS 1 only IDS and ISS
 *   others:       ISS
 * Returns the number written (<= max); out may be NULL when max is 0.
 */
unsigned esr_iss_fields(uint64_t esr, struct esr_field *out, unsigned max);

#endif
