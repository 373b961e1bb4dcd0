/*
 * Physical GICv2 driver (the gicv2_* calls of gic.h), for a GICv2 with the
 * virtualization extensions (QEMU virt gic-version=2, GIC-400). Register
 * offsets from the GICv2 architecture specification (IHI 0048B, 4.1): one
 * distributor whose SGI/PPI registers (ISENABLER0, ISACTIVER0, ...,
 * IPRIORITYR0-7, ITARGETSR0-7) are banked per CPU, and a memory-mapped CPU
 * interface (GICC) per CPU at the same address.
 *
 * Groups: shrike leaves GICD_IGROUPR as it finds it, as Linux does. On a GIC
 * without the Security Extensions (QEMU) every interrupt is Group 0 and bit 0
 * of GICD_CTLR/GICC_CTLR enables it (signalled as IRQ: FIQEn stays 0); on one
 * with them, shrike runs Non-secure, its view holds only Group 1 (firmware
 * made the interrupts Group 1) and bit 0 is that group's enable. Either way
 * bit 9 of GICC_CTLR is the EOImode this view uses: EOIR drops priority, DIR
 * deactivates.
 *
 * SGIs: a CPU is named by its CPU interface number, which need not be its
 * MPIDR's Aff0: each CPU reads GICD_ITARGETSR0 (banked, read-only for SGIs)
 * at gic_cpu_init to learn its own mask. An acknowledged SGI carries its
 * source CPU in GICC_IAR[12:10], which the EOIR and DIR writes must repeat.
 */
#include "kernel/gic.h"

#include "kernel/cpu.h"
#include "kernel/log.h"

#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_ISENABLER  0x0100
#define GICD_ICENABLER  0x0180
#define GICD_ICPENDR    0x0280
#define GICD_ISACTIVER  0x0300
#define GICD_ICACTIVER  0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR  0x0800
#define GICD_ICFGR      0x0C00
#define GICD_SGIR       0x0F00

#define GICD_CTLR_ENABLE        1U /* EnableGrp0 without the Security Extensions, else Non-secure Grp1 */
#define GICD_SGIR_TARGETS_SHIFT 16

#define GICC_CTLR        0x0000
#define GICC_PMR         0x0004
#define GICC_BPR         0x0008
#define GICC_IAR         0x000C
#define GICC_EOIR        0x0010
#define GICC_DIR         0x1000 /* second 4 KiB page of the CPU interface */
#define GICC_CTLR_ENABLE (1U << 0)
#define GICC_CTLR_EOIMODE \
    (1U << 9) /* EOImodeNS in the Non-secure view, EOImodeS without security */
#define GICC_IAR_INTID 0x3FFU
#define GICC_IAR_CPUID (7U << 10)

#define GICV_MIN_SIZE 0x2000 /* GICV_CTLR..GICV_DIR */

static struct {
    uint64_t gicd;
    uint64_t gicc;
    unsigned nlines;
    struct gicv2_frames frames;
} gic;

/* Each CPU's interface mask (bit n: CPU interface n), and the source of the SGI it has active. */
static uint8_t cpu_mask[CONFIG_MAX_CPUS];
static uint16_t sgi_source[CONFIG_MAX_CPUS][16];

static inline volatile uint32_t *reg32(uint64_t addr)
{
    return (volatile uint32_t *)(uintptr_t)addr;
}

static inline volatile uint8_t *reg8(uint64_t addr)
{
    return (volatile uint8_t *)(uintptr_t)addr;
}

const struct gicv2_frames *gicv2_frames(void)
{
    return &gic.frames;
}

bool gicv2_init(const struct fdt_platform *plat)
{
    /* GICD, GICC, GICH, GICV: without the last two there is no virtual CPU interface. */
    if (plat->gic_version != 2 || plat->ngic_regs < 4 || plat->gic_regs[1].size < 0x2000 ||
        plat->gic_regs[3].size < GICV_MIN_SIZE) {
        return false;
    }
    gic.gicd = plat->gic_regs[0].base;
    gic.gicc = plat->gic_regs[1].base;
    gic.frames.gich = plat->gic_regs[2].base;
    gic.frames.gicv = plat->gic_regs[3].base;
    gic.frames.gicv_size = plat->gic_regs[3].size;
    gic.frames.maint_intid = plat->gic_maint_valid ? plat->gic_maint_intid : 25;
    gic.nlines = 32 * ((*reg32(gic.gicd + GICD_TYPER) & 0x1F) + 1);
    if (gic.nlines > 1020) {
        gic.nlines = 1020;
    }

    *reg32(gic.gicd + GICD_CTLR) = 0;
    /* Every SPI: disabled, not pending, not active, default priority, level-triggered. */
    for (unsigned i = 32; i < gic.nlines; i += 32) {
        *reg32(gic.gicd + GICD_ICENABLER + i / 8) = 0xFFFFFFFFU;
        *reg32(gic.gicd + GICD_ICPENDR + i / 8) = 0xFFFFFFFFU;
        *reg32(gic.gicd + GICD_ICACTIVER + i / 8) = 0xFFFFFFFFU;
    }
    for (unsigned i = 32; i < gic.nlines; i += 4) {
        *reg32(gic.gicd + GICD_IPRIORITYR + i) = 0x01010101U * GIC_PRIO_DEFAULT;
    }
    for (unsigned i = 32; i < gic.nlines; i += 16) {
        *reg32(gic.gicd + GICD_ICFGR + i / 4) = 0;
    }
    *reg32(gic.gicd + GICD_CTLR) = GICD_CTLR_ENABLE;
    dsb(sy);
    return true;
}

bool gicv2_cpu_init(void)
{
    unsigned id = this_cpu_id();
    /* Banked: each byte of ITARGETSR0 is this CPU's own mask (RAZ on a uniprocessor GIC). */
    uint8_t mask = (uint8_t)*reg32(gic.gicd + GICD_ITARGETSR);
    cpu_mask[id] = mask != 0 ? mask : 1;

    *reg32(gic.gicd + GICD_ICENABLER) = 0xFFFFFFFFU; /* SGI bits may be RAO/WI: harmless */
    *reg32(gic.gicd + GICD_ICPENDR) = 0xFFFF0000U;   /* SGIs are cleared through CPENDSGIR */
    *reg32(gic.gicd + GICD_ICACTIVER) = 0xFFFFFFFFU;
    for (unsigned i = 0; i < 32; i += 4) {
        *reg32(gic.gicd + GICD_IPRIORITYR + i) = 0x01010101U * GIC_PRIO_DEFAULT;
    }

    *reg32(gic.gicc + GICC_PMR) = 0xFF;
    *reg32(gic.gicc + GICC_BPR) = 0; /* raised to the implemented minimum */
    *reg32(gic.gicc + GICC_CTLR) = GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE;
    dsb(sy);
    isb();
    return true;
}

void gicv2_enable_irq(unsigned intid, uint8_t prio)
{
    *reg8(gic.gicd + GICD_IPRIORITYR + intid) = prio;
    if (intid >= 32) {
        *reg8(gic.gicd + GICD_ITARGETSR + intid) = cpu_mask[this_cpu_id()];
    }
    *reg32(gic.gicd + GICD_ISENABLER + (intid / 32) * 4) = 1U << (intid % 32);
    dsb(sy);
}

void gicv2_disable_irq(unsigned intid)
{
    *reg32(gic.gicd + GICD_ICENABLER + (intid / 32) * 4) = 1U << (intid % 32);
    dsb(sy);
}

bool gicv2_ppi_active(unsigned intid)
{
    return (*reg32(gic.gicd + GICD_ISACTIVER) >> intid) & 1;
}

void gicv2_ppi_set_active(unsigned intid, bool active)
{
    uint64_t reg = active ? GICD_ISACTIVER : GICD_ICACTIVER;
    *reg32(gic.gicd + reg) = 1U << intid;
    dsb(sy);
}

void gicv2_send_sgi(unsigned sgi, uint64_t mpidr)
{
    int target = cpu_index_of_mpidr(mpidr);
    if (target < 0) {
        log_warn("SGI %u to MPIDR %#lx: no such CPU", sgi, mpidr);
        return;
    }
    /*
     * GICD_SGIR is a Device store; it is not ordered after this CPU's Normal
     * memory stores by itself: a DSB makes what was written for the target
     * visible before the target can take the SGI.
     */
    dsb(ishst);
    *reg32(gic.gicd + GICD_SGIR) =
        (uint32_t)cpu_mask[target] << GICD_SGIR_TARGETS_SHIFT | (sgi & 0xF);
}

unsigned gicv2_ack(void)
{
    uint32_t iar = *reg32(gic.gicc + GICC_IAR);
    unsigned intid = iar & GICC_IAR_INTID;
    if (intid < 16) {
        sgi_source[this_cpu_id()][intid] = (uint16_t)(iar & GICC_IAR_CPUID);
    }
    /* Reads of what the SGI's sender wrote come after the acknowledge. */
    dsb(sy);
    return intid;
}

static uint32_t with_source(unsigned intid)
{
    return intid < 16 ? intid | sgi_source[this_cpu_id()][intid] : intid;
}

void gicv2_eoi(unsigned intid)
{
    *reg32(gic.gicc + GICC_EOIR) = with_source(intid);
}

void gicv2_deactivate(unsigned intid)
{
    *reg32(gic.gicc + GICC_DIR) = with_source(intid);
    dsb(sy);
}
