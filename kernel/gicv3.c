/*
 * Physical GICv3 driver (the gicv3_* calls of gic.h). Register offsets from the GICv3
 * architecture specification (IHI 0069): distributor at GICD, per-CPU
 * redistributor frames RD_base and SGI_base (RD_base + 64 KiB).
 */
#include "kernel/gic.h"

#include "kernel/cpu.h"
#include "kernel/log.h"

#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_IGROUPR    0x0080
#define GICD_ISENABLER  0x0100
#define GICD_ICENABLER  0x0180
#define GICD_ICPENDR    0x0280
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR      0x0C00
#define GICD_IROUTER    0x6000

#define GICD_CTLR_RWP       (1U << 31)
#define GICD_CTLR_ARE       (1U << 4) /* ARE_NS; the only ARE bit when security is disabled */
#define GICD_CTLR_ENABLE_G1 (1U << 1)
#define GICD_CTLR_ENABLE_G0 (1U << 0)

#define GICR_TYPER                 0x0008
#define GICR_WAKER                 0x0014
#define GICR_TYPER_LAST            (1ULL << 4)
#define GICR_TYPER_VLPIS           (1ULL << 1)
#define GICR_WAKER_PROCESSOR_SLEEP (1U << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1U << 2)
#define GICR_SGI_OFFSET            0x10000
#define GICR_IGROUPR0              0x0080
#define GICR_ISENABLER0            0x0100
#define GICR_ICENABLER0            0x0180
#define GICR_IPRIORITYR            0x0400
#define GICR_ISACTIVER0            0x0300
#define GICR_ICACTIVER0            0x0380

#define ICC_SRE_EL2_SRE    (1U << 0)
#define ICC_SRE_EL2_ENABLE (1U << 3)
#define ICC_CTLR_EOIMODE   (1U << 1)

static struct {
    uint64_t gicd;
    uint64_t gicr;
    uint64_t gicr_size;
    unsigned nlines; /* interrupt lines the distributor implements */
} gic;

static inline volatile uint32_t *reg32(uint64_t addr)
{
    return (volatile uint32_t *)(uintptr_t)addr;
}

static inline volatile uint64_t *reg64(uint64_t addr)
{
    return (volatile uint64_t *)(uintptr_t)addr;
}

static void gicd_wait_rwp(void)
{
    while (*reg32(gic.gicd + GICD_CTLR) & GICD_CTLR_RWP) {
    }
}

bool gicv3_init(const struct fdt_platform *plat)
{
    if (plat->gic_version != 3 || plat->ngic_regs < 2) {
        return false;
    }
    gic.gicd = plat->gic_regs[0].base;
    gic.gicr = plat->gic_regs[1].base;
    gic.gicr_size = plat->gic_regs[1].size;
    gic.nlines = 32 * ((*reg32(gic.gicd + GICD_TYPER) & 0x1F) + 1);
    if (gic.nlines > 1020) {
        gic.nlines = 1020;
    }

    *reg32(gic.gicd + GICD_CTLR) = 0;
    gicd_wait_rwp();
    /* Every SPI: Group 1, disabled, not pending, default priority, level-triggered. */
    for (unsigned i = 32; i < gic.nlines; i += 32) {
        *reg32(gic.gicd + GICD_IGROUPR + i / 8) = 0xFFFFFFFFU;
        *reg32(gic.gicd + GICD_ICENABLER + i / 8) = 0xFFFFFFFFU;
        *reg32(gic.gicd + GICD_ICPENDR + i / 8) = 0xFFFFFFFFU;
    }
    for (unsigned i = 32; i < gic.nlines; i += 4) {
        *reg32(gic.gicd + GICD_IPRIORITYR + i) = 0x01010101U * GIC_PRIO_DEFAULT;
    }
    for (unsigned i = 32; i < gic.nlines; i += 16) {
        *reg32(gic.gicd + GICD_ICFGR + i / 4) = 0;
    }
    gicd_wait_rwp();
    *reg32(gic.gicd + GICD_CTLR) = GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1 | GICD_CTLR_ENABLE_G0;
    gicd_wait_rwp();
    return true;
}

/* Walks the redistributor frames for the one whose affinity is this CPU's MPIDR. */
static uint64_t find_redistributor(uint64_t mpidr)
{
    uint64_t aff = ((mpidr >> 8) & 0xFF000000ULL) | (mpidr & 0xFFFFFFULL);
    uint64_t base = gic.gicr;
    while (base < gic.gicr + gic.gicr_size) {
        uint64_t typer = *reg64(base + GICR_TYPER);
        if ((typer >> 32) == aff) {
            return base;
        }
        if (typer & GICR_TYPER_LAST) {
            break;
        }
        base += (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
    }
    return 0;
}

static void gicr_wake(uint64_t rd)
{
    volatile uint32_t *waker = reg32(rd + GICR_WAKER);
    *waker &= ~GICR_WAKER_PROCESSOR_SLEEP;
    while (*waker & GICR_WAKER_CHILDREN_ASLEEP) {
    }
}

bool gicv3_cpu_init(void)
{
    struct cpu *cpu = this_cpu();
    uint64_t rd = find_redistributor(cpu->mpidr);
    if (rd == 0) {
        return false;
    }
    cpu->gicr_base = rd;
    gicr_wake(rd);

    uint64_t sgi = rd + GICR_SGI_OFFSET;
    *reg32(sgi + GICR_ICENABLER0) = 0xFFFFFFFFU;
    *reg32(sgi + GICR_IGROUPR0) = 0xFFFFFFFFU;
    for (unsigned i = 0; i < 32; i += 4) {
        *reg32(sgi + GICR_IPRIORITYR + i) = 0x01010101U * GIC_PRIO_DEFAULT;
    }

    write_sysreg(read_sysreg(icc_sre_el2) | ICC_SRE_EL2_SRE | ICC_SRE_EL2_ENABLE, icc_sre_el2);
    isb();
    write_sysreg(0xFF, icc_pmr_el1);
    write_sysreg(0, icc_bpr1_el1);
    write_sysreg(ICC_CTLR_EOIMODE, icc_ctlr_el1);
    write_sysreg(1, icc_igrpen1_el1);
    isb();
    return true;
}

static void set_priority(uint64_t base, unsigned intid, uint8_t prio)
{
    volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)(base + intid);
    *p = prio;
}

void gicv3_enable_irq(unsigned intid, uint8_t prio)
{
    if (intid < 32) {
        uint64_t sgi = this_cpu()->gicr_base + GICR_SGI_OFFSET;
        set_priority(sgi + GICR_IPRIORITYR, intid, prio);
        *reg32(sgi + GICR_ISENABLER0) = 1U << intid;
        return;
    }
    set_priority(gic.gicd + GICD_IPRIORITYR, intid, prio);
    *reg64(gic.gicd + GICD_IROUTER + 8ULL * intid) = read_mpidr() & 0xFF00FFFFFFULL;
    *reg32(gic.gicd + GICD_ISENABLER + (intid / 32) * 4) = 1U << (intid % 32);
}

void gicv3_disable_irq(unsigned intid)
{
    if (intid < 32) {
        *reg32(this_cpu()->gicr_base + GICR_SGI_OFFSET + GICR_ICENABLER0) = 1U << intid;
        return;
    }
    *reg32(gic.gicd + GICD_ICENABLER + (intid / 32) * 4) = 1U << (intid % 32);
    gicd_wait_rwp();
}

bool gicv3_ppi_active(unsigned intid)
{
    return (*reg32(this_cpu()->gicr_base + GICR_SGI_OFFSET + GICR_ISACTIVER0) >> intid) & 1;
}

void gicv3_ppi_set_active(unsigned intid, bool active)
{
    uint64_t reg = active ? GICR_ISACTIVER0 : GICR_ICACTIVER0;
    *reg32(this_cpu()->gicr_base + GICR_SGI_OFFSET + reg) = 1U << intid;
    dsb(sy);
}

void gicv3_send_sgi(unsigned sgi, uint64_t mpidr)
{
    gicv3_send_sgi_routed(sgi, gicv3_sgi_route(mpidr));
}
