/*
 * reset: PSCI SYSTEM_RESET restarts the VM from a pristine image. Boots 0 and
 * 1 print "reset guest: boot N, resetting" and reset; boot 2 prints "reset
 * guest: boot 2, done" and checks that shrike counted 2 resets and that .data
 * and .bss were reloaded (each counter below was incremented exactly once in
 * this boot). Shrike only: bare QEMU has no reset count.
 */
#include "guests/lib/guest.h"

#define DATA_INITIAL 0x5EED0000U
#define BOOTS        2

static unsigned data_counter = DATA_INITIAL;
static unsigned bss_counter;

void guest_main(void)
{
    struct fault_record rec;
    int64_t boot;

    data_counter++;
    bss_counter++;

    fault_expect(&rec);
    boot = hvc_call(SHRIKE_HC_RESET_COUNT, 0, 0, 0);
    fault_expect_end();
    if (rec.count != 0 || boot < 0) {
        CHECK(false, "SHRIKE_HC_RESET_COUNT answers (needs shrike)");
        return;
    }
    dtb_show_seeds(); /* fresh at every load */
    if (boot < BOOTS) {
        printf("reset guest: boot %ld, resetting\n", boot);
        psci_system_reset();
    }
    printf("reset guest: boot %ld, done\n", boot);
    CHECK_EQ(boot, BOOTS, "reset count is %d", BOOTS);
    CHECK_EQ(data_counter, DATA_INITIAL + 1, ".data was reloaded (counter incremented once)");
    CHECK_EQ(bss_counter, 1, ".bss was cleared (counter incremented once)");
}
