/*
 * A vCPU's self-hosted debug state: MDSCR_EL1, the breakpoint and watchpoint
 * register pairs and the OS lock. Every access traps (MDCR_EL2.TDA/TDOSA/
 * TDRA) and is emulated here against the vCPU's copy; the copy goes into the
 * hardware only while the vCPU runs with debug enabled (vdebug_hw.c), so
 * hardware breakpoints, watchpoints and single-step work in a guest and never
 * leak into another vCPU. Plain C: the host unit tests run it.
 * docs/trap-policy.md has the rules.
 */
#ifndef SHRIKE_VCPU_VDEBUG_H
#define SHRIKE_VCPU_VDEBUG_H

#include <stdbool.h>
#include <stdint.h>

#define VDEBUG_MAX_PAIRS 16 /* the architecture's most breakpoints (or watchpoints) */

/* MDSCR_EL1 bits a guest can set; the rest read as zero. */
#define MDSCR_SS         (1ULL << 0)  /* software step */
#define MDSCR_TDCC       (1ULL << 12) /* trap EL0 DCC accesses (kept, no effect: no DCC) */
#define MDSCR_KDE        (1ULL << 13) /* debug exceptions at EL1 */
#define MDSCR_MDE        (1ULL << 15) /* breakpoints and watchpoints */
#define MDSCR_GUEST_MASK (MDSCR_SS | MDSCR_TDCC | MDSCR_KDE | MDSCR_MDE)

/*
 * DBGBCR: BT (22:20, context and address types; the EL2 and VMID ones,
 * BT[3] = 1, are not offered), LBN, SSC, BAS, PMC, E. DBGWCR: MASK, WT, LBN,
 * SSC, BAS, LSC, PAC, E. HMC (bit 13), which would let a breakpoint or
 * watchpoint match at EL2, is never kept.
 */
#define DBGBCR_GUEST_MASK 0x007FC1E7ULL
#define DBGWCR_GUEST_MASK 0x1F1FDFFFULL
#define DBGXVR_GUEST_MASK (~3ULL) /* bits 1:0 are RES0 */

struct vdebug {
    uint64_t mdscr;
    uint64_t bvr[VDEBUG_MAX_PAIRS], bcr[VDEBUG_MAX_PAIRS];
    uint64_t wvr[VDEBUG_MAX_PAIRS], wcr[VDEBUG_MAX_PAIRS];
    bool os_lock; /* OSLAR_EL1.OSLK: set at reset, as on a real core */
    bool loaded;  /* the hardware holds this state now (vdebug_hw.c) */
};

/* How many pairs the CPU has (from ID_AA64DFR0_EL1.BRPs/WRPs, which guests see). */
struct vdebug_shape {
    unsigned brps;
    unsigned wrps;
};

struct vdebug_shape vdebug_shape_from_dfr0(uint64_t dfr0);

/* The state of a vCPU that was just reset: OS lock set, everything else 0 (loaded kept). */
void vdebug_reset(struct vdebug *d);

/* What an access did: RAZ/WI, or it changed state that may need the hardware updated. */
enum vdebug_result {
    VDEBUG_DONE,
    VDEBUG_CHANGED,
};

/*
 * Emulates an access to the op0 = 2 (debug) system-register space given by
 * op1, CRn, CRm, op2: read fills *val, a write takes it. Registers not kept
 * here (DCC, claim tags, OS double lock, DBGPRCR, MDRAR, ...) read as zero
 * and ignore writes, as do pairs the CPU does not have.
 */
enum vdebug_result vdebug_access(struct vdebug *d, const struct vdebug_shape *shape, unsigned op1,
                                 unsigned crn, unsigned crm, unsigned op2, bool read,
                                 uint64_t *val);

/* Whether the state can raise debug exceptions, so that it must be in the hardware. */
static inline bool vdebug_active(const struct vdebug *d)
{
    return !d->os_lock && (d->mdscr & (MDSCR_SS | MDSCR_KDE | MDSCR_MDE)) != 0;
}

/* vdebug_hw.c: the hardware side. */
void vdebug_hw_init(uint64_t guest_dfr0); /* at most what the hardware has */
void vdebug_load(struct vdebug *d);       /* vcpu_load(): into the hardware if active */
void vdebug_put(struct vdebug *d);        /* vcpu_put(): out of the hardware if it was loaded */
void vdebug_sync(struct vdebug *d);       /* after VDEBUG_CHANGED on the running vCPU */
const struct vdebug_shape *vdebug_hw_shape(void);

#endif
