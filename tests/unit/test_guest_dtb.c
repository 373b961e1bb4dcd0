/*
 * Host tests of the guest library's GIC lookup (guests/lib/dtb.c, dtb_gic()):
 * which version a VM's DTB names and where its frames are, on QEMU's own
 * GICv2 and GICv3 DTBs and on hand-made trees (a GIC-400 under a bus with
 * its own cell counts, no GIC, a reg too short for two ranges).
 */
#include <stdlib.h>

#include "guests/lib/dtb.h"
#include "tests/unit/fdt_testlib.h"
#include "tests/unit/unit.h"

UNIT_STATE;

static int gic_of(const struct blob *x, struct dtb_gic *g)
{
    int rc = dtb_init((uint64_t)(uintptr_t)x->p);

    return rc != 0 ? rc : dtb_gic(g);
}

static void test_qemu(void)
{
    struct blob x = load_fixture("virt-gicv2-smp4.dtb");
    struct dtb_gic g;

    EXPECT_EQ(gic_of(&x, &g), 0);
    EXPECT_EQ(g.version, 2);
    EXPECT_STREQ(g.compat, "arm,cortex-a15-gic");
    EXPECT_EQ(g.dist_base, 0x08000000);
    EXPECT_EQ(g.dist_size, 0x10000);
    EXPECT_EQ(g.cpu_base, 0x08010000); /* GICC, not GICH/GICV (reg[2], reg[3]) */
    EXPECT_EQ(g.cpu_size, 0x10000);
    free(x.mem);

    x = load_fixture("virt-gicv3-smp4.dtb");
    EXPECT_EQ(gic_of(&x, &g), 0);
    EXPECT_EQ(g.version, 3);
    EXPECT_STREQ(g.compat, "arm,gic-v3");
    EXPECT_EQ(g.dist_base, 0x08000000);
    EXPECT_EQ(g.cpu_base, 0x080A0000); /* the redistributors */
    EXPECT_EQ(g.cpu_size, 0xF60000);
    free(x.mem);
}

static void test_hand_made(void)
{
    static struct bld b;
    static const uint32_t reg400[] = {0x2c001000, 0x1000, 0x2c002000, 0x2000};
    static const uint32_t short_reg[] = {0, 0x08000000, 0, 0x10000};
    struct dtb_gic g;
    struct blob x;

    /* a GIC-400 under /soc with one address and one size cell */
    b_board(&b, 2);
    b_begin(&b, "soc");
    b_cell(&b, "#address-cells", 1);
    b_cell(&b, "#size-cells", 1);
    b_begin(&b, "interrupt-controller@2c001000");
    b_str(&b, "compatible", "arm,gic-400");
    b_cells(&b, "reg", reg400, 4);
    b_end(&b);
    b_end(&b);
    x = b_close(&b);
    EXPECT_EQ(gic_of(&x, &g), 0);
    EXPECT_EQ(g.version, 2);
    EXPECT_STREQ(g.compat, "arm,gic-400");
    EXPECT_EQ(g.dist_base, 0x2c001000);
    EXPECT_EQ(g.dist_size, 0x1000);
    EXPECT_EQ(g.cpu_base, 0x2c002000);
    EXPECT_EQ(g.cpu_size, 0x2000);
    free(x.mem);

    /* no GIC node */
    b_board(&b, 1);
    x = b_close(&b);
    EXPECT_EQ(gic_of(&x, &g), FDT_ERR_NOTFOUND);
    free(x.mem);

    /* a GICv3 whose reg holds one range only */
    b_board(&b, 1);
    b_begin(&b, "intc@8000000");
    b_str(&b, "compatible", "arm,gic-v3");
    b_cells(&b, "reg", short_reg, 4);
    b_end(&b);
    x = b_close(&b);
    EXPECT_EQ(gic_of(&x, &g), FDT_ERR_BADVALUE);
    free(x.mem);
}

int main(void)
{
    test_qemu();
    test_hand_made();
    return unit_report("guest_dtb");
}
