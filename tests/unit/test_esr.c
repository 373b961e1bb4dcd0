/*
 * Host unit test for kernel/esr.c. Every syndrome below is a literal built by
 * hand from the ESR_EL2 bit layout in the Arm ARM (DDI 0487): EC [31:26],
 * IL [25], ISS [24:0]; the comment above each constant lists the fields and
 * the bits they contribute. The expected decodings are written out
 * independently, never computed by the code under test.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernel/esr.h"
#include "unit.h"

UNIT_STATE;

/*
 * Data aborts. EC 0x24 (lower EL) = 0x90000000, EC 0x25 (same EL) = 0x94000000,
 * IL = 0x02000000. ISS: ISV [24] 0x01000000, SAS [23:22] << 22, SSE [21]
 * 0x00200000, SRT [20:16] << 16, SF [15] 0x8000, AR [14] 0x4000, VNCR [13]
 * 0x2000, FnV [10] 0x400, EA [9] 0x200, CM [8] 0x100, S1PTW [7] 0x80,
 * WnR [6] 0x40, DFSC [5:0].
 */

/* ldr w3, [x1] from EL1, stage 2 translation fault level 2: EC 0x24, IL, ISV,
 * SAS 2 (word) 0x00800000, SRT 3 0x00030000, SF 0, WnR 0, DFSC 0x06. */
#define ESR_LDR_W3         UINT64_C(0x93830006)
/* strh w5, [x0]: EC 0x24, IL, ISV, SAS 1 (halfword) 0x00400000, SRT 5 0x00050000,
 * WnR 0x40, DFSC 0x07 (translation fault level 3). */
#define ESR_STRH_W5        UINT64_C(0x93450047)
/* ldrsb x7, [x2]: EC 0x24, IL, ISV, SAS 0 (byte), SSE 0x00200000, SRT 7 0x00070000,
 * SF 0x8000, DFSC 0x05 (translation fault level 1). */
#define ESR_LDRSB_X7       UINT64_C(0x93278005)
/* str xzr, [x4]: EC 0x24, IL, ISV, SAS 3 (doubleword) 0x00c00000, SRT 31 0x001f0000,
 * SF 0x8000, WnR 0x40, DFSC 0x07. */
#define ESR_STR_XZR        UINT64_C(0x93df8047)
/* ldar w1, [x2]: EC 0x24, IL, ISV, SAS 2 0x00800000, SRT 1 0x00010000, AR 0x4000,
 * DFSC 0x07. */
#define ESR_LDAR_W1        UINT64_C(0x93814007)
/* ldp x0, x1, [x2] (no syndrome for pairs): EC 0x24, IL, ISV 0, DFSC 0x07. */
#define ESR_LDP_NOISV      UINT64_C(0x92000007)
/* dc civac x0 on an unmapped IPA: EC 0x24, IL, ISV 0, CM 0x100, WnR 0x40 (cache
 * maintenance reports a write), DFSC 0x07. */
#define ESR_DC_CIVAC       UINT64_C(0x92000147)
/* Stage 2 fault on the guest's stage 1 walk: EC 0x24, IL, S1PTW 0x80, DFSC 0x07. */
#define ESR_S1PTW          UINT64_C(0x92000087)
/* Synchronous external abort, FAR not valid: EC 0x24, IL, FnV 0x400, EA 0x200,
 * DFSC 0x10. */
#define ESR_SEA_FNV        UINT64_C(0x92000610)
/* EL2 store through a NULL pointer: EC 0x25, IL, WnR 0x40, DFSC 0x05 (level 1). */
#define ESR_EL2_NULL_STORE UINT64_C(0x96000045)
/* EL2 VNCR_EL2-relative access faulting: EC 0x25, IL, VNCR 0x2000, DFSC 0x07. */
#define ESR_EL2_VNCR       UINT64_C(0x96002007)

/*
 * Instruction aborts. EC 0x20 = 0x80000000, EC 0x21 = 0x84000000, IL.
 * ISS: FnV [10], EA [9], S1PTW [7], IFSC [5:0].
 */

/* Guest fetch from an unmapped IPA: EC 0x20, IL, IFSC 0x07. */
#define ESR_IABT_TRANS_L3 UINT64_C(0x82000007)
/* Guest fetch from a stage 2 execute-never page: EC 0x20, IL, IFSC 0x0f. */
#define ESR_IABT_PERM_L3  UINT64_C(0x8200000f)
/* EL2 fetch, external abort on the walk: EC 0x21, IL, FnV 0x400, EA 0x200,
 * S1PTW 0x80, IFSC 0x14 (SEA on table walk level 0). */
#define ESR_IABT_CUR_SEA  UINT64_C(0x86000694)

/*
 * SYS64 traps. EC 0x18 = 0x60000000, IL. ISS: Op0 [21:20], Op2 [19:17],
 * Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1], Direction [0] (1 = read).
 */

/* mrs x2, ctr_el0 (S3_3_C0_C0_1, HCR_EL2.TID2): Op0 3 0x300000, Op2 1 0x20000,
 * Op1 3 0xc000, CRn 0, Rt 2 0x40, CRm 0, Dir 1. */
#define ESR_MRS_X2_CTR    UINT64_C(0x6232c041)
/* mrs x9, ctr_el0: as above with Rt 9 0x120. */
#define ESR_MRS_X9_CTR    UINT64_C(0x6232c121)
/* msr sctlr_el1, x0 (S3_0_C1_C0_0, HCR_EL2.TVM): Op0 3 0x300000, CRn 1 0x400, Dir 0. */
#define ESR_MSR_SCTLR_X0  UINT64_C(0x62300400)
/* mrs x0, sctlr_el1 (HCR_EL2.TRVM): as above with Dir 1. */
#define ESR_MRS_X0_SCTLR  UINT64_C(0x62300401)
/* msr sctlr_el1, xzr: Rt 31 0x3e0. */
#define ESR_MSR_SCTLR_XZR UINT64_C(0x623007e0)
/* msr icc_sgi1r_el1, x5 (S3_0_C12_C11_5): Op0 3 0x300000, Op2 5 0xa0000, CRn 12 0x3000,
 * Rt 5 0xa0, CRm 11 0x16, Dir 0. */
#define ESR_MSR_SGI1R_X5  UINT64_C(0x623a30b6)
/* dc isw, x3 (SYS #0, C7, C6, #2; HCR_EL2.TSW): Op0 1 0x100000, Op2 2 0x40000,
 * CRn 7 0x1c00, Rt 3 0x60, CRm 6 0xc, Dir 0. */
#define ESR_DC_ISW_X3     UINT64_C(0x62141c6c)
/* mrs x0, midr_el1 (S3_0_C0_C0_0): Op0 3 0x300000, Dir 1. */
#define ESR_MRS_X0_MIDR   UINT64_C(0x62300001)

/*
 * WFx traps. EC 0x01 = 0x04000000, IL. ISS: CV [24] 0x01000000, COND [23:20],
 * RN [9:5], RV [2] 0x4, TI [1:0]. From AArch64 CV is 1 and COND is 0xe.
 */

/* wfi: CV, COND 0xe 0x00e00000, TI 0. */
#define ESR_WFI       UINT64_C(0x07e00000)
/* wfe: TI 1. */
#define ESR_WFE       UINT64_C(0x07e00001)
/* wfit x5: RN 5 0xa0, RV 0x4, TI 2. */
#define ESR_WFIT_X5   UINT64_C(0x07e000a6)
/* wfet x10: RN 10 0x140, RV 0x4, TI 3. */
#define ESR_WFET_X10  UINT64_C(0x07e00147)
/* A32 wfine: CV, COND 0x1 0x00100000, TI 0. */
#define ESR_WFINE_A32 UINT64_C(0x07100000)

/* HVC/SMC/SVC/BRK: ISS imm16 [15:0]. */

/* hvc #0x1234: EC 0x16 0x58000000, IL, imm16 0x1234. */
#define ESR_HVC_1234  UINT64_C(0x5a001234)
/* hvc #0 (PSCI/SMCCC call): EC 0x16, IL. */
#define ESR_HVC_0     UINT64_C(0x5a000000)
/* smc #0 trapped by HCR_EL2.TSC: EC 0x17 0x5c000000, IL. */
#define ESR_SMC_0     UINT64_C(0x5e000000)
/* smc #0xffff: EC 0x17, IL, imm16 0xffff. */
#define ESR_SMC_FFFF  UINT64_C(0x5e00ffff)
/* brk #0x800 (the BUG() immediate): EC 0x3c 0xf0000000, IL, imm16 0x800. */
#define ESR_BRK_800   UINT64_C(0xf2000800)
/* 16-bit T32 svc #5: EC 0x11 0x44000000, IL 0, imm16 5. */
#define ESR_T16_SVC_5 UINT64_C(0x44000005)

/*
 * SError. EC 0x2f = 0xbc000000, IL. ISS: IDS [24], IESB [13], AET [12:10], EA [9],
 * DFSC [5:0].
 */

/* Uncategorized SError: DFSC 0. */
#define ESR_SERROR_UNCAT UINT64_C(0xbe000000)
/* RAS SError: AET 1 (unrecoverable) 0x400, DFSC 0x11 (asynchronous SError). */
#define ESR_SERROR_UEU   UINT64_C(0xbe000411)
/* IMPLEMENTATION DEFINED syndrome: IDS 0x01000000, syndrome 2. */
#define ESR_SERROR_IDS   UINT64_C(0xbf000002)

/* PC alignment fault: EC 0x22 0x88000000, IL, ISS 0. */
#define ESR_PC_ALIGN UINT64_C(0x8a000000)
/* Unknown reason (e.g. an UNDEFINED instruction): EC 0, IL. */
#define ESR_UNKNOWN  UINT64_C(0x02000000)

/* Prints which case a failed check belonged to. */
static void note_failure(unsigned failed_before, const char *what, uint64_t esr)
{
    if (unit_failed != failed_before) {
        printf("  ... in %s (ESR 0x%llx)\n", what, (unsigned long long)esr);
    }
}

static void expect_dabt(const char *what, uint64_t esr, const struct esr_dabt *want)
{
    unsigned before = unit_failed;
    struct esr_dabt got = esr_decode_dabt(esr);

    EXPECT_EQ(got.isv, want->isv);
    EXPECT_EQ(got.size_bytes, want->size_bytes);
    EXPECT_EQ(got.sse, want->sse);
    EXPECT_EQ(got.srt, want->srt);
    EXPECT_EQ(got.sf, want->sf);
    EXPECT_EQ(got.ar, want->ar);
    EXPECT_EQ(got.vncr, want->vncr);
    EXPECT_EQ(got.fnv, want->fnv);
    EXPECT_EQ(got.ea, want->ea);
    EXPECT_EQ(got.cm, want->cm);
    EXPECT_EQ(got.s1ptw, want->s1ptw);
    EXPECT_EQ(got.wnr, want->wnr);
    EXPECT_EQ(got.dfsc, want->dfsc);
    note_failure(before, what, esr);
}

static void expect_iabt(const char *what, uint64_t esr, const struct esr_iabt *want)
{
    unsigned before = unit_failed;
    struct esr_iabt got = esr_decode_iabt(esr);

    EXPECT_EQ(got.fnv, want->fnv);
    EXPECT_EQ(got.ea, want->ea);
    EXPECT_EQ(got.s1ptw, want->s1ptw);
    EXPECT_EQ(got.ifsc, want->ifsc);
    note_failure(before, what, esr);
}

static void expect_sysreg(const char *what, uint64_t esr, const struct esr_sysreg *want)
{
    unsigned before = unit_failed;
    struct esr_sysreg got = esr_decode_sysreg(esr);

    EXPECT_EQ(got.op0, want->op0);
    EXPECT_EQ(got.op1, want->op1);
    EXPECT_EQ(got.crn, want->crn);
    EXPECT_EQ(got.crm, want->crm);
    EXPECT_EQ(got.op2, want->op2);
    EXPECT_EQ(got.rt, want->rt);
    EXPECT_EQ(got.read, want->read);
    note_failure(before, what, esr);
}

static void expect_wfx(const char *what, uint64_t esr, const struct esr_wfx *want)
{
    unsigned before = unit_failed;
    struct esr_wfx got = esr_decode_wfx(esr);

    EXPECT_EQ(got.wfe, want->wfe);
    EXPECT_EQ(got.cv, want->cv);
    EXPECT_EQ(got.cond, want->cond);
    EXPECT_EQ(got.ti, want->ti);
    EXPECT_EQ(got.wfxt, want->wfxt);
    EXPECT_EQ(got.rv, want->rv);
    EXPECT_EQ(got.rn, want->rn);
    note_failure(before, what, esr);
}

static void expect_fields(const char *what, uint64_t esr, const struct esr_field *want, unsigned n)
{
    unsigned before = unit_failed;
    struct esr_field got[16];
    unsigned count = esr_iss_fields(esr, got, 16);

    EXPECT_EQ(count, n);
    for (unsigned i = 0; i < n && i < count; i++) {
        EXPECT_STREQ(got[i].name, want[i].name);
        EXPECT_EQ(got[i].value, want[i].value);
    }
    note_failure(before, what, esr);
}

static void test_accessors(void)
{
    EXPECT_EQ(esr_ec(ESR_LDR_W3), 0x24);
    EXPECT_EQ(esr_ec(ESR_LDR_W3), ESR_EC_DABT_LOW);
    EXPECT_EQ(esr_iss(ESR_LDR_W3), 0x01830006);
    EXPECT(esr_il(ESR_LDR_W3));
    EXPECT_EQ(esr_insn_len(ESR_LDR_W3), 4);

    EXPECT_EQ(esr_ec(ESR_T16_SVC_5), ESR_EC_SVC32);
    EXPECT(!esr_il(ESR_T16_SVC_5));
    EXPECT_EQ(esr_insn_len(ESR_T16_SVC_5), 2);
    EXPECT_EQ(esr_iss(ESR_T16_SVC_5), 5);

    /* ISS2 [55:32] = 0x1f (e.g. ST64BV Xs) and junk in [63:56] must not leak. */
    EXPECT_EQ(esr_iss2(UINT64_C(0xff00001f93830006)), 0x1f);
    EXPECT_EQ(esr_ec(UINT64_C(0xff00001f93830006)), ESR_EC_DABT_LOW);
    EXPECT_EQ(esr_iss(UINT64_C(0xff00001f93830006)), 0x01830006);
    EXPECT_EQ(esr_iss2(ESR_LDR_W3), 0);

    EXPECT_EQ(esr_ec(ESR_HVC_1234), 0x16);
    EXPECT_EQ(esr_ec(ESR_MRS_X2_CTR), 0x18);
    EXPECT_EQ(esr_ec(ESR_WFI), 0x01);
    EXPECT_EQ(esr_ec(ESR_BRK_800), 0x3c);
    EXPECT_EQ(esr_ec(ESR_SERROR_UNCAT), 0x2f);
    EXPECT_EQ(esr_ec(UINT64_C(0xfc000000)), 0x3f);
}

static void test_dabt(void)
{
    expect_dabt("ldr w3, [x1]", ESR_LDR_W3,
                &(struct esr_dabt){.isv = true, .size_bytes = 4, .srt = 3, .dfsc = 0x06});
    expect_dabt(
        "strh w5, [x0]", ESR_STRH_W5,
        &(struct esr_dabt){.isv = true, .size_bytes = 2, .srt = 5, .wnr = true, .dfsc = 0x07});
    expect_dabt("ldrsb x7, [x2]", ESR_LDRSB_X7,
                &(struct esr_dabt){
                    .isv = true, .size_bytes = 1, .sse = true, .srt = 7, .sf = true, .dfsc = 0x05});
    expect_dabt(
        "str xzr, [x4]", ESR_STR_XZR,
        &(struct esr_dabt){
            .isv = true, .size_bytes = 8, .srt = 31, .sf = true, .wnr = true, .dfsc = 0x07});
    expect_dabt(
        "ldar w1, [x2]", ESR_LDAR_W1,
        &(struct esr_dabt){.isv = true, .size_bytes = 4, .srt = 1, .ar = true, .dfsc = 0x07});
    expect_dabt("ldp, ISV=0", ESR_LDP_NOISV, &(struct esr_dabt){.dfsc = 0x07});
    expect_dabt("dc civac", ESR_DC_CIVAC,
                &(struct esr_dabt){.cm = true, .wnr = true, .dfsc = 0x07});
    expect_dabt("s1ptw", ESR_S1PTW, &(struct esr_dabt){.s1ptw = true, .dfsc = 0x07});
    expect_dabt("sea fnv", ESR_SEA_FNV, &(struct esr_dabt){.fnv = true, .ea = true, .dfsc = 0x10});
    expect_dabt("EL2 NULL store", ESR_EL2_NULL_STORE,
                &(struct esr_dabt){.wnr = true, .dfsc = 0x05});
    expect_dabt("EL2 vncr", ESR_EL2_VNCR, &(struct esr_dabt){.vncr = true, .dfsc = 0x07});

    EXPECT_EQ(esr_ec(ESR_EL2_NULL_STORE), ESR_EC_DABT_CUR);
    EXPECT_STREQ(esr_class_name(esr_ec(ESR_EL2_NULL_STORE)), "DABT_CUR");
    EXPECT_STREQ(esr_class_name(esr_ec(ESR_STRH_W5)), "DABT_LOW");
    EXPECT_STREQ(esr_fsc_name(esr_decode_dabt(ESR_LDR_W3).dfsc), "translation fault, level 2");
    EXPECT_STREQ(esr_fsc_name(esr_decode_dabt(ESR_LDP_NOISV).dfsc), "translation fault, level 3");
    EXPECT_STREQ(esr_fsc_name(esr_decode_dabt(ESR_SEA_FNV).dfsc), "synchronous external abort");
    EXPECT(esr_fsc_is_translation(esr_decode_dabt(ESR_LDP_NOISV).dfsc));
}

static void test_iabt(void)
{
    expect_iabt("iabt trans l3", ESR_IABT_TRANS_L3, &(struct esr_iabt){.ifsc = 0x07});
    expect_iabt("iabt perm l3", ESR_IABT_PERM_L3, &(struct esr_iabt){.ifsc = 0x0f});
    expect_iabt("iabt cur sea", ESR_IABT_CUR_SEA,
                &(struct esr_iabt){.fnv = true, .ea = true, .s1ptw = true, .ifsc = 0x14});

    EXPECT_STREQ(esr_class_name(esr_ec(ESR_IABT_TRANS_L3)), "IABT_LOW");
    EXPECT_STREQ(esr_class_name(esr_ec(ESR_IABT_CUR_SEA)), "IABT_CUR");
    EXPECT_STREQ(esr_fsc_name(esr_decode_iabt(ESR_IABT_PERM_L3).ifsc), "permission fault, level 3");
    EXPECT_STREQ(esr_fsc_name(esr_decode_iabt(ESR_IABT_CUR_SEA).ifsc),
                 "synchronous external abort on table walk, level 0");
}

/* A dispatcher as the trap handler writes it: ESR_SYSREG() must be a case label. */
static const char *sysreg_dispatch(uint64_t esr)
{
    switch (esr_sysreg_key_of(esr)) {
    case ESR_SYSREG(3, 3, 0, 0, 1):
        return "ctr_el0";
    case ESR_SYSREG(3, 0, 1, 0, 0):
        return "sctlr_el1";
    case ESR_SYSREG(3, 0, 12, 11, 5):
        return "icc_sgi1r_el1";
    case ESR_SYSREG(1, 0, 7, 6, 2):
        return "dc isw";
    default:
        return "unhandled";
    }
}

static void test_sysreg(void)
{
    expect_sysreg("mrs x2, ctr_el0", ESR_MRS_X2_CTR,
                  &(struct esr_sysreg){.op0 = 3, .op1 = 3, .op2 = 1, .rt = 2, .read = true});
    expect_sysreg("mrs x9, ctr_el0", ESR_MRS_X9_CTR,
                  &(struct esr_sysreg){.op0 = 3, .op1 = 3, .op2 = 1, .rt = 9, .read = true});
    expect_sysreg("msr sctlr_el1, x0", ESR_MSR_SCTLR_X0, &(struct esr_sysreg){.op0 = 3, .crn = 1});
    expect_sysreg("mrs x0, sctlr_el1", ESR_MRS_X0_SCTLR,
                  &(struct esr_sysreg){.op0 = 3, .crn = 1, .read = true});
    expect_sysreg("msr sctlr_el1, xzr", ESR_MSR_SCTLR_XZR,
                  &(struct esr_sysreg){.op0 = 3, .crn = 1, .rt = 31});
    expect_sysreg("msr icc_sgi1r_el1, x5", ESR_MSR_SGI1R_X5,
                  &(struct esr_sysreg){.op0 = 3, .crn = 12, .crm = 11, .op2 = 5, .rt = 5});
    expect_sysreg("dc isw, x3", ESR_DC_ISW_X3,
                  &(struct esr_sysreg){.op0 = 1, .crn = 7, .crm = 6, .op2 = 2, .rt = 3});

    /* Keys by hand: CTR_EL0 = Op0 3 0x300000 | Op2 1 0x20000 | Op1 3 0xc000. */
    EXPECT_EQ(ESR_SYSREG(3, 3, 0, 0, 1), 0x0032c000);
    EXPECT_EQ(ESR_SYSREG(3, 0, 1, 0, 0), 0x00300400);
    EXPECT_EQ(ESR_SYSREG(3, 0, 12, 11, 5), 0x003a3016);
    EXPECT_EQ(ESR_SYSREG(1, 0, 7, 6, 2), 0x00141c0c);
    EXPECT_EQ(ESR_SYSREG_KEY_MASK, 0x003ffc1e);

    EXPECT_EQ(esr_sysreg_key_of(ESR_MRS_X2_CTR), ESR_SYSREG(3, 3, 0, 0, 1));
    EXPECT_EQ(esr_sysreg_key_of(ESR_MRS_X9_CTR), ESR_SYSREG(3, 3, 0, 0, 1));
    EXPECT_EQ(esr_sysreg_key_of(esr_iss(ESR_MRS_X2_CTR)), ESR_SYSREG(3, 3, 0, 0, 1));
    EXPECT_EQ(esr_sysreg_key(3, 3, 0, 0, 1), ESR_SYSREG(3, 3, 0, 0, 1));
    EXPECT_EQ(esr_sysreg_key(3, 0, 12, 11, 5), 0x003a3016);
    EXPECT_EQ(esr_sysreg_key(1, 0, 7, 6, 2), 0x00141c0c);
    EXPECT_EQ(esr_sysreg_key_of(ESR_MSR_SCTLR_X0), esr_sysreg_key_of(ESR_MRS_X0_SCTLR));
    EXPECT_EQ(esr_sysreg_key_of(ESR_MSR_SCTLR_XZR), ESR_SYSREG(3, 0, 1, 0, 0));

    EXPECT_STREQ(sysreg_dispatch(ESR_MRS_X2_CTR), "ctr_el0");
    EXPECT_STREQ(sysreg_dispatch(ESR_MRS_X9_CTR), "ctr_el0");
    EXPECT_STREQ(sysreg_dispatch(ESR_MSR_SCTLR_X0), "sctlr_el1");
    EXPECT_STREQ(sysreg_dispatch(ESR_MRS_X0_SCTLR), "sctlr_el1");
    EXPECT_STREQ(sysreg_dispatch(ESR_MSR_SGI1R_X5), "icc_sgi1r_el1");
    EXPECT_STREQ(sysreg_dispatch(ESR_DC_ISW_X3), "dc isw");
    EXPECT_STREQ(sysreg_dispatch(ESR_MRS_X0_MIDR), "unhandled");
}

static void test_wfx(void)
{
    expect_wfx("wfi", ESR_WFI, &(struct esr_wfx){.cv = true, .cond = 0xe});
    expect_wfx("wfe", ESR_WFE, &(struct esr_wfx){.wfe = true, .cv = true, .cond = 0xe, .ti = 1});
    expect_wfx(
        "wfit x5", ESR_WFIT_X5,
        &(struct esr_wfx){.cv = true, .cond = 0xe, .ti = 2, .wfxt = true, .rv = true, .rn = 5});
    expect_wfx(
        "wfet x10", ESR_WFET_X10,
        &(struct esr_wfx){
            .wfe = true, .cv = true, .cond = 0xe, .ti = 3, .wfxt = true, .rv = true, .rn = 10});
    expect_wfx("a32 wfine", ESR_WFINE_A32, &(struct esr_wfx){.cv = true, .cond = 0x1});
    EXPECT_STREQ(esr_class_name(esr_ec(ESR_WFI)), "WFX");
}

static void test_hvc_smc(void)
{
    EXPECT_EQ(esr_ec(ESR_HVC_1234), ESR_EC_HVC64);
    EXPECT_EQ(esr_hvc_imm(ESR_HVC_1234), 0x1234);
    EXPECT_EQ(esr_hvc_imm(ESR_HVC_0), 0);
    EXPECT_EQ(esr_ec(ESR_SMC_0), ESR_EC_SMC64);
    EXPECT_EQ(esr_hvc_imm(ESR_SMC_0), 0);
    EXPECT_EQ(esr_hvc_imm(ESR_SMC_FFFF), 0xffff);
    EXPECT_EQ(esr_ec(ESR_BRK_800), ESR_EC_BRK64);
    EXPECT_EQ(esr_hvc_imm(ESR_BRK_800), 0x800);
    EXPECT_STREQ(esr_class_name(esr_ec(ESR_HVC_1234)), "HVC64");
    EXPECT_STREQ(esr_class_name(esr_ec(ESR_SMC_0)), "SMC64");
    EXPECT_STREQ(esr_class_name(esr_ec(ESR_BRK_800)), "BRK64");
}

/* Every class ESR_EL2 can report, EC value written as a literal. */
static const struct {
    unsigned ec;
    unsigned literal;
    const char *name;
} allocated[] = {
    /* The classes in the project's source document. */
    {ESR_EC_UNKNOWN, 0x00, "UNKNOWN"},
    {ESR_EC_WFX, 0x01, "WFX"},
    {ESR_EC_CP15_32, 0x03, "CP15_32"},
    {ESR_EC_CP15_64, 0x04, "CP15_64"},
    {ESR_EC_CP14_MR, 0x05, "CP14_MR"},
    {ESR_EC_CP14_LS, 0x06, "CP14_LS"},
    {ESR_EC_FP_ASIMD, 0x07, "FP_ASIMD"},
    {ESR_EC_CP10_ID, 0x08, "CP10_ID"},
    {ESR_EC_PAC, 0x09, "PAC"},
    {ESR_EC_CP14_64, 0x0c, "CP14_64"},
    {ESR_EC_BTI, 0x0d, "BTI"},
    {ESR_EC_ILL, 0x0e, "ILL"},
    {ESR_EC_SVC32, 0x11, "SVC32"},
    {ESR_EC_HVC32, 0x12, "HVC32"},
    {ESR_EC_SMC32, 0x13, "SMC32"},
    {ESR_EC_SVC64, 0x15, "SVC64"},
    {ESR_EC_HVC64, 0x16, "HVC64"},
    {ESR_EC_SMC64, 0x17, "SMC64"},
    {ESR_EC_SYS64, 0x18, "SYS64"},
    {ESR_EC_SVE, 0x19, "SVE"},
    {ESR_EC_ERET, 0x1a, "ERET"},
    {ESR_EC_FPAC, 0x1c, "FPAC"},
    {ESR_EC_IABT_LOW, 0x20, "IABT_LOW"},
    {ESR_EC_IABT_CUR, 0x21, "IABT_CUR"},
    {ESR_EC_PC_ALIGN, 0x22, "PC_ALIGN"},
    {ESR_EC_DABT_LOW, 0x24, "DABT_LOW"},
    {ESR_EC_DABT_CUR, 0x25, "DABT_CUR"},
    {ESR_EC_SP_ALIGN, 0x26, "SP_ALIGN"},
    {ESR_EC_FP_EXC32, 0x28, "FP_EXC32"},
    {ESR_EC_FP_EXC64, 0x2c, "FP_EXC64"},
    {ESR_EC_SERROR, 0x2f, "SERROR"},
    {ESR_EC_BREAKPT_LOW, 0x30, "BREAKPT_LOW"},
    {ESR_EC_BREAKPT_CUR, 0x31, "BREAKPT_CUR"},
    {ESR_EC_SOFTSTP_LOW, 0x32, "SOFTSTP_LOW"},
    {ESR_EC_SOFTSTP_CUR, 0x33, "SOFTSTP_CUR"},
    {ESR_EC_WATCHPT_LOW, 0x34, "WATCHPT_LOW"},
    {ESR_EC_WATCHPT_CUR, 0x35, "WATCHPT_CUR"},
    {ESR_EC_BKPT32, 0x38, "BKPT32"},
    {ESR_EC_VECTOR32, 0x3a, "VECTOR32"},
    {ESR_EC_BRK64, 0x3c, "BRK64"},
    /* Allocated by later Arm ARM releases; the document lists them as reserved. */
    {ESR_EC_OTHER, 0x0a, "OTHER"},
    {ESR_EC_SYS128, 0x14, "SYS128"},
    {ESR_EC_TSTART, 0x1b, "TSTART"},
    {ESR_EC_SME, 0x1d, "SME"},
    {ESR_EC_MOPS, 0x27, "MOPS"},
    {ESR_EC_GCS, 0x2d, "GCS"},
    {ESR_EC_PROFILING, 0x3d, "PROFILING"},
};

/* Unallocated in ESR_EL2 (0x1e and 0x1f are ESR_EL3-only). */
static const unsigned unallocated[] = {0x02, 0x0b, 0x0f, 0x10, 0x1e, 0x1f, 0x23, 0x29, 0x2a,
                                       0x2b, 0x2e, 0x36, 0x37, 0x39, 0x3b, 0x3e, 0x3f};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_class_names(void)
{
    unsigned named = 0;
    unsigned dups = 0;

    for (size_t i = 0; i < COUNT(allocated); i++) {
        const char *name = esr_class_name(allocated[i].ec);
        const char *desc = esr_class_desc(allocated[i].ec);

        EXPECT_EQ(allocated[i].ec, allocated[i].literal);
        EXPECT_STREQ(name, allocated[i].name);
        EXPECT(desc != NULL && strcmp(desc, "Unallocated exception class") != 0 &&
               strcmp(desc, "Invalid exception class") != 0);
        for (size_t j = 0; j < i; j++) {
            dups += strcmp(name, allocated[j].name) == 0;
        }
    }
    EXPECT_EQ(dups, 0);
    for (size_t i = 0; i < COUNT(unallocated); i++) {
        EXPECT_STREQ(esr_class_name(unallocated[i]), "RESERVED");
        EXPECT_STREQ(esr_class_desc(unallocated[i]), "Unallocated exception class");
    }
    for (unsigned ec = 0; ec <= ESR_EC_MAX; ec++) {
        const char *name = esr_class_name(ec);

        EXPECT(name != NULL);
        named += name != NULL && strcmp(name, "RESERVED") != 0;
    }
    EXPECT_EQ(named, 47);
    EXPECT_EQ(COUNT(allocated) + COUNT(unallocated), 64);

    EXPECT_STREQ(esr_class_name(0x40), "INVALID");
    EXPECT_STREQ(esr_class_name(UINT_MAX), "INVALID");
    EXPECT_STREQ(esr_class_desc(0x40), "Invalid exception class");
    EXPECT_STREQ(esr_class_desc(ESR_EC_DABT_CUR),
                 "Data Abort taken without a change in Exception level");
    EXPECT_STREQ(esr_class_desc(ESR_EC_DABT_LOW), "Data Abort from a lower Exception level");
    EXPECT_STREQ(esr_class_desc(ESR_EC_HVC64), "HVC instruction execution in AArch64 state");
    EXPECT_STREQ(esr_class_desc(ESR_EC_ILL), "Illegal Execution state");
    EXPECT_STREQ(esr_class_desc(ESR_EC_SERROR), "SError exception");
}

/* Every allocated DFSC/IFSC, code written as a literal. */
static const struct {
    unsigned fsc;
    const char *name;
} fsc_names[] = {
    {0x00, "address size fault, level 0"},
    {0x01, "address size fault, level 1"},
    {0x02, "address size fault, level 2"},
    {0x03, "address size fault, level 3"},
    {0x04, "translation fault, level 0"},
    {0x05, "translation fault, level 1"},
    {0x06, "translation fault, level 2"},
    {0x07, "translation fault, level 3"},
    {0x08, "access flag fault, level 0"},
    {0x09, "access flag fault, level 1"},
    {0x0a, "access flag fault, level 2"},
    {0x0b, "access flag fault, level 3"},
    {0x0c, "permission fault, level 0"},
    {0x0d, "permission fault, level 1"},
    {0x0e, "permission fault, level 2"},
    {0x0f, "permission fault, level 3"},
    {0x10, "synchronous external abort"},
    {0x11, "synchronous tag check fault"},
    {0x12, "synchronous external abort on table walk, level -2"},
    {0x13, "synchronous external abort on table walk, level -1"},
    {0x14, "synchronous external abort on table walk, level 0"},
    {0x15, "synchronous external abort on table walk, level 1"},
    {0x16, "synchronous external abort on table walk, level 2"},
    {0x17, "synchronous external abort on table walk, level 3"},
    {0x18, "synchronous parity or ECC error"},
    {0x1b, "synchronous parity or ECC error on table walk, level -1"},
    {0x1c, "synchronous parity or ECC error on table walk, level 0"},
    {0x1d, "synchronous parity or ECC error on table walk, level 1"},
    {0x1e, "synchronous parity or ECC error on table walk, level 2"},
    {0x1f, "synchronous parity or ECC error on table walk, level 3"},
    {0x21, "alignment fault"},
    {0x22, "granule protection fault on table walk, level -2"},
    {0x23, "granule protection fault on table walk, level -1"},
    {0x24, "granule protection fault on table walk, level 0"},
    {0x25, "granule protection fault on table walk, level 1"},
    {0x26, "granule protection fault on table walk, level 2"},
    {0x27, "granule protection fault on table walk, level 3"},
    {0x28, "granule protection fault"},
    {0x29, "address size fault, level -1"},
    {0x2a, "translation fault, level -2"},
    {0x2b, "translation fault, level -1"},
    {0x2c, "address size fault, level -2"},
    {0x30, "TLB conflict abort"},
    {0x31, "unsupported atomic hardware update fault"},
    {0x34, "implementation defined fault (lockdown)"},
    {0x35, "implementation defined fault (unsupported exclusive or atomic)"},
};

static const unsigned fsc_unallocated[] = {0x19, 0x1a, 0x20, 0x2d, 0x2e, 0x2f, 0x32,    0x33,
                                           0x36, 0x37, 0x38, 0x3c, 0x3f, 0x40, UINT_MAX};

static void test_fsc_names(void)
{
    for (size_t i = 0; i < COUNT(fsc_names); i++) {
        EXPECT_STREQ(esr_fsc_name(fsc_names[i].fsc), fsc_names[i].name);
    }
    for (size_t i = 0; i < COUNT(fsc_unallocated); i++) {
        EXPECT_STREQ(esr_fsc_name(fsc_unallocated[i]), "unknown fault status");
    }

    EXPECT(esr_fsc_is_translation(0x04));
    EXPECT(esr_fsc_is_translation(0x07));
    EXPECT(esr_fsc_is_translation(0x2a));
    EXPECT(esr_fsc_is_translation(0x2b));
    EXPECT(!esr_fsc_is_translation(0x0f));
    EXPECT(!esr_fsc_is_translation(0x44));
    EXPECT(esr_fsc_is_access_flag(0x0b));
    EXPECT(!esr_fsc_is_access_flag(0x07));
    EXPECT(esr_fsc_is_permission(0x0d));
    EXPECT(!esr_fsc_is_permission(0x10));
}

static void test_iss_fields(void)
{
    static const struct esr_field strh[] = {
        {"ISV", 1}, {"SAS", 2}, {"SSE", 0}, {"SRT", 5}, {"SF", 0},    {"AR", 0},
        {"WnR", 1}, {"FnV", 0}, {"EA", 0},  {"CM", 0},  {"S1PTW", 0}, {"DFSC", 0x07},
    };
    static const struct esr_field ldrsb[] = {
        {"ISV", 1}, {"SAS", 1}, {"SSE", 1}, {"SRT", 7}, {"SF", 1},    {"AR", 0},
        {"WnR", 0}, {"FnV", 0}, {"EA", 0},  {"CM", 0},  {"S1PTW", 0}, {"DFSC", 0x05},
    };
    static const struct esr_field dc_civac[] = {
        {"ISV", 0}, {"WnR", 1}, {"FnV", 0}, {"EA", 0}, {"CM", 1}, {"S1PTW", 0}, {"DFSC", 0x07},
    };
    static const struct esr_field iabt[] = {
        {"FnV", 1},
        {"EA", 1},
        {"S1PTW", 1},
        {"IFSC", 0x14},
    };
    static const struct esr_field mrs_ctr[] = {
        {"Op0", 3}, {"Op1", 3}, {"Op2", 1}, {"CRn", 0}, {"CRm", 0}, {"Rt", 2}, {"Dir", 1},
    };
    static const struct esr_field msr_sgi1r[] = {
        {"Op0", 3}, {"Op1", 0}, {"Op2", 5}, {"CRn", 12}, {"CRm", 11}, {"Rt", 5}, {"Dir", 0},
    };
    static const struct esr_field wfe[] = {{"TI", 1}, {"CV", 1}, {"COND", 0xe}};
    static const struct esr_field hvc[] = {{"imm16", 0x1234}};
    static const struct esr_field brk[] = {{"imm16", 0x800}};
    static const struct esr_field serror_ueu[] = {
        {"IDS", 0}, {"IESB", 0}, {"AET", 1}, {"EA", 0}, {"DFSC", 0x11},
    };
    static const struct esr_field serror_ids[] = {{"IDS", 1}, {"ISS", 2}};
    static const struct esr_field iss_zero[] = {{"ISS", 0}};

    expect_fields("strh w5, [x0]", ESR_STRH_W5, strh, COUNT(strh));
    expect_fields("ldrsb x7, [x2]", ESR_LDRSB_X7, ldrsb, COUNT(ldrsb));
    expect_fields("dc civac", ESR_DC_CIVAC, dc_civac, COUNT(dc_civac));
    expect_fields("iabt cur sea", ESR_IABT_CUR_SEA, iabt, COUNT(iabt));
    expect_fields("mrs x2, ctr_el0", ESR_MRS_X2_CTR, mrs_ctr, COUNT(mrs_ctr));
    expect_fields("msr icc_sgi1r_el1, x5", ESR_MSR_SGI1R_X5, msr_sgi1r, COUNT(msr_sgi1r));
    expect_fields("wfe", ESR_WFE, wfe, COUNT(wfe));
    expect_fields("hvc #0x1234", ESR_HVC_1234, hvc, COUNT(hvc));
    expect_fields("brk #0x800", ESR_BRK_800, brk, COUNT(brk));
    expect_fields("serror ueu", ESR_SERROR_UEU, serror_ueu, COUNT(serror_ueu));
    expect_fields("serror ids", ESR_SERROR_IDS, serror_ids, COUNT(serror_ids));
    expect_fields("pc align", ESR_PC_ALIGN, iss_zero, COUNT(iss_zero));
    expect_fields("unknown", ESR_UNKNOWN, iss_zero, COUNT(iss_zero));
}

static void test_iss_fields_bounds(void)
{
    struct esr_field out[4];
    const char *sentinel = "untouched";

    for (size_t i = 0; i < COUNT(out); i++) {
        out[i].name = sentinel;
        out[i].value = 0xdeadbeef;
    }
    EXPECT_EQ(esr_iss_fields(ESR_STRH_W5, out, 3), 3);
    EXPECT_STREQ(out[0].name, "ISV");
    EXPECT_STREQ(out[1].name, "SAS");
    EXPECT_EQ(out[1].value, 2);
    EXPECT_STREQ(out[2].name, "SSE");
    EXPECT(out[3].name == sentinel);
    EXPECT_EQ(out[3].value, 0xdeadbeef);

    out[0].name = sentinel;
    EXPECT_EQ(esr_iss_fields(ESR_STRH_W5, out, 0), 0);
    EXPECT(out[0].name == sentinel);
    EXPECT_EQ(esr_iss_fields(ESR_STRH_W5, NULL, 0), 0);
    EXPECT_EQ(esr_iss_fields(ESR_STRH_W5, NULL, 8), 0);
}

int main(void)
{
    test_accessors();
    test_dabt();
    test_iabt();
    test_sysreg();
    test_wfx();
    test_hvc_smc();
    test_class_names();
    test_fsc_names();
    test_iss_fields();
    test_iss_fields_bounds();
    return unit_report("esr");
}
