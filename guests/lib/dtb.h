/*
 * What a test guest reads from its VM's device tree, through the hypervisor's
 * bounds-checked reader (kernel/fdt.c, compiled into guestlib). All functions
 * work with the MMU off (byte-wise reads).
 */
#ifndef SHRIKE_GUESTS_LIB_DTB_H
#define SHRIKE_GUESTS_LIB_DTB_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Remembers where the DTB is: x0 at entry, or RAM base when x0 is 0 (QEMU's
 * ELF boot leaves x0 = 0 and puts its DTB there, if it fits below the image).
 * Returns 0 if the whole blob checks out, else a negative FDT_ERR_* code.
 */
int dtb_init(uint64_t x0);

/* The DTB's address (valid or not). */
const void *dtb_blob(void);

/* The number of /cpus children named cpu@N, or a negative FDT_ERR_* code. */
int dtb_cpu_count(void);

/* The first /memory reg range; 0 or a negative FDT_ERR_* code. */
int dtb_memory(uint64_t *base, uint64_t *size);

/* Whether the VM's /chosen/bootargs contains word (anywhere). */
bool dtb_bootargs_have(const char *word);

/* The decimal number after NAME= in /chosen/bootargs (e.g. "rt.periods=" ... ); false if absent. */
bool dtb_bootargs_u64(const char *name, uint64_t *val);

/* The VM's interrupt controller, as its DTB's GIC node describes it. */
struct dtb_gic {
    unsigned version;   /* 2 or 3 */
    const char *compat; /* the compatible string that matched */
    uint64_t dist_base; /* reg[0]: GICD */
    uint64_t dist_size;
    uint64_t cpu_base; /* reg[1]: GICC (v2) or the redistributors (v3) */
    uint64_t cpu_size;
};

/*
 * Finds the first node compatible with "arm,gic-v3" (version 3), or else
 * "arm,cortex-a15-gic" / "arm,gic-400" (version 2), and reads its first two
 * reg ranges (in its parent's #address-cells / #size-cells). 0, or a negative FDT_ERR_* code (no
 * valid DTB, no such node, a reg shorter than two ranges).
 */
int dtb_gic(struct dtb_gic *out);

/*
 * Prints "seeds: rng-seed N bytes, begins HEX16" (or "seeds: no rng-seed"),
 * and the same for kaslr-seed: what the hypervisor gave this boot.
 */
void dtb_show_seeds(void);

#endif
