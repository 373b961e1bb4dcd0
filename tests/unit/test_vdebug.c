/* Host tests of vcpu/vdebug.c: the emulated self-hosted debug registers of a vCPU. */
#include <stdint.h>

#include "unit.h"
#include "vcpu/vdebug.h"

/* op0 = 2 encodings: (op1, CRn, CRm, op2) */
#define BVR(n) 0, 0, (n), 4
#define BCR(n) 0, 0, (n), 5
#define WVR(n) 0, 0, (n), 6
#define WCR(n) 0, 0, (n), 7
#define MDSCR  0, 0, 2, 2
#define OSLAR  0, 1, 0, 4
#define OSLSR  0, 1, 1, 4
#define OSDLR  0, 1, 3, 4
#define MDRAR  0, 1, 0, 0
#define DTR    3, 0, 4, 0 /* DBGDTR_EL0 */

UNIT_STATE;

static const struct vdebug_shape a57 = {.brps = 6, .wrps = 4};

static uint64_t rd(struct vdebug *d, unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
    uint64_t v = 0xDEAD;
    EXPECT_EQ(vdebug_access(d, &a57, op1, crn, crm, op2, true, &v), VDEBUG_DONE);
    return v;
}

static enum vdebug_result wr(struct vdebug *d, unsigned op1, unsigned crn, unsigned crm,
                             unsigned op2, uint64_t v)
{
    return vdebug_access(d, &a57, op1, crn, crm, op2, false, &v);
}

static void test_shape(void)
{
    /* cortex-a57: ID_AA64DFR0_EL1 = 0x10305106: BRPs 5 (6), WRPs 3 (4) */
    struct vdebug_shape s = vdebug_shape_from_dfr0(0x10305106);
    EXPECT_EQ(s.brps, 6);
    EXPECT_EQ(s.wrps, 4);
    s = vdebug_shape_from_dfr0(0xF0F000);
    EXPECT_EQ(s.brps, 16);
    EXPECT_EQ(s.wrps, 16);
}

static void test_reset_and_os_lock(void)
{
    struct vdebug d = {.mdscr = MDSCR_MDE, .bcr = {1}, .loaded = true};
    vdebug_reset(&d);
    EXPECT_EQ(d.mdscr, 0);
    EXPECT_EQ(d.bcr[0], 0);
    EXPECT(d.os_lock);
    EXPECT(d.loaded); /* only the hardware side may clear it */
    EXPECT_EQ(rd(&d, OSLSR), 0xA);
    EXPECT_EQ(wr(&d, OSLAR, 0), VDEBUG_CHANGED);
    EXPECT(!d.os_lock);
    EXPECT_EQ(rd(&d, OSLSR), 0x8);
    EXPECT_EQ(wr(&d, OSLAR, 1), VDEBUG_CHANGED);
    EXPECT_EQ(rd(&d, OSLSR), 0xA);
    EXPECT_EQ(rd(&d, OSLAR), 0); /* write-only: reads as zero */
}

static void test_pairs(void)
{
    struct vdebug d = {0};
    vdebug_reset(&d);
    /* values kept per pair, with the guest-settable bits only */
    EXPECT_EQ(wr(&d, BVR(0), 0xFFFF800008123457ULL), VDEBUG_CHANGED);
    EXPECT_EQ(rd(&d, BVR(0)), 0xFFFF800008123454ULL);
    EXPECT_EQ(wr(&d, BCR(5), 0x1E7), VDEBUG_CHANGED); /* BAS 0xF, PMC 3, E */
    EXPECT_EQ(rd(&d, BCR(5)), 0x1E7);
    EXPECT_EQ(wr(&d, WVR(3), 0x40001000), VDEBUG_CHANGED);
    EXPECT_EQ(rd(&d, WVR(3)), 0x40001000);
    EXPECT_EQ(wr(&d, WCR(3), 0x1FF7), VDEBUG_CHANGED); /* BAS 0xFF, LSC 2, PAC 3, E */
    EXPECT_EQ(rd(&d, WCR(3)), 0x1FF7);
    /* HMC (bit 13) never sticks: nothing of a guest's may match at EL2 */
    wr(&d, BCR(1), (1ULL << 13) | 0x1E7);
    EXPECT_EQ(rd(&d, BCR(1)), 0x1E7);
    wr(&d, WCR(1), (1ULL << 13) | 0x1FF7);
    EXPECT_EQ(rd(&d, WCR(1)), 0x1FF7);
    /* the EL2 / VMID breakpoint types (BT[3]) are not offered; RES0 bits read 0 */
    wr(&d, BCR(2), (0x8ULL << 20) | 0x1E7);
    EXPECT_EQ(rd(&d, BCR(2)), 0x1E7);
    wr(&d, BCR(2), ~0ULL);
    EXPECT_EQ(rd(&d, BCR(2)), DBGBCR_GUEST_MASK);
    wr(&d, WCR(2), ~0ULL);
    EXPECT_EQ(rd(&d, WCR(2)), DBGWCR_GUEST_MASK);
    /* pairs beyond the CPU's: read as zero, writes ignored */
    EXPECT_EQ(wr(&d, BCR(6), 0x1E7), VDEBUG_DONE);
    EXPECT_EQ(rd(&d, BCR(6)), 0);
    EXPECT_EQ(wr(&d, WCR(4), 0x1FF7), VDEBUG_DONE);
    EXPECT_EQ(rd(&d, WCR(4)), 0);
    EXPECT_EQ(rd(&d, BVR(15)), 0);
    for (unsigned n = 6; n < VDEBUG_MAX_PAIRS; n++) {
        EXPECT_EQ(d.bcr[n], 0);
    }
    /* the other pairs untouched */
    EXPECT_EQ(rd(&d, BCR(0)), 0);
    EXPECT_EQ(rd(&d, BCR(5)), 0x1E7);
}

static void test_mdscr_and_active(void)
{
    struct vdebug d = {0};
    vdebug_reset(&d);
    EXPECT_EQ(wr(&d, MDSCR, ~0ULL), VDEBUG_CHANGED);
    EXPECT_EQ(rd(&d, MDSCR), MDSCR_SS | MDSCR_TDCC | MDSCR_KDE | MDSCR_MDE);
    EXPECT(!vdebug_active(&d)); /* OS lock still set from reset */
    wr(&d, OSLAR, 0);
    EXPECT(vdebug_active(&d));
    wr(&d, MDSCR, MDSCR_TDCC);
    EXPECT(!vdebug_active(&d)); /* TDCC alone raises no debug exception */
    wr(&d, MDSCR, MDSCR_MDE);
    EXPECT(vdebug_active(&d));
    wr(&d, MDSCR, MDSCR_KDE);
    EXPECT(vdebug_active(&d));
    wr(&d, MDSCR, MDSCR_SS);
    EXPECT(vdebug_active(&d));
    wr(&d, OSLAR, 1);
    EXPECT(!vdebug_active(&d));
}

static void test_raz_wi(void)
{
    struct vdebug d = {0};
    vdebug_reset(&d);
    struct vdebug before = d;
    EXPECT_EQ(wr(&d, OSDLR, 1), VDEBUG_DONE);
    EXPECT_EQ(rd(&d, OSDLR), 0);
    EXPECT_EQ(rd(&d, MDRAR), 0);
    EXPECT_EQ(wr(&d, DTR, 0x55), VDEBUG_DONE);
    EXPECT_EQ(rd(&d, DTR), 0);
    EXPECT_EQ(wr(&d, 0, 7, 8, 6, 0xFF), VDEBUG_DONE); /* DBGCLAIMSET_EL1 */
    /* op1 != 0 never reaches the pairs, even with a pair-like CRm/op2 */
    EXPECT_EQ(wr(&d, 1, 0, 0, 5, 0x1E7), VDEBUG_DONE);
    EXPECT_EQ(d.bcr[0], 0);
    EXPECT_EQ(memcmp(&d, &before, sizeof(d)), 0);
}

int main(void)
{
    test_shape();
    test_reset_and_os_lock();
    test_pairs();
    test_mdscr_and_active();
    test_raz_wi();
    return unit_report("vdebug");
}
