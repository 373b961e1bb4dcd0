/*
 * System-register traps. What reaches here (docs/trap-policy.md):
 *   ID registers (HCR_EL2.TID3)          -> sanitized values (vcpu/idregs.c); writes UNDEF
 *   PMU registers (MDCR_EL2.TPM/TPMCR)   -> the virtual PMUv3 of a VM with `pmu` (vcpu/vpmu.c);
 *                                          otherwise read as zero, writes ignored
 *   debug/trace, op0 = 2 (TDA/TDOSA/TDRA) -> MDSCR_EL1, the breakpoint and watchpoint
 *                                          pairs and the OS lock kept per vCPU and loaded
 *                                          while it runs with debug on (vcpu/vdebug.c);
 *                                          the rest read as zero, writes ignored
 *   CNTP_TVAL/CTL/CVAL_EL0 (CNTHCTL_EL2.EL1PCEN = 0) -> the emulated EL1 physical timer
 *   ICC_SGI1R/ASGI1R/SGI0R_EL1 writes (HCR_EL2.IMO) -> virtual SGIs (vgic_sgi)
 *   ICC_CTLR/PMR/RPR/DIR_EL1 (ICH_HCR_EL2.TC) -> the guest's view of the
 *                                          virtual CPU interface (vgic/vgic_hw.c)
 *   ICC_AP0R<n>_EL1 (ICH_HCR_EL2.TALL0)  -> read as zero, writes ignored: no Group 0
 *                                          interrupt is ever active (Linux clears them)
 *   DC ISW/CSW/CISW (HCR_EL2.TSW)        -> clean+invalidate of the VM's RAM (vcpu/setway.c)
 *   ACTLR_EL1 (HCR_EL2.TACR)             -> read as zero, writes ignored: the real CPU's
 *                                          auxiliary controls are not the guest's
 *   AIDR_EL1, REVIDR_EL1 (HCR_EL2.TID1)  -> read as zero: no implementation-defined ID, no
 *                                          errata fixes claimed (a guest applies them all)
 *   LORegion registers (HCR_EL2.TLOR), RAS error records (HCR_EL2.TERR) -> UNDEF without a
 *                                          log line: the ID registers hide both features
 *   anything else (e.g. the other Group 0 ICC registers trapped by TALL0,
 *   TIDCP's implementation-defined registers) -> UNDEF
 */
#include "vcpu/sysreg.h"

#include "kernel/esr.h"
#include "kernel/log.h"
#include "vcpu/idregs.h"
#include "vcpu/inject.h"
#include "vcpu/setway.h"
#include "vcpu/trap.h"
#include "vcpu/vdebug.h"
#include "vcpu/vm.h"
#include "vcpu/vpmu.h"
#include "vgic/vgic_hw.h"
#include "vtimer/vtimer.h"

static bool is_idreg(const struct esr_sysreg *s)
{
    return s->op0 == 3 && s->op1 == 0 && s->crn == 0 && s->crm >= 1 && s->crm <= 7;
}

#define ICC_SGI1R_EL1  ESR_SYSREG(3, 0, 12, 11, 5)
#define ICC_ASGI1R_EL1 ESR_SYSREG(3, 0, 12, 11, 6)
#define ICC_SGI0R_EL1  ESR_SYSREG(3, 0, 12, 11, 7)
#define ICC_PMR_EL1    ESR_SYSREG(3, 0, 4, 6, 0)
#define ICC_DIR_EL1    ESR_SYSREG(3, 0, 12, 11, 1)
#define ICC_RPR_EL1    ESR_SYSREG(3, 0, 12, 11, 3)
#define ICC_CTLR_EL1   ESR_SYSREG(3, 0, 12, 12, 4)

static bool is_cntp(const struct esr_sysreg *s)
{
    return s->op0 == 3 && s->op1 == 3 && s->crn == 14 && s->crm == 2 && s->op2 <= 2;
}

/* ICC_AP0R0..3_EL1: op0 3, op1 0, CRn 12, CRm 8, op2 4..7. */
static bool is_ap0r(const struct esr_sysreg *s)
{
    return s->op0 == 3 && s->op1 == 0 && s->crn == 12 && s->crm == 8 && s->op2 >= 4;
}

/*
 * The common registers ICH_HCR_EL2.TC traps (so that the guest cannot clear
 * VCBPR through CTLR.CBPR). RPR is read-only and DIR write-only: the other
 * direction UNDEFs.
 */
static bool emulate_common(struct vcpu *v, bool read, uint32_t key, uint64_t *val)
{
    switch (key) {
    case ICC_CTLR_EL1:
        if (read) {
            *val = vgic_hw_ctlr_read(&v->vgic);
        } else {
            vgic_hw_ctlr_write(&v->vgic, *val);
        }
        return true;
    case ICC_PMR_EL1:
        if (read) {
            *val = vgic_hw_pmr_read();
        } else {
            vgic_hw_pmr_write(&v->vgic, *val);
        }
        return true;
    case ICC_RPR_EL1:
        *val = vgic_hw_rpr_read();
        return read;
    default: /* ICC_DIR_EL1 */
        if (!read) {
            vgic_hw_dir_write(&v->vgic, *val);
        }
        return !read;
    }
}

static bool is_common(uint32_t key)
{
    return key == ICC_CTLR_EL1 || key == ICC_PMR_EL1 || key == ICC_RPR_EL1 || key == ICC_DIR_EL1;
}

/*
 * GIC registers that trap: SGI generation (HCR_EL2.IMO), delivered by the vGIC,
 * the common registers (TC, above), and Group 0's active priorities (TALL0),
 * always zero since shrike never delivers a Group 0 interrupt.
 */
static bool emulate_gic(struct vcpu *v, const struct esr_sysreg *s, uint32_t key, uint64_t *val)
{
    if (is_common(key)) {
        return emulate_common(v, s->read, key, val);
    }
    if (is_ap0r(s)) {
        *val = 0;
        return true;
    }
    bool read = s->read;
    if (read || (key != ICC_SGI1R_EL1 && key != ICC_ASGI1R_EL1 && key != ICC_SGI0R_EL1)) {
        return false;
    }
    vgic_sgi(&v->vm->vgic, &v->vgic, *val, key != ICC_SGI0R_EL1);
    return true;
}

#define ACTLR_EL1  ESR_SYSREG(3, 0, 1, 0, 1)
#define AIDR_EL1   ESR_SYSREG(3, 1, 0, 0, 7)
#define REVIDR_EL1 ESR_SYSREG(3, 0, 0, 0, 6)

/*
 * Registers of features the ID registers hide: LORegions (LORSA/LOREA/LORN/
 * LORC_EL1, LORID_EL1: CRn 10, CRm 4) and the RAS error records (ERRIDR/
 * ERRSELR_EL1: CRm 3, ERX*_EL1: CRm 4 and 5, CRn 5). Their UNDEF is what a
 * CPU without the feature does, not a gap in shrike: it is not logged.
 */
static bool is_hidden_feature(const struct esr_sysreg *s)
{
    if (s->op0 != 3 || s->op1 != 0) {
        return false;
    }
    return (s->crn == 10 && s->crm == 4) || (s->crn == 5 && s->crm >= 3 && s->crm <= 5);
}

/* Registers of the real CPU that are not switched per vCPU, so trapped (see the top). */
static bool emulate_unswitched(struct vcpu *v, const struct esr_sysreg *s, uint32_t key,
                               uint64_t *val)
{
    if (setway_is_op(s->op0, s->op1, s->crn, s->crm, s->op2)) {
        setway_trap(v);
        return true;
    }
    if (key == ACTLR_EL1) {
        *val = 0;
        return true;
    }
    *val = 0;
    return (key == AIDR_EL1 || key == REVIDR_EL1) && s->read;
}

static bool is_pmu(const struct esr_sysreg *s)
{
    return s->op0 == 3 &&
           ((s->crn == 9 && s->crm >= 12) || (s->op1 == 3 && s->crn == 14 && s->crm >= 8));
}

/* Emulates the access; false if shrike does not implement the register. */
static bool emulate(struct vcpu *v, const struct esr_sysreg *s, uint32_t key, uint64_t *val)
{
    if (is_idreg(s)) {
        *val = idregs_guest_value(s->crm, s->op2);
        if (v->pmu.on && s->crm == 5 && s->op2 == 0) {
            *val |= ID_AA64DFR0_PMUV3; /* ID_AA64DFR0_EL1.PMUVer: the virtual PMUv3 */
        }
        return s->read;
    }
    if (is_pmu(s)) {
        if (v->pmu.on) {
            return vpmu_access(v, s->op1, s->crn, s->crm, s->op2, s->read, val);
        }
        *val = 0; /* no PMU: its registers read as zero, writes are ignored */
        return true;
    }
    if (is_cntp(s)) {
        vtimer_ptimer_access(v, s->op2, s->read, val);
        return true;
    }
    if (s->op0 == 3 && (s->crn == 12 || key == ICC_PMR_EL1)) {
        return emulate_gic(v, s, key, val);
    }
    if (s->op0 == 2) {
        if (vdebug_access(&v->arch.debug, vdebug_hw_shape(), s->op1, s->crn, s->crm, s->op2,
                          s->read, val) == VDEBUG_CHANGED) {
            vdebug_sync(&v->arch.debug); /* v is the running vCPU: its state is live */
        }
        return true;
    }
    return emulate_unswitched(v, s, key, val);
}

/* Everything but the SGI fast path: decode, emulate, or UNDEF with a log line. */
static struct vcpu *__attribute__((noinline)) sysreg_slow(struct vcpu *v, uint64_t esr)
{
    struct esr_sysreg s = esr_decode_sysreg(esr);
    uint64_t *x = v->arch.regs.x;
    uint64_t val = s.rt == 31 ? 0 : x[s.rt];
    if (!emulate(v, &s, esr_sysreg_key_of(esr), &val)) {
        if (!is_hidden_feature(&s) && vm_log_allowed(v->vm)) {
            log_warn("VM %s vCPU %u: %s of S%u_%u_C%u_C%u_%u at PC %#lx not emulated: UNDEF",
                     v->vm->cfg->name, v->id, s.read ? "read" : "write", s.op0, s.op1, s.crn, s.crm,
                     s.op2, v->arch.regs.pc);
        }
        inject_undef(v);
        return v;
    }
    if (s.read && s.rt != 31) {
        x[s.rt] = val;
    }
    vcpu_skip_insn(v);
    return v;
}

/*
 * Fast path: SGI generation is the trap Linux takes most (thousands per boot),
 * so it needs no decode beyond the key and Rt [9:5], and no stack frame of the
 * slow path's. Direction [0] is 0 for a write (MSR).
 */
static inline uint64_t sgi1r_value(struct vcpu *v, uint64_t esr)
{
    unsigned rt = (unsigned)(esr >> 5) & 31;
    return rt == 31 ? 0 : v->arch.regs.x[rt];
}

void sysreg_sgi1r_write(struct vcpu *v, uint64_t esr)
{
    uint64_t sgir = sgi1r_value(v, esr);
    vcpu_skip_insn(v);
    vgic_sgi(&v->vm->vgic, &v->vgic, sgir, true);
}

/* An SGI1R write that names someone (the usual case for Linux's IPIs). */
static struct vcpu *__attribute__((noinline)) sgi1r_write(struct vcpu *v, uint64_t sgir)
{
    vgic_sgi(&v->vm->vgic, &v->vgic, sgir, true);
    return v;
}

struct vcpu *sysreg_trap(struct vcpu *v, uint64_t esr)
{
    if (!sysreg_is_sgi1r_write(esr)) {
        return sysreg_slow(v, esr);
    }
    uint64_t sgir = sgi1r_value(v, esr);
    vcpu_skip_insn(v);
    if (vgic_sgi_nobody(&v->vm->vgic, sgir)) {
        return v; /* an empty list or an absent vCPU: no call, so no stack frame here */
    }
    return sgi1r_write(v, sgir);
}

bool sysreg_lines_only(uint64_t esr)
{
    return sysreg_is_sgi1r_write(esr);
}
