/*
 * Shared by the host tests of the DTB reader (test_fdt.c) and of what shrike
 * reads from a host DTB (test_fdt_platform.c): blobs copied at any alignment,
 * QEMU's virt DTB dumps in tests/unit/data/ (the fixtures) with the values
 * they must give, and a tiny DTB builder for hand-made trees.
 */
#ifndef SHRIKE_TESTS_UNIT_FDT_TESTLIB_H
#define SHRIKE_TESTS_UNIT_FDT_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/fdt.h"

#define QEMU_DTB_SIZE 0x100000u
#define BOOTARGS      "console=shrike test=1"

#define HDR_TOTALSIZE    4u
#define HDR_OFF_STRUCT   8u
#define HDR_OFF_STRINGS  12u
#define HDR_VERSION      20u
#define HDR_LAST_COMP    24u
#define HDR_SIZE_STRINGS 32u
#define HDR_SIZE_STRUCT  36u

#define TOK_BEGIN_NODE 1u
#define TOK_END_NODE   2u
#define TOK_PROP       3u
#define TOK_END        9u

struct blob {
    uint8_t *mem; /* allocation */
    uint8_t *p;   /* blob start (mem + misalignment) */
    size_t size;
};

#define BLD_STRUCT  8192
#define BLD_STRINGS 1024

struct bld {
    uint8_t st[BLD_STRUCT];
    uint32_t st_len;
    char str[BLD_STRINGS];
    uint32_t str_len;
};

struct fixture {
    const char *file;
    unsigned ncpus;
    uint64_t mem_size;
    unsigned gic_version;
    unsigned ngic;
    struct fdt_range gic[4];
};

/* One 1 GiB memory range at 0x4000_0000, as reg cells (2 address, 2 size). */
extern const uint32_t mem_1g[4];

#define NFIXTURES 4
extern const struct fixture fixtures[NFIXTURES];

uint32_t get32(const uint8_t *p);
void put32(uint8_t *p, uint32_t v);
struct blob blob_copy(const uint8_t *data, size_t size, size_t misalign);
struct blob load_fixture(const char *name);
struct blob compact_copy(const struct blob *src, size_t misalign);
uint8_t *struct_block(const struct blob *b);
void b_u32(struct bld *b, uint32_t v);
void b_bytes(struct bld *b, const void *data, uint32_t len);
uint32_t b_string(struct bld *b, const char *s);
void b_begin(struct bld *b, const char *name);
void b_end(struct bld *b);
void b_prop(struct bld *b, const char *name, const void *data, uint32_t len);
void b_str(struct bld *b, const char *name, const char *value);
void b_cells(struct bld *b, const char *name, const uint32_t *cells, unsigned n);
void b_cell(struct bld *b, const char *name, uint32_t v);
struct blob b_finish(const struct bld *b);
void b_root(struct bld *b, uint32_t ac, uint32_t sc);
void b_memory(struct bld *b, const char *name, const uint32_t *reg, unsigned n);
void b_cpu(struct bld *b, const char *name, const uint32_t *reg, unsigned n, const char *status);
void b_cpus(struct bld *b, unsigned n);
void b_board(struct bld *b, unsigned ncpus);
struct blob b_close(struct bld *b);
int platform_of(const struct blob *b, struct fdt_platform *pf);
void check_platform(const struct fixture *fx, const struct fdt_platform *pf);

#endif
