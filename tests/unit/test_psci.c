/* Host tests: PSCI argument validation for guests. */
#include "unit.h"
#include "vcpu/psci_rules.h"

UNIT_STATE;

#define RAM      0x40000000ULL
#define RAM_SIZE 0x1000000ULL

static void test_fids(void)
{
    EXPECT(psci_is_fid(0x84000000));
    EXPECT(psci_is_fid(0x8400001F));
    EXPECT(psci_is_fid(0xC4000003));
    EXPECT(!psci_is_fid(0x84000020));
    EXPECT(!psci_is_fid(0x80000000));
    EXPECT(!psci_is_fid(0xC6000000));
    EXPECT(!psci_is_fid(0x04000000));
    const uint32_t implemented[] = {0x84000000, 0x84000001, 0xC4000001, 0x84000002,
                                    0x84000003, 0xC4000003, 0x84000004, 0xC4000004,
                                    0x84000006, 0x84000008, 0x84000009, 0x8400000A};
    for (unsigned i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++) {
        EXPECT_EQ(psci_guest_features(implemented[i]), 0);
    }
    EXPECT_EQ(psci_guest_features(0x84000005), PSCI_RET_NOT_SUPPORTED); /* MIGRATE */
    EXPECT_EQ(psci_guest_features(0x8400000E), PSCI_RET_NOT_SUPPORTED); /* SYSTEM_SUSPEND */
    EXPECT_EQ(psci_guest_features(0x84000050), PSCI_RET_NOT_SUPPORTED); /* TRNG, not PSCI */
}

static void test_mpidr(void)
{
    EXPECT_EQ(psci_mpidr_to_index(0, 4), 0);
    EXPECT_EQ(psci_mpidr_to_index(3, 4), 3);
    EXPECT_EQ(psci_mpidr_to_index(4, 4), -1);
    EXPECT_EQ(psci_mpidr_to_index(0xFF, 4), -1);
    EXPECT_EQ(psci_mpidr_to_index(0x100, 4), -1);          /* Aff1 */
    EXPECT_EQ(psci_mpidr_to_index(0x10000, 4), -1);        /* Aff2 */
    EXPECT_EQ(psci_mpidr_to_index(0x100000000ULL, 4), -1); /* Aff3 */
    EXPECT_EQ(psci_mpidr_to_index(0x80000001ULL, 4), 1);   /* bit 31 (RES1 in MPIDR) is ignored */
}

static void test_cpu_on(void)
{
    EXPECT_EQ(psci_check_cpu_on(-1, false, RAM, RAM, RAM_SIZE), PSCI_RET_INVALID_PARAMETERS);
    EXPECT_EQ(psci_check_cpu_on(1, true, RAM, RAM, RAM_SIZE), PSCI_RET_ALREADY_ON);
    EXPECT_EQ(psci_check_cpu_on(1, false, RAM, RAM, RAM_SIZE), PSCI_RET_SUCCESS);
    EXPECT_EQ(psci_check_cpu_on(1, false, RAM + RAM_SIZE - 4, RAM, RAM_SIZE), PSCI_RET_SUCCESS);
    EXPECT_EQ(psci_check_cpu_on(1, false, RAM + RAM_SIZE, RAM, RAM_SIZE), PSCI_RET_INVALID_ADDRESS);
    EXPECT_EQ(psci_check_cpu_on(1, false, RAM - 4, RAM, RAM_SIZE), PSCI_RET_INVALID_ADDRESS);
    EXPECT_EQ(psci_check_cpu_on(1, false, 0x1000, RAM, RAM_SIZE), PSCI_RET_INVALID_ADDRESS);
    EXPECT_EQ(psci_check_cpu_on(1, false, RAM + 2, RAM, RAM_SIZE), PSCI_RET_INVALID_ADDRESS);
    EXPECT_EQ(psci_check_cpu_on(1, false, UINT64_MAX, RAM, RAM_SIZE), PSCI_RET_INVALID_ADDRESS);
    /* Rule order: a bad target beats "already on" and a bad address. */
    EXPECT_EQ(psci_check_cpu_on(-1, true, 0, RAM, RAM_SIZE), PSCI_RET_INVALID_PARAMETERS);
    EXPECT_EQ(psci_check_cpu_on(0, true, 0, RAM, RAM_SIZE), PSCI_RET_ALREADY_ON);
}

static void test_affinity(void)
{
    EXPECT_EQ(psci_check_affinity_info(0, 0), PSCI_RET_SUCCESS);
    EXPECT_EQ(psci_check_affinity_info(-1, 0), PSCI_RET_INVALID_PARAMETERS);
    EXPECT_EQ(psci_check_affinity_info(0, 1), PSCI_RET_INVALID_PARAMETERS);
    EXPECT_EQ(psci_check_affinity_info(0, 3), PSCI_RET_INVALID_PARAMETERS);
}

int main(void)
{
    test_fids();
    test_mpidr();
    test_cpu_on();
    test_affinity();
    return unit_report("psci");
}
