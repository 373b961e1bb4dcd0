/*
 * psci: every PSCI call shrike answers and every error code it can give:
 * INVALID_PARAMETERS, ALREADY_ON, INVALID_ADDRESS, NOT_SUPPORTED; PSCI_FN_FEATURES,
 * MIGRATE_INFO_TYPE, CPU_SUSPEND (standby); then a good CPU_ON of vCPU 1,
 * which prints "vcpu 1 up" and powers itself off. Needs 2 vCPUs for the
 * CPU_ON checks. Three checks only run on shrike: INVALID_ADDRESS (bare QEMU
 * would start vCPU 1 at the bad address), AFFINITY_INFO level 1 (QEMU accepts
 * it) and CPU_SUSPEND (QEMU's standby waits for an interrupt that never comes).
 * CPU_SUSPEND waits like WFI: a virtual-timer watchdog 5 ms away wakes it.
 * A 32-bit call (PSCI_VERSION, 0x84000000) leaves x1-x3 whole, top halves
 * included, over HVC and over SMC.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define WAIT_MS      5000
#define BAD_ENTRY    0x1000UL
#define TRNG_VERSION 0x84000050U

static unsigned vcpu1_up;

static void vcpu1_main(unsigned idx)
{
    printf("vcpu %u up\n", idx);
    store_release(&vcpu1_up, 1);
}

static void error_codes(unsigned nvcpus)
{
    uint64_t entry = (uint64_t)(uintptr_t)guest_secondary_entry;

    CHECK_EQ(psci_cpu_on(0xFF, entry, 0), PSCI_RET_INVALID_PARAMETERS,
             "CPU_ON(0xff): INVALID_PARAMETERS");
    CHECK_EQ(psci_cpu_on(guest_vcpu_index(), entry, 0), PSCI_RET_ALREADY_ON,
             "CPU_ON(self): ALREADY_ON");
    if (nvcpus < 2) {
        test_skip("1 vCPU", "CPU_ON(1, 0x1000): INVALID_ADDRESS");
    } else if (!guest_on_shrike()) {
        test_skip("not on shrike", "CPU_ON(1, 0x1000): INVALID_ADDRESS");
    } else {
        CHECK_EQ(psci_cpu_on(1, BAD_ENTRY, 1), PSCI_RET_INVALID_ADDRESS,
                 "CPU_ON(1, 0x1000): INVALID_ADDRESS");
    }
    CHECK_EQ(psci_affinity_info(0xFF, 0), PSCI_RET_INVALID_PARAMETERS,
             "AFFINITY_INFO(0xff, 0): INVALID_PARAMETERS");
    if (guest_on_shrike()) {
        CHECK_EQ(psci_affinity_info(0, 1), PSCI_RET_INVALID_PARAMETERS,
                 "AFFINITY_INFO(0, level 1): INVALID_PARAMETERS");
    } else {
        test_skip("not on shrike (QEMU accepts level 1)",
                  "AFFINITY_INFO(0, level 1): INVALID_PARAMETERS");
    }
}

static void features(void)
{
    static const struct {
        uint32_t fid;
        const char *name;
    } present[] = {
        {PSCI_FN_VERSION, "PSCI_FN_VERSION"},
        {PSCI_FN_CPU_ON_64, "CPU_ON (SMC64)"},
        {PSCI_FN_CPU_OFF, "CPU_OFF"},
        {PSCI_FN_AFFINITY_INFO_64, "AFFINITY_INFO (SMC64)"},
        {PSCI_FN_SYSTEM_OFF, "SYSTEM_OFF"},
        {PSCI_FN_SYSTEM_RESET, "SYSTEM_RESET"},
        {PSCI_FN_MIGRATE_INFO_TYPE, "MIGRATE_INFO_TYPE"},
        {PSCI_FN_CPU_SUSPEND_64, "CPU_SUSPEND (SMC64)"},
        {PSCI_FN_FEATURES, "PSCI_FN_FEATURES"},
    };

    for (size_t i = 0; i < sizeof(present) / sizeof(present[0]); i++) {
        int64_t rc = psci_features(present[i].fid);
        CHECK(rc >= 0, "PSCI_FN_FEATURES(%s) >= 0 (%ld)", present[i].name, rc);
    }
    CHECK_EQ(psci_features(TRNG_VERSION), PSCI_RET_NOT_SUPPORTED,
             "PSCI_FN_FEATURES(0x84000050): NOT_SUPPORTED");
}

static void cpu_on_vcpu1(void)
{
    uint64_t deadline;
    bool off = false;

    CHECK_EQ(guest_cpu_on(1, vcpu1_main), PSCI_RET_SUCCESS, "CPU_ON(1) with a good entry: SUCCESS");
    deadline = deadline_after_ms(WAIT_MS);
    while (!off && !deadline_passed(deadline)) {
        off = load_acquire(&vcpu1_up) == 1 && psci_affinity_info(1, 0) == PSCI_AFFINITY_OFF;
    }
    CHECK(load_acquire(&vcpu1_up) == 1, "vcpu 1 ran");
    CHECK(off, "vcpu 1 switched itself off (AFFINITY_INFO(1) is OFF)");
}

/* An SMC32/HVC32 call reads only w1-w3 but must hand x1-x3 back unchanged. */
static void smc32_keeps_x1_x3(void)
{
    const uint64_t a1 = 0xA5A5A5A500000001ULL;
    const uint64_t a2 = 0x5A5A5A5A00000002ULL;
    const uint64_t a3 = 0xFFFFFFFF00000003ULL;
    struct smccc_res h = hvc_call_res(PSCI_FN_VERSION, a1, a2, a3);
    struct smccc_res m = smc_call_res(PSCI_FN_VERSION, a1, a2, a3);

    CHECK(h.a0 == 0x10001 && h.a1 == a1 && h.a2 == a2 && h.a3 == a3,
          "HVC32 PSCI_VERSION: x1-x3 unchanged (%#lx %#lx %#lx)", h.a1, h.a2, h.a3);
    CHECK(m.a0 == 0x10001 && m.a1 == a1 && m.a2 == a2 && m.a3 == a3,
          "SMC32 PSCI_VERSION: x1-x3 unchanged (%#lx %#lx %#lx)", m.a1, m.a2, m.a3);
}

static void suspend_until_watchdog(void)
{
    CHECK_EQ(gic_init(), 0, "GIC up (for CPU_SUSPEND's wake-up)");
    timer_watchdog_arm(TIMER_VIRT, 5);
    CHECK_EQ(psci_cpu_suspend(0, 0, 0), PSCI_RET_SUCCESS,
             "CPU_SUSPEND(standby 0) returns SUCCESS (woken by its timer)");
    timer_watchdog_cancel(TIMER_VIRT);
}

void guest_main(void)
{
    int cpus = dtb_cpu_count();
    unsigned nvcpus = cpus > 0 ? (unsigned)cpus : 1;

    CHECK_EQ(psci_version(), 0x10001, "PSCI_FN_VERSION is 1.1");
    error_codes(nvcpus);
    features();
    CHECK_EQ(psci_migrate_info_type(), 2, "MIGRATE_INFO_TYPE: 2 (no trusted OS)");
    smc32_keeps_x1_x3();
    if (guest_on_shrike()) {
        suspend_until_watchdog();
    } else {
        /* QEMU's standby is a WFI, and this guest has no interrupt to wake it. */
        test_skip("not on shrike (QEMU waits for an interrupt)",
                  "CPU_SUSPEND(standby 0) returns SUCCESS");
    }
    if (nvcpus < 2) {
        test_skip("1 vCPU", "CPU_ON(1) with a good entry");
        return;
    }
    CHECK_EQ(psci_affinity_info(1, 0), PSCI_AFFINITY_OFF, "AFFINITY_INFO(1) is OFF before CPU_ON");
    cpu_on_vcpu1();
}
