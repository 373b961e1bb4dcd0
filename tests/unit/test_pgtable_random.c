/*
 * Host unit test for mm/pgtable.c: random map/unmap runs on six table shapes,
 * checked against a reference model by two walkers: the builder's own
 * pt_walk() at sampled addresses, and an independent one here that
 * enumerates every descriptor, decodes it from the architectural layout,
 * checks the structure (no level-0 blocks, no empty non-root tables, no
 * stray bits) and counts table pages against the allocator.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/errno.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "pgtable_testlib.h"
#include "unit.h"

UNIT_STATE;

/* ---------------------------------------------------------------- model */

struct iv {
    uint64_t ia;
    uint64_t pa;
    uint64_t size;
    unsigned attrs;
};

#define MODEL_MAX 8192

static struct iv model[MODEL_MAX];
static size_t nmodel;
static struct iv model_tmp[MODEL_MAX];

/* Index of the first interval ending after ia. */
static size_t model_first_after(uint64_t ia)
{
    size_t lo = 0, hi = nmodel;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (model[mid].ia + model[mid].size <= ia) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static bool model_lookup(uint64_t ia, uint64_t *pa, unsigned *attrs)
{
    size_t i = model_first_after(ia);
    if (i < nmodel && model[i].ia <= ia) {
        *pa = model[i].pa + (ia - model[i].ia);
        *attrs = model[i].attrs;
        return true;
    }
    return false;
}

/* First mapped address in [a, end), if any. */
static bool model_first_mapped(uint64_t a, uint64_t end, uint64_t *first)
{
    size_t i = model_first_after(a);
    if (i < nmodel && model[i].ia < end) {
        *first = model[i].ia > a ? model[i].ia : a;
        return true;
    }
    return false;
}

static void model_insert(uint64_t ia, uint64_t pa, uint64_t size, unsigned attrs)
{
    size_t i = model_first_after(ia);
    if (nmodel == MODEL_MAX) {
        return; /* callers keep well below */
    }
    memmove(&model[i + 1], &model[i], (nmodel - i) * sizeof(model[0]));
    model[i] = (struct iv){ia, pa, size, attrs};
    nmodel++;
}

static void model_remove(uint64_t a, uint64_t end)
{
    size_t n = 0;
    for (size_t i = 0; i < nmodel; i++) {
        struct iv v = model[i];
        uint64_t vend = v.ia + v.size;
        if (vend <= a || v.ia >= end) {
            model_tmp[n++] = v;
            continue;
        }
        if (v.ia < a) {
            model_tmp[n++] = (struct iv){v.ia, v.pa, a - v.ia, v.attrs};
        }
        if (vend > end && n < MODEL_MAX) {
            model_tmp[n++] = (struct iv){end, v.pa + (end - v.ia), vend - end, v.attrs};
        }
    }
    memcpy(model, model_tmp, n * sizeof(model[0]));
    nmodel = n;
}

/* ---------------------------------------------------- independent walker */

struct runs {
    struct iv *v;
    size_t n;
    size_t cap;
    bool overflow;
};

static void runs_add(struct runs *r, uint64_t ia, uint64_t pa, uint64_t size, unsigned attrs)
{
    if (r->n > 0) {
        struct iv *last = &r->v[r->n - 1];
        if (last->ia + last->size == ia && last->pa + last->size == pa && last->attrs == attrs) {
            last->size += size;
            return;
        }
    }
    if (r->n == r->cap) {
        r->overflow = true;
        return;
    }
    r->v[r->n++] = (struct iv){ia, pa, size, attrs};
}

struct walk {
    const struct pgtable *pt;
    struct runs runs;
    size_t tables;    /* non-root table pages */
    size_t leaves[4]; /* per level */
    char err[256];    /* first structural error */
};

static void walk_err(struct walk *w, const char *what, uint64_t ia, unsigned level, uint64_t d)
{
    if (w->err[0] == 0) {
        snprintf(w->err, sizeof(w->err), "%s at ia 0x%" PRIx64 " level %u desc 0x%016" PRIx64, what,
                 ia, level, d);
    }
}

/* Decodes a leaf's attributes from the architectural layout; -1 if malformed. */
static int decode_leaf(struct walk *w, uint64_t d, uint64_t ia, unsigned level)
{
    uint64_t allowed = D_VALID | D_TABLE | D_OA_MASK | (0x3fULL << 2) | (3ULL << 8) | D_AF | D_XN;
    unsigned attrs = (d & D_XN) ? 0 : PT_EXEC;
    if (d & ~allowed) {
        walk_err(w, "stray bits in leaf", ia, level, d);
        return -1;
    }
    if (!(d & D_AF)) {
        walk_err(w, "leaf without AF", ia, level, d);
        return -1;
    }
    if (w->pt->stage == PT_STAGE2) {
        unsigned memattr = (unsigned)D_ATTR4(d);
        unsigned ap = (unsigned)D_AP(d);
        attrs |= (ap & 1) ? PT_READ : 0;
        attrs |= (ap & 2) ? PT_WRITE : 0;
        if (memattr == 0x1) {
            attrs |= PT_DEVICE;
        } else if (memattr != 0xf || D_SH(d) != 3) {
            walk_err(w, "stage-2 leaf neither normal WB inner-shareable nor device", ia, level, d);
            return -1;
        }
    } else {
        unsigned idx = (unsigned)D_ATTR4(d) & 7;
        if (D_ATTR4(d) & 8) {
            walk_err(w, "stage-1 leaf with NS set", ia, level, d);
            return -1;
        }
        if (!(D_AP(d) & 1)) {
            walk_err(w, "stage-1 EL2 leaf without AP[1] (RES1)", ia, level, d);
            return -1;
        }
        attrs |= PT_READ | ((D_AP(d) & 2) ? 0 : PT_WRITE);
        if (idx == MAIR_IDX_DEVICE) {
            attrs |= PT_DEVICE;
        } else if (idx != MAIR_IDX_NORMAL || D_SH(d) != 3) {
            walk_err(w, "stage-1 leaf neither normal inner-shareable nor device", ia, level, d);
            return -1;
        }
    }
    return (int)attrs;
}

static void walk_table(struct walk *w, const uint64_t *table, unsigned level, uint64_t base,
                       size_t entries)
{
    uint64_t bsize = 1ULL << lvl_shift(level);
    for (size_t i = 0; i < entries; i++) {
        uint64_t d = table[i];
        uint64_t ia = base + i * bsize;
        if (!(d & D_VALID)) {
            continue;
        }
        if (level < 3 && (d & D_TABLE)) {
            uint64_t next = d & D_OA_MASK;
            if ((d & ~D_OA_MASK) != (D_VALID | D_TABLE)) {
                walk_err(w, "table descriptor with attributes", ia, level, d);
            }
            if (!in_pool(next)) {
                walk_err(w, "table outside the page pool", ia, level, d);
                continue;
            }
            w->tables++;
            const uint64_t *t = (const uint64_t *)(uintptr_t)next;
            bool any = false;
            for (unsigned k = 0; k < PT_ENTRIES; k++) {
                any = any || (t[k] & D_VALID);
            }
            if (!any) {
                walk_err(w, "empty table left behind", ia, level, d);
            }
            walk_table(w, t, level + 1, ia, PT_ENTRIES);
            continue;
        }
        if (level == 3 && !(d & D_TABLE)) {
            walk_err(w, "reserved level-3 descriptor", ia, level, d);
            continue;
        }
        if (level == 0) {
            walk_err(w, "level-0 block", ia, level, d);
            continue;
        }
        uint64_t pa = d & D_OA_MASK;
        if (pa & (bsize - 1)) {
            walk_err(w, "misaligned block output address", ia, level, d);
            continue;
        }
        int attrs = decode_leaf(w, d, ia, level);
        if (attrs < 0) {
            continue;
        }
        w->leaves[level]++;
        runs_add(&w->runs, ia, pa, bsize, (unsigned)attrs);
    }
}

#define RUNS_MAX (MODEL_MAX * 2)
static struct iv walk_runs[RUNS_MAX];
static struct iv model_runs[RUNS_MAX];

/*
 * Enumerates all of pt and compares it with the model; also checks that the
 * allocator lost exactly the table pages found. Returns false with msg set.
 */
static bool full_check(const struct pgtable *pt, size_t free_after_init, size_t *leaves, char *msg,
                       size_t msz)
{
    struct walk w = {.pt = pt, .runs = {walk_runs, 0, RUNS_MAX, false}};
    walk_table(&w, pa_to_ptr(pt->root), pt->start_level, 0, (size_t)PT_ENTRIES * pt->root_pages);
    for (unsigned l = 0; leaves && l < 4; l++) {
        leaves[l] = w.leaves[l] > leaves[l] ? w.leaves[l] : leaves[l];
    }
    if (w.err[0]) {
        snprintf(msg, msz, "structure: %s", w.err);
        return false;
    }
    struct runs m = {model_runs, 0, RUNS_MAX, false};
    for (size_t i = 0; i < nmodel; i++) {
        runs_add(&m, model[i].ia, model[i].pa, model[i].size, model[i].attrs);
    }
    if (w.runs.overflow || m.overflow) {
        snprintf(msg, msz, "run list overflow");
        return false;
    }
    size_t n = w.runs.n < m.n ? w.runs.n : m.n;
    for (size_t i = 0; i <= n; i++) {
        if (i == n) {
            if (w.runs.n != m.n) {
                snprintf(msg, msz, "tables have %zu runs, model %zu", w.runs.n, m.n);
                return false;
            }
            break;
        }
        struct iv a = w.runs.v[i], b = m.v[i];
        if (a.ia != b.ia || a.pa != b.pa || a.size != b.size || a.attrs != b.attrs) {
            snprintf(msg, msz,
                     "run %zu: tables ia 0x%" PRIx64 " pa 0x%" PRIx64 " size 0x%" PRIx64
                     " attrs %u; model ia 0x%" PRIx64 " pa 0x%" PRIx64 " size 0x%" PRIx64
                     " attrs %u",
                     i, a.ia, a.pa, a.size, a.attrs, b.ia, b.pa, b.size, b.attrs);
            return false;
        }
    }
    if (page_alloc_free_pages() + w.tables != free_after_init) {
        snprintf(msg, msz, "allocator: %zu free + %zu tables != %zu after init",
                 page_alloc_free_pages(), w.tables, free_after_init);
        return false;
    }
    return true;
}

/* Compares pt_walk() at ia with the model, including the in-page offset and level. */
static bool check_point(const struct pgtable *pt, uint64_t ia, char *msg, size_t msz)
{
    struct pt_mapping m = {0, 0, 0};
    uint64_t want_pa = 0, pa2;
    unsigned want_attrs = 0, attrs2;
    bool got = pt_walk(pt, ia, &m);
    bool want = model_lookup(ia, &want_pa, &want_attrs);
    bool ok = got == want;
    if (ok && got) {
        ok = m.pa == want_pa && m.attrs == want_attrs && m.level >= 1 && m.level <= 3;
        if (ok) {
            /* The leaf's whole block must be one contiguous piece of the model. */
            uint64_t bs = 1ULL << lvl_shift(m.level);
            uint64_t b0 = ia & ~(bs - 1), b1 = b0 + bs - 1;
            ok = model_lookup(b0, &pa2, &attrs2) && pa2 == want_pa - (ia - b0) &&
                 attrs2 == want_attrs && model_lookup(b1, &pa2, &attrs2) &&
                 pa2 == want_pa + (b1 - ia) && attrs2 == want_attrs;
        }
    }
    if (!ok) {
        snprintf(msg, msz,
                 "ia 0x%" PRIx64 ": walk %s pa 0x%" PRIx64
                 " attrs %u level %u; model %s pa 0x%" PRIx64 " attrs %u",
                 ia, got ? "mapped" : "unmapped", m.pa, m.attrs, m.level,
                 want ? "mapped" : "unmapped", want_pa, want_attrs);
    }
    return ok;
}

/* ------------------------------------------------------ random runs */

struct rshape {
    enum pt_stage stage;
    unsigned ia_bits;
    unsigned level;
    unsigned root_pages;
    const char *name;
};

struct rstats {
    unsigned maps, map_eexist, unmaps, samples, full_checks;
    size_t leaves[4];
    unsigned breaks;
};

/* A random page-aligned range: page, 2 MiB or 1 GiB sized, often aligned, often ragged. */
static void gen_range(uint64_t space, uint64_t win_base, uint64_t win, uint64_t *ia, uint64_t *size,
                      unsigned *cls)
{
    uint64_t c = rng_below(100), sz, align;
    if (c < 20) {
        sz = (1 + rng_below(3)) * GIB;
        align = GIB;
        *cls = 2;
    } else if (c < 50) {
        sz = (1 + rng_below(48)) * 2 * MIB;
        align = 2 * MIB;
        *cls = 1;
    } else {
        sz = (1 + (rng_below(8) == 0 ? rng_below(4096) : rng_below(64))) * PAGE;
        align = PAGE;
        *cls = 0;
    }
    if (*cls > 0 && rng_below(3) == 0) {
        sz += (1 + rng_below(511)) * PAGE;
    }
    uint64_t lo = 0, span = space;
    if (rng_below(4) != 0) {
        lo = win_base;
        span = win;
    }
    if (sz > span / 2) {
        sz = span / 2;
    }
    if (align > span / 2) {
        align = span / 2;
    }
    uint64_t start = lo + rng_below(span / align) * align;
    if (align > PAGE && rng_below(3) == 0) {
        start += rng_below(512) * PAGE;
    }
    if (start + sz > lo + span) {
        start = lo + span - sz;
    }
    *ia = start;
    *size = sz;
}

/* An output address for [ia, ia+size): congruent with ia modulo 1 GiB, 2 MiB or a page. */
static uint64_t gen_pa(uint64_t ia, uint64_t size, unsigned cls)
{
    uint64_t m = rng_below(10), cong;
    if (cls == 2) {
        cong = m < 7 ? GIB : 2 * MIB;
    } else if (cls == 1) {
        cong = m < 2 ? GIB : (m < 8 || size > 32 * MIB) ? 2 * MIB : PAGE;
    } else {
        cong = m < 5 ? 2 * MIB : PAGE;
    }
    return rng_below((1ULL << 46) / cong) * cong + (ia & (cong - 1));
}

static unsigned gen_attrs(enum pt_stage stage)
{
    unsigned a;
    if (rng_below(5) == 0) {
        a = PT_DEVICE | PT_READ | (rng_below(2) ? PT_WRITE : 0U);
    } else {
        a = (unsigned)rng_below(8) & (PT_READ | PT_WRITE | PT_EXEC);
    }
    return stage == PT_STAGE1_EL2 ? a | PT_READ : a;
}

#define SAMPLE_MAX 256

static void run_random(const struct rshape *s, unsigned nops, unsigned full_every,
                       struct rstats *st)
{
    struct pgtable pt;
    size_t free0 = page_alloc_free_pages();
    if (!setup(&pt, s->stage, s->ia_bits, s->level)) {
        return;
    }
    EXPECT_EQ(pt.root_pages, s->root_pages);
    size_t free1 = page_alloc_free_pages();
    pt.break_entry = count_break;
    brk_reset(&pt);
    nmodel = 0;

    const uint64_t space = 1ULL << s->ia_bits;
    const uint64_t win = space < 32 * GIB ? space : 32 * GIB;
    const uint64_t win_base = rng_below(space / win) * win;
    unsigned bad = 0;
    uint64_t pts[SAMPLE_MAX];

    for (unsigned op = 0; op < nops; op++) {
        char msg[512] = "";
        bool ok = true;
        uint64_t a, size;
        unsigned cls;
        bool do_map = nmodel == 0 || (nmodel < MODEL_MAX / 2 && rng_below(100) < 55);
        const char *what;
        if (do_map) {
            gen_range(space, win_base, win, &a, &size, &cls);
            if (nmodel > 0 && rng_below(8) == 0) {
                /* Run into an existing mapping from below: a partial map, then -EEXIST. */
                const struct iv *v = &model[rng_below(nmodel)];
                uint64_t back = (1 + rng_below(1024)) * PAGE;
                a = v->ia > back ? v->ia - back : 0;
                size = v->ia - a + PAGE * (1 + rng_below(4));
                if (size > space - a) {
                    size = space - a;
                }
                cls = 0;
            }
            uint64_t pa = gen_pa(a, size, cls);
            unsigned attrs = gen_attrs(s->stage);
            uint64_t first;
            bool clash = model_first_mapped(a, a + size, &first);
            int want = clash ? -EEXIST : 0;
            int r = pt_map(&pt, a, pa, size, attrs);
            what = "map";
            st->maps++;
            st->map_eexist += clash ? 1U : 0U;
            if (r != want) {
                ok = false;
                snprintf(msg, sizeof(msg), "pt_map returned %d, want %d", r, want);
            }
            uint64_t end = clash ? first : a + size;
            if (end > a) {
                model_insert(a, pa, end - a, attrs);
            }
        } else {
            uint64_t c = rng_below(100);
            if (nmodel > 0 && c < 60) {
                const struct iv *v = &model[rng_below(nmodel)];
                a = v->ia;
                size = v->size;
                if (c >= 20) {
                    /* A piece of it, usually splitting blocks, sometimes running past it. */
                    uint64_t pages = v->size / PAGE;
                    uint64_t p0 = rng_below(pages), p1 = rng_below(pages);
                    if (p0 > p1) {
                        uint64_t t = p0;
                        p0 = p1;
                        p1 = t;
                    }
                    a = v->ia + p0 * PAGE;
                    size = (p1 - p0 + 1) * PAGE;
                    if (rng_below(4) == 0) {
                        size += rng_below(1024) * PAGE;
                    }
                    if (size > space - a) {
                        size = space - a;
                    }
                }
            } else {
                gen_range(space, win_base, win, &a, &size, &cls);
            }
            int r = pt_unmap(&pt, a, size);
            what = "unmap";
            st->unmaps++;
            if (r != 0) {
                ok = false;
                snprintf(msg, sizeof(msg), "pt_unmap returned %d", r);
            }
            model_remove(a, a + size);
        }

        /* Sample points: the op's edges, random model intervals' edges and insides,
         * and random addresses in the window and anywhere. */
        unsigned n = 0;
        uint64_t edges[] = {a - PAGE, a, a + size / 2, a + size - PAGE, a + size};
        for (unsigned k = 0; k < 5; k++) {
            pts[n++] = edges[k];
        }
        for (unsigned k = 0; k < 3; k++) {
            pts[n++] = a + rng_below(size);
        }
        for (unsigned k = 0; k < 24 && nmodel > 0; k++) {
            const struct iv *v = &model[rng_below(nmodel)];
            pts[n++] = v->ia - PAGE;
            pts[n++] = v->ia;
            pts[n++] = v->ia + rng_below(v->size);
            pts[n++] = v->ia + v->size - PAGE;
            pts[n++] = v->ia + v->size;
        }
        for (unsigned k = 0; k < 16; k++) {
            pts[n++] = win_base + rng_below(win);
        }
        for (unsigned k = 0; k < 8; k++) {
            pts[n++] = rng_below(space);
        }
        for (unsigned k = 0; k < n && ok; k++) {
            uint64_t p = (pts[k] & ~(PAGE - 1)) | rng_below(PAGE);
            if (p >= space) {
                p = pts[k]; /* past the top (or wrapped below 0): must not be mapped */
            }
            ok = check_point(&pt, p, msg, sizeof(msg));
            st->samples++;
        }
        if (ok && (op % full_every == 0 || op == nops - 1)) {
            ok = full_check(&pt, free1, st->leaves, msg, sizeof(msg));
            st->full_checks++;
        }
        if (ok && nbrk_visible != 0) {
            ok = false;
            snprintf(msg, sizeof(msg), "break_entry called while the block was still mapped");
        }
        if (!ok && bad++ == 0) {
            printf("%s: op %u (%s ia 0x%" PRIx64 " size 0x%" PRIx64 "): %s\n", s->name, op, what, a,
                   size, msg);
        }
        EXPECT(ok);
    }
    st->breaks += nbrk;
    EXPECT_EQ(brk_wrong_pt, 0);

    /* Unmap everything: back to the root alone, and it is all zero. */
    EXPECT_EQ(pt_unmap(&pt, 0, space), 0);
    nmodel = 0;
    EXPECT_EQ(page_alloc_free_pages(), free1);
    const uint64_t *root = pa_to_ptr(pt.root);
    bool zero = true;
    for (size_t i = 0; i < (size_t)PT_ENTRIES * s->root_pages; i++) {
        zero = zero && root[i] == 0;
    }
    EXPECT(zero);
    pt_destroy(&pt);
    EXPECT_EQ(page_alloc_free_pages(), free0);
}

static void test_random(void)
{
    static const struct rshape shapes[] = {
        {PT_STAGE2, 44, 0, 1, "stage-2 44-bit L0"},
        {PT_STAGE2, 43, 1, 16, "stage-2 43-bit L1 x16"},
        {PT_STAGE2, 40, 1, 2, "stage-2 40-bit L1 x2"},
        {PT_STAGE2, 32, 2, 4, "stage-2 32-bit L2 x4"},
        {PT_STAGE1_EL2, 39, 1, 1, "stage-1 39-bit L1"},
        {PT_STAGE1_EL2, 48, 0, 1, "stage-1 48-bit L0"},
    };
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        struct rstats st;
        memset(&st, 0, sizeof(st));
        run_random(&shapes[i], 500, 1, &st);
        printf("%s: %u maps (%u -EEXIST), %u unmaps, %u samples, %u full walks, %u breaks; "
               "most leaves L1 %zu L2 %zu L3 %zu\n",
               shapes[i].name, st.maps, st.map_eexist, st.unmaps, st.samples, st.full_checks,
               st.breaks, st.leaves[1], st.leaves[2], st.leaves[3]);
        EXPECT(st.map_eexist > 10);
        EXPECT(st.breaks > 10);
    }
}

int main(void)
{
    if (!pool_init()) {
        return 1;
    }
    size_t total = page_alloc_free_pages();
    test_random();
    EXPECT_EQ(page_alloc_free_pages(), total);
    free(pool_mem);
    return unit_report("pgtable_random");
}
