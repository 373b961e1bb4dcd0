/*
 * Physical page allocator: one contiguous region of RAM, a bitmap of 4 KiB
 * pages kept at the region's start, first-fit contiguous allocation with an
 * alignment. Pages come back zeroed.
 */
#ifndef SHRIKE_MM_PAGE_ALLOC_H
#define SHRIKE_MM_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/addr.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

/* Hands [start, end) to the allocator; returns false if it is too small to hold its bitmap. */
bool page_alloc_init(paddr_t start, paddr_t end);

/* Allocates npages contiguous zeroed pages aligned to align_pages (a power of two). */
bool page_alloc(size_t npages, size_t align_pages, paddr_t *out);

/* Returns pages; freeing a page that is not allocated is a broken invariant. */
void page_free(paddr_t pa, size_t npages);

size_t page_alloc_free_pages(void);
size_t page_alloc_total_pages(void);

#endif
