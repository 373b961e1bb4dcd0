/*
 * The physical GIC as shrike uses it, GICv3 (kernel/gicv3.c) or GICv2 with
 * the virtualization extensions (kernel/gicv2.c), chosen once at boot from
 * the host DTB (gic_init). Both run with split priority drop and
 * deactivation (EOImode 1), so that a hardware-mapped virtual interrupt can
 * be deactivated by its guest. The hot calls (acknowledge, EOI, deactivate,
 * SGI) dispatch inline on gic_host_v2, which never changes after gic_init.
 */
#ifndef SHRIKE_KERNEL_GIC_H
#define SHRIKE_KERNEL_GIC_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/fdt.h"
#include "kernel/sysreg.h"

#define GIC_INTID_SPURIOUS 1020
#define GIC_PRIO_DEFAULT   0xA0
#define GIC_PRIO_IPI       0x80

/* Distributor setup, once, on the boot CPU. Returns false if the DTB lacks a usable GIC. */
bool gic_init(const struct fdt_platform *plat);

/* This CPU's redistributor (v3: wake-up) or banked distributor registers (v2), CPU interface. */
bool gic_cpu_init(void);

bool gic_ready(void);

/* 3 or 2 once gic_init() succeeded, else 0. */
unsigned gic_version(void);

/* SGIs and PPIs act on this CPU's banked registers; SPIs on the distributor, routed to this CPU. */
void gic_enable_irq(unsigned intid, uint8_t prio);
void gic_disable_irq(unsigned intid);

/* Active state of an SGI/PPI on this CPU (for forwarded interrupts). */
bool gic_ppi_active(unsigned intid);
void gic_ppi_set_active(unsigned intid, bool active);

/*
 * GICv2 only: the virtual interface control (GICH) and virtual CPU interface
 * (GICV) frames from the host DTB, for vgic/vgic_hw_v2.c and stage 2, and the
 * maintenance interrupt's INTID.
 */
struct gicv2_frames {
    uint64_t gich;
    uint64_t gicv;
    uint64_t gicv_size;
    unsigned maint_intid;
};
const struct gicv2_frames *gicv2_frames(void);

/* --- the two drivers; callers use the gic_* calls ------------------------ */
bool gicv3_init(const struct fdt_platform *plat);
bool gicv3_cpu_init(void);
void gicv3_enable_irq(unsigned intid, uint8_t prio);
void gicv3_disable_irq(unsigned intid);
bool gicv3_ppi_active(unsigned intid);
void gicv3_ppi_set_active(unsigned intid, bool active);
void gicv3_send_sgi(unsigned sgi, uint64_t target_mpidr);

/*
 * GICv3's acknowledge, EOI and deactivation: a system register each, inline
 * (every guest IRQ exit takes two or three; a call cost as much as each).
 */
/* ICC_SGI1R_EL1 for the CPU with MPIDR mpidr, but the INTID: Aff3.Aff2.Aff1, RS and its TargetList
 * bit. */
static inline uint64_t gicv3_sgi_route(uint64_t mpidr)
{
    uint64_t aff0 = mpidr & 0xFF;
    return ((mpidr >> 32) & 0xFF) << 48 | ((mpidr >> 16) & 0xFF) << 32 |
           ((mpidr >> 8) & 0xFF) << 16 | (aff0 / 16) << 44 | 1ULL << (aff0 % 16);
}

/* SGI sgi along a route from gicv3_sgi_route(). */
static inline void gicv3_send_sgi_routed(unsigned sgi, uint64_t route)
{
    dsb(ishst); /* what this CPU wrote for the target, visible before it can take the SGI */
    write_sysreg(route | (uint64_t)(sgi & 0xF) << 24, icc_sgi1r_el1);
    isb();
}

static inline unsigned gicv3_ack(void)
{
    unsigned intid = (unsigned)(read_sysreg(icc_iar1_el1) & 0xFFFFFF);
    dsb(sy); /* the acknowledge before any access the handler makes (as Linux does) */
    return intid;
}

static inline void gicv3_eoi(unsigned intid)
{
    write_sysreg(intid, icc_eoir1_el1);
    isb();
}

static inline void gicv3_deactivate(unsigned intid)
{
    write_sysreg(intid, icc_dir_el1);
    isb();
}

bool gicv2_init(const struct fdt_platform *plat);
bool gicv2_cpu_init(void);
void gicv2_enable_irq(unsigned intid, uint8_t prio);
void gicv2_disable_irq(unsigned intid);
bool gicv2_ppi_active(unsigned intid);
void gicv2_ppi_set_active(unsigned intid, bool active);
void gicv2_send_sgi(unsigned sgi, uint64_t target_mpidr);
unsigned gicv2_ack(void);
void gicv2_eoi(unsigned intid);
void gicv2_deactivate(unsigned intid);

extern bool gic_host_v2; /* set by gic_init() before any interrupt is enabled */

/* SGI sgi to the CPU whose MPIDR affinity is target_mpidr. */
static inline void gic_send_sgi(unsigned sgi, uint64_t target_mpidr)
{
    if (gic_host_v2) {
        gicv2_send_sgi(sgi, target_mpidr);
    } else {
        gicv3_send_sgi(sgi, target_mpidr);
    }
}

/* Acknowledge (v3 ICC_IAR1, v2 GICC_IAR): the INTID, without a v2 SGI's source CPU. */
static inline unsigned gic_ack(void)
{
    return gic_host_v2 ? gicv2_ack() : gicv3_ack();
}

/* Priority drop (ICC_EOIR1 / GICC_EOIR). */
static inline void gic_eoi(unsigned intid)
{
    if (gic_host_v2) {
        gicv2_eoi(intid);
    } else {
        gicv3_eoi(intid);
    }
}

/* Deactivation (ICC_DIR / GICC_DIR). */
static inline void gic_deactivate(unsigned intid)
{
    if (gic_host_v2) {
        gicv2_deactivate(intid);
    } else {
        gicv3_deactivate(intid);
    }
}

/* Priority drop and deactivation of an interrupt handled at once (EOImode 1): one GIC test. */
static inline void gic_eoi_deactivate(unsigned intid)
{
    if (gic_host_v2) {
        gicv2_eoi(intid);
        gicv2_deactivate(intid);
    } else {
        gicv3_eoi(intid);
        gicv3_deactivate(intid);
    }
}

#endif
