/*
 * Branch-predictor and speculative-store-bypass mitigations (see spectre.c,
 * docs/architecture.md "Speculation"): what shrike does at every guest exit
 * and what it tells guests through SMCCC_ARCH_FEATURES for
 * SMCCC_ARCH_WORKAROUND_1 (Spectre-v2, CVE-2017-5715), _2 (Spectre-v4,
 * CVE-2018-3639) and _3 (Spectre-BHB, CVE-2022-23960).
 */
#ifndef SHRIKE_VCPU_SPECTRE_H
#define SHRIKE_VCPU_SPECTRE_H

#include <stdbool.h>
#include <stdint.h>

#define SMCCC_ARCH_WORKAROUND_1 0x80008000U
#define SMCCC_ARCH_WORKAROUND_2 0x80007FFFU
#define SMCCC_ARCH_WORKAROUND_3 0x80003FFFU
#define SMCCC_RET_NOT_REQUIRED  1 /* ARCH_FEATURES: this PE does not need the workaround */

/* What the firmware answered to SMCCC_ARCH_FEATURES (-1 where it cannot be asked). */
struct spectre_fw {
    int64_t wa1, wa2, wa3;
};

struct spectre_policy {
    int64_t guest_wa1, guest_wa2, guest_wa3; /* ARCH_FEATURES answers: -1, 0 or 1 */
    uint32_t exit_fid; /* firmware call at every guest exit (WORKAROUND_1 or _3), or 0 */
    bool fw_ssbd;      /* enable the firmware's SSB mitigation for good on every CPU */
};

/*
 * Pure: the policy for a core (MIDR_EL1, ID_AA64PFR0_EL1, ID_AA64MMFR1_EL1)
 * and its firmware. A core is immune where its ID registers or Linux's lists
 * of unaffected cores say so, mitigated where the firmware offers the
 * workaround, and vulnerable otherwise (reported as -1, as KVM does).
 */
struct spectre_policy spectre_decide(uint64_t midr, uint64_t pfr0, uint64_t mmfr1,
                                     const struct spectre_fw *fw);

/* Firmware function shrike calls at every guest exit before any indirect branch (entry.S). */
extern uint32_t spectre_exit_fid;

#ifndef SHRIKE_HOST_TEST
/* Boot CPU, before any guest: asks the firmware, decides, logs one line. */
void spectre_init(void);

/* Every CPU, after spectre_init() and before it runs a guest: firmware SSBD on. */
void spectre_cpu_init(void);

/* SMCCC_ARCH_FEATURES(fid) for a workaround ID; false if fid is not one. */
bool spectre_guest_features(uint32_t fid, int64_t *ret);
#endif

#endif
