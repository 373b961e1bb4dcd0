/*
 * VMSAv8-64 translation tables with the 4 KiB granule, for two regimes: the
 * hypervisor's own EL2 stage 1, and a VM's stage 2. One builder serves both;
 * only the attribute encoding differs. The shape (input-address size, start
 * level, concatenated root tables) is computed from the IPA size and start
 * level, never typed. Plain C: host unit tests check it with a walker.
 *
 * Callers own TLB maintenance: after pt_map()/pt_unmap() on live tables,
 * issue the barriers and TLB invalidation for the changed range (mm/tlb.h).
 * Freeing a table page is the exception: pt_unmap() and pt_destroy() call the
 * flush_tlb hook first, so no CPU can walk a page that is reused.
 */
#ifndef SHRIKE_MM_PGTABLE_H
#define SHRIKE_MM_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/addr.h"

enum pt_stage {
    PT_STAGE1_EL2,
    PT_STAGE2,
};

/* Mapping attributes, regime-independent. Stage 1 always implies PT_READ. */
#define PT_READ   (1U << 0)
#define PT_WRITE  (1U << 1)
#define PT_EXEC   (1U << 2)
#define PT_DEVICE (1U << 3) /* Device-nGnRE; otherwise Normal write-back cacheable */

/* MAIR_EL2 slots used by the EL2 stage-1 encoding. */
#define MAIR_IDX_NORMAL 0
#define MAIR_IDX_DEVICE 1
#define MAIR_EL2_VALUE  ((0xFFULL << (8 * MAIR_IDX_NORMAL)) | (0x04ULL << (8 * MAIR_IDX_DEVICE)))

#define PT_LEVELS     4
#define PT_ENTRIES    512
#define PT_MAX_CONCAT 16
#define PT_OA_BITS    48

struct pgtable {
    enum pt_stage stage;
    unsigned ia_bits;     /* input address size */
    unsigned start_level; /* 0..2 */
    unsigned root_pages;  /* concatenated tables at the start level (stage 2 only: 1..16) */
    paddr_t root;
    /* Called when a live block entry is broken before being replaced (may be NULL). */
    void (*break_entry)(const struct pgtable *pt, uint64_t ia, unsigned level);
    /*
     * Invalidates every TLB entry and cached walk of these tables on every CPU
     * (stage 2: TLBI VMALLS12E1IS for its VMID). pt_unmap() and pt_destroy()
     * call it before freeing table pages that may still be live (may be NULL
     * for tables no CPU has ever walked).
     */
    void (*flush_tlb)(const struct pgtable *pt);
    void *owner;
};

struct pt_mapping {
    uint64_t pa;
    unsigned attrs;
    unsigned level; /* where the leaf was: 1 (1 GiB), 2 (2 MiB) or 3 (4 KiB) */
};

/*
 * Checks that (stage, ia_bits, start_level) is a shape the architecture allows
 * with the 4 KiB granule and allocates the zeroed root table(s).
 * Returns 0, -EINVAL for an impossible shape, or -ENOMEM.
 */
int pt_init(struct pgtable *pt, enum pt_stage stage, unsigned ia_bits, unsigned start_level);

/* Number of concatenated root tables that shape needs, or 0 if it is not allowed. */
unsigned pt_root_pages(enum pt_stage stage, unsigned ia_bits, unsigned start_level);

/*
 * Maps [ia, ia+size) to [pa, pa+size), all 4 KiB aligned, using 1 GiB and
 * 2 MiB blocks wherever both addresses are aligned. Fails with -EEXIST if any
 * part is already mapped (parts before it stay mapped), -EINVAL for bad
 * arguments, -ENOMEM when a table cannot be allocated.
 */
int pt_map(struct pgtable *pt, uint64_t ia, uint64_t pa, uint64_t size, unsigned attrs);

/*
 * Unmaps [ia, ia+size), splitting blocks that straddle its ends. Tables it
 * empties are unlinked, then pt->flush_tlb runs (once, if any was), then they
 * are freed. The caller still flushes for the unmapped leaves.
 */
int pt_unmap(struct pgtable *pt, uint64_t ia, uint64_t size);

/* Software walk of the tables: the leaf for ia, if any. */
bool pt_walk(const struct pgtable *pt, uint64_t ia, struct pt_mapping *out);

/* Calls pt->flush_tlb, then frees every table page, root included. */
void pt_destroy(struct pgtable *pt);

/* Encodes ID_AA64MMFR0_EL1.PARange as a bit count, and a bit count as a PS/IPS field. */
unsigned pt_parange_bits(unsigned parange);
unsigned pt_ps_field(unsigned pa_bits);

/* VTCR_EL2 for a stage-2 table: T0SZ, SL0, cacheability, TG0, PS, VS. */
uint64_t pt_vtcr(const struct pgtable *pt, unsigned pa_bits, bool vmid16);

/* TCR_EL2 (non-VHE layout) for an EL2 stage-1 table. */
uint64_t pt_tcr_el2(const struct pgtable *pt, unsigned pa_bits);

#endif
