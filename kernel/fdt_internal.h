/*
 * The FDT reader's internals shared by kernel/fdt.c (validation and walking)
 * and kernel/fdt_platform.c (what shrike reads from the host DTB). Nothing
 * else includes this.
 */
#ifndef SHRIKE_KERNEL_FDT_INTERNAL_H
#define SHRIKE_KERNEL_FDT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The two blocks of a blob whose header has been checked. */
struct fdt_view {
    const uint8_t *st; /* structure block */
    uint32_t st_size;
    const uint8_t *str; /* strings block */
    uint32_t str_size;
};

uint32_t fdt_be32(const uint8_t *p);
int fdt_view_init(const void *blob, struct fdt_view *v);
uint32_t fdt_max_tokens(const struct fdt_view *v);
int fdt_root_offset(const struct fdt_view *v);
int fdt_sub_first(const struct fdt_view *v, int node);
int fdt_sub_next(const struct fdt_view *v, int node);
const uint8_t *fdt_find_prop(const struct fdt_view *v, int node, const char *name, int *len);
bool fdt_prop_str_is(const struct fdt_view *v, int node, const char *name, const char *value);
bool fdt_node_available(const struct fdt_view *v, int node);
int fdt_find_compat_view(const struct fdt_view *v, int start, const char *compat);
int fdt_path_lookup(const struct fdt_view *v, const char *path);
int fdt_parent_of(const struct fdt_view *v, int node);

#endif
