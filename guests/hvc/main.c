/*
 * hvc: the seed lab's hypercall checks. The numbered HVC #0x4711 returns its
 * number in x0 and x0 + number in x1; SMCCC_VERSION answers 1.1 over HVC and
 * over a trapped SMC; shrike's NULL and CONSOLE_WRITE calls work and reject
 * bad arguments; unknown function IDs get NOT_SUPPORTED (-1); the Spectre
 * workarounds are offered as the core requires. Shrike only.
 */
#include "guests/lib/guest.h"

#define HVC_NUMBER        0x4711UL
#define TRNG_VERSION      0x84000050U
#define VENDOR_HYP_UID    0x8600FF01U
#define STOLEN_TIME       0xC5000020U /* PV_TIME_FEATURES */
#define SIP_FIRST         0x82000000U
#define OEM_OWNER7        0xC7000001U
#define ARCH_WORKAROUND_1 0x80008000U
#define ARCH_WORKAROUND_2 0x80007FFFU
#define ARCH_WORKAROUND_3 0x80003FFFU
#define NOT_REQUIRED      1
#define NOT_RAM_IPA       0x1000UL

static const char console_msg[] = "console write works\n";

/* HVC #0x4711 with x0 = a0: returns x0 and x1. */
static struct smccc_res hvc_numbered(uint64_t a0)
{
    register uint64_t x0 __asm__("x0") = a0;
    register uint64_t x1 __asm__("x1") = 0;

    __asm__ __volatile__("hvc #0x4711"
                         : "+r"(x0), "+r"(x1)
                         :
                         : "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
                           "x13", "x14", "x15", "x16", "x17", "memory");
    return (struct smccc_res){(int64_t)x0, x1, 0, 0};
}

static void numbered(void)
{
    struct smccc_res r = hvc_numbered(5);

    CHECK_EQ(r.a0, HVC_NUMBER, "hvc #0x4711: x0 = 0x4711");
    CHECK_EQ(r.a1, 5 + HVC_NUMBER, "hvc #0x4711: x1 = x0 + 0x4711");
}

static void unknown_ids(void)
{
    static const uint32_t ids[] = {TRNG_VERSION, VENDOR_HYP_UID, STOLEN_TIME, SIP_FIRST,
                                   OEM_OWNER7};

    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        CHECK_EQ(hvc_call(ids[i], 0, 0, 0), SMCCC_NOT_SUPPORTED, "unknown function 0x%08x: -1",
                 ids[i]);
    }
}

static unsigned nibble(uint64_t reg, unsigned shift)
{
    return (unsigned)(reg >> shift) & 0xF;
}

/*
 * SMCCC_ARCH_FEATURES for the Spectre workarounds (docs/hypercalls.md). QEMU's
 * firmware reports none of them, so what shrike says follows from the core:
 * 1 (NOT_REQUIRED) where the ID registers say it is immune (CSV2 for
 * Spectre-v2; CSV2 = 3 or ECBHB for Spectre-BHB), else -1. cortex-a57 is
 * affected by all three and, without firmware help, vulnerable: -1 each.
 * Calling a workaround returns 0 if it is offered, -1 if not, and nothing
 * else changes.
 */
static void workarounds(void)
{
    uint64_t midr = read_sysreg(midr_el1);
    uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
    uint64_t mmfr1 = read_sysreg(id_aa64mmfr1_el1);
    unsigned csv2 = nibble(pfr0, 56);
    bool a57 = (midr >> 24) == 0x41 && ((midr >> 4) & 0xFFF) == 0xD07;
    int64_t want1 = csv2 >= 1 ? NOT_REQUIRED : SMCCC_NOT_SUPPORTED;
    int64_t want3 = csv2 == 3 || nibble(mmfr1, 60) != 0 ? NOT_REQUIRED : SMCCC_NOT_SUPPORTED;
    int64_t f1 = hvc_call(SMCCC_ARCH_FEATURES, ARCH_WORKAROUND_1, 0, 0);
    int64_t f2 = hvc_call(SMCCC_ARCH_FEATURES, ARCH_WORKAROUND_2, 0, 0);
    int64_t f3 = hvc_call(SMCCC_ARCH_FEATURES, ARCH_WORKAROUND_3, 0, 0);

    CHECK_EQ(f1, want1, "ARCH_FEATURES(WORKAROUND_1) on MIDR 0x%lx (CSV2 %u)", midr, csv2);
    CHECK_EQ(f2, SMCCC_NOT_SUPPORTED, "ARCH_FEATURES(WORKAROUND_2): -1 (no firmware SSBD)");
    CHECK_EQ(f3, want3, "ARCH_FEATURES(WORKAROUND_3) (CSV2 %u)", csv2);
    CHECK(!a57 || (f1 == -1 && f2 == -1 && f3 == -1), "cortex-a57 without firmware help: all -1");
    CHECK_EQ(hvc_call(ARCH_WORKAROUND_1, 0, 0, 0), f1 >= 0 ? 0 : SMCCC_NOT_SUPPORTED,
             "WORKAROUND_1 over HVC returns");
    CHECK_EQ(smc_call(ARCH_WORKAROUND_1, 0, 0, 0), f1 >= 0 ? 0 : SMCCC_NOT_SUPPORTED,
             "WORKAROUND_1 over SMC returns");
    CHECK_EQ(hvc_call(ARCH_WORKAROUND_3, 0, 0, 0), f3 >= 0 ? 0 : SMCCC_NOT_SUPPORTED,
             "WORKAROUND_3 returns");
    CHECK_EQ(hvc_call(SHRIKE_HC_NULL, 0, 0, 0), 0, "hypercalls still work afterwards");
}

static void console_write(void)
{
    uint64_t msg = (uint64_t)(uintptr_t)console_msg;
    uint64_t len = sizeof(console_msg) - 1;

    CHECK_EQ(hvc_call(SHRIKE_HC_CONSOLE_WRITE, msg, len, 0), len,
             "CONSOLE_WRITE returns its length");
    CHECK_EQ(hvc_call(SHRIKE_HC_CONSOLE_WRITE, msg, 10000, 0), SHRIKE_HC_ERR_INVAL,
             "CONSOLE_WRITE of 10000 bytes: ERR_INVAL");
    CHECK_EQ(hvc_call(SHRIKE_HC_CONSOLE_WRITE, NOT_RAM_IPA, 4, 0), SHRIKE_HC_ERR_INVAL,
             "CONSOLE_WRITE from IPA 0x1000 (not RAM): ERR_INVAL");
}

void guest_main(void)
{
    if (!guest_on_shrike()) {
        CHECK(false, "running on shrike (the hvc guest needs it)");
        return;
    }
    numbered();
    CHECK_EQ(hvc_call(SMCCC_VERSION, 0, 0, 0), SMCCC_VERSION_1_1, "SMCCC_VERSION over HVC: 1.1");
    CHECK_EQ(smc_call(SMCCC_VERSION, 0, 0, 0), SMCCC_VERSION_1_1, "SMCCC_VERSION over SMC: 1.1");
    CHECK_EQ(hvc_call(SHRIKE_HC_NULL, 0, 0, 0), 0, "SHRIKE_HC_NULL returns 0");
    unknown_ids();
    workarounds();
    console_write();
}
