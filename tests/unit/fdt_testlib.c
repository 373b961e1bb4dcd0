/* Blob helpers, the QEMU fixtures and the DTB builder for the fdt host tests. */
#include "fdt_testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* ---- helpers ---- */

uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A copy of data in an allocation of exactly size + misalign bytes. */
struct blob blob_copy(const uint8_t *data, size_t size, size_t misalign)
{
    struct blob b;

    b.mem = malloc(size + misalign);
    if (b.mem == NULL) {
        perror("malloc");
        exit(2);
    }
    b.p = b.mem + misalign;
    b.size = size;
    memcpy(b.p, data, size);
    return b;
}

struct blob load_fixture(const char *name)
{
    char path[512];
    struct blob b = {NULL, NULL, 0};
    FILE *f;
    long len;

    snprintf(path, sizeof(path), "%s/%s", SHRIKE_TEST_DATA, name);
    f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) <= 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        printf("FAIL cannot read %s\n", path);
        exit(2);
    }
    b.mem = malloc((size_t)len);
    if (b.mem == NULL || fread(b.mem, 1, (size_t)len, f) != (size_t)len) {
        printf("FAIL cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    b.p = b.mem;
    b.size = (size_t)len;
    return b;
}

/* The blob cut to its blocks (QEMU pads to 1 MiB), totalsize patched, exact allocation. */
struct blob compact_copy(const struct blob *src, size_t misalign)
{
    uint32_t st_end = get32(src->p + HDR_OFF_STRUCT) + get32(src->p + HDR_SIZE_STRUCT);
    uint32_t str_end = get32(src->p + HDR_OFF_STRINGS) + get32(src->p + HDR_SIZE_STRINGS);
    uint32_t end = st_end > str_end ? st_end : str_end;
    struct blob b = blob_copy(src->p, end, misalign);

    put32(b.p + HDR_TOTALSIZE, end);
    return b;
}

uint8_t *struct_block(const struct blob *b)
{
    return b->p + get32(b->p + HDR_OFF_STRUCT);
}

/* ---- a tiny DTB builder for hand-made trees ---- */

void b_u32(struct bld *b, uint32_t v)
{
    if (b->st_len + 4 > BLD_STRUCT) {
        printf("FAIL builder overflow\n");
        exit(2);
    }
    put32(b->st + b->st_len, v);
    b->st_len += 4;
}

void b_bytes(struct bld *b, const void *data, uint32_t len)
{
    if (b->st_len + len + 3 > BLD_STRUCT) {
        printf("FAIL builder overflow\n");
        exit(2);
    }
    memcpy(b->st + b->st_len, data, len);
    b->st_len += len;
    while (b->st_len % 4 != 0) {
        b->st[b->st_len++] = 0;
    }
}

uint32_t b_string(struct bld *b, const char *s)
{
    uint32_t off = b->str_len, len = (uint32_t)strlen(s) + 1;

    if (off + len > BLD_STRINGS) {
        printf("FAIL builder overflow\n");
        exit(2);
    }
    memcpy(b->str + off, s, len);
    b->str_len += len;
    return off;
}

void b_begin(struct bld *b, const char *name)
{
    b_u32(b, TOK_BEGIN_NODE);
    b_bytes(b, name, (uint32_t)strlen(name) + 1);
}

void b_end(struct bld *b)
{
    b_u32(b, TOK_END_NODE);
}

void b_prop(struct bld *b, const char *name, const void *data, uint32_t len)
{
    b_u32(b, TOK_PROP);
    b_u32(b, len);
    b_u32(b, b_string(b, name));
    b_bytes(b, data, len);
}

void b_str(struct bld *b, const char *name, const char *value)
{
    b_prop(b, name, value, (uint32_t)strlen(value) + 1);
}

void b_cells(struct bld *b, const char *name, const uint32_t *cells, unsigned n)
{
    uint8_t buf[128];
    unsigned i;

    if (n > sizeof(buf) / 4) {
        printf("FAIL builder overflow\n");
        exit(2);
    }
    for (i = 0; i < n; i++) {
        put32(buf + 4 * i, cells[i]);
    }
    b_prop(b, name, buf, 4 * n);
}

void b_cell(struct bld *b, const char *name, uint32_t v)
{
    b_cells(b, name, &v, 1);
}

/* Header (40 bytes), empty reservation map, structure, strings; misaligned by one byte. */
struct blob b_finish(const struct bld *b)
{
    uint8_t img[40 + 16 + BLD_STRUCT + BLD_STRINGS];
    uint32_t off_st = 56, off_str = off_st + b->st_len, total = off_str + b->str_len;

    memset(img, 0, sizeof(img));
    put32(img, 0xd00dfeedu);
    put32(img + HDR_TOTALSIZE, total);
    put32(img + HDR_OFF_STRUCT, off_st);
    put32(img + HDR_OFF_STRINGS, off_str);
    put32(img + 16, 40);
    put32(img + HDR_VERSION, 17);
    put32(img + HDR_LAST_COMP, 16);
    put32(img + HDR_SIZE_STRINGS, b->str_len);
    put32(img + HDR_SIZE_STRUCT, b->st_len);
    memcpy(img + off_st, b->st, b->st_len);
    memcpy(img + off_str, b->str, b->str_len);
    return blob_copy(img, total, 1);
}

/* Root with 2/2 cells and one memory node, left open. */
void b_root(struct bld *b, uint32_t ac, uint32_t sc)
{
    b->st_len = 0;
    b->str_len = 0;
    b_begin(b, "");
    b_cell(b, "#address-cells", ac);
    b_cell(b, "#size-cells", sc);
    b_str(b, "compatible", "test,board");
}

void b_memory(struct bld *b, const char *name, const uint32_t *reg, unsigned n)
{
    b_begin(b, name);
    b_str(b, "device_type", "memory");
    b_cells(b, "reg", reg, n);
    b_end(b);
}

void b_cpu(struct bld *b, const char *name, const uint32_t *reg, unsigned n, const char *status)
{
    b_begin(b, name);
    b_str(b, "device_type", "cpu");
    if (reg != NULL) {
        b_cells(b, "reg", reg, n);
    }
    if (status != NULL) {
        b_str(b, "status", status);
    }
    b_end(b);
}

/* /cpus with n one-cell CPUs 0..n-1 (reg = index). */
void b_cpus(struct bld *b, unsigned n)
{
    char name[16];
    unsigned i;

    b_begin(b, "cpus");
    b_cell(b, "#address-cells", 1);
    b_cell(b, "#size-cells", 0);
    for (i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "cpu@%u", i);
        b_cpu(b, name, &i, 1, NULL);
    }
    b_end(b);
}

const uint32_t mem_1g[4] = {0, 0x40000000, 0, 0x40000000};

/* A complete minimal board: memory, n CPUs; root left open for more nodes. */
void b_board(struct bld *b, unsigned ncpus)
{
    b_root(b, 2, 2);
    b_memory(b, "memory@40000000", mem_1g, 4);
    b_cpus(b, ncpus);
}

struct blob b_close(struct bld *b)
{
    b_end(b);
    b_u32(b, TOK_END);
    return b_finish(b);
}

int platform_of(const struct blob *b, struct fdt_platform *pf)
{
    return fdt_read_platform(b->p, b->size, pf);
}

/* ---- the QEMU fixtures ---- */

const struct fixture fixtures[NFIXTURES] = {
    {"virt-gicv3-smp1.dtb", 1, 0x40000000, 3, 2, {{0x08000000, 0x10000}, {0x080a0000, 0xf60000}}},
    {"virt-gicv3-smp4.dtb", 4, 0x80000000, 3, 2, {{0x08000000, 0x10000}, {0x080a0000, 0xf60000}}},
    {"virt-gicv3-smp8.dtb", 8, 0x80000000, 3, 2, {{0x08000000, 0x10000}, {0x080a0000, 0xf60000}}},
    {"virt-gicv2-smp4.dtb",
     4,
     0x80000000,
     2,
     4,
     {{0x08000000, 0x10000}, {0x08010000, 0x10000}, {0x08030000, 0x10000}, {0x08040000, 0x10000}}},
};

void check_platform(const struct fixture *fx, const struct fdt_platform *pf)
{
    unsigned i;

    EXPECT_EQ(pf->nmem, 1);
    EXPECT_EQ(pf->mem[0].base, 0x40000000);
    EXPECT_EQ(pf->mem[0].size, fx->mem_size);
    EXPECT(!pf->mem_truncated);
    EXPECT_EQ(pf->ncpus, fx->ncpus);
    for (i = 0; i < fx->ncpus; i++) {
        EXPECT_EQ(pf->cpu_mpidr[i], i);
    }
    EXPECT(!pf->cpus_truncated);
    EXPECT(pf->psci_present);
    EXPECT(!pf->psci_hvc);
    EXPECT_EQ(pf->gic_version, fx->gic_version);
    EXPECT_EQ(pf->ngic_regs, fx->ngic);
    for (i = 0; i < fx->ngic; i++) {
        EXPECT_EQ(pf->gic_regs[i].base, fx->gic[i].base);
        EXPECT_EQ(pf->gic_regs[i].size, fx->gic[i].size);
    }
    EXPECT(pf->uart_present);
    EXPECT_EQ(pf->uart.base, 0x09000000);
    EXPECT_EQ(pf->uart.size, 0x1000);
    EXPECT(pf->uart_spi_valid);
    EXPECT_EQ(pf->uart_spi, 1);
    EXPECT_STREQ(pf->bootargs, BOOTARGS);
}
