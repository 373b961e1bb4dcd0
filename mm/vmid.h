/*
 * VMID allocator. Each VM's stage-2 translations are tagged in the TLB with a
 * VMID (VTTBR_EL2[63:48]): 16 bits wide when ID_AA64MMFR1_EL1.VMIDBits says
 * so (and VTCR_EL2.VS is set), else 8. VMID 0 is reserved for "no guest
 * loaded" and never handed out.
 *
 * A freed VMID goes back to the pool only after the flush hook has
 * invalidated every TLB entry tagged with it, so a new VM can never hit a
 * stale translation of the old one. Allocation is round-robin (the lowest
 * free VMID above the last one handed out, wrapping around), which keeps a
 * just-freed VMID out of use for as long as others are free.
 */
#ifndef SHRIKE_MM_VMID_H
#define SHRIKE_MM_VMID_H

#include <stdint.h>

/*
 * Resets the allocator to `bits` (8 or 16) wide VMIDs, all free. `flush`
 * invalidates the TLB entries of one VMID on every CPU (on hardware: load it
 * into VTTBR_EL2, tlbi vmalls12e1is, dsb ish, restore VTTBR_EL2). It runs
 * with the allocator's lock held and must not call back into vmid_*().
 */
void vmid_init(unsigned bits, void (*flush)(uint16_t vmid));

/* VMID width from ID_AA64MMFR1_EL1: 16 if VMIDBits (bits [7:4]) is 0b0010, else 8. */
unsigned vmid_bits_from_mmfr1(uint64_t id_aa64mmfr1);

/* Stores a free VMID in *out and returns 0, or returns -ENOSPC if every VMID is in use. */
int vmid_alloc(uint16_t *out);

/* CHECK()s that `vmid` is allocated, flushes its TLB entries, then makes it free again. */
void vmid_free(uint16_t vmid);

/* Number of VMIDs currently allocated (VMID 0 not counted). */
unsigned vmid_in_use(void);

#endif
