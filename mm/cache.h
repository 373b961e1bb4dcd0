/*
 * Data and instruction cache maintenance by virtual address (see cache.c).
 *
 * QEMU models no caches, but on silicon a guest that starts with its MMU and
 * caches off (every guest does: SCTLR_EL1.M = C = 0 at reset) reads memory
 * as Normal Non-cacheable, straight from the point of coherency (PoC). What
 * shrike wrote through its own cacheable mapping may still sit in a dirty
 * line, so guest RAM shrike writes (image, DTB, initrd, the scrub, the magic
 * page, a demand-mapped page) is cleaned and invalidated to the PoC before
 * the guest can run; guest images are code, so the I-cache is invalidated
 * too. docs/architecture.md, "Caches".
 */
#ifndef SHRIKE_MM_CACHE_H
#define SHRIKE_MM_CACHE_H

#include <stddef.h>
#include <stdint.h>

/* Smallest D-cache line in bytes from CTR_EL0.DminLine (bits 19:16: log2 of 4-byte words). */
unsigned cache_dline_from_ctr(uint64_t ctr);

/*
 * The lines of `line` bytes (a power of two) that [va, va + len) touches:
 * stores the first line's address in *first and returns how many (0 if len is 0).
 */
size_t cache_lines(uintptr_t va, size_t len, unsigned line, uintptr_t *first);

/*
 * The DC ZVA block in bytes from DCZID_EL0 (BS, bits 3:0: log2 of 4-byte
 * words); 0 if DZP prohibits it.
 */
unsigned cache_zva_block_from_dczid(uint64_t dczid);

/*
 * How zero_memory() splits [va, va + len) for DC ZVA blocks of `block` bytes
 * (a power of two, or 0: no DC ZVA): *head bytes before the first block
 * boundary, then *mid bytes of whole blocks; the rest is the tail.
 */
void cache_zva_split(uintptr_t va, size_t len, unsigned block, size_t *head, size_t *mid);

#ifdef SHRIKE_HOST_TEST
#include <string.h>

static inline void zero_memory(void *va, size_t len)
{
    memset(va, 0, len);
}
#else
/*
 * memset(va, 0, len) for large ranges (a VM's RAM, freshly allocated pages):
 * whole blocks with DC ZVA, one instruction a block (64 bytes on Cortex-A57,
 * against 32 bytes a loop of stores), once the EL2 MMU is on. DC ZVA is an
 * ordinary store for ordering, and the cache maintenance that follows a
 * write to guest RAM covers it as it covers stores.
 */
void zero_memory(void *va, size_t len);

/* DC CIVAC over every line of [va, va + len), then DSB SY: the data is at the PoC. */
void dcache_clean_inval_poc(const void *va, size_t len);

/* IC IALLUIS, DSB ISH, ISB: no CPU fetches a stale instruction (data cleaned first). */
void icache_inval_all(void);

/* Guest memory shrike wrote, code included: both of the above. */
void cache_guest_written(const void *va, size_t len);
#endif

#endif
