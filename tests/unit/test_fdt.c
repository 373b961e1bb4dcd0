/*
 * Host tests for kernel/fdt.c: exact values from QEMU virt DTB dumps, the low-level
 * walkers, hand-built edge and hostile blobs, in-place edits, and a fixed-seed
 * mutation loop that must finish without a sanitizer report. What shrike reads
 * from a host DTB (fdt_read_platform on hand-built boards) is in
 * test_fdt_platform.c; both use fdt_testlib.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fdt_testlib.h"
#include "kernel/fdt.h"
#include "unit.h"

UNIT_STATE;

static void test_fixture(const struct fixture *fx)
{
    struct blob b = load_fixture(fx->file), odd;
    struct fdt_platform pf;

    /* smp4 is QEMU's raw dump (padded to 1 MiB); the others were compacted with dtc. */
    EXPECT(b.size == QEMU_DTB_SIZE || strcmp(fx->file, "virt-gicv3-smp4.dtb") != 0);
    EXPECT_EQ(fdt_check_header(b.p, b.size), FDT_OK);
    EXPECT_EQ(fdt_check(b.p, b.size), FDT_OK);
    EXPECT_EQ(fdt_total_size(b.p), b.size);
    EXPECT_EQ(fdt_read_platform(b.p, b.size, &pf), FDT_OK);
    check_platform(fx, &pf);
    EXPECT((const uint8_t *)pf.bootargs > b.p && (const uint8_t *)pf.bootargs < b.p + b.size);
    /* QEMU's virt tree carries 32 bytes of rng-seed in /chosen */
    EXPECT_EQ(pf.rng_seed_len, 32);
    EXPECT(pf.rng_seed > b.p && pf.rng_seed + 32 <= b.p + b.size);

    /* the whole blob must be there */
    EXPECT_EQ(fdt_check(b.p, b.size - 1), FDT_ERR_TRUNCATED);
    EXPECT_EQ(fdt_read_platform(b.p, b.size - 1, &pf), FDT_ERR_TRUNCATED);

    /* the same blob at an odd address */
    odd = blob_copy(b.p, b.size, 3);
    EXPECT_EQ(fdt_read_platform(odd.p, odd.size, &pf), FDT_OK);
    check_platform(fx, &pf);
    free(odd.mem);
    free(b.mem);
}

/* ---- low-level walkers on virt-gicv3-smp4 ---- */

static void expect_path(const void *blob, const char *path, const char *name)
{
    int off = fdt_path_offset(blob, path);

    EXPECT(off >= 0);
    EXPECT_STREQ(fdt_node_name(blob, off), name);
}

static void test_paths(const void *blob)
{
    int root = fdt_path_offset(blob, "/");

    EXPECT(root >= 0);
    EXPECT_STREQ(fdt_node_name(blob, root), "");
    expect_path(blob, "/cpus", "cpus");
    expect_path(blob, "/cpus/cpu@2", "cpu@2");
    expect_path(blob, "//cpus//cpu@3/", "cpu@3");
    expect_path(blob, "/memory", "memory@40000000");
    expect_path(blob, "/memory@40000000", "memory@40000000");
    expect_path(blob, "/intc/its", "its@8080000");
    expect_path(blob, "/intc@8000000/its@8080000", "its@8080000");
    expect_path(blob, "/cpus/cpu-map/socket0/cluster0/core3", "core3");
    expect_path(blob, "/chosen", "chosen");
    EXPECT_EQ(fdt_path_offset(blob, "/cpus/cpu"), FDT_ERR_NOTFOUND); /* four cpu@N */
    EXPECT_EQ(fdt_path_offset(blob, "/virtio_mmio"), FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_path_offset(blob, "/cpu"), FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_path_offset(blob, "/cpus/cpu@9"), FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_path_offset(blob, "/memory@4"), FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_path_offset(blob, "/nonexistent/x"), FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_path_offset(blob, "cpus"), FDT_ERR_BADARG);
    EXPECT_EQ(fdt_path_offset(blob, ""), FDT_ERR_BADARG);
    EXPECT_EQ(fdt_path_offset(blob, NULL), FDT_ERR_BADARG);
    EXPECT_EQ(fdt_path_offset(NULL, "/"), FDT_ERR_BADARG);
}

static unsigned count_children(const void *blob, int node)
{
    unsigned n = 0;
    int child, prev = node;

    for (child = fdt_first_subnode(blob, node); child >= 0; child = fdt_next_subnode(blob, child)) {
        if (child <= prev) {
            return 9999;
        }
        prev = child;
        n++;
    }
    return child == FDT_ERR_NOTFOUND ? n : 9999;
}

static void test_subnodes(const void *blob)
{
    int cpus = fdt_path_offset(blob, "/cpus");
    int child = fdt_first_subnode(blob, cpus);
    int its = fdt_path_offset(blob, "/intc/its");

    EXPECT_STREQ(fdt_node_name(blob, child), "cpu-map");
    child = fdt_next_subnode(blob, child);
    EXPECT_STREQ(fdt_node_name(blob, child), "cpu@0");
    EXPECT_EQ(count_children(blob, cpus), 5);
    EXPECT_EQ(count_children(blob, fdt_path_offset(blob, "/")), 48);
    EXPECT_EQ(fdt_first_subnode(blob, fdt_path_offset(blob, "/cpus/cpu@0")), FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_next_subnode(blob, fdt_path_offset(blob, "/chosen")), FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_next_subnode(blob, fdt_path_offset(blob, "/")), FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_parent_offset(blob, its), fdt_path_offset(blob, "/intc"));
    EXPECT_EQ(fdt_parent_offset(blob, fdt_path_offset(blob, "/cpus/cpu@3")), cpus);
    EXPECT_EQ(fdt_parent_offset(blob, cpus), fdt_path_offset(blob, "/"));
    EXPECT_EQ(fdt_parent_offset(blob, fdt_path_offset(blob, "/")), FDT_ERR_NOTFOUND);
    EXPECT_EQ(
        fdt_parent_offset(blob, fdt_path_offset(blob, "/cpus/cpu-map/socket0/cluster0/core0")),
        fdt_path_offset(blob, "/cpus/cpu-map/socket0/cluster0"));
    /* offsets that are not nodes */
    EXPECT_EQ(fdt_first_subnode(blob, 2), FDT_ERR_BADOFFSET);
    EXPECT_EQ(fdt_next_subnode(blob, cpus + 4), FDT_ERR_BADOFFSET);
    EXPECT_EQ(fdt_first_subnode(blob, -1), FDT_ERR_BADOFFSET);
    EXPECT_EQ(fdt_parent_offset(blob, 1 << 30), FDT_ERR_BADOFFSET);
    EXPECT(fdt_node_name(blob, -3) == NULL);
    EXPECT(fdt_node_name(blob, 0x7ffffffc) == NULL);
}

static void test_props(const void *blob)
{
    int root = fdt_path_offset(blob, "/"), psci = fdt_path_offset(blob, "/psci"), len = 0;
    const uint8_t *p = fdt_getprop(blob, root, "model", &len);

    EXPECT(p != NULL);
    EXPECT_EQ(len, 17);
    EXPECT_STREQ((const char *)p, "linux,dummy-virt");
    p = fdt_getprop(blob, root, "#address-cells", NULL);
    EXPECT_EQ(fdt_read_cells(p, 1), 2);
    p = fdt_getprop(blob, fdt_path_offset(blob, "/memory"), "reg", &len);
    EXPECT_EQ(len, 16);
    EXPECT_EQ(fdt_read_cells(p, 2), 0x40000000);
    EXPECT_EQ(fdt_read_cells(p + 8, 2), 0x80000000);
    p = fdt_getprop(blob, psci, "migrate", &len);
    EXPECT_EQ(fdt_read_cells(p, 1), 0xc4000005);
    p = fdt_getprop(blob, fdt_path_offset(blob, "/pcie"), "dma-coherent", &len);
    EXPECT(p != NULL);
    EXPECT_EQ(len, 0);
    EXPECT(fdt_getprop(blob, root, "modelx", &len) == NULL);
    EXPECT_EQ(len, FDT_ERR_NOTFOUND);
    EXPECT(fdt_getprop(blob, root, "mode", &len) == NULL);
    /* properties of children are not the node's */
    EXPECT(fdt_getprop(blob, root, "bootargs", &len) == NULL);
    EXPECT(fdt_getprop(blob, root + 4, "model", &len) == NULL);
    EXPECT_EQ(len, FDT_ERR_BADOFFSET);
    EXPECT(fdt_getprop(blob, root, NULL, &len) == NULL);
    EXPECT_EQ(len, FDT_ERR_BADARG);
    EXPECT(fdt_node_is_compatible(blob, psci, "arm,psci-0.2"));
    EXPECT(fdt_node_is_compatible(blob, psci, "arm,psci"));
    EXPECT(fdt_node_is_compatible(blob, psci, "arm,psci-1.0"));
    EXPECT(!fdt_node_is_compatible(blob, psci, "arm,psci-1"));
    EXPECT(!fdt_node_is_compatible(blob, psci, "arm,psci-0.2x"));
    EXPECT(!fdt_node_is_compatible(blob, psci, ""));
    EXPECT(!fdt_node_is_compatible(blob, root, "arm,psci"));
    EXPECT(!fdt_node_is_compatible(blob, 5, "arm,psci"));
}

static void test_find_compatible(const void *blob)
{
    int off = -1, prev = -1, root = fdt_path_offset(blob, "/");
    unsigned n = 0;

    while ((off = fdt_find_compatible(blob, off, "virtio,mmio")) >= 0) {
        EXPECT(off > prev);
        prev = off;
        n++;
    }
    EXPECT_EQ(off, FDT_ERR_NOTFOUND);
    EXPECT_EQ(n, 32);
    EXPECT_EQ(fdt_find_compatible(blob, -1, "linux,dummy-virt"), root);
    EXPECT_EQ(fdt_find_compatible(blob, root, "linux,dummy-virt"), FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_find_compatible(blob, -1, "arm,gic-v3-its"), fdt_path_offset(blob, "/intc/its"));
    EXPECT_EQ(fdt_find_compatible(blob, -1, "arm,primecell"), fdt_path_offset(blob, "/pl061"));
    EXPECT_EQ(fdt_find_compatible(blob, -1, "no,such"), FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_find_compatible(blob, 5, "virtio,mmio"), FDT_ERR_BADOFFSET);
    EXPECT_EQ(fdt_find_compatible(blob, -2, "virtio,mmio"), FDT_ERR_BADOFFSET);
    EXPECT_EQ(fdt_find_compatible(blob, -1, NULL), FDT_ERR_BADARG);
}

static void test_misc(void)
{
    static const uint8_t cells[] = {0xff, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};
    int e;

    EXPECT_EQ(fdt_read_cells(cells + 1, 1), 0x12345678);
    EXPECT_EQ(fdt_read_cells(cells + 1, 2), 0x123456789abcdef0ull);
    EXPECT_EQ(fdt_read_cells(cells, 0), 0);
    EXPECT_EQ(fdt_read_cells(cells, 3), 0);
    EXPECT_EQ(fdt_read_cells(NULL, 1), 0);
    for (e = FDT_ERR_BADARG; e <= FDT_OK; e++) {
        EXPECT(strcmp(fdt_strerror(e), "unknown error") != 0);
    }
    EXPECT_STREQ(fdt_strerror(-100), "unknown error");
    EXPECT_EQ(fdt_check(NULL, 100), FDT_ERR_BADARG);
    EXPECT_EQ(fdt_read_platform(cells, sizeof(cells), NULL), FDT_ERR_BADARG);
    EXPECT_EQ(fdt_total_size(NULL), 0);
}

/* ---- corrupted copies of a fixture ---- */

/* Offset in the structure block of the first FDT_PROP (the root's first property). */
static uint8_t *first_prop(const struct blob *b)
{
    uint8_t *st = struct_block(b);
    uint32_t off = 0;

    while (get32(st + off) != TOK_PROP) {
        off += 4;
    }
    return st + off;
}

static int check_with_field(const struct blob *src, uint32_t field, uint32_t value)
{
    struct blob b = compact_copy(src, 0);
    int rc;

    put32(b.p + field, value);
    rc = fdt_check(b.p, b.size);
    free(b.mem);
    return rc;
}

static void test_bad_headers(const struct blob *src)
{
    struct blob b = compact_copy(src, 0);
    struct fdt_platform pf;
    uint32_t total = (uint32_t)b.size;

    EXPECT_EQ(fdt_check(b.p, b.size), FDT_OK);
    EXPECT_EQ(check_with_field(src, 0, 0xd00dfeee), FDT_ERR_BADMAGIC);
    EXPECT_EQ(check_with_field(src, HDR_TOTALSIZE, total + 1), FDT_ERR_TRUNCATED);
    EXPECT_EQ(check_with_field(src, HDR_TOTALSIZE, 39), FDT_ERR_TRUNCATED);
    EXPECT_EQ(check_with_field(src, HDR_TOTALSIZE, 0xffffffff), FDT_ERR_BADSTRUCTURE);
    EXPECT_EQ(check_with_field(src, HDR_OFF_STRUCT, total), FDT_ERR_TRUNCATED);
    EXPECT_EQ(check_with_field(src, HDR_OFF_STRUCT, 0xfffffffc), FDT_ERR_TRUNCATED);
    EXPECT_EQ(check_with_field(src, HDR_OFF_STRUCT, 0x42), FDT_ERR_BADSTRUCTURE);
    EXPECT_EQ(check_with_field(src, HDR_OFF_STRUCT, 0), FDT_ERR_BADSTRUCTURE);
    EXPECT_EQ(check_with_field(src, HDR_SIZE_STRUCT, 0xffffffff), FDT_ERR_TRUNCATED);
    EXPECT_EQ(check_with_field(src, HDR_OFF_STRINGS, total), FDT_ERR_TRUNCATED);
    EXPECT_EQ(check_with_field(src, HDR_SIZE_STRINGS, 0x80000000), FDT_ERR_TRUNCATED);
    EXPECT_EQ(check_with_field(src, 16, total & ~7u), FDT_ERR_TRUNCATED);
    EXPECT_EQ(check_with_field(src, HDR_VERSION, 16), FDT_ERR_BADVERSION);
    EXPECT_EQ(check_with_field(src, HDR_LAST_COMP, 18), FDT_ERR_BADVERSION);
    EXPECT_EQ(fdt_check(b.p, 39), FDT_ERR_TRUNCATED);
    EXPECT_EQ(fdt_check(b.p, 0), FDT_ERR_TRUNCATED);
    EXPECT_EQ(fdt_check_header(b.p, b.size - 1), FDT_ERR_TRUNCATED);
    put32(b.p, 0);
    EXPECT_EQ(fdt_read_platform(b.p, b.size, &pf), FDT_ERR_BADMAGIC);
    EXPECT_EQ(pf.ncpus, 0);
    EXPECT_STREQ(pf.bootargs, "");
    EXPECT_EQ(fdt_path_offset(b.p, "/"), FDT_ERR_BADMAGIC);
    EXPECT(fdt_getprop(b.p, 0, "model", NULL) == NULL);
    free(b.mem);
}

/* Look name up on every node below node; count the hits. */
static unsigned getprop_everywhere(const void *blob, int node, const char *name)
{
    unsigned n = fdt_getprop(blob, node, name, NULL) != NULL;
    int child;

    for (child = fdt_first_subnode(blob, node); child >= 0; child = fdt_next_subnode(blob, child)) {
        n += getprop_everywhere(blob, child, name);
    }
    return n;
}

/*
 * The strings block (last in the blob, which ends with the allocation) cut before its
 * last NUL: the last name is then unterminated and must never match nor be overrun.
 */
static void test_cut_strings(const struct blob *src)
{
    uint32_t strsize = get32(src->p + HDR_SIZE_STRINGS);
    const char *strs = (const char *)src->p + get32(src->p + HDR_OFF_STRINGS);
    const char *last = strs + strsize - 2;
    struct blob b;
    int root;

    while (last > strs && last[-1] != '\0') {
        last--;
    }
    EXPECT(getprop_everywhere(src->p, fdt_path_offset(src->p, "/"), last) > 0);
    b = blob_copy(src->p, src->size - 1, 0);
    put32(b.p + HDR_TOTALSIZE, (uint32_t)b.size);
    put32(b.p + HDR_SIZE_STRINGS, strsize - 1);
    EXPECT_EQ(fdt_check(b.p, b.size), FDT_ERR_TRUNCATED);
    root = fdt_path_offset(b.p, "/");
    EXPECT(root >= 0);
    EXPECT_EQ(getprop_everywhere(b.p, root, last), 0);
    EXPECT(getprop_everywhere(b.p, root, "compatible") > 0);
    free(b.mem);
}

static void test_bad_structure(const struct blob *src)
{
    struct blob b = compact_copy(src, 0);
    struct fdt_platform pf;
    uint8_t *prop = first_prop(&b);
    uint32_t len = get32(prop + 4), nameoff = get32(prop + 8);
    uint32_t strsize = get32(b.p + HDR_SIZE_STRINGS), stsize = get32(b.p + HDR_SIZE_STRUCT);
    int root = fdt_path_offset(b.p, "/"), plen;

    /* property value running past the structure block */
    put32(prop + 4, 0x7ffffff0);
    EXPECT_EQ(fdt_check(b.p, b.size), FDT_ERR_TRUNCATED);
    EXPECT_EQ(fdt_read_platform(b.p, b.size, &pf), FDT_ERR_TRUNCATED);
    EXPECT(fdt_getprop(b.p, root, "no-such", &plen) == NULL);
    EXPECT_EQ(plen, FDT_ERR_TRUNCATED);
    put32(prop + 4, stsize);
    EXPECT_EQ(fdt_check(b.p, b.size), FDT_ERR_TRUNCATED);
    put32(prop + 4, len);
    /* name offset past the strings block */
    put32(prop + 8, strsize);
    EXPECT_EQ(fdt_check(b.p, b.size), FDT_ERR_BADSTRUCTURE);
    put32(prop + 8, 0xffffffff);
    EXPECT_EQ(fdt_check(b.p, b.size), FDT_ERR_BADSTRUCTURE);
    put32(prop + 8, nameoff);
    test_cut_strings(&b);
    /* missing FDT_END */
    EXPECT_EQ(get32(struct_block(&b) + stsize - 4), TOK_END);
    put32(b.p + HDR_SIZE_STRUCT, stsize - 4);
    EXPECT_EQ(fdt_check(b.p, b.size), FDT_ERR_TRUNCATED);
    EXPECT_EQ(fdt_find_compatible(b.p, -1, "no,such"), FDT_ERR_TRUNCATED);
    put32(b.p + HDR_SIZE_STRUCT, stsize);
    /* unknown token instead of FDT_END */
    put32(struct_block(&b) + stsize - 4, 5);
    EXPECT_EQ(fdt_check(b.p, b.size), FDT_ERR_BADSTRUCTURE);
    put32(struct_block(&b) + stsize - 4, 0x109);
    EXPECT_EQ(fdt_check(b.p, b.size), FDT_ERR_BADSTRUCTURE);
    put32(struct_block(&b) + stsize - 4, TOK_END);
    EXPECT_EQ(fdt_check(b.p, b.size), FDT_OK);
    free(b.mem);
}

/* Hand-built structure blocks that break the nesting rules. */
static void test_bad_nesting(void)
{
    static struct bld b;
    struct blob x;
    int second;

    b_root(&b, 2, 2); /* root never closed */
    b_u32(&b, TOK_END);
    x = b_finish(&b);
    EXPECT_EQ(fdt_check(x.p, x.size), FDT_ERR_BADSTRUCTURE);
    free(x.mem);

    b_root(&b, 2, 2); /* an extra END_NODE */
    b_end(&b);
    b_end(&b);
    b_u32(&b, TOK_END);
    x = b_finish(&b);
    EXPECT_EQ(fdt_check(x.p, x.size), FDT_ERR_BADSTRUCTURE);
    free(x.mem);

    b_root(&b, 2, 2); /* a second root */
    b_end(&b);
    b_begin(&b, "");
    b_end(&b);
    b_u32(&b, TOK_END);
    x = b_finish(&b);
    EXPECT_EQ(fdt_check(x.p, x.size), FDT_ERR_BADSTRUCTURE);
    second = fdt_next_subnode(x.p, fdt_path_offset(x.p, "/"));
    EXPECT(second > 0);
    EXPECT_EQ(fdt_parent_offset(x.p, second), FDT_ERR_NOTFOUND);
    free(x.mem);

    b.st_len = b.str_len = 0; /* a property before the root */
    b_cell(&b, "x", 1);
    b_begin(&b, "");
    b_end(&b);
    b_u32(&b, TOK_END);
    x = b_finish(&b);
    EXPECT_EQ(fdt_check(x.p, x.size), FDT_ERR_BADSTRUCTURE);
    EXPECT_EQ(fdt_path_offset(x.p, "/"), FDT_ERR_BADSTRUCTURE);
    free(x.mem);

    b_root(&b, 2, 2); /* a node name without NUL, running to the end of the block */
    b_u32(&b, TOK_BEGIN_NODE);
    b_u32(&b, 0x41414141);
    x = b_finish(&b);
    EXPECT_EQ(fdt_check(x.p, x.size), FDT_ERR_TRUNCATED);
    EXPECT_EQ(fdt_first_subnode(x.p, fdt_path_offset(x.p, "/")), FDT_ERR_TRUNCATED);
    EXPECT_EQ(fdt_path_offset(x.p, "/AAAA"), FDT_ERR_TRUNCATED);
    free(x.mem);
}

/* A property header cut short at the very end of the blob (no strings block after it). */
static void test_short_prop(void)
{
    static struct bld b;
    struct blob x;
    int len;

    b.st_len = b.str_len = 0;
    b_begin(&b, "");
    b_u32(&b, TOK_PROP);
    b_u32(&b, 0);
    x = b_finish(&b);
    EXPECT_EQ(fdt_check(x.p, x.size), FDT_ERR_TRUNCATED);
    EXPECT(fdt_getprop(x.p, fdt_path_offset(x.p, "/"), "x", &len) == NULL);
    EXPECT_EQ(len, FDT_ERR_TRUNCATED);
    free(x.mem);
}

/* Offsets that are not 4-aligned never name a node, even over bytes that look like one. */
static void test_misaligned_offset(void)
{
    static struct bld b;
    static const uint8_t fake[] = {0xaa, 0, 0, 0, 1, 'x', 0, 0};
    struct blob x;
    int root, off;

    b_root(&b, 2, 2);
    b_prop(&b, "fake", fake, sizeof(fake));
    x = b_close(&b);
    root = fdt_path_offset(x.p, "/");
    off = (int)((const uint8_t *)fdt_getprop(x.p, root, "fake", NULL) - struct_block(&x)) + 1;
    EXPECT(fdt_node_name(x.p, off) == NULL);
    EXPECT_EQ(fdt_first_subnode(x.p, off), FDT_ERR_BADOFFSET);
    free(x.mem);
}

/* Nest n nodes "n" below the root (root = depth 1), then close all. */
static struct blob deep_blob(unsigned n)
{
    static struct bld b;
    unsigned i;

    b_root(&b, 2, 2);
    for (i = 0; i < n; i++) {
        b_begin(&b, "n");
    }
    b_cell(&b, "leaf", 7);
    for (i = 0; i < n; i++) {
        b_end(&b);
    }
    return b_close(&b);
}

static void test_depth(void)
{
    char path[2 * FDT_MAX_DEPTH + 8];
    struct blob x = deep_blob(FDT_MAX_DEPTH - 1);
    unsigned i;
    int node, parent;

    for (i = 0; i < FDT_MAX_DEPTH - 1; i++) {
        memcpy(path + 2 * i, "/n", 2);
    }
    path[2 * (FDT_MAX_DEPTH - 1)] = '\0';
    EXPECT_EQ(fdt_check(x.p, x.size), FDT_OK);
    node = fdt_path_offset(x.p, path);
    EXPECT_EQ(fdt_read_cells(fdt_getprop(x.p, node, "leaf", NULL), 1), 7);
    path[2 * (FDT_MAX_DEPTH - 2)] = '\0';
    parent = fdt_path_offset(x.p, path);
    EXPECT_EQ(fdt_parent_offset(x.p, node), parent);
    free(x.mem);

    x = deep_blob(FDT_MAX_DEPTH);
    EXPECT_EQ(fdt_check(x.p, x.size), FDT_ERR_DEPTH);
    free(x.mem);
    x = deep_blob(500);
    EXPECT_EQ(fdt_check(x.p, x.size), FDT_ERR_DEPTH);
    EXPECT_EQ(fdt_read_platform(x.p, x.size, &(struct fdt_platform){0}), FDT_ERR_DEPTH);
    node = fdt_find_compatible(x.p, -1, "test,board");
    for (i = 0; i < 400; i++) {
        node = fdt_first_subnode(x.p, node);
    }
    EXPECT(node > 0);
    EXPECT_EQ(fdt_parent_offset(x.p, node), FDT_ERR_DEPTH);
    free(x.mem);
}

/* ---- mutation loop ---- */

struct fuzz_stats {
    unsigned header_ok;
    unsigned check_ok;
    unsigned platform_ok;
    unsigned bad; /* a walker that did not move forward, or an inconsistency */
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 32);
}

static void mutate(uint8_t *p, uint32_t size)
{
    static const uint32_t words[] = {
        0, 1, 2, 3, 4, 9, 0xff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffc, 0x100, 40, 17};
    unsigned i, n = 1 + rng() % 4;
    uint32_t at;

    for (i = 0; i < n; i++) {
        switch (rng() % 4) {
        case 0:
            p[rng() % size] ^= (uint8_t)(1u << (rng() % 8));
            break;
        case 1:
            p[rng() % size] = (uint8_t)rng();
            break;
        case 2:
            at = (rng() % (size / 4)) * 4;
            put32(p + at, words[rng() % (sizeof(words) / sizeof(words[0]))]);
            break;
        default:
            at = (rng() % 10) * 4; /* a header field */
            put32(p + at, rng() % 2 ? rng() : get32(p + at) + rng() % 64 - 32);
            break;
        }
    }
}

/* Visit every node below node (depth-first, bounded by the depth limit). */
static unsigned walk(const void *blob, int node, unsigned depth, struct fuzz_stats *st)
{
    static const char *const names[] = {"reg", "compatible", "status", "#address-cells"};
    unsigned n = 1, i;
    int child, prev = node, len;

    (void)fdt_node_name(blob, node);
    (void)fdt_parent_offset(blob, node);
    (void)fdt_node_is_compatible(blob, node, "arm,pl011");
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const uint8_t *p = fdt_getprop(blob, node, names[i], &len);

        if (p != NULL && len >= 8) {
            (void)fdt_read_cells(p + len - 8, 2);
        }
    }
    if (depth > FDT_MAX_DEPTH + 8) {
        return n;
    }
    for (child = fdt_first_subnode(blob, node); child >= 0; child = fdt_next_subnode(blob, child)) {
        if (child <= prev) {
            st->bad++;
            break;
        }
        prev = child;
        n += walk(blob, child, depth + 1, st);
    }
    return n;
}

static void exercise(const void *blob, size_t size, struct fuzz_stats *st)
{
    static const char *const paths[] = {"/",       "/cpus",     "/chosen",
                                        "/memory", "/intc/its", "/cpus/cpu@1"};
    struct fdt_platform pf;
    unsigned i;
    int off, prev = -1;

    if (fdt_read_platform(blob, size, &pf) == FDT_OK) {
        st->platform_ok++;
        st->bad += pf.ncpus == 0 || pf.nmem == 0 || pf.ncpus > FDT_MAX_CPUS;
    }
    if (fdt_check(blob, size) == FDT_OK) {
        st->check_ok++;
    }
    if (fdt_check_header(blob, size) != FDT_OK) {
        return;
    }
    st->header_ok++;
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        (void)fdt_path_offset(blob, paths[i]);
    }
    off = fdt_path_offset(blob, "/");
    if (off >= 0) {
        (void)walk(blob, off, 1, st);
    }
    for (off = -1; (off = fdt_find_compatible(blob, off, "virtio,mmio")) >= 0; prev = off) {
        if (off <= prev) {
            st->bad++;
            break;
        }
    }
}

static void test_mutations(const struct blob *src, unsigned nsrc, unsigned iterations)
{
    struct fuzz_stats st = {0, 0, 0, 0};
    struct blob work[8];
    unsigned it, k;

    for (k = 0; k < nsrc; k++) {
        work[2 * k] = compact_copy(&src[k], 0);
        work[2 * k + 1] = compact_copy(&src[k], 1);
    }
    for (it = 0; it < iterations; it++) {
        struct blob *w = &work[it % (2 * nsrc)];
        const struct blob *orig = &src[(it % (2 * nsrc)) / 2];

        memcpy(w->p, orig->p, w->size);
        put32(w->p + HDR_TOTALSIZE, (uint32_t)w->size);
        mutate(w->p, (uint32_t)w->size);
        exercise(w->p, w->size, &st);
    }
    printf("fdt mutations: %u runs, header ok %u, check ok %u, platform ok %u\n", iterations,
           st.header_ok, st.check_ok, st.platform_ok);
    EXPECT_EQ(st.bad, 0);
    EXPECT(st.header_ok > 0 && st.check_ok > 0 && st.platform_ok > 0);
    for (k = 0; k < 2 * nsrc; k++) {
        free(work[k].mem);
    }
}

/* In-place rewrite of a 4-byte property (shrike's reset count in a VM's /chosen). */
static void test_setprop(const struct blob *src)
{
    struct blob b = blob_copy(src->p, src->size, 1);
    int psci = fdt_path_offset(b.p, "/psci"), len = 0;

    EXPECT_EQ(fdt_setprop_u32_inplace(b.p, "/psci", "migrate", 0x12345678), FDT_OK);
    EXPECT_EQ(fdt_read_cells(fdt_getprop(b.p, psci, "migrate", &len), 1), 0x12345678);
    EXPECT_EQ(len, 4);
    EXPECT_EQ(fdt_check(b.p, b.size), FDT_OK);
    EXPECT_EQ(fdt_path_offset(b.p, "/psci"), psci);
    /* wrong size, missing property or node: an error, and the blob unchanged */
    EXPECT_EQ(fdt_setprop_u32_inplace(b.p, "/memory", "reg", 1), FDT_ERR_BADVALUE);
    EXPECT_EQ(fdt_setprop_u32_inplace(b.p, "/psci", "no-such", 1), FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_setprop_u32_inplace(b.p, "/no-such", "migrate", 1), FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_setprop_u32_inplace(b.p, "psci", "migrate", 1), FDT_ERR_BADARG);
    EXPECT_EQ(memcmp(b.p, src->p, 16), 0);
    EXPECT_EQ(fdt_setprop_u32_inplace(b.p, "/psci", "migrate", 0xc4000005), FDT_OK);
    EXPECT_EQ(memcmp(b.p, src->p, src->size), 0);
    /* any length, as long as it is the property's */
    const uint8_t model[17] = "shrike,dummy-vm!";
    EXPECT_EQ(fdt_setprop_inplace(b.p, "/", "model", model, 17), FDT_OK);
    EXPECT_STREQ((const char *)fdt_getprop(b.p, fdt_path_offset(b.p, "/"), "model", NULL),
                 "shrike,dummy-vm!");
    EXPECT_EQ(fdt_setprop_inplace(b.p, "/", "model", model, 16), FDT_ERR_BADVALUE);
    /* NOP'd: gone, the rest intact and the blob still valid */
    EXPECT_EQ(fdt_nop_property(b.p, "/psci", "migrate"), FDT_OK);
    EXPECT(fdt_getprop(b.p, psci, "migrate", &len) == NULL);
    EXPECT_EQ(len, FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_check(b.p, b.size), FDT_OK);
    EXPECT_EQ(fdt_read_cells(fdt_getprop(b.p, psci, "cpu_on", NULL), 1), 0xc4000003);
    EXPECT(fdt_node_is_compatible(b.p, psci, "arm,psci-0.2"));
    EXPECT_EQ(fdt_nop_property(b.p, "/psci", "migrate"), FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_nop_property(b.p, "/", "model"), FDT_OK); /* an odd length: padding too */
    EXPECT_EQ(fdt_check(b.p, b.size), FDT_OK);
    EXPECT(fdt_getprop(b.p, fdt_path_offset(b.p, "/"), "model", NULL) == NULL);
    EXPECT_EQ(fdt_path_offset(b.p, "/psci"), psci);
    free(b.mem);
}

int main(void)
{
    struct blob src[NFIXTURES];
    unsigned i;

    for (i = 0; i < NFIXTURES; i++) {
        test_fixture(&fixtures[i]);
        src[i] = load_fixture(fixtures[i].file);
    }
    test_paths(src[1].p);
    test_subnodes(src[1].p);
    test_props(src[1].p);
    test_setprop(&src[1]);
    test_find_compatible(src[1].p);
    expect_path(src[0].p, "/cpus/cpu", "cpu@0"); /* unique in the 1-CPU tree */
    test_misc();
    test_bad_headers(&src[1]);
    test_bad_structure(&src[1]);
    test_bad_nesting();
    test_short_prop();
    test_misaligned_offset();
    test_depth();
    test_mutations(src, NFIXTURES, 6000);
    for (i = 0; i < NFIXTURES; i++) {
        free(src[i].mem);
    }
    return unit_report("fdt");
}
