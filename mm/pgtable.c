/*
 * Translation-table builder and walker (see pgtable.h). Descriptor layout,
 * 4 KiB granule (Arm ARM D8.3):
 *   bit 0 valid, bit 1 table (levels 0-2) or page (level 3), bits [47:12]
 *   output address, [11:2] lower attributes, [63:50] upper attributes.
 */
#include "mm/pgtable.h"

#include "kernel/errno.h"
#include "mm/page_alloc.h"

#define DESC_VALID    (1ULL << 0)
#define DESC_TABLE    (1ULL << 1) /* also "page" at level 3 */
#define DESC_AF       (1ULL << 10)
#define DESC_SH_INNER (3ULL << 8)
#define DESC_XN       (1ULL << 54)
#define DESC_OA_MASK  (((1ULL << PT_OA_BITS) - 1) & ~(PAGE_SIZE - 1))

/* Stage 1 (EL2 regime) lower attributes. */
#define S1_ATTRIDX(i)   ((uint64_t)(i) << 2)
#define S1_ATTRIDX_MASK (7ULL << 2)
#define S1_AP_RO        (1ULL << 7)
#define S1_AP1_RES1     (1ULL << 6)

/* Stage 2 lower attributes. */
#define S2_MEMATTR_NORMAL (0xFULL << 2) /* outer and inner write-back */
#define S2_MEMATTR_DEVICE (0x1ULL << 2) /* Device-nGnRE */
#define S2_MEMATTR_MASK   (0xFULL << 2)
#define S2AP_READ         (1ULL << 6)
#define S2AP_WRITE        (1ULL << 7)

static unsigned level_shift(unsigned level)
{
    return PAGE_SHIFT + 9 * (3 - level);
}

/* Input bits resolved by one table at `level` and all levels below it. */
static unsigned table_bits(unsigned level)
{
    return level_shift(level) + 9;
}

static uint64_t *table_ptr(uint64_t desc)
{
    return pa_to_ptr(pa_init(desc & DESC_OA_MASK));
}

unsigned pt_root_pages(enum pt_stage stage, unsigned ia_bits, unsigned start_level)
{
    if (start_level > 2 || ia_bits > PT_OA_BITS || ia_bits < 25) {
        return 0;
    }
    unsigned bits = table_bits(start_level);
    if (start_level < 2 && ia_bits <= table_bits(start_level + 1)) {
        return 0; /* a later start level would do: the architecture requires it */
    }
    if (ia_bits <= bits) {
        return 1;
    }
    if (stage != PT_STAGE2 || ia_bits - bits > 4 || start_level == 0) {
        return 0; /* only stage 2 concatenates, up to 16 tables, not at level 0 */
    }
    return 1U << (ia_bits - bits);
}

static uint64_t encode_attrs(enum pt_stage stage, unsigned attrs)
{
    uint64_t d = DESC_AF;
    bool dev = (attrs & PT_DEVICE) != 0;
    if (!dev) {
        d |= DESC_SH_INNER;
    }
    if (!(attrs & PT_EXEC)) {
        d |= DESC_XN;
    }
    if (stage == PT_STAGE1_EL2) {
        d |= S1_ATTRIDX(dev ? MAIR_IDX_DEVICE : MAIR_IDX_NORMAL) | S1_AP1_RES1;
        d |= (attrs & PT_WRITE) ? 0 : S1_AP_RO;
    } else {
        d |= dev ? S2_MEMATTR_DEVICE : S2_MEMATTR_NORMAL;
        d |= (attrs & PT_READ) ? S2AP_READ : 0;
        d |= (attrs & PT_WRITE) ? S2AP_WRITE : 0;
    }
    return d;
}

static unsigned decode_attrs(enum pt_stage stage, uint64_t d)
{
    unsigned attrs = (d & DESC_XN) ? 0 : PT_EXEC;
    if (stage == PT_STAGE1_EL2) {
        attrs |= PT_READ | ((d & S1_AP_RO) ? 0 : PT_WRITE);
        attrs |= ((d & S1_ATTRIDX_MASK) == S1_ATTRIDX(MAIR_IDX_DEVICE)) ? PT_DEVICE : 0;
    } else {
        attrs |= (d & S2AP_READ) ? PT_READ : 0;
        attrs |= (d & S2AP_WRITE) ? PT_WRITE : 0;
        attrs |= ((d & S2_MEMATTR_MASK) == S2_MEMATTR_DEVICE) ? PT_DEVICE : 0;
    }
    return attrs;
}

static unsigned entry_index(const struct pgtable *pt, unsigned level, uint64_t ia)
{
    uint64_t entries = PT_ENTRIES;
    if (level == pt->start_level) {
        entries *= pt->root_pages;
    }
    return (unsigned)((ia >> level_shift(level)) & (entries - 1));
}

static bool is_leaf(uint64_t desc, unsigned level)
{
    return level == 3 || (desc & DESC_TABLE) == 0;
}

static bool new_table(uint64_t *entry)
{
    paddr_t pa;
    if (!page_alloc(1, 1, &pa)) {
        return false;
    }
    *entry = pa_addr(pa) | DESC_TABLE | DESC_VALID;
    return true;
}

int pt_init(struct pgtable *pt, enum pt_stage stage, unsigned ia_bits, unsigned start_level)
{
    unsigned pages = pt_root_pages(stage, ia_bits, start_level);
    if (pages == 0) {
        return -EINVAL;
    }
    pt->stage = stage;
    pt->ia_bits = ia_bits;
    pt->start_level = start_level;
    pt->root_pages = pages;
    pt->break_entry = 0;
    pt->flush_tlb = 0;
    pt->owner = 0;
    /* Concatenated tables must be aligned to their combined size. */
    return page_alloc(pages, pages, &pt->root) ? 0 : -ENOMEM;
}

struct map_req {
    uint64_t ia;
    uint64_t pa;
    uint64_t size;
    uint64_t attr_bits;
};

static bool block_fits(const struct map_req *r, unsigned level, uint64_t chunk)
{
    uint64_t bsize = 1ULL << level_shift(level);
    return level >= 1 && chunk == bsize && (r->ia & (bsize - 1)) == 0 && (r->pa & (bsize - 1)) == 0;
}

static int map_level(struct pgtable *pt, uint64_t *table, unsigned level, struct map_req *r,
                     uint64_t size)
{
    while (size > 0) {
        uint64_t bsize = 1ULL << level_shift(level);
        uint64_t chunk = bsize - (r->ia & (bsize - 1));
        chunk = chunk < size ? chunk : size;
        uint64_t *entry = &table[entry_index(pt, level, r->ia)];
        if (level == 3 || (!(*entry & DESC_VALID) && block_fits(r, level, chunk))) {
            if (*entry & DESC_VALID) {
                return -EEXIST;
            }
            *entry = r->pa | r->attr_bits | (level == 3 ? DESC_TABLE : 0) | DESC_VALID;
            r->ia += chunk;
            r->pa += chunk;
        } else {
            if (!(*entry & DESC_VALID) && !new_table(entry)) {
                return -ENOMEM;
            }
            if (is_leaf(*entry, level)) {
                return -EEXIST;
            }
            int err = map_level(pt, table_ptr(*entry), level + 1, r, chunk);
            if (err) {
                return err;
            }
        }
        size -= chunk;
    }
    return 0;
}

static bool range_ok(const struct pgtable *pt, uint64_t ia, uint64_t size)
{
    uint64_t limit = 1ULL << pt->ia_bits;
    return size > 0 && ((ia | size) & (PAGE_SIZE - 1)) == 0 && ia < limit && size <= limit - ia;
}

int pt_map(struct pgtable *pt, uint64_t ia, uint64_t pa, uint64_t size, unsigned attrs)
{
    if (!range_ok(pt, ia, size) || (pa & (PAGE_SIZE - 1)) != 0 || pa >= (1ULL << PT_OA_BITS) ||
        size > (1ULL << PT_OA_BITS) - pa) {
        return -EINVAL;
    }
    if (pt->stage == PT_STAGE1_EL2 && !(attrs & PT_READ)) {
        return -EINVAL;
    }
    struct map_req r = {ia, pa, size, encode_attrs(pt->stage, attrs)};
    return map_level(pt, pa_to_ptr(pt->root), pt->start_level, &r, size);
}

/* Replaces a live block with a table of the next level mapping the same range. */
static bool split_block(struct pgtable *pt, uint64_t *entry, unsigned level, uint64_t ia)
{
    uint64_t block = *entry;
    uint64_t next_size = 1ULL << level_shift(level + 1);
    uint64_t type = level + 1 == 3 ? DESC_TABLE : 0;
    uint64_t tmp;
    if (!new_table(&tmp)) {
        return false;
    }
    uint64_t *next = table_ptr(tmp);
    uint64_t base = block & DESC_OA_MASK;
    uint64_t attrs = block & ~DESC_OA_MASK & ~(DESC_VALID | DESC_TABLE);
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        next[i] = (base + i * next_size) | attrs | type | DESC_VALID;
    }
    /* Break before make: the old block must be gone from every TLB first. */
    *entry = 0;
    if (pt->break_entry) {
        pt->break_entry(pt, ia & ~((1ULL << level_shift(level)) - 1), level);
    }
    *entry = tmp;
    return true;
}

static bool table_empty(const uint64_t *table)
{
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        if (table[i] & DESC_VALID) {
            return false;
        }
    }
    return true;
}

/*
 * Tables pt_unmap() empties, freed only after the TLB flush: until then a
 * walker on another CPU may still hold a pointer to one in its walk cache. They
 * are chained through their first entry, which keeps bit 0 clear (a page
 * address): to such a walker every entry still reads invalid.
 */
struct dead_tables {
    uint64_t *head;
    unsigned count;
};

static void defer_free(struct dead_tables *dead, uint64_t *table)
{
    table[0] = (uint64_t)(uintptr_t)dead->head;
    dead->head = table;
    dead->count++;
}

static void free_dead(const struct pgtable *pt, struct dead_tables *dead)
{
    if (dead->count == 0) {
        return;
    }
    if (pt->flush_tlb) {
        pt->flush_tlb(pt);
    }
    while (dead->head) {
        uint64_t *next = (uint64_t *)(uintptr_t)dead->head[0];
        page_free(ptr_to_pa(dead->head), 1);
        dead->head = next;
    }
}

static int unmap_level(struct pgtable *pt, uint64_t *table, unsigned level, uint64_t ia,
                       uint64_t size, struct dead_tables *dead)
{
    while (size > 0) {
        uint64_t bsize = 1ULL << level_shift(level);
        uint64_t chunk = bsize - (ia & (bsize - 1));
        chunk = chunk < size ? chunk : size;
        uint64_t *entry = &table[entry_index(pt, level, ia)];
        if ((*entry & DESC_VALID) && is_leaf(*entry, level) && chunk < bsize &&
            !split_block(pt, entry, level, ia)) {
            return -ENOMEM;
        }
        if (!(*entry & DESC_VALID)) {
            /* nothing mapped here */
        } else if (is_leaf(*entry, level)) {
            *entry = 0;
        } else {
            uint64_t *next = table_ptr(*entry);
            int err = unmap_level(pt, next, level + 1, ia, chunk, dead);
            if (err) {
                return err;
            }
            if (table_empty(next)) {
                *entry = 0;
                defer_free(dead, next);
            }
        }
        ia += chunk;
        size -= chunk;
    }
    return 0;
}

int pt_unmap(struct pgtable *pt, uint64_t ia, uint64_t size)
{
    if (!range_ok(pt, ia, size)) {
        return -EINVAL;
    }
    struct dead_tables dead = {0, 0};
    int err = unmap_level(pt, pa_to_ptr(pt->root), pt->start_level, ia, size, &dead);
    free_dead(pt, &dead); /* also after an error: what was emptied is unlinked */
    return err;
}

bool pt_walk(const struct pgtable *pt, uint64_t ia, struct pt_mapping *out)
{
    if (ia >= (1ULL << pt->ia_bits)) {
        return false;
    }
    const uint64_t *table = pa_to_ptr(pt->root);
    for (unsigned level = pt->start_level; level < PT_LEVELS; level++) {
        uint64_t desc = table[entry_index(pt, level, ia)];
        if (!(desc & DESC_VALID) || (level == 3 && !(desc & DESC_TABLE))) {
            return false;
        }
        if (is_leaf(desc, level)) {
            uint64_t mask = (1ULL << level_shift(level)) - 1;
            out->pa = (desc & DESC_OA_MASK & ~mask) | (ia & mask);
            out->attrs = decode_attrs(pt->stage, desc);
            out->level = level;
            return true;
        }
        table = table_ptr(desc);
    }
    return false;
}

static void free_level(uint64_t *table, unsigned level, unsigned entries)
{
    for (unsigned i = 0; level < 3 && i < entries; i++) {
        if ((table[i] & DESC_VALID) && !is_leaf(table[i], level)) {
            uint64_t *next = table_ptr(table[i]);
            free_level(next, level + 1, PT_ENTRIES);
            page_free(ptr_to_pa(next), 1);
        }
    }
}

void pt_destroy(struct pgtable *pt)
{
    /* No table may go back to the pool while a TLB or walk cache can still reach it. */
    if (pt->flush_tlb) {
        pt->flush_tlb(pt);
    }
    free_level(pa_to_ptr(pt->root), pt->start_level, PT_ENTRIES * pt->root_pages);
    page_free(pt->root, pt->root_pages);
    pt->root = pa_init(0);
}

static const unsigned parange_bits[] = {32, 36, 40, 42, 44, 48, 52};

unsigned pt_parange_bits(unsigned parange)
{
    unsigned n = sizeof(parange_bits) / sizeof(parange_bits[0]);
    /* Without FEAT_LPA2 shrike's descriptors stop at 48 bits. */
    return parange < n ? (parange_bits[parange] > 48 ? 48 : parange_bits[parange]) : 48;
}

unsigned pt_ps_field(unsigned pa_bits)
{
    unsigned n = sizeof(parange_bits) / sizeof(parange_bits[0]);
    for (unsigned i = 0; i < n; i++) {
        if (parange_bits[i] >= pa_bits) {
            return i;
        }
    }
    return n - 1;
}

#define TCR_IRGN0_WBWA (1ULL << 8)
#define TCR_ORGN0_WBWA (1ULL << 10)
#define TCR_SH0_INNER  (3ULL << 12)
#define TCR_TG0_4K     (0ULL << 14)

uint64_t pt_vtcr(const struct pgtable *pt, unsigned pa_bits, bool vmid16)
{
    /* SL0 with the 4 KiB granule: 0 = start at level 2, 1 = level 1, 2 = level 0. */
    uint64_t sl0 = 2 - pt->start_level;
    return (1ULL << 31) | (vmid16 ? 1ULL << 19 : 0) | ((uint64_t)pt_ps_field(pa_bits) << 16) |
           TCR_TG0_4K | TCR_SH0_INNER | TCR_ORGN0_WBWA | TCR_IRGN0_WBWA | (sl0 << 6) |
           (64 - pt->ia_bits);
}

uint64_t pt_tcr_el2(const struct pgtable *pt, unsigned pa_bits)
{
    return (1ULL << 31) | (1ULL << 23) | ((uint64_t)pt_ps_field(pa_bits) << 16) | TCR_TG0_4K |
           TCR_SH0_INNER | TCR_ORGN0_WBWA | TCR_IRGN0_WBWA | (64 - pt->ia_bits);
}
