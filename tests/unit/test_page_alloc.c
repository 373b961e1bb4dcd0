/*
 * Host unit test for mm/page_alloc.c. The "physical" region is a host buffer
 * from aligned_alloc(), so PAs are host pointers. A random alloc/free run is
 * checked against a reference model: a shadow bitmap with its own first-fit
 * search (so every returned PA is predicted exactly), byte patterns that catch
 * overlapping allocations, and exact free-page accounting.
 */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mm/page_alloc.h"
#include "unit.h"

UNIT_STATE;

#define MIB          (1024UL * 1024UL)
#define REGION_SIZE  (160 * MIB) /* big enough for a bitmap of more than one page */
#define REGION_ALIGN (2 * MIB)

static uint8_t *region;

static uint64_t rng_state = 0x5eed5eed12345678ULL;

static uint64_t rng_next(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static size_t rng_below(size_t n)
{
    return (size_t)(rng_next() % n);
}

static uint64_t reg_pa(size_t off)
{
    return (uint64_t)(uintptr_t)(region + off);
}

static bool all_bytes(const void *p, uint8_t v, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != v) {
            return false;
        }
    }
    return true;
}

/* What page_alloc_init should compute for a region of `pages` whole pages. */
static size_t expected_total(size_t pages)
{
    size_t bitmap_pages = (pages + 8 * PAGE_SIZE - 1) / (8 * PAGE_SIZE);
    return pages - bitmap_pages;
}

static void test_init(void)
{
    paddr_t pa;

    /* Empty, inverted and sub-page regions. */
    EXPECT(!page_alloc_init(pa_init(reg_pa(0)), pa_init(reg_pa(0))));
    EXPECT(!page_alloc_init(pa_init(reg_pa(PAGE_SIZE)), pa_init(reg_pa(0))));
    EXPECT(!page_alloc_init(pa_init(reg_pa(1)), pa_init(reg_pa(PAGE_SIZE + 100))));
    /* One page only holds the bitmap: nothing left to manage. */
    EXPECT(!page_alloc_init(pa_init(reg_pa(0)), pa_init(reg_pa(PAGE_SIZE))));

    /* Two pages: bitmap + one page. */
    EXPECT(page_alloc_init(pa_init(reg_pa(0)), pa_init(reg_pa(2 * PAGE_SIZE))));
    EXPECT_EQ(page_alloc_total_pages(), 1);
    EXPECT_EQ(page_alloc_free_pages(), 1);
    bool got = page_alloc(1, 1, &pa);
    EXPECT(got);
    EXPECT(!got || pa_addr(pa) == reg_pa(PAGE_SIZE));
    EXPECT(!page_alloc(1, 1, &pa));
    if (got) {
        page_free(pa, 1);
    }

    /* Unaligned ends are rounded inwards. */
    EXPECT(page_alloc_init(pa_init(reg_pa(100)), pa_init(reg_pa(64 * PAGE_SIZE - 1))));
    EXPECT_EQ(page_alloc_total_pages(), expected_total(62));
    EXPECT_EQ(page_alloc_total_pages(), 61);
    EXPECT(page_alloc(1, 1, &pa));
    EXPECT_EQ(pa_addr(pa), reg_pa(2 * PAGE_SIZE)); /* page 1 is the bitmap */

    /* 32768 pages fit one bitmap page; one more needs a second. */
    EXPECT(page_alloc_init(pa_init(reg_pa(0)), pa_init(reg_pa(32768 * PAGE_SIZE))));
    EXPECT_EQ(page_alloc_total_pages(), 32767);
    EXPECT(page_alloc_init(pa_init(reg_pa(0)), pa_init(reg_pa(32769 * PAGE_SIZE))));
    EXPECT_EQ(page_alloc_total_pages(), 32769 - 2);
    EXPECT(page_alloc(1, 1, &pa));
    EXPECT_EQ(pa_addr(pa), reg_pa(2 * PAGE_SIZE));

    /* The whole region: 40960 pages, two bitmap pages. */
    EXPECT(page_alloc_init(pa_init(reg_pa(0)), pa_init(reg_pa(REGION_SIZE))));
    EXPECT_EQ(page_alloc_total_pages(), expected_total(REGION_SIZE / PAGE_SIZE));
    EXPECT_EQ(page_alloc_total_pages(), 40958);
    EXPECT_EQ(page_alloc_free_pages(), 40958);
}

/* 64 MiB from the region start: 16384 pages, one bitmap page, 16383 managed. */
static void init_64m(void)
{
    bool ok = page_alloc_init(pa_init(reg_pa(0)), pa_init(reg_pa(64 * MIB)));
    EXPECT(ok);
}

static void test_basic(void)
{
    paddr_t a, b, c, d;
    init_64m();
    EXPECT_EQ(page_alloc_total_pages(), 16383);
    EXPECT_EQ(page_alloc_free_pages(), 16383);

    /* Single pages come first fit, right after the bitmap. */
    EXPECT(page_alloc(1, 1, &a));
    EXPECT_EQ(pa_addr(a), reg_pa(PAGE_SIZE));
    EXPECT(page_alloc(1, 1, &b));
    EXPECT_EQ(pa_addr(b), reg_pa(2 * PAGE_SIZE));
    EXPECT_EQ(page_alloc_free_pages(), 16381);

    /* Multi-page: contiguous, next in line. */
    EXPECT(page_alloc(10, 1, &c));
    EXPECT_EQ(pa_addr(c), reg_pa(3 * PAGE_SIZE));
    EXPECT_EQ(page_alloc_free_pages(), 16371);
    EXPECT(all_bytes(pa_to_ptr(c), 0, 10 * PAGE_SIZE));

    /* Alignment: 2 MiB (512 pages) skips to the next 2 MiB boundary. */
    EXPECT(page_alloc(1, 512, &d));
    EXPECT_EQ(pa_addr(d) % (2 * MIB), 0);
    EXPECT_EQ(pa_addr(d), reg_pa(2 * MIB));
    EXPECT_EQ(page_alloc_free_pages(), 16370);
    /* The skipped pages stay free: the next small allocation fills the gap. */
    paddr_t e;
    EXPECT(page_alloc(1, 1, &e));
    EXPECT_EQ(pa_addr(e), reg_pa(13 * PAGE_SIZE));
    /* 16 pages aligned to 16 pages (64 KiB). */
    paddr_t f;
    EXPECT(page_alloc(16, 16, &f));
    EXPECT_EQ(pa_addr(f) % (16 * PAGE_SIZE), 0);
    EXPECT_EQ(pa_addr(f), reg_pa(16 * PAGE_SIZE));
    /* A multi-page 2 MiB-aligned run. */
    paddr_t g;
    EXPECT(page_alloc(600, 512, &g));
    EXPECT_EQ(pa_addr(g), reg_pa(4 * MIB));

    page_free(a, 1);
    page_free(b, 1);
    page_free(c, 10);
    page_free(d, 1);
    page_free(e, 1);
    page_free(f, 16);
    page_free(g, 600);
    EXPECT_EQ(page_alloc_free_pages(), 16383);

    /* Free then reuse: first fit hands the lowest hole back. */
    paddr_t p[8];
    for (unsigned i = 0; i < 8; i++) {
        EXPECT(page_alloc(1, 1, &p[i]));
    }
    page_free(p[5], 1);
    page_free(p[2], 1);
    paddr_t r;
    EXPECT(page_alloc(1, 1, &r));
    EXPECT_EQ(pa_addr(r), pa_addr(p[2]));
    EXPECT(page_alloc(1, 1, &r));
    EXPECT_EQ(pa_addr(r), pa_addr(p[5]));
    /* A two-page hole is too small for three: they go past the end. */
    page_free(p[3], 1);
    page_free(p[4], 1);
    EXPECT(page_alloc(3, 1, &r));
    EXPECT_EQ(pa_addr(r), pa_addr(p[7]) + PAGE_SIZE);
    page_free(r, 3);
    EXPECT(page_alloc(2, 1, &r));
    EXPECT_EQ(pa_addr(r), pa_addr(p[3]));
    page_free(r, 2);
    for (unsigned i = 0; i < 8; i++) {
        if (i != 3 && i != 4) {
            page_free(p[i], 1);
        }
    }
    EXPECT_EQ(page_alloc_free_pages(), 16383);
}

static void test_zeroed(void)
{
    paddr_t a, b;
    init_64m();
    EXPECT(page_alloc(4, 1, &a));
    EXPECT(all_bytes(pa_to_ptr(a), 0, 4 * PAGE_SIZE));
    memset(pa_to_ptr(a), 0xab, 4 * PAGE_SIZE);
    page_free(a, 4);
    EXPECT(page_alloc(4, 1, &b));
    EXPECT_EQ(pa_addr(b), pa_addr(a));
    EXPECT(all_bytes(pa_to_ptr(b), 0, 4 * PAGE_SIZE));
    /* Partial reuse of a dirty run: a single page out of it is zeroed too. */
    memset(pa_to_ptr(b), 0xcd, 4 * PAGE_SIZE);
    page_free(b, 4);
    EXPECT(page_alloc(1, 2, &a));
    EXPECT_EQ(pa_addr(a), pa_addr(b) + PAGE_SIZE);
    EXPECT(all_bytes(pa_to_ptr(a), 0, PAGE_SIZE));
    /* Its neighbours were not touched (still the dirty pattern). */
    EXPECT(all_bytes((uint8_t *)pa_to_ptr(b), 0xcd, PAGE_SIZE));
    EXPECT(all_bytes((uint8_t *)pa_to_ptr(b) + 2 * PAGE_SIZE, 0xcd, 2 * PAGE_SIZE));
    page_free(a, 1);
}

static void test_exhaustion(void)
{
    paddr_t pa = pa_init(0x1234000);
    init_64m();
    size_t total = page_alloc_total_pages();

    EXPECT(!page_alloc(total + 1, 1, &pa));
    EXPECT_EQ(pa_addr(pa), 0x1234000); /* untouched */
    EXPECT_EQ(page_alloc_free_pages(), total);

    /* Everything at once, aligned to 1 page: succeeds. Then nothing is left. */
    paddr_t all;
    EXPECT(page_alloc(total, 1, &all));
    EXPECT_EQ(pa_addr(all), reg_pa(PAGE_SIZE));
    EXPECT_EQ(page_alloc_free_pages(), 0);
    EXPECT(!page_alloc(1, 1, &pa));
    EXPECT_EQ(pa_addr(pa), 0x1234000);
    page_free(all, total);
    EXPECT_EQ(page_alloc_free_pages(), total);

    /* The whole pool aligned to 2 MiB cannot fit (the bitmap takes page 0). */
    EXPECT(!page_alloc(total, 512, &pa));
    EXPECT_EQ(page_alloc_free_pages(), total);

    /* One page at a time until it fails. */
    size_t n = 0;
    while (page_alloc(1, 1, &pa)) {
        n++;
        if (n > total) {
            break;
        }
    }
    EXPECT_EQ(n, total);
    EXPECT_EQ(page_alloc_free_pages(), 0);

    /* Fragmentation: free every other page of the first 64; 32 pages are free
     * but no run of two exists. The failure leaves the state as it was. */
    for (size_t i = 0; i < 64; i += 2) {
        page_free(pa_init(reg_pa((1 + i) * PAGE_SIZE)), 1);
    }
    EXPECT_EQ(page_alloc_free_pages(), 32);
    pa = pa_init(0x1234000);
    EXPECT(!page_alloc(2, 1, &pa));
    /* The region is 2 MiB aligned, so the free pages (odd region pages) all
     * have odd page numbers: no alignment above one page fits. */
    EXPECT(!page_alloc(1, 2, &pa));
    EXPECT(!page_alloc(1, 512, &pa));
    EXPECT_EQ(pa_addr(pa), 0x1234000);
    EXPECT_EQ(page_alloc_free_pages(), 32);
    EXPECT(page_alloc(1, 1, &pa));
    EXPECT_EQ(pa_addr(pa), reg_pa(PAGE_SIZE));
    EXPECT(page_alloc(1, 1, &pa));
    EXPECT_EQ(pa_addr(pa), reg_pa(3 * PAGE_SIZE));
    EXPECT_EQ(page_alloc_free_pages(), 30);
}

static void test_invalid(void)
{
    paddr_t pa = pa_init(0x5678000);
    init_64m();
    size_t total = page_alloc_total_pages();
    EXPECT(!page_alloc(0, 1, &pa));
    EXPECT(!page_alloc(1, 0, &pa));
    EXPECT(!page_alloc(1, 3, &pa));
    EXPECT(!page_alloc(4, 6, &pa));
    EXPECT(!page_alloc(1, 513, &pa));
    EXPECT(!page_alloc(1, (SIZE_MAX >> 1) + 2, &pa));
    EXPECT_EQ(pa_addr(pa), 0x5678000);
    EXPECT_EQ(page_alloc_free_pages(), total);
    /* A huge power-of-two alignment no page satisfies. */
    EXPECT(!page_alloc(1, (size_t)1 << 40, &pa));
    EXPECT_EQ(page_alloc_free_pages(), total);
}

/* Runs fn in a child and reports whether it died of SIGABRT (a failed CHECK). */
static bool aborts(void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        return false;
    }
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) {
            _exit(2);
        }
        fn();
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        return false;
    }
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void double_free(void)
{
    paddr_t pa;
    if (page_alloc(2, 1, &pa)) {
        page_free(pa, 2);
        page_free(pa, 1);
    }
}

static void free_outside(void)
{
    page_free(pa_init(reg_pa(0)), 1); /* the bitmap page */
}

static void free_unaligned(void)
{
    paddr_t pa;
    if (page_alloc(1, 1, &pa)) {
        page_free(pa_add(pa, 8), 1);
    }
}

static void free_past_end(void)
{
    paddr_t pa;
    if (page_alloc(1, 1, &pa)) {
        page_free(pa, page_alloc_total_pages() + 1);
    }
}

static void ok_free(void)
{
    paddr_t pa;
    if (page_alloc(1, 1, &pa)) {
        page_free(pa, 1);
    }
}

static void test_broken_frees(void)
{
    init_64m();
    EXPECT(!aborts(ok_free));
    EXPECT(aborts(double_free));
    EXPECT(aborts(free_outside));
    EXPECT(aborts(free_unaligned));
    EXPECT(aborts(free_past_end));
}

/* Random alloc/free against a model. */
#define RAND_REGION (8 * MIB) /* 2048 pages, 1 bitmap page: small so it fills up */
#define RAND_OPS    4000
#define MAX_LIVE    512

struct live {
    size_t first; /* page index from the managed base */
    size_t n;
    uint8_t fill;
};

static struct live live[MAX_LIVE];
static size_t nlive;
static bool shadow[2048];

/* The model's first fit: lowest index whose page is aligned and whose run is free. */
static bool model_fit(uint64_t base, size_t total, size_t n, size_t align, size_t *out)
{
    for (size_t i = 0; i + n <= total; i++) {
        if (((base >> PAGE_SHIFT) + i) % align != 0) {
            continue;
        }
        size_t k = 0;
        while (k < n && !shadow[i + k]) {
            k++;
        }
        if (k == n) {
            *out = i;
            return true;
        }
    }
    return false;
}

static void test_random(void)
{
    if (!page_alloc_init(pa_init(reg_pa(0)), pa_init(reg_pa(RAND_REGION)))) {
        EXPECT(0);
        return;
    }
    const size_t total = page_alloc_total_pages();
    EXPECT_EQ(total, 2047);
    const uint64_t base = reg_pa(PAGE_SIZE);
    size_t model_free = total;
    unsigned ok_ops = 0, bad_ops = 0, allocs = 0, failed_allocs = 0, frees = 0;
    memset(shadow, 0, sizeof(shadow));
    nlive = 0;
    uint8_t next_fill = 1;

    for (unsigned op = 0; op < RAND_OPS; op++) {
        bool ok = true;
        const char *why = "";
        bool do_alloc = nlive == 0 || (nlive < MAX_LIVE && rng_below(100) < 55);
        if (do_alloc) {
            size_t n;
            unsigned sz = (unsigned)rng_below(100);
            if (sz < 60) {
                n = 1 + rng_below(4);
            } else if (sz < 90) {
                n = 1 + rng_below(64);
            } else {
                n = 1 + rng_below(700);
            }
            size_t align = (size_t)1 << rng_below(10); /* 1 .. 512 */
            size_t want;
            bool model_ok = model_fit(base, total, n, align, &want);
            paddr_t pa = pa_init(0);
            bool got = page_alloc(n, align, &pa);
            allocs++;
            if (got != model_ok) {
                ok = false;
                why = "success differs from model";
            } else if (got) {
                uint64_t expect_pa = base + ((uint64_t)want << PAGE_SHIFT);
                if (pa_addr(pa) != expect_pa) {
                    ok = false;
                    why = "not the model's first fit";
                } else if (pa_addr(pa) % (align * PAGE_SIZE) != 0) {
                    ok = false;
                    why = "misaligned";
                } else if (!all_bytes(pa_to_ptr(pa), 0, n * PAGE_SIZE)) {
                    ok = false;
                    why = "not zeroed";
                }
                if (ok) {
                    for (size_t k = 0; k < n; k++) {
                        shadow[want + k] = true;
                    }
                    model_free -= n;
                    uint8_t fill = next_fill++;
                    if (next_fill == 0) {
                        next_fill = 1;
                    }
                    memset(pa_to_ptr(pa), fill, n * PAGE_SIZE);
                    live[nlive++] = (struct live){want, n, fill};
                }
            } else {
                failed_allocs++;
            }
        } else {
            /* Free a random live range: whole, or a piece at its front or back. */
            size_t li = rng_below(nlive);
            struct live *l = &live[li];
            uint8_t *p = (uint8_t *)pa_to_ptr(pa_init(base + ((uint64_t)l->first << PAGE_SHIFT)));
            if (!all_bytes(p, l->fill, l->n * PAGE_SIZE)) {
                ok = false;
                why = "contents clobbered (overlapping allocation?)";
            }
            size_t k = l->n;
            bool front = true;
            if (l->n > 1 && rng_below(4) == 0) {
                k = 1 + rng_below(l->n - 1);
                front = rng_below(2) == 0;
            }
            size_t first = front ? l->first : l->first + l->n - k;
            page_free(pa_init(base + ((uint64_t)first << PAGE_SHIFT)), k);
            frees++;
            for (size_t j = 0; j < k; j++) {
                shadow[first + j] = false;
            }
            model_free += k;
            if (k == l->n) {
                *l = live[--nlive];
            } else {
                l->n -= k;
                if (front) {
                    l->first += k;
                }
            }
        }
        if (ok && page_alloc_free_pages() != model_free) {
            ok = false;
            why = "free count differs from model";
        }
        if (ok) {
            ok_ops++;
        } else {
            if (bad_ops == 0) {
                printf("random op %u (%s): %s; free %zu model %zu\n", op,
                       do_alloc ? "alloc" : "free", why, page_alloc_free_pages(), model_free);
            }
            bad_ops++;
        }
    }
    EXPECT_EQ(bad_ops, 0);
    EXPECT_EQ(ok_ops, RAND_OPS);
    /* The run must have exercised both success and failure. */
    EXPECT(failed_allocs > 20);
    EXPECT(allocs - failed_allocs > 1000);
    EXPECT(frees > 1000);

    /* Free everything left: back to the full pool, and one run spans it all. */
    while (nlive > 0) {
        struct live *l = &live[--nlive];
        page_free(pa_init(base + ((uint64_t)l->first << PAGE_SHIFT)), l->n);
    }
    EXPECT_EQ(page_alloc_free_pages(), total);
    paddr_t all;
    bool got = page_alloc(total, 1, &all);
    EXPECT(got);
    if (got) {
        EXPECT_EQ(pa_addr(all), base);
        page_free(all, total);
    }
}

int main(void)
{
    region = aligned_alloc(REGION_ALIGN, REGION_SIZE);
    if (!region) {
        printf("aligned_alloc failed\n");
        return 1;
    }
    test_init();
    test_basic();
    test_zeroed();
    test_exhaustion();
    test_invalid();
    test_broken_frees();
    test_random();
    free(region);
    return unit_report("page_alloc");
}
