/*
 * The guest's stage-1 translation: one set of tables (4 KiB granule, 39-bit
 * VA, walk from level 1) in BSS, shared by every vCPU. At boot vCPU 0 maps its
 * RAM (Normal write-back), the UART and the test device (Device-nGnRE) 1:1 and
 * every vCPU turns its MMU on with those tables.
 */
#ifndef SHRIKE_GUESTS_LIB_MMU_H
#define SHRIKE_GUESTS_LIB_MMU_H

#include <stdint.h>

#define PAGE_SIZE 4096UL

/* mmu_map() flags; none = Normal write-back, read-write, executable. */
#define MMU_DEVICE (1U << 0) /* Device-nGnRE, execute-never */
#define MMU_RO     (1U << 1) /* read-only */
#define MMU_XN     (1U << 2) /* execute-never */
#define MMU_EL0 \
    (1U << 3) /* EL0 may access it (and execute it unless MMU_XN); EL1 may not execute it */

/* The level-1 table (TTBR0_EL1). */
extern uint64_t guest_pgd[512];

/*
 * Maps [va, va + size) to [pa, pa + size): all three page-aligned. Uses 1 GiB
 * and 2 MiB blocks where both addresses allow. Replaces an existing page or
 * block mapping (break-before-make, TLB invalidated on every vCPU); fails with
 * -1 if a table is in the way of a block (or a block in the way of a table) or
 * the tables run out. Not thread-safe: one vCPU maps at a time.
 */
int mmu_map(uint64_t va, uint64_t pa, uint64_t size, unsigned flags);

/* Boot (MMU off): the identity map of RAM, the UART and the test device. */
int mmu_init(uint64_t ram_base, uint64_t ram_size);

/* start.S: loads MAIR/TCR/TTBR0_EL1 and turns the MMU and caches on for this vCPU. */
void guest_mmu_enable(void);

#endif
