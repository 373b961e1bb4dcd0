/*
 * Host unit test for vcpu/spectre.c's policy: what a guest is told for each
 * SMCCC_ARCH_WORKAROUND and which firmware call shrike makes at every exit,
 * per core (MIDR, ID_AA64PFR0_EL1.CSV2, ID_AA64MMFR1_EL1.ECBHB) and per what
 * the firmware answers (-1 unknown, 0 offered, 1 not required).
 */
#include <stdbool.h>
#include <stdint.h>

#include "vcpu/spectre.h"
#include "unit.h"

UNIT_STATE;

#define A57      0x411FD070ULL /* r1p0 */
#define A72      0x410FD083ULL
#define A53      0x410FD034ULL
#define A55      0x412FD050ULL
#define A76      0x414FD0B1ULL
#define QEMU_MAX 0x000F0510ULL
#define KRYO3S   0x517F803CULL /* Kryo 3xx silver */
#define A510     0x410FD460ULL

#define CSV2(n)     ((uint64_t)(n) << 56)
#define ECBHB       (1ULL << 60)
#define FW(a, b, c) ((struct spectre_fw){a, b, c})

static const struct spectre_fw fw_none = {-1, -1, -1}; /* QEMU: no SMCCC 1.1 */

#define EXPECT_POLICY(p, w1, w2, w3, fid, ssbd) \
    do {                                        \
        EXPECT_EQ((p).guest_wa1, (w1));         \
        EXPECT_EQ((p).guest_wa2, (w2));         \
        EXPECT_EQ((p).guest_wa3, (w3));         \
        EXPECT_EQ((p).exit_fid, (fid));         \
        EXPECT_EQ((p).fw_ssbd, (ssbd));         \
    } while (0)

static void test_qemu(void)
{
    struct spectre_policy p = spectre_decide(A57, 0, 0, &fw_none);
    EXPECT_POLICY(p, -1, -1, -1, 0, false); /* affected, nothing to call: vulnerable */
    /* QEMU 7.2 -cpu max: CSV2 = 2, no ECBHB. */
    p = spectre_decide(QEMU_MAX, CSV2(2) | 0x1001001120111112ULL, 0x11010211122ULL, &fw_none);
    EXPECT_POLICY(p, 1, -1, -1, 0, false);
}

static void test_a57_a72_with_firmware(void)
{
    /* TF-A on A57/A72: WORKAROUND_1 and _2 (dynamic), no _3. */
    struct spectre_fw fw = FW(0, 0, -1);
    struct spectre_policy p = spectre_decide(A57, 0, 0, &fw);
    EXPECT_POLICY(p, 0, 1, -1, SMCCC_ARCH_WORKAROUND_1, true);
    p = spectre_decide(A72, 0, 0, &fw);
    EXPECT_POLICY(p, 0, 1, -1, SMCCC_ARCH_WORKAROUND_1, true);
    /* Newer TF-A: _3 as well; it does _1's work, so it is the one called. */
    fw = FW(0, 0, 0);
    p = spectre_decide(A72, 0, 0, &fw);
    EXPECT_POLICY(p, 0, 1, 0, SMCCC_ARCH_WORKAROUND_3, true);
    /* Only _3 (unusual): _1 is covered by it. */
    fw = FW(-1, -1, 0);
    p = spectre_decide(A57, 0, 0, &fw);
    EXPECT_POLICY(p, 0, -1, 0, SMCCC_ARCH_WORKAROUND_3, false);
    /* SSB mitigated for good by firmware ("not required" from it): nothing to do. */
    fw = FW(0, 1, -1);
    p = spectre_decide(A57, 0, 0, &fw);
    EXPECT_POLICY(p, 0, 1, -1, SMCCC_ARCH_WORKAROUND_1, false);
}

static void test_immune_cores(void)
{
    static const uint64_t cores[] = {A53, A55, KRYO3S, 0x410FD040ULL /* A35 */};
    for (unsigned i = 0; i < 4; i++) {
        struct spectre_policy p = spectre_decide(cores[i], 0, 0, &fw_none);
        EXPECT_POLICY(p, 1, 1, 1, 0, false);
        /* Firmware saying "offered" does not make shrike call it on an in-order core. */
        struct spectre_fw fw = FW(0, 0, 0);
        p = spectre_decide(cores[i], 0, 0, &fw);
        EXPECT_POLICY(p, 1, 1, 1, 0, false);
    }
    /* A510: immune to BHB by the list, CSV2 for v2, SSB unknown without firmware. */
    struct spectre_policy p = spectre_decide(A510, CSV2(1), 0, &fw_none);
    EXPECT_POLICY(p, 1, -1, 1, 0, false);
    /* CSV2 = 3 and ECBHB each make an unknown core BHB-immune. */
    p = spectre_decide(A76, CSV2(3), 0, &fw_none);
    EXPECT_POLICY(p, 1, -1, 1, 0, false);
    p = spectre_decide(A76, CSV2(1), ECBHB, &fw_none);
    EXPECT_POLICY(p, 1, -1, 1, 0, false);
    /* A76 (CSV2 = 1) with firmware _3: the BHB call at exit, v2 not required. */
    struct spectre_fw fw = FW(1, 0, 0);
    p = spectre_decide(A76, CSV2(1), 0, &fw);
    EXPECT_POLICY(p, 1, 1, 0, SMCCC_ARCH_WORKAROUND_3, true);
}

static void test_firmware_says_not_required(void)
{
    struct spectre_fw fw = FW(1, 1, 1);
    struct spectre_policy p = spectre_decide(A57, 0, 0, &fw);
    EXPECT_POLICY(p, 1, 1, 1, 0, false);
    /* Unexpected answers (other errors) count as "not offered". */
    fw = FW(-2, -3, 7);
    p = spectre_decide(A57, 0, 0, &fw);
    EXPECT_POLICY(p, -1, -1, -1, 0, false);
    /* The implementer matters: part 0xD03 from another vendor is not an A53. */
    p = spectre_decide(0x510FD030ULL, 0, 0, &fw_none);
    EXPECT_POLICY(p, -1, -1, -1, 0, false);
}

int main(void)
{
    test_qemu();
    test_a57_a72_with_firmware();
    test_immune_cores();
    test_firmware_says_not_required();
    return unit_report("spectre");
}
