/*
 * Flattened device tree reader: header and structure validation, node walking
 * and property lookup (the platform summary shrike boots from is fdt_platform.c). Every read
 * of the blob goes through next_token() or a length checked against its block, and
 * every loop advances through a finite block (or a caller's NUL-terminated string).
 */
#include "kernel/fdt.h"
#include "kernel/fdt_internal.h"

#define FDT_MAGIC       0xd00dfeedu
#define FDT_VERSION     17u
#define FDT_HEADER_SIZE 40u
#define FDT_SIZE_LIMIT  0x40000000u /* keeps every offset (and offset + 3) inside int */
#define FDT_RSV_ENTRY   16u

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

#define HDR_MAGIC        0u
#define HDR_TOTALSIZE    4u
#define HDR_OFF_STRUCT   8u
#define HDR_OFF_STRINGS  12u
#define HDR_OFF_RSVMAP   16u
#define HDR_VERSION      20u
#define HDR_LAST_COMP    24u
#define HDR_SIZE_STRINGS 32u
#define HDR_SIZE_STRUCT  36u

#define PROP_HEADER 12u /* tag, len, nameoff */

/* ---- bytes and strings ---- */

uint32_t fdt_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void fdt_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t hdr(const void *blob, uint32_t field)
{
    return fdt_be32((const uint8_t *)blob + field);
}

/* Length of the string at p if a NUL occurs within its avail bytes. */
static bool bounded_len(const uint8_t *p, uint32_t avail, uint32_t *len)
{
    uint32_t i;

    for (i = 0; i < avail; i++) {
        if (p[i] == 0) {
            *len = i;
            return true;
        }
    }
    return false;
}

/* The NUL-terminated string s equals the string at p, which must end within avail. */
static bool bounded_eq(const uint8_t *p, uint32_t avail, const char *s)
{
    uint32_t i;

    for (i = 0; i < avail; i++) {
        if (p[i] != (uint8_t)s[i]) {
            return false;
        }
        if (s[i] == '\0') {
            return true;
        }
    }
    return false;
}

/* The first n chars of name (a NUL-terminated node name) equal comp (no NUL in it). */
static bool prefix_eq(const char *name, const char *comp, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (name[i] != comp[i]) {
            return false;
        }
    }
    return true;
}

static bool block_inside(uint32_t off, uint32_t size, uint32_t total)
{
    return (uint64_t)off + size <= total;
}

/* ---- header ---- */

static int layout_check(const void *blob, uint32_t total)
{
    uint32_t off_st = hdr(blob, HDR_OFF_STRUCT);
    uint32_t off_str = hdr(blob, HDR_OFF_STRINGS);
    uint32_t off_rsv = hdr(blob, HDR_OFF_RSVMAP);

    if (off_st % 4 != 0 || off_rsv % 8 != 0) {
        return FDT_ERR_BADSTRUCTURE;
    }
    if (off_st < FDT_HEADER_SIZE || off_str < FDT_HEADER_SIZE || off_rsv < FDT_HEADER_SIZE) {
        return FDT_ERR_BADSTRUCTURE;
    }
    if (!block_inside(off_st, hdr(blob, HDR_SIZE_STRUCT), total) ||
        !block_inside(off_str, hdr(blob, HDR_SIZE_STRINGS), total) ||
        !block_inside(off_rsv, FDT_RSV_ENTRY, total)) {
        return FDT_ERR_TRUNCATED;
    }
    return FDT_OK;
}

/* Everything in the header except totalsize against the caller's buffer. */
static int header_check(const void *blob)
{
    uint32_t total = hdr(blob, HDR_TOTALSIZE);

    if (hdr(blob, HDR_MAGIC) != FDT_MAGIC) {
        return FDT_ERR_BADMAGIC;
    }
    if (hdr(blob, HDR_VERSION) < FDT_VERSION || hdr(blob, HDR_LAST_COMP) > FDT_VERSION) {
        return FDT_ERR_BADVERSION;
    }
    if (total < FDT_HEADER_SIZE) {
        return FDT_ERR_TRUNCATED;
    }
    if (total > FDT_SIZE_LIMIT) {
        return FDT_ERR_BADSTRUCTURE;
    }
    return layout_check(blob, total);
}

int fdt_view_init(const void *blob, struct fdt_view *v)
{
    const uint8_t *b = blob;
    int rc;

    if (blob == NULL) {
        return FDT_ERR_BADARG;
    }
    rc = header_check(blob);
    if (rc != FDT_OK) {
        return rc;
    }
    v->st = b + hdr(blob, HDR_OFF_STRUCT);
    v->st_size = hdr(blob, HDR_SIZE_STRUCT);
    v->str = b + hdr(blob, HDR_OFF_STRINGS);
    v->str_size = hdr(blob, HDR_SIZE_STRINGS);
    return FDT_OK;
}

int fdt_check_header(const void *blob, size_t max_size)
{
    int rc;

    if (blob == NULL) {
        return FDT_ERR_BADARG;
    }
    if (max_size < FDT_HEADER_SIZE) {
        return FDT_ERR_TRUNCATED;
    }
    rc = header_check(blob);
    if (rc == FDT_OK && hdr(blob, HDR_TOTALSIZE) > max_size) {
        rc = FDT_ERR_TRUNCATED;
    }
    return rc;
}

size_t fdt_total_size(const void *blob)
{
    return blob != NULL ? (size_t)hdr(blob, HDR_TOTALSIZE) : 0;
}

/* ---- tokens ---- */

static int node_token_end(const struct fdt_view *v, uint32_t o, uint32_t *end)
{
    uint32_t len;

    if (!bounded_len(v->st + o + 4, v->st_size - o - 4, &len)) {
        return FDT_ERR_TRUNCATED;
    }
    *end = o + 4 + len + 1;
    return FDT_OK;
}

static int prop_token_end(const struct fdt_view *v, uint32_t o, uint32_t *end)
{
    uint32_t len;

    if (v->st_size - o < PROP_HEADER) {
        return FDT_ERR_TRUNCATED;
    }
    len = fdt_be32(v->st + o + 4);
    if (len > v->st_size - o - PROP_HEADER) {
        return FDT_ERR_TRUNCATED;
    }
    if (fdt_be32(v->st + o + 8) >= v->str_size) {
        return FDT_ERR_BADSTRUCTURE;
    }
    *end = o + PROP_HEADER + len;
    return FDT_OK;
}

/* off as an unsigned offset, if it is aligned and a 4-byte tag fits there. */
static int token_offset(const struct fdt_view *v, int off, uint32_t *o)
{
    if (off < 0 || off % 4 != 0) {
        return FDT_ERR_BADOFFSET;
    }
    *o = (uint32_t)off;
    if (*o > v->st_size || v->st_size - *o < 4) {
        return FDT_ERR_TRUNCATED;
    }
    return FDT_OK;
}

/* A token that is just its tag. */
static bool bare_token(int tag)
{
    return tag == FDT_END_NODE || tag == FDT_NOP || tag == FDT_END;
}

/*
 * The token at off (FDT_BEGIN_NODE ... FDT_END) or an error; *next gets the offset of
 * the following token, always at least off + 4. A node token's name is NUL-terminated
 * inside the block; a property's value is inside the block, its name offset inside the
 * strings block.
 */
static int next_token(const struct fdt_view *v, int off, int *next)
{
    uint32_t o, end = 0;
    int tag, rc = token_offset(v, off, &o);

    if (rc != FDT_OK) {
        return rc;
    }
    if (fdt_be32(v->st + o) > FDT_END) {
        return FDT_ERR_BADSTRUCTURE;
    }
    tag = (int)fdt_be32(v->st + o);
    if (tag == FDT_BEGIN_NODE) {
        rc = node_token_end(v, o, &end);
    } else if (tag == FDT_PROP) {
        rc = prop_token_end(v, o, &end);
    } else if (bare_token(tag)) {
        end = o + 4;
    } else {
        rc = FDT_ERR_BADSTRUCTURE;
    }
    if (rc != FDT_OK) {
        return rc;
    }
    *next = (int)((end + 3u) & ~3u);
    return tag;
}

/* Upper bound on the tokens in the structure block (each takes at least 4 bytes). */
uint32_t fdt_max_tokens(const struct fdt_view *v)
{
    return v->st_size / 4 + 1;
}

static int check_node(const struct fdt_view *v, int node)
{
    int next;

    return next_token(v, node, &next) == FDT_BEGIN_NODE ? FDT_OK : FDT_ERR_BADOFFSET;
}

/* The root node: the first token that is not a NOP. */
int fdt_root_offset(const struct fdt_view *v)
{
    int off = 0, next, tag;
    uint32_t n;

    for (n = 0; n < fdt_max_tokens(v); n++) {
        tag = next_token(v, off, &next);
        if (tag < 0) {
            return tag;
        }
        if (tag != FDT_NOP) {
            return tag == FDT_BEGIN_NODE ? off : FDT_ERR_BADSTRUCTURE;
        }
        off = next;
    }
    return FDT_ERR_TRUNCATED;
}

/*
 * The next node after the node at off, in tree order. *depth is its level relative
 * to the node at off on entry (child +1, sibling +0, parent's sibling -1 ...).
 */
static int next_node(const struct fdt_view *v, int off, int *depth)
{
    int next, tag, level = *depth + 1;
    uint32_t n;

    tag = next_token(v, off, &next);
    for (n = 0; tag >= 0 && n < fdt_max_tokens(v); n++) {
        off = next;
        tag = next_token(v, off, &next);
        if (tag == FDT_BEGIN_NODE) {
            *depth = level;
            return off;
        }
        if (tag == FDT_END_NODE) {
            level--;
        } else if (tag == FDT_END) {
            return FDT_ERR_NOTFOUND;
        }
    }
    return tag < 0 ? tag : FDT_ERR_TRUNCATED;
}

int fdt_sub_first(const struct fdt_view *v, int node)
{
    int depth = 0;

    node = next_node(v, node, &depth);
    if (node >= 0 && depth != 1) {
        return FDT_ERR_NOTFOUND;
    }
    return node;
}

int fdt_sub_next(const struct fdt_view *v, int node)
{
    int depth = 0;
    uint32_t n;

    for (n = 0; n < fdt_max_tokens(v); n++) {
        node = next_node(v, node, &depth);
        if (node < 0 || depth == 0) {
            return node;
        }
        if (depth < 0) {
            return FDT_ERR_NOTFOUND;
        }
    }
    return FDT_ERR_TRUNCATED;
}

static const char *name_of(const struct fdt_view *v, int node)
{
    return (const char *)(v->st + node + 4);
}

/* ---- full structure check ---- */

/* The walk goes on (1) if the property's name is NUL-terminated in the strings block. */
static int check_prop_name(const struct fdt_view *v, int off)
{
    uint32_t nameoff = fdt_be32(v->st + off + 8), len;

    return bounded_len(v->str + nameoff, v->str_size - nameoff, &len) ? 1 : FDT_ERR_TRUNCATED;
}

/* A node opens: only one root, at most FDT_MAX_DEPTH levels. */
static int check_begin(int *depth, bool *root_seen)
{
    if (*depth == 0 && *root_seen) {
        return FDT_ERR_BADSTRUCTURE;
    }
    if (*depth >= FDT_MAX_DEPTH) {
        return FDT_ERR_DEPTH;
    }
    (*depth)++;
    *root_seen = true;
    return 1;
}

/* One token of the walk: 1 to go on, FDT_OK at a well-placed FDT_END, or an error. */
static int check_token(const struct fdt_view *v, int tag, int off, int *depth, bool *root_seen)
{
    switch (tag) {
    case FDT_BEGIN_NODE:
        return check_begin(depth, root_seen);
    case FDT_END_NODE:
        return (*depth)-- > 0 ? 1 : FDT_ERR_BADSTRUCTURE;
    case FDT_PROP:
        return *depth > 0 ? check_prop_name(v, off) : FDT_ERR_BADSTRUCTURE;
    case FDT_END:
        return *depth == 0 && *root_seen ? FDT_OK : FDT_ERR_BADSTRUCTURE;
    default:
        return 1; /* FDT_NOP */
    }
}

static int check_structure(const struct fdt_view *v)
{
    int off = 0, next, tag, depth = 0, rc = 1;
    bool root_seen = false;
    uint32_t n;

    for (n = 0; rc == 1 && n < fdt_max_tokens(v); n++) {
        tag = next_token(v, off, &next);
        if (tag < 0) {
            return tag;
        }
        rc = check_token(v, tag, off, &depth, &root_seen);
        off = next;
    }
    return rc == 1 ? FDT_ERR_TRUNCATED : rc;
}

int fdt_check(const void *blob, size_t max_size)
{
    struct fdt_view v;
    int rc = fdt_check_header(blob, max_size);

    if (rc == FDT_OK) {
        rc = fdt_view_init(blob, &v);
    }
    if (rc == FDT_OK) {
        rc = check_structure(&v);
    }
    return rc;
}

/* ---- properties ---- */

static bool prop_name_is(const struct fdt_view *v, int off, const char *name)
{
    uint32_t nameoff = fdt_be32(v->st + off + 8);

    return bounded_eq(v->str + nameoff, v->str_size - nameoff, name);
}

/* Property name of the (checked) node; NULL with *len an error if absent or unreadable. */
const uint8_t *fdt_find_prop(const struct fdt_view *v, int node, const char *name, int *len)
{
    int off, next, tag;
    uint32_t n;

    tag = next_token(v, node, &next);
    for (n = 0; tag >= 0 && n < fdt_max_tokens(v); n++) {
        off = next;
        tag = next_token(v, off, &next);
        if (tag == FDT_PROP && prop_name_is(v, off, name)) {
            *len = (int)fdt_be32(v->st + off + 4);
            return v->st + off + PROP_HEADER;
        }
        if (tag == FDT_BEGIN_NODE || tag == FDT_END_NODE || tag == FDT_END) {
            break;
        }
    }
    *len = tag < 0 ? tag : FDT_ERR_NOTFOUND;
    return NULL;
}

/* The property's first string is exactly value. */
bool fdt_prop_str_is(const struct fdt_view *v, int node, const char *name, const char *value)
{
    int len;
    const uint8_t *p = fdt_find_prop(v, node, name, &len);

    return p != NULL && bounded_eq(p, (uint32_t)len, value);
}

static bool stringlist_has(const uint8_t *p, uint32_t len, const char *s)
{
    uint32_t pos = 0, n;

    while (pos < len && bounded_len(p + pos, len - pos, &n)) {
        if (bounded_eq(p + pos, len - pos, s)) {
            return true;
        }
        pos += n + 1;
    }
    return false;
}

static bool is_compatible(const struct fdt_view *v, int node, const char *compat)
{
    int len;
    const uint8_t *p = fdt_find_prop(v, node, "compatible", &len);

    return p != NULL && stringlist_has(p, (uint32_t)len, compat);
}

/* status absent, "okay" or the older "ok". */
bool fdt_node_available(const struct fdt_view *v, int node)
{
    int len;
    const uint8_t *p = fdt_find_prop(v, node, "status", &len);

    if (p == NULL) {
        return true;
    }
    return bounded_eq(p, (uint32_t)len, "okay") || bounded_eq(p, (uint32_t)len, "ok");
}

int fdt_find_compat_view(const struct fdt_view *v, int start, const char *compat)
{
    int node = start, depth = 0;
    uint32_t n;

    if (start == -1) {
        node = fdt_root_offset(v);
        if (node < 0 || is_compatible(v, node, compat)) {
            return node;
        }
    } else if (check_node(v, start) != FDT_OK) {
        return FDT_ERR_BADOFFSET;
    }
    for (n = 0; n < fdt_max_tokens(v); n++) {
        node = next_node(v, node, &depth);
        if (node < 0 || is_compatible(v, node, compat)) {
            return node;
        }
    }
    return FDT_ERR_TRUNCATED;
}

/* ---- paths ---- */

/* The child of parent named comp[0..n) exactly, else the only one whose base name is it. */
static int find_child(const struct fdt_view *v, int parent, const char *comp, size_t n)
{
    int child, found = FDT_ERR_NOTFOUND;
    unsigned nbase = 0;
    bool has_unit = false;
    size_t i;

    for (i = 0; i < n; i++) {
        has_unit = has_unit || comp[i] == '@';
    }
    for (child = fdt_sub_first(v, parent); child >= 0; child = fdt_sub_next(v, child)) {
        const char *name = name_of(v, child);

        if (!prefix_eq(name, comp, n)) {
            continue;
        }
        if (name[n] == '\0') {
            return child;
        }
        if (!has_unit && name[n] == '@') {
            found = child;
            nbase++;
        }
    }
    if (child != FDT_ERR_NOTFOUND) {
        return child;
    }
    return nbase == 1 ? found : FDT_ERR_NOTFOUND;
}

/* Length of the path component at p (up to the next '/' or the end). */
static size_t component_len(const char *p)
{
    size_t n = 0;

    while (p[n] != '\0' && p[n] != '/') {
        n++;
    }
    return n;
}

int fdt_path_lookup(const struct fdt_view *v, const char *path)
{
    int node;
    size_t n;

    if (path == NULL || path[0] != '/') {
        return FDT_ERR_BADARG;
    }
    node = fdt_root_offset(v);
    while (node >= 0 && *path != '\0') {
        while (*path == '/') {
            path++;
        }
        n = component_len(path);
        if (n > 0) {
            node = find_child(v, node, path, n);
        }
        path += n;
    }
    return node;
}

/* ---- public low level ---- */

const char *fdt_strerror(int err)
{
    static const char *const msgs[] = {
        "ok",          "bad magic",       "bad structure",    "not found",          "truncated",
        "bad version", "bad node offset", "nesting too deep", "bad property value", "bad argument",
    };

    if (err > 0 || err < FDT_ERR_BADARG) {
        return "unknown error";
    }
    return msgs[-err];
}

/* view_init plus the check that node is a node offset. */
static int view_node(const void *blob, int node, struct fdt_view *v)
{
    int rc = fdt_view_init(blob, v);

    return rc != FDT_OK ? rc : check_node(v, node);
}

int fdt_path_offset(const void *blob, const char *path)
{
    struct fdt_view v;
    int rc = fdt_view_init(blob, &v);

    return rc != FDT_OK ? rc : fdt_path_lookup(&v, path);
}

int fdt_first_subnode(const void *blob, int node)
{
    struct fdt_view v;
    int rc = view_node(blob, node, &v);

    return rc != FDT_OK ? rc : fdt_sub_first(&v, node);
}

int fdt_next_subnode(const void *blob, int node)
{
    struct fdt_view v;
    int rc = view_node(blob, node, &v);

    return rc != FDT_OK ? rc : fdt_sub_next(&v, node);
}

/* One step of the walk from the root: the next node, recorded in stack at its level. */
static int parent_step(const struct fdt_view *v, int off, int *depth, int *stack)
{
    off = next_node(v, off, depth);
    if (off < 0) {
        return off;
    }
    if (*depth <= 0) {
        return FDT_ERR_NOTFOUND; /* left the root */
    }
    if (*depth >= FDT_MAX_DEPTH) {
        return FDT_ERR_DEPTH;
    }
    stack[*depth] = off;
    return off;
}

int fdt_parent_of(const struct fdt_view *v, int node)
{
    int stack[FDT_MAX_DEPTH];
    int off = fdt_root_offset(v), depth = 0;
    uint32_t n;

    if (off == node) {
        return FDT_ERR_NOTFOUND;
    }
    stack[0] = off;
    for (n = 0; off >= 0 && off < node && n < fdt_max_tokens(v); n++) {
        off = parent_step(v, off, &depth, stack);
    }
    if (off != node) {
        return off < 0 ? off : FDT_ERR_NOTFOUND;
    }
    return stack[depth - 1];
}

int fdt_parent_offset(const void *blob, int node)
{
    struct fdt_view v;
    int rc = view_node(blob, node, &v);

    return rc != FDT_OK ? rc : fdt_parent_of(&v, node);
}

const char *fdt_node_name(const void *blob, int node)
{
    struct fdt_view v;

    return view_node(blob, node, &v) == FDT_OK ? name_of(&v, node) : NULL;
}

const void *fdt_getprop(const void *blob, int node, const char *name, int *len)
{
    struct fdt_view v;
    const uint8_t *p = NULL;
    int rc = name != NULL ? view_node(blob, node, &v) : FDT_ERR_BADARG;

    if (rc == FDT_OK) {
        p = fdt_find_prop(&v, node, name, &rc);
    }
    if (len != NULL) {
        *len = rc;
    }
    return p;
}

bool fdt_node_is_compatible(const void *blob, int node, const char *compat)
{
    struct fdt_view v;

    if (compat == NULL || view_node(blob, node, &v) != FDT_OK) {
        return false;
    }
    return is_compatible(&v, node, compat);
}

int fdt_find_compatible(const void *blob, int start, const char *compat)
{
    struct fdt_view v;
    int rc = compat != NULL ? fdt_view_init(blob, &v) : FDT_ERR_BADARG;

    return rc != FDT_OK ? rc : fdt_find_compat_view(&v, start, compat);
}

uint64_t fdt_read_cells(const void *p, int ncells)
{
    const uint8_t *b = p;

    if (b == NULL || ncells < 1 || ncells > 2) {
        return 0;
    }
    if (ncells == 1) {
        return fdt_be32(b);
    }
    return (uint64_t)fdt_be32(b) << 32 | fdt_be32(b + 4);
}

/* The writable value of property name of the node at path, or NULL with *len the error. */
static uint8_t *find_prop_rw(void *blob, const char *path, const char *name, int *len)
{
    int node = fdt_path_offset(blob, path);
    if (node < 0) {
        *len = node;
        return NULL;
    }
    /* fdt_getprop() bounds-checked the value; the blob is the caller's writable copy. */
    return (uint8_t *)(uintptr_t)fdt_getprop(blob, node, name, len);
}

int fdt_setprop_inplace(void *blob, const char *path, const char *name, const void *val, int len)
{
    int have = 0;
    uint8_t *p = find_prop_rw(blob, path, name, &have);
    if (p == NULL) {
        return have;
    }
    if (have != len) {
        return FDT_ERR_BADVALUE;
    }
    for (int i = 0; i < len; i++) {
        p[i] = ((const uint8_t *)val)[i];
    }
    return FDT_OK;
}

int fdt_setprop_u32_inplace(void *blob, const char *path, const char *name, uint32_t value)
{
    const uint8_t be[4] = {(uint8_t)(value >> 24), (uint8_t)(value >> 16), (uint8_t)(value >> 8),
                           (uint8_t)value};
    return fdt_setprop_inplace(blob, path, name, be, 4);
}

int fdt_nop_property(void *blob, const char *path, const char *name)
{
    int len = 0;
    uint8_t *p = find_prop_rw(blob, path, name, &len);
    if (p == NULL) {
        return len;
    }
    /* The FDT_PROP token, length and name offset (12 bytes) and the padded value become NOPs. */
    uint8_t *start = p - 12;
    size_t words = 3 + ((size_t)len + 3) / 4;
    for (size_t i = 0; i < words; i++) {
        fdt_put_be32(start + 4 * i, FDT_NOP);
    }
    return FDT_OK;
}
