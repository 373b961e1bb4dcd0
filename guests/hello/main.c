/*
 * hello: the smallest test guest. Prints a greeting and checks the boot
 * contract: x0 points at the VM's DTB, and SMCCC, PSCI and shrike's vCPU-id
 * hypercall answer as documented (the shrike-only checks are skipped on bare
 * QEMU). It also prints the seeds it found in /chosen (system.vm-seeds).
 */
#include "guests/lib/guest.h"

#define FDT_MAGIC 0xd00dfeedU

static uint32_t be32_at(const void *p)
{
    const volatile uint8_t *b = p;

    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

void guest_main(void)
{
    printf("Hello from a shrike guest\n");
    dtb_show_seeds();

    if (guest_on_shrike()) {
        CHECK_EQ(guest_boot_x0(), (uint64_t)(uintptr_t)dtb_blob(),
                 "x0 at entry is the DTB address");
    } else {
        test_skip("not on shrike", "x0 at entry is the DTB address");
    }
    /* Where QEMU's -kernel puts it too (vcpu/abi.h): frameworks that assume so start. */
    CHECK(guest_boot_x0() >= (uint64_t)(uintptr_t)__image_end,
          "the DTB (0x%lx) lies above the image (end 0x%lx)", guest_boot_x0(),
          (uint64_t)(uintptr_t)__image_end);
    CHECK_EQ(guest_boot_x0() % 0x200000, 0, "the DTB is 2 MiB aligned");
    CHECK_EQ(be32_at(dtb_blob()), FDT_MAGIC, "DTB magic 0xd00dfeed at 0x%lx",
             (uint64_t)(uintptr_t)dtb_blob());
    CHECK_EQ(psci_version(), 0x10001, "PSCI_FN_VERSION is 1.1");
    if (guest_on_shrike()) {
        CHECK_EQ(hvc_call(SMCCC_VERSION, 0, 0, 0), SMCCC_VERSION_1_1, "SMCCC_VERSION is 1.1");
        CHECK_EQ(hvc_call(SHRIKE_HC_VCPU_ID, 0, 0, 0) & 0xFFFF, 0, "SHRIKE_HC_VCPU_ID: vCPU 0");
    } else {
        test_skip("not on shrike", "SMCCC_VERSION is 1.1");
        test_skip("not on shrike", "SHRIKE_HC_VCPU_ID: vCPU 0");
    }
}
