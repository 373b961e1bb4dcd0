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

/* The Arm architecture calls (owner 0). */
static int64_t smccc_arch(uint32_t fid, uint64_t x1)
{
    switch (fid) {
    case SMCCC_VERSION:
        return SMCCC_VERSION_1_1;
    case SMCCC_ARCH_FEATURES:
        return smccc_arch_features(x1);
    case SMCCC_ARCH_WORKAROUND_1:
    case SMCCC_ARCH_WORKAROUND_2:
    case SMCCC_ARCH_WORKAROUND_3:
        return smccc_workaround(fid);
    default:
        return SMCCC_NOT_SUPPORTED;
    }
}

/* shrike's own calls (owner 6, vendor-specific hypervisor service; vcpu/abi.h). */
static int64_t shrike_call(struct vcpu *v, uint32_t fid)
{
    const uint64_t *x = v->arch.regs.x;
    switch (fid) {
    case SHRIKE_HC_NULL:
        return 0;
    case SHRIKE_HC_CONSOLE_WRITE:
        return console_write(v, x[1], x[2]);
    case SHRIKE_HC_VCPU_ID:
        return (int64_t)((v->vm->id << 16) | v->id);
    case SHRIKE_HC_MMIO_FAULTS:
        return (int64_t)v->vm->mmio_faults;
    case SHRIKE_HC_PCPU:
        return (int64_t)this_cpu_id();
    case SHRIKE_HC_RESET_COUNT:
        return (int64_t)v->vm->resets;
    default:
        return SMCCC_NOT_SUPPORTED;
    }
}

/* SMCCC function ID: [31] fast call, [30] SMC64, [29:24] the owning service, [15:0] its number. */
#define SMCCC_OWNER(fid) (((fid) >> 24) & 0x3FU)
#define OWNER_ARCH       0
#define OWNER_STD_SECURE 4 /* PSCI */
#define OWNER_VENDOR_HYP 6

/* Dispatch by owner first: an unknown ID is NOT_SUPPORTED after one switch. */
static void smccc_call(struct vcpu *v)
{
    uint64_t *x = v->arch.regs.x;
    uint32_t fid = (uint32_t)x[0];
    int64_t ret;
    switch (SMCCC_OWNER(fid)) {
    case OWNER_ARCH:
        ret = smccc_arch(fid, x[1]);
        break;
    case OWNER_STD_SECURE:
        if (psci_is_fid(fid)) {
            vpsci_call(v, fid);
            return;
        }
        ret = SMCCC_NOT_SUPPORTED;
        break;
    case OWNER_VENDOR_HYP:
        ret = shrike_call(v, fid);
        break;
    default:
        ret = SMCCC_NOT_SUPPORTED;
        break;
    }
    x[0] = (uint64_t)ret;
}

/* The seed lab: a numbered HVC reaches EL2 with its number. */
static void numbered_hvc(struct vcpu *v, uint16_t imm)
{
    uint64_t *x = v->arch.regs.x;
    if (!v->vm->seed_hvc_logged) {
        v->vm->seed_hvc_logged = true;
        log_info("VM %s vCPU %u: HVC #%#x reached EL2 (x0 = %#lx)", v->vm->cfg->name, v->id, imm,
                 x[0]);
    }
    x[1] = x[0] + imm;
    x[0] = imm;
}

struct vcpu *hypercall_hvc(struct vcpu *v, uint64_t esr)
{
    uint16_t imm = (uint16_t)(esr & 0xFFFF);
    if (imm != 0) {
        numbered_hvc(v, imm);
    } else {
        smccc_call(v);
    }
    return v; /* ELR_EL2 already points past the HVC */
}

struct vcpu *hypercall_smc(struct vcpu *v, uint64_t esr)
{
    if ((esr & 0xFFFF) != 0) {
        v->arch.regs.x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
    } else {
        smccc_call(v);
    }
    vcpu_skip_insn(v); /* a trapped SMC returns to the SMC itself */
    return v;
}
