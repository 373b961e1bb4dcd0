/*
 * The hardware side of the vCPU debug state (vdebug.h). A vCPU whose state
 * can raise debug exceptions (not OS-locked, and MDSCR_EL1 MDE, KDE or SS
 * set) has its registers written into the CPU when it is loaded and after
 * each trapped write; when it is put, MDSCR_EL1 and every enable bit are
 * cleared, so the next vCPU on this CPU never inherits a breakpoint. Guests
 * without debug, which is nearly all of them, cost one test per load and put.
 *
 * Debug exceptions target EL1 (MDCR_EL2.TDE = 0), so none is ever generated
 * at EL2, and HMC is never set: shrike's own code cannot hit a guest's
 * breakpoint or watchpoint.
 */
#include "kernel/sysreg.h"
#include "vcpu/vdebug.h"

static struct vdebug_shape shape;

void vdebug_hw_init(uint64_t guest_dfr0)
{
    shape = vdebug_shape_from_dfr0(guest_dfr0);
}

const struct vdebug_shape *vdebug_hw_shape(void)
{
    return &shape;
}

/*
 * write_bp(n, v, c) / write_wp(n, v, c): breakpoint pair n (DBGBVR/DBGBCR) or
 * watchpoint pair n (DBGWVR/DBGWCR) into the hardware. System registers are
 * named in the instruction, hence one case per index.
 */
#define PAIR(n, kind)                            \
    case n:                                      \
        write_sysreg(v, dbg##kind##vr##n##_el1); \
        write_sysreg(c, dbg##kind##cr##n##_el1); \
        break

#define PAIR_WRITER(name, kind)                          \
    static void name(unsigned n, uint64_t v, uint64_t c) \
    {                                                    \
        switch (n) {                                     \
            PAIR(0, kind);                               \
            PAIR(1, kind);                               \
            PAIR(2, kind);                               \
            PAIR(3, kind);                               \
            PAIR(4, kind);                               \
            PAIR(5, kind);                               \
            PAIR(6, kind);                               \
            PAIR(7, kind);                               \
            PAIR(8, kind);                               \
            PAIR(9, kind);                               \
            PAIR(10, kind);                              \
            PAIR(11, kind);                              \
            PAIR(12, kind);                              \
            PAIR(13, kind);                              \
            PAIR(14, kind);                              \
            PAIR(15, kind);                              \
        default:                                         \
            break;                                       \
        }                                                \
    }

PAIR_WRITER(write_bp, b)
PAIR_WRITER(write_wp, w)

static void write_all(const struct vdebug *d)
{
    for (unsigned n = 0; n < shape.brps; n++) {
        write_bp(n, d->bvr[n], d->bcr[n]);
    }
    for (unsigned n = 0; n < shape.wrps; n++) {
        write_wp(n, d->wvr[n], d->wcr[n]);
    }
    /* shrike never uses the OS lock; a core may come out of reset with it set. */
    write_sysreg(0, oslar_el1);
    write_sysreg(d->mdscr, mdscr_el1);
    isb();
}

static void clear_all(void)
{
    write_sysreg(0, mdscr_el1);
    for (unsigned n = 0; n < shape.brps; n++) {
        write_bp(n, 0, 0);
    }
    for (unsigned n = 0; n < shape.wrps; n++) {
        write_wp(n, 0, 0);
    }
    isb();
}

void vdebug_load(struct vdebug *d)
{
    if (vdebug_active(d)) {
        write_all(d);
        d->loaded = true;
    }
}

void vdebug_put(struct vdebug *d)
{
    if (d->loaded) {
        clear_all();
        d->loaded = false;
    }
}

void vdebug_sync(struct vdebug *d)
{
    if (vdebug_active(d)) {
        write_all(d);
        d->loaded = true;
    } else {
        vdebug_put(d);
    }
}
