/*
 * Spectre mitigations for a non-VHE hypervisor at EL2 (see spectre.h).
 *
 * Spectre-v2: a guest can train the branch predictors so that shrike (or the
 * next guest on the CPU) speculates into a gadget. Cortex-A57 and A72 cannot
 * invalidate their predictors from EL2: the firmware does it at EL3
 * (SMCCC_ARCH_WORKAROUND_1), so shrike calls it at every guest exit, before
 * its first indirect branch (vcpu/entry.S), as KVM's hyp vectors do. Where the
 * firmware also offers WORKAROUND_3 (Spectre-BHB, which also does
 * WORKAROUND_1's work) that one is called instead. Cores that need neither
 * (ID_AA64PFR0_EL1.CSV2, the Cortex-A53 family) skip the call.
 * Spectre-v4 (SSB): where the firmware offers WORKAROUND_2, shrike turns its
 * mitigation on for good on every CPU and guests are told it is not required.
 *
 * A guest sees the same: ARCH_FEATURES(WORKAROUND_n) is 1 (not required) on
 * an immune core, 0 where shrike's exit path already runs the workaround (a
 * guest's own call is a trap, so it is done by the time shrike answers), -1
 * where nothing mitigates it (the guest then does what it does on bare metal
 * without firmware help; Linux reports itself vulnerable).
 *
 * Firmware is asked only when it says it implements SMCCC 1.1 (PSCI 1.0
 * PSCI_FEATURES(SMCCC_VERSION), then SMCCC_VERSION), as Linux does: QEMU's
 * built-in PSCI does not, so on QEMU every answer is "unknown" (-1).
 */
#include "vcpu/spectre.h"

#define MIDR_IMPL(m)     ((uint32_t)((m) >> 24) & 0xFF)
#define MIDR_PART(m)     ((uint32_t)((m) >> 4) & 0xFFF)
#define CORE(impl, part) (((impl) << 12) | (part))

#define ARM      0x41
#define BROADCOM 0x42
#define QCOM     0x51

uint32_t spectre_exit_fid;

static bool in_list(uint64_t midr, const uint32_t *list, unsigned n)
{
    uint32_t core = CORE(MIDR_IMPL(midr), MIDR_PART(midr));
    for (unsigned i = 0; i < n; i++) {
        if (list[i] == core) {
            return true;
        }
    }
    return false;
}

#define IN_LIST(midr, list) in_list(midr, list, sizeof(list) / sizeof(list[0]))

/* In-order cores (Linux's proton-pack.c lists): A35, A53, A55, Brahma-B53, Kryo silver. */
static const uint32_t in_order[] = {
    CORE(ARM, 0xD04),  CORE(ARM, 0xD03),  CORE(ARM, 0xD05),  CORE(BROADCOM, 0x100),
    CORE(QCOM, 0x801), CORE(QCOM, 0x803), CORE(QCOM, 0x805),
};
/* Also immune to Spectre-BHB: A510, A520. */
static const uint32_t bhb_safe[] = {CORE(ARM, 0xD46), CORE(ARM, 0xD80)};

static int64_t state(bool immune, int64_t fw, bool *mitigated)
{
    *mitigated = false;
    if (immune || fw == SMCCC_RET_NOT_REQUIRED) {
        return SMCCC_RET_NOT_REQUIRED;
    }
    if (fw == 0) {
        *mitigated = true;
        return 0;
    }
    return -1;
}

struct spectre_policy spectre_decide(uint64_t midr, uint64_t pfr0, uint64_t mmfr1,
                                     const struct spectre_fw *fw)
{
    unsigned csv2 = (unsigned)(pfr0 >> 56) & 0xF;
    unsigned ecbhb = (unsigned)(mmfr1 >> 60) & 0xF;
    bool inorder = IN_LIST(midr, in_order);
    bool m1, m2, m3;
    struct spectre_policy p;
    p.guest_wa1 = state(csv2 >= 1 || inorder, fw->wa1, &m1);
    p.guest_wa3 =
        state(csv2 >= 3 || ecbhb != 0 || inorder || IN_LIST(midr, bhb_safe), fw->wa3, &m3);
    /* SSB: immune cores, or the firmware's mitigation on for good: not required either way. */
    p.guest_wa2 = state(inorder, fw->wa2, &m2);
    p.fw_ssbd = m2;
    if (m2) {
        p.guest_wa2 = SMCCC_RET_NOT_REQUIRED;
    }
    p.exit_fid = m3 ? SMCCC_ARCH_WORKAROUND_3 : m1 ? SMCCC_ARCH_WORKAROUND_1 : 0;
    if (m3 && p.guest_wa1 == -1) {
        p.guest_wa1 = 0; /* WORKAROUND_3 at every exit also does WORKAROUND_1's work */
    }
    return p;
}

#ifndef SHRIKE_HOST_TEST
#include "kernel/log.h"
#include "kernel/sysreg.h"
#include "smp/psci.h"
#include "vcpu/abi.h"

static struct spectre_policy policy = {-1, -1, -1, 0, false};

static bool fw_has_smccc_1_1(void)
{
    if ((psci_version() >> 16) < 1 || psci_features(SMCCC_VERSION) != 0) {
        return false; /* PSCI 0.2, or SMCCC 1.0: no SMCCC_ARCH_FEATURES */
    }
    int32_t v = (int32_t)psci_call(SMCCC_VERSION, 0, 0, 0);
    return v >= SMCCC_VERSION_1_1;
}

static int64_t fw_feature(uint32_t fid)
{
    return (int32_t)psci_call(SMCCC_ARCH_FEATURES, fid, 0, 0);
}

static const char *describe(int64_t s, bool on_exit)
{
    return s == SMCCC_RET_NOT_REQUIRED ? "not affected"
           : s == 0                    ? (on_exit ? "firmware call at every exit" : "firmware")
                                       : "vulnerable (no firmware workaround)";
}

void spectre_init(void)
{
    struct spectre_fw fw = {-1, -1, -1};
    bool smccc11 = fw_has_smccc_1_1();
    if (smccc11) {
        fw = (struct spectre_fw){fw_feature(SMCCC_ARCH_WORKAROUND_1),
                                 fw_feature(SMCCC_ARCH_WORKAROUND_2),
                                 fw_feature(SMCCC_ARCH_WORKAROUND_3)};
    }
    uint64_t midr = read_sysreg(midr_el1);
    policy = spectre_decide(midr, read_sysreg(id_aa64pfr0_el1), read_sysreg(id_aa64mmfr1_el1), &fw);
    __atomic_store_n(&spectre_exit_fid, policy.exit_fid, __ATOMIC_RELEASE);
    log_info("Spectre (MIDR %#lx, firmware %s): v2 %s, BHB %s, SSB %s", midr,
             smccc11 ? "SMCCC 1.1" : "without SMCCC_ARCH_FEATURES",
             describe(policy.guest_wa1, true), describe(policy.guest_wa3, true),
             policy.fw_ssbd ? "firmware mitigation on" : describe(policy.guest_wa2, false));
}

void spectre_cpu_init(void)
{
    if (policy.fw_ssbd) {
        (void)psci_call(SMCCC_ARCH_WORKAROUND_2, 1, 0, 0); /* x1 = 1: mitigation on */
    }
}

bool spectre_guest_features(uint32_t fid, int64_t *ret)
{
    switch (fid) {
    case SMCCC_ARCH_WORKAROUND_1:
        *ret = policy.guest_wa1;
        return true;
    case SMCCC_ARCH_WORKAROUND_2:
        *ret = policy.guest_wa2;
        return true;
    case SMCCC_ARCH_WORKAROUND_3:
        *ret = policy.guest_wa3;
        return true;
    default:
        return false;
    }
}
#endif
