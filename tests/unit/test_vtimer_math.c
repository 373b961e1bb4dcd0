/*
 * The virtual timer's arithmetic (vtimer/vtimer.h): the physical deadline of
 * a virtual CVAL saturates instead of wrapping past 2^64, and the output
 * level is ENABLE && !IMASK && counter >= CVAL.
 */
#include "unit.h"
#include "vtimer/vtimer.h"

UNIT_STATE;

static void test_deadline(void)
{
    EXPECT_EQ(vtimer_phys_deadline(1000, 0), 1000);
    EXPECT_EQ(vtimer_phys_deadline(1000, 500), 1500);
    EXPECT_EQ(vtimer_phys_deadline(UINT64_MAX, 0), UINT64_MAX);
    /* CVAL near 2^64 with an offset: never, not a deadline in the past. */
    EXPECT_EQ(vtimer_phys_deadline(UINT64_MAX, 1), UINT64_MAX);
    EXPECT_EQ(vtimer_phys_deadline(UINT64_MAX - 10, 30000000), UINT64_MAX);
    EXPECT_EQ(vtimer_phys_deadline(UINT64_MAX - 10, 10), UINT64_MAX);
    EXPECT_EQ(vtimer_phys_deadline(UINT64_MAX - 10, 9), UINT64_MAX - 1);
}

static void test_fires(void)
{
    EXPECT(vtimer_fires(CNT_CTL_ENABLE, 100, 100));
    EXPECT(!vtimer_fires(CNT_CTL_ENABLE, 101, 100));
    EXPECT(!vtimer_fires(CNT_CTL_ENABLE | CNT_CTL_IMASK, 100, 200));
    EXPECT(!vtimer_fires(0, 100, 200));
    EXPECT(!vtimer_fires(CNT_CTL_ENABLE, UINT64_MAX, UINT64_MAX - 1));
}

int main(void)
{
    test_deadline();
    test_fires();
    return unit_report("test_vtimer_math");
}
