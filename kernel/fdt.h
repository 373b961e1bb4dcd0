/*
 * Read-only, bounds-checked reader for flattened device trees (DTB version 17).
 * Every offset and length in the blob is treated as hostile: a malformed blob
 * yields a negative FDT_ERR_* code, never a read outside the blob. Freestanding:
 * no libc, byte-wise big-endian reads (the blob may be unaligned).
 */
#ifndef SHRIKE_KERNEL_FDT_H
#define SHRIKE_KERNEL_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAX_CPUS  8
#define FDT_MAX_MEM   4
#define FDT_MAX_GIC   4
#define FDT_MAX_DEPTH 32 /* deepest node nesting accepted (the root is depth 1) */

enum {
    FDT_OK = 0,
    FDT_ERR_BADMAGIC = -1,     /* not a DTB */
    FDT_ERR_BADSTRUCTURE = -2, /* bad token, bad nesting, misaligned block, bad string offset */
    FDT_ERR_NOTFOUND = -3,     /* no such node or property (or an ambiguous path) */
    FDT_ERR_TRUNCATED = -4,    /* something runs past its block or past max_size */
    FDT_ERR_BADVERSION = -5,   /* not readable as version 17 */
    FDT_ERR_BADOFFSET = -6,    /* a node offset that does not point at a node */
    FDT_ERR_DEPTH = -7,        /* nesting deeper than FDT_MAX_DEPTH */
    FDT_ERR_BADVALUE = -8,     /* a property has the wrong size or an unusable value */
    FDT_ERR_BADARG = -9,       /* NULL argument or a path not starting with '/' */
};

/* A short constant description of an FDT_OK / FDT_ERR_* code. */
const char *fdt_strerror(int err);

/*
 * Header only: magic, version, totalsize <= max_size, every block inside totalsize.
 * This is all the low-level functions below need to stay inside the blob.
 */
int fdt_check_header(const void *blob, size_t max_size);

/* Header plus one full walk of the structure block (tokens, nesting, names, strings). */
int fdt_check(const void *blob, size_t max_size);

/* The header's totalsize; only meaningful after fdt_check_header() succeeded. */
size_t fdt_total_size(const void *blob);

/*
 * Low level. Node offsets are ints (offsets in the structure block, like libfdt);
 * negative values are FDT_ERR_* codes. The blob must have passed fdt_check_header();
 * any node offset is checked before use.
 */

/*
 * "/", "/cpus", "/cpus/cpu@0", "/memory" ... A component matches a child's exact name
 * (unit address included) or, if it has no '@', the one child whose name before '@'
 * equals it (more than one such child: FDT_ERR_NOTFOUND). Empty components are skipped.
 */
int fdt_path_offset(const void *blob, const char *path);

/* First child of node / next sibling of node; FDT_ERR_NOTFOUND when there is none. */
int fdt_first_subnode(const void *blob, int node);
int fdt_next_subnode(const void *blob, int node);

/* The parent of node (FDT_ERR_NOTFOUND for the root). Walks from the root. */
int fdt_parent_offset(const void *blob, int node);

/* The node's name with unit address ("" for the root), or NULL for a bad offset. */
const char *fdt_node_name(const void *blob, int node);

/*
 * The value of property name of node (pointer into the blob, *len bytes long), or NULL
 * with *len set to the FDT_ERR_* code. len may be NULL.
 */
const void *fdt_getprop(const void *blob, int node, const char *name, int *len);

/* compat is one of the strings in the node's "compatible" string list. */
bool fdt_node_is_compatible(const void *blob, int node, const char *compat);

/*
 * The first node after start (in tree order, anywhere in the tree) compatible with compat;
 * start -1 searches from the root, the root included. FDT_ERR_NOTFOUND at the end.
 */
int fdt_find_compatible(const void *blob, int start, const char *compat);

/*
 * In-place edits of a writable blob that keep its layout (it must have passed
 * fdt_check_header()). fdt_setprop_inplace() rewrites the existing property
 * name of the node at path with len bytes of val, and fdt_setprop_u32_inplace()
 * with one big-endian cell: FDT_ERR_BADVALUE for a property of another size.
 * fdt_nop_property() removes the property by overwriting it with FDT_NOP tokens,
 * as libfdt does. All return FDT_ERR_NOTFOUND for no such node or property.
 */
int fdt_setprop_inplace(void *blob, const char *path, const char *name, const void *val, int len);
int fdt_setprop_u32_inplace(void *blob, const char *path, const char *name, uint32_t value);
int fdt_nop_property(void *blob, const char *path, const char *name);

/* One (32-bit) or two (64-bit) big-endian cells at p, any alignment; 0 for other counts. */
uint64_t fdt_read_cells(const void *p, int ncells);

/* High level: what the hypervisor needs from the host DTB. */

struct fdt_range {
    uint64_t base;
    uint64_t size;
};

struct fdt_platform {
    /* reg entries of the root's children with device_type "memory" (zero sizes skipped) */
    struct fdt_range mem[FDT_MAX_MEM];
    unsigned nmem;
    bool mem_truncated; /* more entries than FDT_MAX_MEM; the first ones are kept */

    /* /cpus children with device_type "cpu" and status absent, "okay" or "ok", in DT order */
    uint64_t cpu_mpidr[FDT_MAX_CPUS];
    unsigned ncpus;
    bool cpus_truncated; /* more than FDT_MAX_CPUS; ncpus stays FDT_MAX_CPUS */

    /* psci node (arm,psci-1.0 / arm,psci-0.2 / arm,psci) with method "hvc" or "smc" */
    bool psci_present;
    bool psci_hvc;

    /* 3: "arm,gic-v3"; 2: "arm,cortex-a15-gic" or "arm,gic-400"; 0: none */
    unsigned gic_version;
    struct fdt_range gic_regs[FDT_MAX_GIC]; /* v3: GICD, GICR...; v2: GICD, GICC, GICH, GICV */
    unsigned ngic_regs;
    bool gic_maint_valid;     /* its interrupts specifier names a PPI: the maintenance interrupt */
    uint32_t gic_maint_intid; /* that PPI as an INTID (16 + PPI number) */

    /* first available "arm,pl011" node */
    bool uart_present;
    struct fdt_range uart;
    bool uart_spi_valid; /* its interrupts specifier is an SPI (first cell 0) */
    uint32_t uart_spi;   /* the SPI number (second cell) */

    const char *bootargs; /* /chosen bootargs or ""; points into the blob, NUL-terminated */

    /* /chosen rng-seed (random bytes from the firmware or QEMU), or NULL and 0 */
    const uint8_t *rng_seed;
    size_t rng_seed_len;
};

/*
 * fdt_check(), then fill *out. Nodes with a status other than "okay"/"ok" are ignored;
 * reg values use the parent's #address-cells/#size-cells (no "ranges" translation).
 * Errors: anything from fdt_check, FDT_ERR_NOTFOUND for no /cpus, no CPU or no memory,
 * FDT_ERR_BADVALUE for a malformed reg/#cells/bootargs. *out is zeroed on any error.
 */
int fdt_read_platform(const void *blob, size_t max_size, struct fdt_platform *out);

#endif
