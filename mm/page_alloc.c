/*
 * Physical page allocator (see page_alloc.h). Callers are rare (VM creation,
 * table growth), so a bitmap with a first-fit scan under one lock is enough.
 */
#include "mm/page_alloc.h"

#include "kernel/check.h"
#include "kernel/lib.h"
#include "kernel/spinlock.h"
#include "mm/cache.h"

static struct {
    spinlock_t lock;
    uint64_t *bitmap; /* bit set = page in use */
    uint64_t base;    /* PA of the first managed page */
    size_t npages;
    size_t nfree;
} pool;

/*
 * The bitmap is worked a 64-bit word at a time: a range's bits in each word
 * it covers as one mask (a 128 MiB VM is 32,768 pages: its free was about
 * 330,000 instructions a bit at a time, with the pool's lock held, on the
 * CPU that powered it off).
 */
static uint64_t range_mask(size_t word, size_t first, size_t end)
{
    size_t lo = word * 64 < first ? first - word * 64 : 0;
    size_t hi = (word + 1) * 64 > end ? end - word * 64 : 64;
    uint64_t upto = hi == 64 ? ~0ULL : (1ULL << hi) - 1;
    return upto & ~((1ULL << lo) - 1);
}

static void mark_pages(size_t first, size_t n, bool used)
{
    size_t end = first + n;
    for (size_t w = first / 64; w * 64 < end; w++) {
        uint64_t m = range_mask(w, first, end);
        pool.bitmap[w] = used ? pool.bitmap[w] | m : pool.bitmap[w] & ~m;
    }
}

static bool all_used(size_t first, size_t n)
{
    size_t end = first + n;
    for (size_t w = first / 64; w * 64 < end; w++) {
        uint64_t m = range_mask(w, first, end);
        if ((pool.bitmap[w] & m) != m) {
            return false;
        }
    }
    return true;
}

bool page_alloc_init(paddr_t start, paddr_t end)
{
    uint64_t first = (pa_addr(start) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    uint64_t last = pa_addr(end) & ~(PAGE_SIZE - 1);
    if (last <= first) {
        return false;
    }
    size_t pages = (size_t)((last - first) >> PAGE_SHIFT);
    size_t map_bytes = ((pages + 63) / 64) * sizeof(uint64_t);
    size_t map_pages = (map_bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;
    if (map_pages >= pages) {
        return false;
    }
    pool.bitmap = pa_to_ptr(pa_init(first));
    memset(pool.bitmap, 0, map_pages << PAGE_SHIFT);
    pool.base = first + (map_pages << PAGE_SHIFT);
    pool.npages = pages - map_pages;
    pool.nfree = pool.npages;
    return true;
}

/* First index >= i whose page address is aligned to align pages. */
static size_t align_index(size_t i, size_t align)
{
    uint64_t pfn = (pool.base >> PAGE_SHIFT) + i;
    uint64_t aligned = (pfn + align - 1) & ~((uint64_t)align - 1);
    return i + (size_t)(aligned - pfn);
}

/* Length of the run of free pages starting at i, up to want (bits past npages are clear). */
static size_t free_run(size_t i, size_t want)
{
    size_t limit = pool.npages - i < want ? pool.npages - i : want;
    size_t n = 0;
    while (n < limit) {
        size_t j = i + n;
        uint64_t used = pool.bitmap[j / 64] >> (j % 64);
        if (used != 0) {
            n += (size_t)__builtin_ctzll(used);
            break;
        }
        n += 64 - j % 64;
    }
    return n < limit ? n : limit;
}

static bool find_run(size_t npages, size_t align, size_t *found)
{
    size_t i = align_index(0, align);
    while (i + npages <= pool.npages) {
        size_t run = free_run(i, npages);
        if (run == npages) {
            *found = i;
            return true;
        }
        i = align_index(i + run + 1, align);
    }
    return false;
}

bool page_alloc(size_t npages, size_t align_pages, paddr_t *out)
{
    size_t idx;
    if (npages == 0 || align_pages == 0 || (align_pages & (align_pages - 1)) != 0) {
        return false;
    }
    spin_lock(&pool.lock);
    bool ok = npages <= pool.nfree && find_run(npages, align_pages, &idx);
    if (ok) {
        mark_pages(idx, npages, true);
        pool.nfree -= npages;
    }
    spin_unlock(&pool.lock);
    if (!ok) {
        return false;
    }
    *out = pa_init(pool.base + ((uint64_t)idx << PAGE_SHIFT));
    zero_memory(pa_to_ptr(*out), npages << PAGE_SHIFT);
    return true;
}

void page_free(paddr_t pa, size_t npages)
{
    uint64_t addr = pa_addr(pa);
    CHECK(addr >= pool.base && (addr & (PAGE_SIZE - 1)) == 0);
    size_t idx = (size_t)((addr - pool.base) >> PAGE_SHIFT);
    CHECK(npages <= pool.npages && idx <= pool.npages - npages);
    spin_lock(&pool.lock);
    CHECK(all_used(idx, npages));
    mark_pages(idx, npages, false);
    pool.nfree += npages;
    spin_unlock(&pool.lock);
}

size_t page_alloc_free_pages(void)
{
    return pool.nfree;
}

size_t page_alloc_total_pages(void)
{
    return pool.npages;
}
