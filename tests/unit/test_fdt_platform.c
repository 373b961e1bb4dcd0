/*
 * Host tests of fdt_read_platform() (kernel/fdt_platform.c) on hand-built
 * boards: memory, CPUs, PSCI, GIC, UART, bootargs and rng-seed, and what it
 * refuses. The QEMU dumps are read in test_fdt.c; both use fdt_testlib.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fdt_testlib.h"
#include "kernel/fdt.h"
#include "unit.h"

UNIT_STATE;

/* ---- hand-built boards ---- */

static void test_board_basic(void)
{
    static struct bld b;
    static const uint32_t gic_reg[] = {0x2f000000, 0x10000, 0x2f100000, 0x200000};
    static const uint32_t uart_reg[] = {0x1c090000, 0x1000};
    static const uint32_t uart_irq[] = {0, 37, 4};
    struct fdt_platform pf;
    struct blob x;

    /* 1-cell root, psci hvc, no chosen, gic-v3 and a PL011 under a 1/1 bus */
    b_root(&b, 1, 1);
    b_memory(&b, "memory@80000000", (const uint32_t[]){0x80000000, 0x20000000}, 2);
    b_cpus(&b, 2);
    b_begin(&b, "psci");
    b_str(&b, "compatible", "arm,psci-0.2");
    b_str(&b, "method", "hvc");
    b_end(&b);
    b_begin(&b, "interrupt-controller@2f000000");
    b_prop(&b, "compatible", "arm,gic-v3\0", 11);
    b_cells(&b, "reg", gic_reg, 4);
    b_end(&b);
    b_begin(&b, "uart@1c090000");
    b_prop(&b, "compatible", "arm,pl011\0arm,primecell", 24);
    b_cells(&b, "reg", uart_reg, 2);
    b_cells(&b, "interrupts", uart_irq, 3);
    b_end(&b);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_OK);
    EXPECT_EQ(pf.nmem, 1);
    EXPECT_EQ(pf.mem[0].base, 0x80000000);
    EXPECT_EQ(pf.mem[0].size, 0x20000000);
    EXPECT_EQ(pf.ncpus, 2);
    EXPECT_EQ(pf.cpu_mpidr[1], 1);
    EXPECT(pf.psci_present && pf.psci_hvc);
    EXPECT_EQ(pf.gic_version, 3);
    EXPECT_EQ(pf.ngic_regs, 2);
    EXPECT_EQ(pf.gic_regs[1].base, 0x2f100000);
    EXPECT_EQ(pf.gic_regs[1].size, 0x200000);
    EXPECT(pf.uart_present);
    EXPECT_EQ(pf.uart.base, 0x1c090000);
    EXPECT(pf.uart_spi_valid);
    EXPECT_EQ(pf.uart_spi, 37);
    EXPECT_STREQ(pf.bootargs, "");
    free(x.mem);
}

static void test_board_cpus(void)
{
    static struct bld b;
    static const uint32_t r0[] = {0x0, 0x100}, r1[] = {0x1, 0x00000203}, r2[] = {0, 5};
    struct fdt_platform pf;
    struct blob x;

    /* 2-cell /cpus reg, a disabled CPU, a CPU with "okay", a cpu-map to skip */
    b_root(&b, 2, 2);
    b_memory(&b, "memory@40000000", mem_1g, 4);
    b_begin(&b, "cpus");
    b_cell(&b, "#address-cells", 2);
    b_cell(&b, "#size-cells", 0);
    b_begin(&b, "cpu-map");
    b_end(&b);
    b_cpu(&b, "cpu@100", r0, 2, NULL);
    b_cpu(&b, "cpu@5", r2, 2, "disabled");
    b_cpu(&b, "cpu@100000203", r1, 2, "okay");
    b_end(&b);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_OK);
    EXPECT_EQ(pf.ncpus, 2);
    EXPECT_EQ(pf.cpu_mpidr[0], 0x100);
    EXPECT_EQ(pf.cpu_mpidr[1], 0x100000203ull);
    EXPECT(!pf.cpus_truncated);
    EXPECT(!pf.psci_present);
    EXPECT_EQ(pf.gic_version, 0);
    EXPECT(!pf.uart_present);
    free(x.mem);

    /* a one-cell reg under #address-cells 2 */
    b_root(&b, 2, 2);
    b_memory(&b, "memory@40000000", mem_1g, 4);
    b_begin(&b, "cpus");
    b_cell(&b, "#address-cells", 2);
    b_cpu(&b, "cpu@0", r2 + 1, 1, NULL);
    b_end(&b);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_ERR_BADVALUE);
    free(x.mem);

    /* more CPUs than FDT_MAX_CPUS */
    b_board(&b, FDT_MAX_CPUS + 3);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_OK);
    EXPECT_EQ(pf.ncpus, FDT_MAX_CPUS);
    EXPECT(pf.cpus_truncated);
    EXPECT_EQ(pf.cpu_mpidr[FDT_MAX_CPUS - 1], FDT_MAX_CPUS - 1);
    free(x.mem);
}

static void test_board_memory(void)
{
    static struct bld b;
    static const uint32_t two[] = {0, 0x40000000, 0, 0x1000, 0x1, 0, 0, 0x2000};
    static const uint32_t five[] = {0, 3, 0, 0, 0, 1, 0, 1, 0, 2, 0, 1, 0, 4, 0, 1, 0, 5, 0, 1};
    struct fdt_platform pf;
    struct blob x;

    b_root(&b, 2, 2);
    b_memory(&b, "memory@40000000", two, 8);
    b_memory(&b, "memory@0", five, 20); /* one zero-size entry, one too many */
    b_cpus(&b, 1);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_OK);
    EXPECT_EQ(pf.nmem, FDT_MAX_MEM);
    EXPECT(pf.mem_truncated);
    EXPECT_EQ(pf.mem[1].base, 0x100000000ull);
    EXPECT_EQ(pf.mem[1].size, 0x2000);
    EXPECT_EQ(pf.mem[2].base, 1);
    EXPECT_EQ(pf.mem[3].base, 2);
    free(x.mem);

    b_root(&b, 2, 2); /* reg not a whole number of entries */
    b_memory(&b, "memory@0", five, 3);
    b_cpus(&b, 1);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_ERR_BADVALUE);
    EXPECT_EQ(pf.nmem, 0);
    EXPECT_STREQ(pf.bootargs, "");
    free(x.mem);

    b_root(&b, 3, 2); /* #address-cells 3 at the root */
    b_memory(&b, "memory@0", five, 5);
    b_cpus(&b, 1);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_ERR_BADVALUE);
    free(x.mem);
}

static void test_board_missing(void)
{
    static struct bld b;
    struct fdt_platform pf;
    struct blob x;

    b_root(&b, 2, 2); /* no /cpus */
    b_memory(&b, "memory@40000000", mem_1g, 4);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_ERR_NOTFOUND);
    free(x.mem);

    b_board(&b, 0); /* /cpus without a CPU */
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_ERR_NOTFOUND);
    free(x.mem);

    b_root(&b, 2, 2); /* no memory */
    b_cpus(&b, 1);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_ERR_NOTFOUND);
    free(x.mem);

    b_root(&b, 2, 2); /* a CPU without reg */
    b_memory(&b, "memory@40000000", mem_1g, 4);
    b_begin(&b, "cpus");
    b_cell(&b, "#address-cells", 1);
    b_cpu(&b, "cpu@0", NULL, 0, NULL);
    b_end(&b);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_ERR_BADVALUE);
    free(x.mem);
}

static void test_board_devices(void)
{
    static struct bld b;
    static const uint32_t reg[] = {0, 0x9040000, 0, 0x1000, 0, 0x9000000, 0, 0x1000};
    static const uint32_t ppi[] = {1, 9, 4};
    static const uint32_t gic[] = {0, 0x2c001000, 0, 0x1000, 0, 0x2c002000, 0, 0x2000,
                                   0, 0x2c004000, 0, 0x2000, 0, 0x2c006000, 0, 0x2000,
                                   0, 0x2c008000, 0, 0x2000};
    struct fdt_platform pf;
    struct blob x;

    b_board(&b, 1);
    b_begin(&b, "pl011@9040000"); /* secure UART first in DT order, disabled */
    b_str(&b, "compatible", "arm,pl011");
    b_str(&b, "status", "disabled");
    b_cells(&b, "reg", reg, 4);
    b_end(&b);
    b_begin(&b, "pl011@9000000");
    b_str(&b, "compatible", "arm,pl011");
    b_cells(&b, "reg", reg + 4, 4);
    b_cells(&b, "interrupts", ppi, 3);
    b_end(&b);
    b_begin(&b, "interrupt-controller@2c001000");
    b_str(&b, "compatible", "arm,gic-400");
    b_cells(&b, "reg", gic, 20); /* five entries: only four kept */
    b_end(&b);
    b_begin(&b, "psci");
    b_str(&b, "compatible", "arm,psci");
    b_str(&b, "method", "firmware");
    b_end(&b);
    b_begin(&b, "chosen");
    b_str(&b, "bootargs", "x=1");
    b_end(&b);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_OK);
    EXPECT(pf.uart_present);
    EXPECT_EQ(pf.uart.base, 0x9000000);
    EXPECT(!pf.uart_spi_valid);
    EXPECT_EQ(pf.gic_version, 2);
    EXPECT_EQ(pf.ngic_regs, 4);
    EXPECT_EQ(pf.gic_regs[3].base, 0x2c006000);
    EXPECT(!pf.psci_present);
    EXPECT_STREQ(pf.bootargs, "x=1");
    free(x.mem);
}

/* compatible without its NUL, interrupts one cell long */
static void test_board_short_props(void)
{
    static struct bld b;
    static const uint32_t reg[] = {0, 0x9000000, 0, 0x1000};
    struct fdt_platform pf;
    struct blob x;

    b_board(&b, 1);
    b_begin(&b, "pl011@9040000");
    b_prop(&b, "compatible", "arm,pl011", 9);
    b_cells(&b, "reg", reg, 4);
    b_end(&b);
    b_begin(&b, "pl011@9000000");
    b_str(&b, "compatible", "arm,pl011");
    b_cells(&b, "reg", reg, 4);
    b_cell(&b, "interrupts", 0);
    b_end(&b);
    x = b_close(&b);
    EXPECT(!fdt_node_is_compatible(x.p, fdt_path_offset(x.p, "/pl011@9040000"), "arm,pl011"));
    EXPECT_EQ(platform_of(&x, &pf), FDT_OK);
    EXPECT(pf.uart_present);
    EXPECT(!pf.uart_spi_valid);
    free(x.mem);
}

static void test_board_bootargs(void)
{
    static struct bld b;
    struct fdt_platform pf;
    struct blob x;

    b_board(&b, 1);
    b_begin(&b, "chosen");
    b_prop(&b, "bootargs", "abc", 3); /* no NUL */
    b_end(&b);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_ERR_BADVALUE);
    free(x.mem);

    b_board(&b, 1);
    b_begin(&b, "chosen");
    b_prop(&b, "bootargs", "", 0);
    b_end(&b);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_ERR_BADVALUE);
    free(x.mem);

    b_board(&b, 1);
    b_begin(&b, "chosen");
    b_str(&b, "stdout-path", "/uart");
    b_end(&b);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_OK);
    EXPECT_STREQ(pf.bootargs, "");
    EXPECT(pf.rng_seed == NULL);
    EXPECT_EQ(pf.rng_seed_len, 0);
    free(x.mem);

    /* rng-seed: any length but 0 (QEMU gives 32 bytes; see also the fixtures) */
    static const uint8_t seed[5] = {1, 2, 3, 4, 5};
    b_board(&b, 1);
    b_begin(&b, "chosen");
    b_prop(&b, "rng-seed", seed, sizeof(seed));
    b_end(&b);
    x = b_close(&b);
    EXPECT_EQ(platform_of(&x, &pf), FDT_OK);
    EXPECT_EQ(pf.rng_seed_len, 5);
    EXPECT(pf.rng_seed != NULL && memcmp(pf.rng_seed, seed, 5) == 0);
    free(x.mem);
}

int main(void)
{
    test_board_basic();
    test_board_cpus();
    test_board_memory();
    test_board_missing();
    test_board_devices();
    test_board_short_props();
    test_board_bootargs();
    return unit_report("fdt_platform");
}
