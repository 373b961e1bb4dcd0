/*
 * Host unit test for vcpu/vpmu.c's decode and rules: every PMU register a
 * guest can name maps to exactly one emulated register (PMEV*<n> with its n),
 * nothing else is taken for one, the guest's event types never reach the
 * hardware with EL2 or EL3 counting on, and the overflow line follows
 * PMOVS & PMINTEN.
 */
#include <stdint.h>

#include "vcpu/vpmu.h"
#include "unit.h"

UNIT_STATE;

static enum vpmu_reg dec(unsigned op1, unsigned crn, unsigned crm, unsigned op2, unsigned *n)
{
    return vpmu_decode(op1, crn, crm, op2, n);
}

static void test_decode(void)
{
    unsigned n = 99;

    EXPECT_EQ(dec(3, 9, 12, 0, &n), VPMU_PMCR);
    EXPECT_EQ(n, 0);
    EXPECT_EQ(dec(3, 9, 12, 1, &n), VPMU_CNTENSET);
    EXPECT_EQ(dec(3, 9, 12, 2, &n), VPMU_CNTENCLR);
    EXPECT_EQ(dec(3, 9, 12, 3, &n), VPMU_OVSCLR);
    EXPECT_EQ(dec(3, 9, 12, 4, &n), VPMU_SWINC);
    EXPECT_EQ(dec(3, 9, 12, 5, &n), VPMU_SELR);
    EXPECT_EQ(dec(3, 9, 12, 6, &n), VPMU_CEID0);
    EXPECT_EQ(dec(3, 9, 12, 7, &n), VPMU_CEID1);
    EXPECT_EQ(dec(3, 9, 13, 0, &n), VPMU_CCNTR);
    EXPECT_EQ(dec(3, 9, 13, 1, &n), VPMU_XEVTYPER);
    EXPECT_EQ(dec(3, 9, 13, 2, &n), VPMU_XEVCNTR);
    EXPECT_EQ(dec(3, 9, 13, 3, &n), VPMU_NONE);
    EXPECT_EQ(dec(3, 9, 14, 0, &n), VPMU_USERENR);
    EXPECT_EQ(dec(3, 9, 14, 3, &n), VPMU_OVSSET);
    EXPECT_EQ(dec(0, 9, 14, 1, &n), VPMU_INTENSET);
    EXPECT_EQ(dec(0, 9, 14, 2, &n), VPMU_INTENCLR);
    EXPECT_EQ(dec(0, 9, 14, 6, &n), VPMU_NONE); /* PMMIR_EL1: PMUv3p4, not offered */
    EXPECT_EQ(dec(0, 9, 12, 0, &n), VPMU_NONE); /* op1 0 is not PMCR */
    EXPECT_EQ(dec(3, 9, 15, 0, &n), VPMU_NONE);

    /* PMEVCNTR<n>: CRm 8..11, n = (CRm & 3) * 8 + op2; PMEVTYPER<n>: CRm 12..15. */
    unsigned seen_cnt = 0, seen_type = 0, seen_filtr = 0;
    for (unsigned crm = 8; crm < 16; crm++) {
        for (unsigned op2 = 0; op2 < 8; op2++) {
            enum vpmu_reg r = dec(3, 14, crm, op2, &n);
            unsigned want = (crm & 3) * 8 + op2;
            if (r == VPMU_EVCNTR) {
                seen_cnt++;
                EXPECT_EQ(n, want);
                EXPECT(crm < 12);
            } else if (r == VPMU_EVTYPER) {
                seen_type++;
                EXPECT_EQ(n, want);
                EXPECT(crm >= 12);
            } else if (r == VPMU_CCFILTR) {
                seen_filtr++;
                EXPECT_EQ(crm, 15);
                EXPECT_EQ(op2, 7);
            } else {
                EXPECT_EQ(r, VPMU_NONE); /* PMEVCNTR31 does not exist */
                EXPECT_EQ(crm, 11);
                EXPECT_EQ(op2, 7);
            }
        }
    }
    EXPECT_EQ(seen_cnt, 31);
    EXPECT_EQ(seen_type, 31);
    EXPECT_EQ(seen_filtr, 1);
    EXPECT_EQ(dec(2, 14, 8, 0, &n), VPMU_NONE); /* op1 2 */
    EXPECT_EQ(dec(3, 14, 7, 0, &n), VPMU_NONE); /* CNTKCTL and the timers live below */
}

static void test_rules(void)
{
    /* A guest asking to count at EL2 (NSH), EL3 (M) or other threads (MT) gets none of it. */
    EXPECT_EQ(vpmu_evtyper_sanitise(0x08 | PMEVTYPER_NSH), 0x08);
    EXPECT_EQ(vpmu_evtyper_sanitise(0xFFFFFFFFFFFFFFFFULL), PMEVTYPER_GUEST);
    EXPECT_EQ(vpmu_evtyper_sanitise(PMEVTYPER_M | PMEVTYPER_MT | 0x11), 0x11);
    EXPECT_EQ(vpmu_evtyper_sanitise(0x80000000U | 0x40000000U | 0x1234), 0xC0001234U); /* P, U */
    EXPECT_EQ(PMEVTYPER_GUEST & (PMEVTYPER_NSH | PMEVTYPER_M | PMEVTYPER_MT), 0);
    EXPECT_EQ(PMCCFILTR_GUEST & PMEVTYPER_NSH, 0);

    EXPECT_EQ(vpmu_counter_mask(0), 0x80000000U);
    EXPECT_EQ(vpmu_counter_mask(6), 0x8000003FU);
    EXPECT_EQ(vpmu_counter_mask(31), 0xFFFFFFFFU);

    EXPECT(!vpmu_irq_level(0, 0));
    EXPECT(!vpmu_irq_level(0x2, 0x1));
    EXPECT(vpmu_irq_level(0x2, 0x3));
    EXPECT(vpmu_irq_level(0x80000000U, 0x80000000U));
    EXPECT_EQ(PMCR_WRITABLE & (PMCR_P | PMCR_C), 0); /* resets act, they are not kept */
}

int main(void)
{
    test_decode();
    test_rules();
    return unit_report("vpmu");
}
