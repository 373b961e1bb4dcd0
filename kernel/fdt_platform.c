/*
 * What shrike reads from the host DTB: RAM, the CPUs, PSCI, the GIC, the UART
 * and the command line (fdt_read_platform), on top of the bounds-checked
 * reader in kernel/fdt.c.
 */
#include "kernel/fdt.h"
#include "kernel/fdt_internal.h"

static const char fdt_empty[] = "";

/* Cursor over the (address, size) pairs of a reg property. */
struct fdt_reg_iter {
    const uint8_t *p;
    uint32_t left;
    int ac;
    int sc;
};

/* A one-cell property such as #address-cells, or dflt if absent. */
static int cells_prop(const struct fdt_view *v, int node, const char *name, int dflt, int *val)
{
    int len;
    const uint8_t *p = fdt_find_prop(v, node, name, &len);

    if (p == NULL) {
        *val = dflt;
        return len == FDT_ERR_NOTFOUND ? FDT_OK : len;
    }
    if (len != 4 || fdt_be32(p) > 2) {
        return FDT_ERR_BADVALUE;
    }
    *val = (int)fdt_be32(p);
    return FDT_OK;
}

/* #address-cells and #size-cells of a bus node; both must be 1 or 2 here. */
static int bus_cells(const struct fdt_view *v, int bus, int *ac, int *sc)
{
    int rc = cells_prop(v, bus, "#address-cells", 2, ac);

    if (rc == FDT_OK) {
        rc = cells_prop(v, bus, "#size-cells", 1, sc);
    }
    if (rc == FDT_OK && (*ac == 0 || *sc == 0)) {
        rc = FDT_ERR_BADVALUE;
    }
    return rc;
}

static int reg_begin(const struct fdt_view *v, int node, int ac, int sc, struct fdt_reg_iter *it)
{
    int len;
    uint32_t entry = (uint32_t)(ac + sc) * 4;

    it->left = 0;
    it->ac = ac;
    it->sc = sc;
    it->p = fdt_find_prop(v, node, "reg", &len);
    if (it->p == NULL) {
        return len == FDT_ERR_NOTFOUND ? FDT_ERR_BADVALUE : len;
    }
    if ((uint32_t)len % entry != 0) {
        return FDT_ERR_BADVALUE;
    }
    it->left = (uint32_t)len;
    return FDT_OK;
}

static bool reg_next(struct fdt_reg_iter *it, struct fdt_range *r)
{
    uint32_t a = (uint32_t)it->ac * 4;

    if (it->left == 0) {
        return false;
    }
    r->base = fdt_read_cells(it->p, it->ac);
    r->size = fdt_read_cells(it->p + a, it->sc);
    it->p += a + (uint32_t)it->sc * 4;
    it->left -= a + (uint32_t)it->sc * 4;
    return true;
}

/* The reg property of a node, read with its parent's cell counts. */
static int reg_of(const struct fdt_view *v, int node, struct fdt_reg_iter *it)
{
    int parent = fdt_parent_of(v, node), ac, sc, rc;

    if (parent < 0) {
        return parent;
    }
    rc = bus_cells(v, parent, &ac, &sc);
    return rc != FDT_OK ? rc : reg_begin(v, node, ac, sc, it);
}

/* Cell counts for the reg properties of a bus's children. */
struct fdt_cells {
    int ac;
    int sc;
};

typedef int (*fdt_child_fn)(const struct fdt_view *v, int node, const struct fdt_cells *cells,
                            struct fdt_platform *out);

/* fn on each available child of parent whose device_type is type, in DT order. */
static int scan_children(const struct fdt_view *v, int parent, const char *type,
                         const struct fdt_cells *cells, fdt_child_fn fn, struct fdt_platform *out)
{
    int node, rc = FDT_OK;

    for (node = fdt_sub_first(v, parent); rc == FDT_OK && node >= 0; node = fdt_sub_next(v, node)) {
        if (fdt_prop_str_is(v, node, "device_type", type) && fdt_node_available(v, node)) {
            rc = fn(v, node, cells, out);
        }
    }
    if (rc == FDT_OK && node != FDT_ERR_NOTFOUND) {
        rc = node;
    }
    return rc;
}

static int add_memory(const struct fdt_view *v, int node, const struct fdt_cells *cells,
                      struct fdt_platform *out)
{
    struct fdt_reg_iter it;
    struct fdt_range r;
    int rc = reg_begin(v, node, cells->ac, cells->sc, &it);

    while (rc == FDT_OK && reg_next(&it, &r)) {
        if (r.size == 0) {
            continue;
        }
        if (out->nmem == FDT_MAX_MEM) {
            out->mem_truncated = true;
        } else {
            out->mem[out->nmem++] = r;
        }
    }
    return rc;
}

static int read_memory(const struct fdt_view *v, struct fdt_platform *out)
{
    struct fdt_cells cells;
    int root = fdt_root_offset(v);
    int rc = root < 0 ? root : bus_cells(v, root, &cells.ac, &cells.sc);

    if (rc == FDT_OK) {
        rc = scan_children(v, root, "memory", &cells, add_memory, out);
    }
    if (rc == FDT_OK && out->nmem == 0) {
        rc = FDT_ERR_NOTFOUND;
    }
    return rc;
}

static int add_cpu(const struct fdt_view *v, int node, const struct fdt_cells *cells,
                   struct fdt_platform *out)
{
    int len;
    const uint8_t *p = fdt_find_prop(v, node, "reg", &len);

    if (p == NULL || len < cells->ac * 4) {
        return p == NULL && len != FDT_ERR_NOTFOUND ? len : FDT_ERR_BADVALUE;
    }
    if (out->ncpus == FDT_MAX_CPUS) {
        out->cpus_truncated = true;
    } else {
        out->cpu_mpidr[out->ncpus++] = fdt_read_cells(p, cells->ac);
    }
    return FDT_OK;
}

static int read_cpus(const struct fdt_view *v, struct fdt_platform *out)
{
    struct fdt_cells cells = {0, 0};
    int cpus = fdt_path_lookup(v, "/cpus");
    int rc = cpus < 0 ? cpus : cells_prop(v, cpus, "#address-cells", 2, &cells.ac);

    if (rc == FDT_OK && cells.ac == 0) {
        rc = FDT_ERR_BADVALUE;
    }
    if (rc == FDT_OK) {
        rc = scan_children(v, cpus, "cpu", &cells, add_cpu, out);
    }
    if (rc == FDT_OK && out->ncpus == 0) {
        rc = FDT_ERR_NOTFOUND;
    }
    return rc;
}

/* The first available node compatible with compat, or a negative code. */
static int find_available(const struct fdt_view *v, const char *compat)
{
    int node = -1;
    uint32_t n;

    for (n = 0; n < fdt_max_tokens(v); n++) {
        node = fdt_find_compat_view(v, node, compat);
        if (node < 0 || fdt_node_available(v, node)) {
            return node;
        }
    }
    return FDT_ERR_TRUNCATED;
}

static void read_psci(const struct fdt_view *v, struct fdt_platform *out)
{
    static const char *const compats[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"};
    int node = FDT_ERR_NOTFOUND;
    unsigned i;

    for (i = 0; i < sizeof(compats) / sizeof(compats[0]) && node < 0; i++) {
        node = find_available(v, compats[i]);
    }
    if (node < 0) {
        return;
    }
    out->psci_hvc = fdt_prop_str_is(v, node, "method", "hvc");
    out->psci_present = out->psci_hvc || fdt_prop_str_is(v, node, "method", "smc");
}

/* The GIC node's own interrupt (v2 and v3: the maintenance PPI), first specifier only. */
static void read_gic_maint(const struct fdt_view *v, int node, struct fdt_platform *out)
{
    int len;
    const uint8_t *irq = fdt_find_prop(v, node, "interrupts", &len);

    if (irq != NULL && len >= 8 && fdt_be32(irq) == 1 && fdt_be32(irq + 4) < 16) {
        out->gic_maint_valid = true;
        out->gic_maint_intid = 16 + fdt_be32(irq + 4);
    }
}

static int read_gic(const struct fdt_view *v, struct fdt_platform *out)
{
    static const char *const compats[] = {"arm,gic-v3", "arm,cortex-a15-gic", "arm,gic-400"};
    static const unsigned versions[] = {3, 2, 2};
    struct fdt_reg_iter it;
    struct fdt_range r;
    int node = FDT_ERR_NOTFOUND, rc;
    unsigned i;

    for (i = 0; i < sizeof(compats) / sizeof(compats[0]) && node < 0; i++) {
        node = find_available(v, compats[i]);
    }
    if (node < 0) {
        return FDT_OK;
    }
    rc = reg_of(v, node, &it);
    while (rc == FDT_OK && out->ngic_regs < FDT_MAX_GIC && reg_next(&it, &r)) {
        out->gic_regs[out->ngic_regs++] = r;
    }
    if (rc == FDT_OK) {
        out->gic_version = versions[i - 1];
        read_gic_maint(v, node, out);
    }
    return rc;
}

static int read_uart(const struct fdt_view *v, struct fdt_platform *out)
{
    struct fdt_reg_iter it;
    const uint8_t *irq;
    int node = find_available(v, "arm,pl011"), len, rc;

    if (node < 0) {
        return FDT_OK;
    }
    rc = reg_of(v, node, &it);
    if (rc == FDT_OK && !reg_next(&it, &out->uart)) {
        rc = FDT_ERR_BADVALUE;
    }
    if (rc != FDT_OK) {
        return rc;
    }
    out->uart_present = true;
    irq = fdt_find_prop(v, node, "interrupts", &len);
    if (irq != NULL && len >= 8 && fdt_be32(irq) == 0) {
        out->uart_spi_valid = true;
        out->uart_spi = fdt_be32(irq + 4);
    }
    return FDT_OK;
}

static int read_chosen(const struct fdt_view *v, struct fdt_platform *out)
{
    int chosen = fdt_path_lookup(v, "/chosen"), len;
    const uint8_t *p;

    if (chosen < 0) {
        return chosen == FDT_ERR_NOTFOUND ? FDT_OK : chosen;
    }
    p = fdt_find_prop(v, chosen, "rng-seed", &len);
    if (p != NULL && len > 0) {
        out->rng_seed = p;
        out->rng_seed_len = (size_t)len;
    }
    p = fdt_find_prop(v, chosen, "bootargs", &len);
    if (p == NULL) {
        return len == FDT_ERR_NOTFOUND ? FDT_OK : len;
    }
    if (len < 1 || p[len - 1] != 0) {
        return FDT_ERR_BADVALUE;
    }
    out->bootargs = (const char *)p;
    return FDT_OK;
}

/* Field by field: a struct copy could become a memcpy call, which we do not have. */
static void platform_reset(struct fdt_platform *out)
{
    unsigned i;

    for (i = 0; i < FDT_MAX_MEM; i++) {
        out->mem[i].base = 0;
        out->mem[i].size = 0;
    }
    for (i = 0; i < FDT_MAX_CPUS; i++) {
        out->cpu_mpidr[i] = 0;
    }
    for (i = 0; i < FDT_MAX_GIC; i++) {
        out->gic_regs[i].base = 0;
        out->gic_regs[i].size = 0;
    }
    out->nmem = out->ncpus = out->ngic_regs = out->gic_version = 0;
    out->gic_maint_valid = false;
    out->gic_maint_intid = 0;
    out->mem_truncated = out->cpus_truncated = false;
    out->psci_present = out->psci_hvc = false;
    out->uart_present = out->uart_spi_valid = false;
    out->uart.base = out->uart.size = 0;
    out->uart_spi = 0;
    out->bootargs = fdt_empty;
    out->rng_seed = NULL;
    out->rng_seed_len = 0;
}

int fdt_read_platform(const void *blob, size_t max_size, struct fdt_platform *out)
{
    struct fdt_view v;
    int rc;

    if (out == NULL) {
        return FDT_ERR_BADARG;
    }
    platform_reset(out);
    rc = fdt_check(blob, max_size);
    if (rc == FDT_OK) {
        rc = fdt_view_init(blob, &v);
    }
    if (rc == FDT_OK) {
        rc = read_memory(&v, out);
    }
    if (rc == FDT_OK) {
        rc = read_cpus(&v, out);
    }
    if (rc == FDT_OK) {
        read_psci(&v, out);
        rc = read_gic(&v, out);
    }
    if (rc == FDT_OK) {
        rc = read_uart(&v, out);
    }
    if (rc == FDT_OK) {
        rc = read_chosen(&v, out);
    }
    if (rc != FDT_OK) {
        platform_reset(out);
    }
    return rc;
}
