/* DTB queries of a test guest (see dtb.h). */
#include "guests/lib/dtb.h"

#include <stdbool.h>
#include <stddef.h>

#include "guests/lib/console.h"
#include "kernel/fdt.h"
#include "vcpu/abi.h"

/*
 * shrike's DTB sits at RAM base and must end before the image; elsewhere (QEMU
 * puts its 1 MiB DTB above a raw image) accept up to 2 MiB.
 */
#define DTB_MAX_SIZE 0x200000UL

static const void *blob;
static bool blob_ok;

int dtb_init(uint64_t x0)
{
    int rc;

    /* shrike and QEMU both pass the DTB's address in x0 (above the image: vcpu/abi.h). */
    if (x0 == 0) {
        blob_ok = false;
        return -1;
    }
    blob = (const void *)(uintptr_t)x0;
    rc = fdt_check(blob, DTB_MAX_SIZE);
    blob_ok = rc == 0;
    return rc;
}

const void *dtb_blob(void)
{
    return blob;
}

static bool is_cpu_node(const char *name)
{
    return name != NULL && name[0] == 'c' && name[1] == 'p' && name[2] == 'u' &&
           (name[3] == '@' || name[3] == '\0');
}

int dtb_cpu_count(void)
{
    int cpus, node, count = 0;

    if (!blob_ok) {
        return FDT_ERR_BADMAGIC;
    }
    cpus = fdt_path_offset(blob, "/cpus");
    if (cpus < 0) {
        return cpus;
    }
    for (node = fdt_first_subnode(blob, cpus); node >= 0; node = fdt_next_subnode(blob, node)) {
        if (is_cpu_node(fdt_node_name(blob, node))) {
            count++;
        }
    }
    return node == FDT_ERR_NOTFOUND ? count : node;
}

/* A one-cell property of node (#address-cells, #size-cells), or dflt. */
static int node_cells(int node, const char *name, int dflt)
{
    int len;
    const void *p = node >= 0 ? fdt_getprop(blob, node, name, &len) : NULL;

    return p != NULL && len == 4 ? (int)fdt_read_cells(p, 1) : dflt;
}

/* The same of the root. */
static int root_cells(const char *name, int dflt)
{
    return node_cells(fdt_path_offset(blob, "/"), name, dflt);
}

int dtb_memory(uint64_t *base, uint64_t *size)
{
    int node, len, ac, sc;
    const uint8_t *reg;

    if (!blob_ok) {
        return FDT_ERR_BADMAGIC;
    }
    node = fdt_path_offset(blob, "/memory");
    if (node < 0) {
        return node;
    }
    ac = root_cells("#address-cells", 2);
    sc = root_cells("#size-cells", 1);
    reg = fdt_getprop(blob, node, "reg", &len);
    if (reg == NULL) {
        return len;
    }
    if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < 4 * (ac + sc)) {
        return FDT_ERR_BADVALUE;
    }
    *base = fdt_read_cells(reg, ac);
    *size = fdt_read_cells(reg + 4 * ac, sc);
    return 0;
}

static const struct {
    const char *compat;
    unsigned version;
} gic_compats[] = {
    {"arm,gic-v3", 3},
    {"arm,cortex-a15-gic", 2},
    {"arm,gic-400", 2},
};

int dtb_gic(struct dtb_gic *out)
{
    int ac, sc, len, node = FDT_ERR_NOTFOUND;
    unsigned i;
    const uint8_t *reg;

    if (!blob_ok) {
        return FDT_ERR_BADMAGIC;
    }
    for (i = 0; i < sizeof(gic_compats) / sizeof(gic_compats[0]); i++) {
        node = fdt_find_compatible(blob, -1, gic_compats[i].compat);
        if (node >= 0) {
            break;
        }
    }
    if (node < 0) {
        return node;
    }
    /* reg is in the parent's cells (the root's for QEMU's and shrike's GIC; a bus's on many
     * boards). */
    ac = node_cells(fdt_parent_offset(blob, node), "#address-cells", 2);
    sc = node_cells(fdt_parent_offset(blob, node), "#size-cells", 1);
    reg = fdt_getprop(blob, node, "reg", &len);
    if (reg == NULL) {
        return len;
    }
    if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < 8 * (ac + sc)) {
        return FDT_ERR_BADVALUE;
    }
    out->version = gic_compats[i].version;
    out->compat = gic_compats[i].compat;
    out->dist_base = fdt_read_cells(reg, ac);
    out->dist_size = fdt_read_cells(reg + 4 * ac, sc);
    out->cpu_base = fdt_read_cells(reg + 4 * (ac + sc), ac);
    out->cpu_size = fdt_read_cells(reg + 4 * (2 * ac + sc), sc);
    return 0;
}

bool dtb_bootargs_have(const char *word)
{
    int node = fdt_path_offset(dtb_blob(), "/chosen");
    int len = 0;
    const char *args = node >= 0 ? fdt_getprop(dtb_blob(), node, "bootargs", &len) : NULL;

    for (int i = 0; args != NULL && i < len; i++) {
        int j = 0;
        while (word[j] != '\0' && i + j < len && args[i + j] == word[j]) {
            j++;
        }
        if (word[j] == '\0') {
            return true;
        }
    }
    return false;
}

bool dtb_bootargs_u64(const char *name, uint64_t *val)
{
    int node = fdt_path_offset(dtb_blob(), "/chosen");
    int len = 0;
    const char *args = node >= 0 ? fdt_getprop(dtb_blob(), node, "bootargs", &len) : NULL;

    for (int i = 0; args != NULL && i < len; i++) {
        if (i > 0 && args[i - 1] != ' ') {
            continue; /* a word starts here only after a space */
        }
        int j = 0;
        while (name[j] != '\0' && i + j < len && args[i + j] == name[j]) {
            j++;
        }
        if (name[j] != '\0' || i + j >= len || args[i + j] != '=') {
            continue;
        }
        uint64_t v = 0;
        int k = i + j + 1;
        if (k >= len || args[k] < '0' || args[k] > '9') {
            return false;
        }
        while (k < len && args[k] >= '0' && args[k] <= '9') {
            v = v * 10 + (uint64_t)(args[k] - '0');
            k++;
        }
        *val = v;
        return true;
    }
    return false;
}

/* One /chosen seed property: its size and first 8 bytes in hex, or that it is absent. */
static void show_seed(const char *name)
{
    int node = fdt_path_offset(dtb_blob(), "/chosen");
    int len = 0;
    const uint8_t *p = node >= 0 ? fdt_getprop(dtb_blob(), node, name, &len) : NULL;

    if (p == NULL) {
        printf("seeds: no %s\n", name);
        return;
    }
    printf("seeds: %s %d bytes, begins ", name, len);
    for (int i = 0; i < len && i < 8; i++) {
        printf("%02x", p[i]);
    }
    printf("\n");
}

void dtb_show_seeds(void)
{
    show_seed("rng-seed");
    show_seed("kaslr-seed");
}
