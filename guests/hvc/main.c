/*
 * hvc: the seed lab's hypercall checks. The numbered HVC #0x4711 returns its
 * number in x0 and x0 + number in x1; SMCCC_VERSION answers 1.1 over HVC and
 * over a trapped SMC; shrike's NULL and CONSOLE_WRITE calls work and reject
 * bad arguments; unknown function IDs get NOT_SUPPORTED (-1). Shrike only.
 */
#include "guests/lib/guest.h"

#define HVC_NUMBER        0x4711UL
#define TRNG_VERSION      0x84000050U
#define VENDOR_HYP_UID    0x8600FF01U
#define STOLEN_TIME       0xC5000020U /* PV_TIME_FEATURES */
#define SIP_FIRST         0x82000000U
#define OEM_OWNER7        0xC7000001U
#define ARCH_WORKAROUND_1 0x80008000U
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
    CHECK_EQ(hvc_call(SMCCC_ARCH_FEATURES, ARCH_WORKAROUND_1, 0, 0), SMCCC_NOT_SUPPORTED,
             "SMCCC_ARCH_FEATURES(ARCH_WORKAROUND_1): -1");
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
    console_write();
}
