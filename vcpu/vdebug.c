/*
 * Self-hosted debug registers of a vCPU, emulated (see vdebug.h). The
 * encodings are the ARM ARM's (op0 = 2, op1 = 0 unless noted):
 *   DBGBVR<n>_EL1  CRn 0, CRm n, op2 4      DBGBCR<n>_EL1  CRn 0, CRm n, op2 5
 *   DBGWVR<n>_EL1  CRn 0, CRm n, op2 6      DBGWCR<n>_EL1  CRn 0, CRm n, op2 7
 *   MDSCR_EL1      CRn 0, CRm 2, op2 2
 *   OSLAR_EL1      CRn 1, CRm 0, op2 4 (write)
 *   OSLSR_EL1      CRn 1, CRm 1, op2 4 (read)
 */
#include "vcpu/vdebug.h"

#define OSLSR_OSLM_IMPLEMENTED (1ULL << 3)
#define OSLSR_OSLK             (1ULL << 1)

struct vdebug_shape vdebug_shape_from_dfr0(uint64_t dfr0)
{
    /* BRPs (15:12) and WRPs (23:20) hold the count minus one. */
    return (struct vdebug_shape){.brps = (unsigned)((dfr0 >> 12) & 0xF) + 1,
                                 .wrps = (unsigned)((dfr0 >> 20) & 0xF) + 1};
}

void vdebug_reset(struct vdebug *d)
{
    bool loaded = d->loaded;
    *d = (struct vdebug){.os_lock = true, .loaded = loaded};
}

/* A register kept in state: *reg, with the bits a guest may set. */
static enum vdebug_result keep(uint64_t *reg, uint64_t mask, bool read, uint64_t *val)
{
    if (read) {
        *val = *reg;
        return VDEBUG_DONE;
    }
    *reg = *val & mask;
    return VDEBUG_CHANGED;
}

static enum vdebug_result pair(struct vdebug *d, const struct vdebug_shape *shape, unsigned n,
                               unsigned op2, bool read, uint64_t *val)
{
    bool bp = op2 == 4 || op2 == 5;
    if (n >= (bp ? shape->brps : shape->wrps)) {
        *val = read ? 0 : *val;
        return VDEBUG_DONE;
    }
    switch (op2) {
    case 4:
        return keep(&d->bvr[n], DBGXVR_GUEST_MASK, read, val);
    case 5:
        return keep(&d->bcr[n], DBGBCR_GUEST_MASK, read, val);
    case 6:
        return keep(&d->wvr[n], DBGXVR_GUEST_MASK, read, val);
    default:
        return keep(&d->wcr[n], DBGWCR_GUEST_MASK, read, val);
    }
}

enum vdebug_result vdebug_access(struct vdebug *d, const struct vdebug_shape *shape, unsigned op1,
                                 unsigned crn, unsigned crm, unsigned op2, bool read, uint64_t *val)
{
    if (op1 == 0 && crn == 0 && op2 >= 4 && crm < VDEBUG_MAX_PAIRS) {
        return pair(d, shape, crm, op2, read, val);
    }
    if (op1 == 0 && crn == 0 && crm == 2 && op2 == 2) {
        return keep(&d->mdscr, MDSCR_GUEST_MASK, read, val);
    }
    if (op1 == 0 && crn == 1 && crm == 0 && op2 == 4 && !read) {
        d->os_lock = (*val & 1) != 0;
        return VDEBUG_CHANGED;
    }
    if (read) {
        bool oslsr = op1 == 0 && crn == 1 && crm == 1 && op2 == 4;
        *val = oslsr ? OSLSR_OSLM_IMPLEMENTED | (d->os_lock ? OSLSR_OSLK : 0) : 0;
    }
    return VDEBUG_DONE;
}
