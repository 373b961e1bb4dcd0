/*
 * The host DTB reader (kernel/fdt.c, fdt_platform.c): the blob the firmware
 * or QEMU hands shrike at boot. The input is the blob, copied into a buffer
 * of exactly its size (ASan catches any read past it). Checked: the reader
 * never reads outside the blob, a failed read leaves the result zeroed,
 * counts stay within their arrays, and pointers it returns point into the
 * blob (bootargs NUL-terminated there). A tree walk from the root over every
 * node and the in-place edits run too when the header is sound.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "kernel/fdt.h"

static bool inside(const void *blob, size_t size, const void *p, size_t len)
{
    const uint8_t *b = blob;
    const uint8_t *q = p;
    return q >= b && len <= size && (size_t)(q - b) <= size - len;
}

static void walk(const void *blob, size_t size, int node, unsigned depth, unsigned *budget)
{
    FUZZ_CHECK(depth <= FDT_MAX_DEPTH + 1);
    const char *name = fdt_node_name(blob, node);
    FUZZ_CHECK(name != NULL && inside(blob, size, name, strlen(name) + 1));
    int len = 0;
    const void *p = fdt_getprop(blob, node, "reg", &len);
    FUZZ_CHECK(p == NULL ? len < 0 : (len >= 0 && inside(blob, size, p, (size_t)len)));
    (void)fdt_node_is_compatible(blob, node, "arm,gic-v3");
    for (int child = fdt_first_subnode(blob, node); child >= 0 && *budget != 0;
         child = fdt_next_subnode(blob, child)) {
        (*budget)--;
        FUZZ_CHECK(fdt_parent_offset(blob, child) == node);
        walk(blob, size, child, depth + 1, budget);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *blob = malloc(size ? size : 1);
    FUZZ_CHECK(blob != NULL);
    memcpy(blob, data, size);

    struct fdt_platform plat;
    memset(&plat, 0xa5, sizeof(plat));
    int rc = fdt_read_platform(blob, size, &plat);
    FUZZ_CHECK(fdt_strerror(rc) != NULL);
    if (rc != 0) {
        /* Every field zero (padding is not a field: compare them one by one). */
        for (unsigned i = 0; i < FDT_MAX_MEM; i++) {
            FUZZ_CHECK(plat.mem[i].base == 0 && plat.mem[i].size == 0);
        }
        for (unsigned i = 0; i < FDT_MAX_CPUS; i++) {
            FUZZ_CHECK(plat.cpu_mpidr[i] == 0);
        }
        for (unsigned i = 0; i < FDT_MAX_GIC; i++) {
            FUZZ_CHECK(plat.gic_regs[i].base == 0 && plat.gic_regs[i].size == 0);
        }
        FUZZ_CHECK(plat.nmem == 0 && !plat.mem_truncated && plat.ncpus == 0 &&
                   !plat.cpus_truncated);
        FUZZ_CHECK(!plat.psci_present && !plat.psci_hvc && plat.gic_version == 0);
        FUZZ_CHECK(plat.ngic_regs == 0 && !plat.uart_present && plat.uart.base == 0);
        FUZZ_CHECK(plat.uart.size == 0 && !plat.uart_spi_valid && plat.uart_spi == 0);
        FUZZ_CHECK(plat.bootargs != NULL && plat.bootargs[0] == 0 && plat.rng_seed == NULL &&
                   plat.rng_seed_len == 0);
    } else {
        FUZZ_CHECK(plat.nmem >= 1 && plat.nmem <= FDT_MAX_MEM);
        FUZZ_CHECK(plat.ncpus >= 1 && plat.ncpus <= FDT_MAX_CPUS);
        FUZZ_CHECK(plat.ngic_regs <= FDT_MAX_GIC);
        FUZZ_CHECK(plat.gic_version == 0 || plat.gic_version == 2 || plat.gic_version == 3);
        FUZZ_CHECK(plat.bootargs != NULL);
        /* strlen runs past the buffer (an ASan report) if it is not terminated in the blob. */
        FUZZ_CHECK(plat.bootargs[0] == '\0' ||
                   inside(blob, size, plat.bootargs, strlen(plat.bootargs) + 1));
        FUZZ_CHECK(plat.rng_seed == NULL ? plat.rng_seed_len == 0
                                         : inside(blob, size, plat.rng_seed, plat.rng_seed_len));
        for (unsigned i = 0; i < plat.nmem; i++) {
            FUZZ_CHECK(plat.mem[i].size != 0);
        }
    }

    if (fdt_check_header(blob, size) == 0) {
        FUZZ_CHECK(fdt_total_size(blob) <= size);
        int root = fdt_path_offset(blob, "/");
        if (root >= 0 && fdt_check(blob, size) == 0) {
            unsigned budget = 512;
            walk(blob, size, root, 1, &budget);
        }
        (void)fdt_path_offset(blob, "/cpus/cpu@0");
        (void)fdt_find_compatible(blob, -1, "arm,pl011");
        (void)fdt_setprop_u32_inplace(blob, "/chosen", "linux,initrd-start", 0x1234);
        (void)fdt_nop_property(blob, "/chosen", "bootargs");
        (void)fdt_read_platform(blob, size, &plat);
    }
    free(blob);
    return 0;
}
