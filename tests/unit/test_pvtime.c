/*
 * Host unit test for vcpu/pvtime.c: the stolen-time arithmetic (ticks to
 * nanoseconds without overflow), the SMCCC feature answers Linux probes, and
 * the record layout and addresses.
 */
#include <stddef.h>
#include <stdint.h>

#include "vcpu/abi.h"
#include "vcpu/pvtime.h"
#include "unit.h"

UNIT_STATE;

static void test_ns(void)
{
    EXPECT_EQ(pvtime_ticks_to_ns(0, 62500000), 0);
    EXPECT_EQ(pvtime_ticks_to_ns(1, 62500000), 16); /* 16 ns a tick at 62.5 MHz */
    EXPECT_EQ(pvtime_ticks_to_ns(62500000, 62500000), 1000000000ULL);
    EXPECT_EQ(pvtime_ticks_to_ns(625, 62500000), 10000);     /* 10 us */
    EXPECT_EQ(pvtime_ticks_to_ns(3, 1000000000ULL), 3);      /* a 1 GHz counter */
    EXPECT_EQ(pvtime_ticks_to_ns(1000, 3), 333333333333ULL); /* rounds down */
    /* An hour at 62.5 MHz: ticks * 10^9 would be 2.25e20, past 2^64. */
    EXPECT_EQ(pvtime_ticks_to_ns(225000000000ULL, 62500000), 3600ULL * 1000000000ULL);
    /* 2^63 ticks of a 1 GHz counter stay exact, and a remainder near freq does not overflow. */
    EXPECT_EQ(pvtime_ticks_to_ns(1ULL << 63, 1000000000ULL), 1ULL << 63);
    EXPECT_EQ(pvtime_ticks_to_ns(UINT64_MAX, UINT64_MAX), 1000000000ULL);
    EXPECT_EQ(pvtime_ticks_to_ns(5, 0), 0); /* no counter frequency: nothing, not a trap */
}

static void test_features(void)
{
    int64_t ret = 7;

    EXPECT(pvtime_arch_features(PV_TIME_FEATURES, &ret));
    EXPECT_EQ(ret, 0);
    ret = 7;
    EXPECT(pvtime_arch_features(PV_TIME_ST, &ret));
    EXPECT_EQ(ret, SMCCC_NOT_SUPPORTED); /* asked of PV_TIME_FEATURES, as KVM answers */
    ret = 7;
    EXPECT(!pvtime_arch_features(SMCCC_VERSION, &ret));
    EXPECT(!pvtime_arch_features(0xC5000022U, &ret));
    EXPECT_EQ(ret, 7);

    EXPECT_EQ(pvtime_features(PV_TIME_FEATURES), 0);
    EXPECT_EQ(pvtime_features(PV_TIME_ST), 0);
    EXPECT_EQ(pvtime_features(0xC5000022U), SMCCC_NOT_SUPPORTED);
    EXPECT_EQ(pvtime_features(0), SMCCC_NOT_SUPPORTED);
    EXPECT_EQ(pvtime_features(0xFFFFFFFF00000000ULL | PV_TIME_ST), 0); /* a 32-bit ID in x1 */
}

static void test_layout(void)
{
    EXPECT_EQ(sizeof(struct pvtime_record), 64);
    EXPECT_EQ(offsetof(struct pvtime_record, revision), 0);
    EXPECT_EQ(offsetof(struct pvtime_record, attributes), 4);
    EXPECT_EQ(offsetof(struct pvtime_record, stolen_time), 8);
    EXPECT_EQ(pvtime_record_ipa(0), GUEST_PVTIME_IPA);
    EXPECT_EQ(pvtime_record_ipa(1), GUEST_PVTIME_IPA + 64);
    EXPECT_EQ(pvtime_record_ipa(7), GUEST_PVTIME_IPA + 448);
    EXPECT_EQ(GUEST_PVTIME_IPA % 4096, 0);
    /* Outside every other region of the layout: after the UART, before the test device and RAM. */
    EXPECT(GUEST_PVTIME_IPA >= GUEST_UART_BASE + GUEST_UART_SIZE);
    EXPECT(GUEST_PVTIME_IPA + GUEST_PVTIME_SIZE <= GUEST_TESTDEV_BASE);
}

int main(void)
{
    test_ns();
    test_features();
    test_layout();
    return unit_report("pvtime");
}
