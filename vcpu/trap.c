/*
 * Synchronous guest exits, dispatched by a constant table indexed by the
 * exception class. A class without a handler (or one shrike chooses not to
 * emulate) injects an UNDEF into the guest with a rate-limited log line; a
 * guest can never make shrike panic from here.
 */
#include "vcpu/trap.h"

#include "kernel/esr.h"
#include "kernel/lib.h"
#include "kernel/list.h"
#include "kernel/log.h"
#include "sched/sched.h"
#include "vcpu/hypercall.h"
#include "vcpu/idregs.h"
#include "vcpu/inject.h"
#include "vcpu/mmio_access.h"
#include "vcpu/spectre.h"
#include "vcpu/sysreg.h"
#include "vcpu/vdebug.h"
#include "vcpu/vm.h"
#include "vgic/vgic_hw.h"

typedef struct vcpu *(*exit_handler_t)(struct vcpu *v, uint64_t esr);

static uint64_t pmu_hpmn;
static uint64_t hcr_features;

/* HCR_EL2 traps for features only some CPUs have (RES0 bits without them). */
#define HCR_TLOR (1ULL << 35) /* LORegion registers: FEAT_LOR, ID_AA64MMFR1_EL1.LO */
#define HCR_TERR (1ULL << 36) /* RAS error-record registers: FEAT_RAS, ID_AA64PFR0_EL1.RAS */

static uint64_t hcr_features_of(uint64_t pfr0, uint64_t mmfr1)
{
    return (((mmfr1 >> 16) & 0xF) != 0 ? HCR_TLOR : 0) | (((pfr0 >> 28) & 0xF) != 0 ? HCR_TERR : 0);
}

void trap_init(void)
{
    idregs_init();
    vdebug_hw_init(idregs_guest_value(5, 0)); /* the pairs ID_AA64DFR0_EL1 shows guests */
    pmu_hpmn = (read_sysreg(pmcr_el0) >> 11) & 0x1F;
    hcr_features = hcr_features_of(read_sysreg(id_aa64pfr0_el1), read_sysreg(id_aa64mmfr1_el1));
    spectre_init();
}

uint64_t trap_hcr_features(void)
{
    return hcr_features;
}

uint64_t trap_pmu_hpmn(void)
{
    return pmu_hpmn;
}

static struct vcpu *trap_undef(struct vcpu *v, uint64_t esr)
{
    if (vm_log_allowed(v->vm)) {
        unsigned ec = esr_ec(esr);
        log_warn("VM %s vCPU %u: exception class %#x (%s) at PC %#lx not handled: UNDEF",
                 v->vm->cfg->name, v->id, ec, esr_class_name(ec), v->arch.regs.pc);
    }
    inject_undef(v);
    return v;
}

/* CPTR_EL2.TFP: the first FP/SIMD instruction since the load (vcpu/vcpu.c); not skipped. */
static struct vcpu *trap_fp(struct vcpu *v, uint64_t esr)
{
    (void)esr;
    vcpu_fp_claim(v);
    return v;
}

static struct vcpu *trap_wfx(struct vcpu *v, uint64_t esr)
{
    vcpu_skip_insn(v);
    if (esr_decode_wfx(esr).wfe) {
        if (sched_should_yield()) {
            __atomic_fetch_or(&v->requests, VCPU_REQ_YIELD, __ATOMIC_RELAXED);
        }
    } else if (!vgic_has_pending(&v->vgic)) {
        /* Nothing to deliver: block until sched_wake (an interrupt, its timer). */
        __atomic_fetch_or(&v->requests, VCPU_REQ_BLOCK, __ATOMIC_RELAXED);
        vuart_idle(&v->vm->uart); /* a prompt waiting for input shows now */
    }
    vcpu_wfi_native_again(v);
    return v;
}

/* The faulting IPA of a stage-2 abort: HPFAR_EL2.FIPA plus FAR's page offset. */
static uint64_t fault_ipa(void)
{
    uint64_t page = (read_sysreg(hpfar_el2) << 8) & 0xFFFFFFFFFF000ULL;
    return page | (read_sysreg(far_el2) & 0xFFFULL);
}

#define ESR_DABT_ISV (1ULL << 24)
#define ESR_DABT_SSE (1ULL << 21)
#define ESR_DABT_SF  (1ULL << 15)
#define ESR_DABT_WNR (1ULL << 6)

static void __attribute__((noinline, cold))
refuse_abort(struct vcpu *v, uint64_t ipa, bool wnr, const char *why)
{
    struct vm *vm = v->vm;
    __atomic_fetch_add(&vm->mmio_faults, 1, __ATOMIC_RELAXED);
    if (vm_log_allowed(vm)) {
        log_warn("VM %s vCPU %u: %s at IPA %#lx (PC %#lx): %s; abort injected", vm->cfg->name,
                 v->id, wnr ? "write" : "read", ipa, v->arch.regs.pc, why);
    }
    inject_data_abort(v, read_sysreg(far_el2), wnr);
}

/*
 * The lean decode of an access the syndrome describes (ISV=1), the case of
 * every ordinary LDR/STR to a device: SAS [23:22] the size, SSE [21] sign
 * extension, SRT [20:16] the register (31: XZR/WZR), SF [15] a 64-bit
 * register, WnR [6]. Loads and stores are separate functions, and only v
 * lives across the device call: what is needed after it is read again from
 * ESR_EL2 (and the IPA from HPFAR/FAR to refuse). Those still hold this
 * exit's values then: nothing takes an exception to EL2 in a device's
 * callback (IRQs and SErrors are masked in trap handlers, vcpu/entry.S).
 */
static inline uint64_t mmio_sas(uint64_t esr)
{
    return (esr >> 22) & 3;
}

/* The access's bytes of x (SAS 0-3: 1, 2, 4 or 8 bytes): shifted up and back down, no mask. */
static inline uint64_t mmio_bytes(uint64_t x, uint64_t sas)
{
    unsigned drop = (64U - (8U << sas)) & 63; /* 56, 48, 32, 0 */
    return x << drop >> drop;
}

static inline uint64_t mmio_srt(uint64_t esr)
{
    return (esr >> 16) & 31;
}

static void __attribute__((noinline, cold)) mmio_refused(struct vcpu *v)
{
    bool wnr = (read_sysreg(esr_el2) & ESR_DABT_WNR) != 0;
    refuse_abort(v, fault_ipa(), wnr, "refused by the device");
}

/* A store puts the register's low bytes on the bus (XZR stores zero). */
static inline struct vcpu *mmio_store(struct vcpu *v, const struct mmio_region *r, uint64_t offset,
                                      uint64_t esr)
{
    uint64_t srt = mmio_srt(esr);
    uint64_t reg = srt == 31 ? 0 : v->arch.regs.x[srt];
    uint64_t sas = mmio_sas(esr);
    if (!r->ops->write(r->dev, v, offset, 1U << sas, mmio_bytes(reg, sas))) {
        mmio_refused(v);
    } else {
        vcpu_skip_insn(v);
    }
    return v;
}

/* A load with SSE: sign extension to Xt, or to Wt and zeros above (out of line: rare). */
static void __attribute__((noinline)) mmio_load_signed(struct vcpu *v, uint64_t esr, uint64_t raw)
{
    v->arch.regs.x[mmio_srt(esr)] =
        mmio_load_result(raw, 1U << mmio_sas(esr), true, (esr & ESR_DABT_SF) != 0);
}

/*
 * A load: the answer goes straight to Wt/Xt. Without SSE the value is the
 * access's bytes, zero-extended (a 64-bit load always has SF=1, a narrower
 * one fits a W register already); a load to XZR is done for its effect.
 */
static inline struct vcpu *mmio_load(struct vcpu *v, const struct mmio_region *r, uint64_t offset,
                                     uint64_t esr)
{
    uint64_t raw;
    if (!r->ops->read(r->dev, v, offset, 1U << mmio_sas(esr), &raw)) {
        mmio_refused(v);
        return v;
    }
    esr = read_sysreg(esr_el2); /* again: see above */
    uint64_t srt = mmio_srt(esr);
    if (esr & ESR_DABT_SSE) {
        if (srt != 31) {
            mmio_load_signed(v, esr, raw);
        }
    } else if (srt != 31) {
        v->arch.regs.x[srt] = mmio_bytes(raw, mmio_sas(esr));
    }
    vcpu_skip_insn(v);
    return v;
}

/* Everything but an emulatable MMIO access: demand mapping, or a refusal. */
static struct vcpu *__attribute__((noinline))
dabt_slow(struct vcpu *v, uint64_t esr, uint64_t ipa, const struct mmio_region *r)
{
    struct vm *vm = v->vm;
    bool wnr = esr_decode_dabt(esr).wnr;
    struct pt_mapping m;
    if (r == 0 && vm_demand_map(vm, ipa)) {
        return v;
    }
    if (r != 0) {
        refuse_abort(v, ipa, wnr,
                     "the syndrome does not describe the access (ISV=0: load/store pair, "
                     "writeback or SIMD) and shrike cannot emulate it");
    } else if (pt_walk(&vm->s2, ipa, &m)) {
        refuse_abort(v, ipa, wnr, "no write access to that memory");
    } else {
        refuse_abort(v, ipa, wnr, "no RAM or device there");
    }
    return v;
}

static inline __attribute__((always_inline)) struct vcpu *
mmio_access(struct vcpu *v, const struct mmio_region *r, uint64_t ipa, uint64_t esr)
{
    uint64_t offset = ipa - r->base;
    return (esr & ESR_DABT_WNR) ? mmio_store(v, r, offset, esr) : mmio_load(v, r, offset, esr);
}

/* Not the region that matched last: the search, then the access or dabt_slow. */
static struct vcpu *__attribute__((noinline))
dabt_search(struct vcpu *v, uint64_t esr, uint64_t ipa)
{
    const struct mmio_region *r = mmio_bus_search(&v->vm->mmio, ipa);
    if (r == 0 || !(esr & ESR_DABT_ISV)) {
        return dabt_slow(v, esr, ipa, r);
    }
    return mmio_access(v, r, ipa, esr);
}

/*
 * The common case first: an access the syndrome describes, in the region
 * that matched last (accesses come in runs). Its only call is the device's,
 * so that nothing but v lives across it.
 */
static struct vcpu *trap_dabt(struct vcpu *v, uint64_t esr)
{
    uint64_t ipa = fault_ipa();
    const struct mmio_region *r = mmio_bus_last(&v->vm->mmio, ipa);
    if (r == 0 || !(esr & ESR_DABT_ISV)) {
        return dabt_search(v, esr, ipa);
    }
    return mmio_access(v, r, ipa, esr);
}

static struct vcpu *trap_iabt(struct vcpu *v, uint64_t esr)
{
    struct vm *vm = v->vm;
    uint64_t ipa = fault_ipa();
    (void)esr;
    if (vm_demand_map(vm, ipa)) {
        return v;
    }
    if (vm_log_allowed(vm)) {
        log_warn("VM %s vCPU %u: instruction fetch from IPA %#lx (PC %#lx): not RAM; abort "
                 "injected",
                 vm->cfg->name, v->id, ipa, v->arch.regs.pc);
    }
    inject_insn_abort(v, read_sysreg(far_el2));
    return v;
}

static const exit_handler_t exit_handlers[ESR_EC_MAX + 1] = {
    [ESR_EC_WFX] = trap_wfx,        [ESR_EC_FP_ASIMD] = trap_fp,  [ESR_EC_HVC64] = hypercall_hvc,
    [ESR_EC_SMC64] = hypercall_smc, [ESR_EC_SYS64] = sysreg_trap, [ESR_EC_IABT_LOW] = trap_iabt,
    [ESR_EC_DABT_LOW] = trap_dabt,
};

static inline struct vcpu *dispatch(struct vcpu *v)
{
    uint64_t esr = read_sysreg(esr_el2);
    v->stats.exits_by_class[esr_ec(esr)]++;
    exit_handler_t h = exit_handlers[esr_ec(esr)];
    return h ? h(v, esr) : trap_undef(v, esr);
}

struct vcpu *trap_sync(struct vcpu *v)
{
    return dispatch(v);
}

/*
 * The guest can be re-entered at once: no request, and nothing happened that
 * its list registers do not show yet (vgic_cpu.changed: something queued on
 * its list, or the state of a listed interrupt changed; cleared by the run
 * loop before each flush). A relaxed load of the requests is enough here: a
 * set bit sends the exit to the run loop, which reads them again with acquire.
 */
static inline bool resume_now(const struct vcpu *v)
{
    unsigned req = load_relaxed(v->requests);
    unsigned changed = load_relaxed(v->vgic.changed);
    return (req | changed) == 0;
}

/*
 * Traps whose handlers may run while list registers hold the guest's
 * interrupts, before they are folded: the handler reads no interrupt state
 * the fold brings back (so no WFI, no GIC register emulation, no PSCI) and
 * changes interrupts only by raising or lowering lines or pending SGIs
 * (vgic_set_level, vgic_set_pending), which commute with the fold: a fold
 * after such a change leaves what a fold before it would have. The console
 * (PL011 writes), hypercalls and SGI generation are what Linux traps for most
 * while its timer holds a list register.
 */
static bool handles_listed(struct vcpu *v, uint64_t esr)
{
    switch (esr_ec(esr)) {
    case ESR_EC_FP_ASIMD:
        return true; /* vcpu_fp_claim: no interrupt state */
    case ESR_EC_HVC64:
    case ESR_EC_SMC64:
        return hypercall_lines_only(v, esr);
    case ESR_EC_SYS64:
        return sysreg_lines_only(esr);
    default:
        return false; /* data aborts: dabt_listed */
    }
}

/* A write that only pends SGIs (mmio_ops.pends_only_write): a GICv2 guest's GICD_SGIR. */
static bool __attribute__((noinline))
pends_only_write(const struct mmio_region *r, uint64_t ipa, uint64_t esr)
{
    return (esr & ESR_DABT_WNR) && r->ops->pends_only_write != 0 &&
           r->ops->pends_only_write(ipa - r->base, 1U << mmio_sas(esr));
}

/*
 * A data abort while list registers are in use: an access the syndrome
 * describes, to a device whose callbacks only raise or lower lines
 * (mmio_ops.lines_only, as handles_listed requires) or a write that only
 * pends SGIs, is done here with the region found once. It is the console
 * character (a PL011 FR read and DR write per character), Linux's most
 * frequent trap while its timer holds a list register, and a GICv2 guest's
 * IPI. False: anything else, for the run loop.
 */
static inline bool dabt_listed(struct vcpu *v, uint64_t esr)
{
    uint64_t ipa = fault_ipa();
    const struct mmio_region *r = mmio_bus_find(&v->vm->mmio, ipa);
    if (r == 0 || !(esr & ESR_DABT_ISV) || !(r->ops->lines_only || pends_only_write(r, ipa, esr))) {
        return false;
    }
    v->exits++;
    v->stats.exits_by_class[ESR_EC_DABT_LOW]++;
    mmio_access(v, r, ipa, esr);
    return true;
}

/*
 * A trap while list registers are in use. One that handles_listed() admits
 * runs with them live; if it changed nothing they show, or nothing needs the
 * run loop, the guest resumes with them untouched; otherwise they are folded
 * now (after the handler: see handles_listed) and the run loop flushes or
 * puts. Anything else goes to the run loop, which folds first.
 */
static unsigned long __attribute__((noinline)) trap_exit_listed(struct vcpu *v)
{
    uint64_t esr = read_sysreg(esr_el2);
    if (sysreg_is_sgi1r_write(esr)) {
        /*
         * An SGI write, the most frequent trap of an SMP guest with list
         * registers in use (it sends from its handlers): pends only, with no
         * class dispatch or listed test (two calls and a switch fewer).
         */
        v->exits++;
        v->stats.exits_by_class[ESR_EC_SYS64]++;
        sysreg_sgi1r_write(v, esr);
    } else if (esr_ec(esr) == ESR_EC_DABT_LOW) {
        if (!dabt_listed(v, esr)) {
            return EXIT_SYNC;
        }
    } else if (!handles_listed(v, esr)) {
        return EXIT_SYNC;
    } else {
        v->exits++;
        v = dispatch(v);
    }
    if (resume_now(v)) {
        return EXIT_RESUME;
    }
    vgic_hw_fold(&v->vgic);
    return EXIT_HANDLED;
}

/* vcpu/entry.S tests bit 0 alone: set for "resume", clear for the other two answers. */
_Static_assert((EXIT_RESUME & 1) == 1 && (EXIT_SYNC & 1) == 0 && (EXIT_HANDLED & 1) == 0,
               "trap_exit's answers");

unsigned long trap_exit(struct vcpu_regs *regs)
{
    struct vcpu *v = list_entry(regs, struct vcpu, arch.regs);
    if (v->vgic.used_lrs != 0) {
        return trap_exit_listed(v);
    }
    v->exits++;
    v = dispatch(v); /* every handler returns the vCPU that trapped */
    return resume_now(v) ? EXIT_RESUME : EXIT_HANDLED;
}

void trap_async(struct vcpu *v, unsigned long kind)
{
    if (vm_log_allowed(v->vm)) {
        log_warn("VM %s vCPU %u: %s taken to EL2 (ESR %#lx); ignored", v->vm->cfg->name, v->id,
                 kind == EXIT_SERROR ? "SError" : "FIQ", read_sysreg(esr_el2));
    }
}
