/* Host tests: shrike's command-line tokens. */
#include "unit.h"
#include "kernel/bootargs.h"

UNIT_STATE;

int main(void)
{
    char buf[16];
    bootargs_init("  panic=poweroff vms=hello,smp  selftest=poweroff vmsx=1 long=0123456789abcdef");
    EXPECT(bootargs_has("panic=poweroff"));
    EXPECT(bootargs_has("selftest=poweroff"));
    EXPECT(!bootargs_has("panic"));
    EXPECT(!bootargs_has("poweroff"));
    EXPECT(!bootargs_has(""));
    EXPECT(bootargs_get("vms", buf, sizeof(buf)));
    EXPECT_STREQ(buf, "hello,smp");
    EXPECT(bootargs_get("vmsx", buf, sizeof(buf)));
    EXPECT_STREQ(buf, "1");
    EXPECT(!bootargs_get("vm", buf, sizeof(buf)));
    EXPECT(!bootargs_get("long", buf, sizeof(buf))); /* 16 chars do not fit with the NUL */
    EXPECT(!bootargs_get("absent", buf, sizeof(buf)));
    EXPECT(bootargs_has_key("long"));
    EXPECT(bootargs_has_key("vms"));
    EXPECT(!bootargs_has_key("vm"));
    EXPECT(!bootargs_has_key("panic=poweroff"));
    bootargs_init(NULL);
    EXPECT(!bootargs_has("panic=poweroff"));
    EXPECT(!bootargs_get("vms", buf, sizeof(buf)));
    return unit_report("bootargs");
}
