/*
 * Hypercall dispatch. HVC #0 and SMC #0 carry SMCCC calls (function ID in w0);
 * both conduits give the same answers. HVC #N with N != 0 is the seed lab's
 * numbered call. Unknown function IDs return NOT_SUPPORTED (-1), never an
 * UNDEF: Linux probes TRNG, the vendor UID and stolen time this way.
 */
#include "vcpu/hypercall.h"

#include "kernel/cpu.h"
#include "kernel/log.h"
#include "vcpu/abi.h"
#include "vcpu/psci_rules.h"
#include "vcpu/pvtime.h"
#include "vcpu/spectre.h"
#include "vcpu/trap.h"
#include "vcpu/vm.h"
#include "vcpu/vpsci.h"

#define CONSOLE_WRITE_MAX 256

static int64_t console_write(struct vcpu *v, uint64_t ipa, uint64_t len)
{
    paddr_t pa;
    if (len > CONSOLE_WRITE_MAX || !vm_ipa_to_pa(v->vm, ipa, len, &pa)) {
        return SHRIKE_HC_ERR_INVAL;
    }
    const uint8_t *p = pa_to_ptr(pa);
    for (uint64_t i = 0; i < len; i++) {
        vuart_mmio_ops.write(&v->vm->uart, v, 0 /* DR */, 1, p[i]);
    }
    return (int64_t)len;
}

static int64_t smccc_arch_features(uint64_t fid)
{
    int64_t ret;
    if (spectre_guest_features((uint32_t)fid, &ret)) {
        return ret; /* the Spectre workarounds: as the core requires (vcpu/spectre.c) */
    }
    if (pvtime_arch_features((uint32_t)fid, &ret)) {
        return ret; /* stolen time (vcpu/pvtime.c) */
    }
    return (uint32_t)fid == SMCCC_ARCH_FEATURES || (uint32_t)fid == SMCCC_VERSION
               ? 0
               : SMCCC_NOT_SUPPORTED;
}

/*
 * A guest's SMCCC_ARCH_WORKAROUND_n call. Where it is offered (ARCH_FEATURES
 * 0 or 1) the work is already done: the exit that brought the call here ran
 * the firmware workaround (vcpu/entry.S), or the core does not need it.
 */
static int64_t smccc_workaround(uint32_t fid)
{
    int64_t offered = SMCCC_NOT_SUPPORTED;
    (void)spectre_guest_features(fid, &offered);
    return offered >= 0 ? 0 : SMCCC_NOT_SUPPORTED;
}

/*
 * The calls below answer in x0. The hot ones (SMCCC_VERSION, an unknown ID)
 * are answered inline; everything else is a function of its own, called last,
 * so that the hot path needs no stack frame.
 */
static struct vcpu *__attribute__((noinline)) arch_call(struct vcpu *v, uint32_t fid)
{
    uint64_t *x = v->arch.regs.x;
    x[0] =
        (uint64_t)(fid == SMCCC_ARCH_FEATURES ? smccc_arch_features(x[1]) : smccc_workaround(fid));
    return v;
}

/* shrike's own calls (owner 6, vendor-specific hypervisor service; vcpu/abi.h). */
static struct vcpu *__attribute__((noinline)) shrike_call(struct vcpu *v, uint32_t fid)
{
    uint64_t *x = v->arch.regs.x;
    int64_t ret;
    switch (fid) {
    case SHRIKE_HC_NULL:
        ret = 0;
        break;
    case SHRIKE_HC_CONSOLE_WRITE:
        ret = console_write(v, x[1], x[2]);
        break;
    case SHRIKE_HC_VCPU_ID:
        ret = (int64_t)((v->vm->id << 16) | v->id);
        break;
    case SHRIKE_HC_MMIO_FAULTS:
        ret = (int64_t)v->vm->mmio_faults;
        break;
    case SHRIKE_HC_PCPU:
        ret = (int64_t)this_cpu_id();
        break;
    case SHRIKE_HC_RESET_COUNT:
        ret = (int64_t)v->vm->resets;
        break;
    default:
        ret = SMCCC_NOT_SUPPORTED;
        break;
    }
    x[0] = (uint64_t)ret;
    return v;
}

/* Owner 5, the standard hypervisor service: stolen time (vcpu/pvtime.c). */
static struct vcpu *__attribute__((noinline)) std_hyp_call(struct vcpu *v, uint32_t fid)
{
    uint64_t *x = v->arch.regs.x;
    int64_t ret = SMCCC_NOT_SUPPORTED;
    if (fid == PV_TIME_FEATURES) {
        ret = pvtime_features(x[1]);
    } else if (fid == PV_TIME_ST) {
        ret = (int64_t)pvtime_record_ipa(v->id);
        v->steal_asked = true;
        pvtime_publish(v); /* from now on at each load, when it changed */
    }
    x[0] = (uint64_t)ret;
    return v;
}

/* Owner 4: PSCI, the one service whose calls change a vCPU's or the VM's state. */
static struct vcpu *__attribute__((noinline)) std_secure_call(struct vcpu *v, uint32_t fid)
{
    if (psci_is_fid(fid)) {
        vpsci_call(v, fid);
    } else {
        v->arch.regs.x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
    }
    return v;
}

/* SMCCC function ID: [31] fast call, [30] SMC64, [29:24] the owning service, [15:0] its number. */
#define SMCCC_OWNER(fid) (((fid) >> 24) & 0x3FU)
#define OWNER_ARCH       0
#define OWNER_STD_SECURE 4 /* PSCI */
#define OWNER_STD_HYP    5 /* PV time */
#define OWNER_VENDOR_HYP 6

/*
 * SMCCC_VERSION first (the null call guests and benchmarks make), then by
 * owner: an unknown ID is NOT_SUPPORTED after one switch.
 */
static inline struct vcpu *smccc_call(struct vcpu *v)
{
    uint64_t *x = v->arch.regs.x;
    uint32_t fid = (uint32_t)x[0];
    if (fid == SMCCC_VERSION) {
        x[0] = SMCCC_VERSION_1_1;
        return v;
    }
    switch (SMCCC_OWNER(fid)) {
    case OWNER_ARCH:
        if (fid == SMCCC_ARCH_FEATURES || fid == SMCCC_ARCH_WORKAROUND_1 ||
            fid == SMCCC_ARCH_WORKAROUND_2 || fid == SMCCC_ARCH_WORKAROUND_3) {
            return arch_call(v, fid);
        }
        break;
    case OWNER_STD_SECURE:
        return std_secure_call(v, fid);
    case OWNER_STD_HYP:
        return std_hyp_call(v, fid);
    case OWNER_VENDOR_HYP:
        return shrike_call(v, fid);
    default:
        break;
    }
    x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
    return v;
}

/* The seed lab: a numbered HVC reaches EL2 with its number. */
static struct vcpu *__attribute__((noinline)) numbered_hvc(struct vcpu *v, uint16_t imm)
{
    uint64_t *x = v->arch.regs.x;
    if (!v->vm->seed_hvc_logged) {
        v->vm->seed_hvc_logged = true;
        log_info("VM %s vCPU %u: HVC #%#x reached EL2 (x0 = %#lx)", v->vm->cfg->name, v->id, imm,
                 x[0]);
    }
    x[1] = x[0] + imm;
    x[0] = imm;
    return v;
}

/*
 * Every call but PSCI's only answers in registers or raises the console's
 * line (SHRIKE_HC_CONSOLE_WRITE): it may run with list registers live
 * (vcpu/trap.c, handles_listed). PSCI changes vCPUs and waits for
 * interrupts (CPU_SUSPEND), so it gets folded list registers.
 */
bool hypercall_lines_only(const struct vcpu *v, uint64_t esr)
{
    return (esr & 0xFFFF) != 0 || SMCCC_OWNER((uint32_t)v->arch.regs.x[0]) != OWNER_STD_SECURE;
}

struct vcpu *hypercall_hvc(struct vcpu *v, uint64_t esr)
{
    uint16_t imm = (uint16_t)(esr & 0xFFFF);
    /* ELR_EL2 already points past the HVC. */
    return imm != 0 ? numbered_hvc(v, imm) : smccc_call(v);
}

struct vcpu *hypercall_smc(struct vcpu *v, uint64_t esr)
{
    if ((esr & 0xFFFF) != 0) {
        v->arch.regs.x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
    } else {
        (void)smccc_call(v);
    }
    vcpu_skip_insn(v); /* a trapped SMC returns to the SMC itself */
    return v;
}
