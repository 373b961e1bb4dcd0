/*
 * GICv2 driver for test guests (see gicv2.h; the API is gic.h): distributor
 * setup after Linux's irq-gic.c, ITARGETSR routing, GICD_SGIR, and the
 * memory-mapped CPU interface. Every access is a single plain ldr/str of the
 * width the architecture allows (IHI 0048B 4.1.4: bytes for IPRIORITYR,
 * ITARGETSR, CPENDSGIR, SPENDSGIR; words everywhere), so a hypervisor can
 * emulate the distributor from the abort syndrome.
 */
#include "guests/lib/gicv2.h"

#include "guests/lib/arch.h"
#include "guests/lib/gic.h"
#include "guests/lib/mmu.h"
#include "guests/lib/guest.h"

#define GICC_PAGE 0x1000UL

static uint64_t gicd, gicc;
/* CPU interface bits learnt from each vCPU's banked ITARGETSR0; 0 until it ran gicv2_cpu_init(). */
static uint8_t cpu_masks[GICV2_MAX_CPUS];

uint64_t gicv2_cpuif_base(void)
{
    return gicc;
}

uint32_t gicv2_cpuif_read(unsigned off)
{
    return mmio_read32(gicc + off);
}

void gicv2_cpuif_write(unsigned off, uint32_t value)
{
    mmio_write32(gicc + off, value);
}

/*
 * The architecture does not tie CPU interface numbers to MPIDR (4.3.12):
 * until a vCPU has read its own, assume interface n is vCPU n (shrike's
 * numbering, and QEMU's).
 */
uint8_t gicv2_cpu_mask(unsigned vcpu)
{
    uint8_t m;

    if (vcpu >= GICV2_MAX_CPUS) {
        return 0;
    }
    m = __atomic_load_n(&cpu_masks[vcpu], __ATOMIC_ACQUIRE);
    return m != 0 ? m : (uint8_t)(1U << vcpu);
}

static uint8_t vcpu_set_mask(uint32_t vcpus)
{
    uint8_t m = 0;

    for (unsigned i = 0; i < GICV2_MAX_CPUS; i++) {
        if (vcpus & (1U << i)) {
            m |= gicv2_cpu_mask(i);
        }
    }
    return m;
}

static int dist_init(void)
{
    uint32_t prio4 = GIC_PRIO_DEFAULT * 0x01010101U;
    uint32_t own = mmio_read8(gicd + GICD_ITARGETSR); /* RAZ on a uniprocessor */
    unsigned n;

    mmio_write32(gicd + GICD_CTLR, 0);
    n = gic_nr_intids();
    for (unsigned i = 32; i < n; i += 32) {
        mmio_write32(gicd + GICD_IGROUPR + i / 8, 0); /* Group 0: IRQ, acknowledged by GICC_IAR */
        mmio_write32(gicd + GICD_ICENABLER + i / 8, ~0U);
        mmio_write32(gicd + GICD_ICACTIVER + i / 8, ~0U);
        mmio_write32(gicd + GICD_ICPENDR + i / 8, ~0U);
    }
    for (unsigned i = 32; i < n; i += 16) {
        mmio_write32(gicd + GICD_ICFGR + i / 4, 0); /* level */
    }
    for (unsigned i = 32; i < n; i += 4) {
        mmio_write32(gicd + GICD_IPRIORITYR + i, prio4);
        mmio_write32(gicd + GICD_ITARGETSR + i, own * 0x01010101U); /* to vCPU 0 */
    }
    mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ENABLE_GRP0);
    return (mmio_read32(gicd + GICD_CTLR) & GICD_CTLR_ENABLE_GRP0) != 0 ? 0 : -1;
}

int gicv2_init(uint64_t dist, uint64_t cpuif, uint64_t cpuif_size)
{
    uint64_t size = (cpuif_size + GICC_PAGE - 1) & ~(GICC_PAGE - 1);

    /* GICC_DIR is at +0x1000: the CPU interface is two pages at least (4.1.3). */
    if (size < 2 * GICC_PAGE) {
        size = 2 * GICC_PAGE;
    }
    gicd = dist;
    gicc = cpuif;
    if (mmu_map(gicd, gicd, GUEST_GICD_SIZE, MMU_DEVICE | MMU_XN) != 0 ||
        mmu_map(gicc, gicc, size, MMU_DEVICE | MMU_XN) != 0) {
        return -1;
    }
    return dist_init() | gicv2_cpu_init();
}

int gicv2_cpu_init(void)
{
    unsigned idx = guest_vcpu_index();
    uint32_t prio4 = GIC_PRIO_DEFAULT * 0x01010101U;
    uint8_t own;

    if (idx >= GICV2_MAX_CPUS) {
        return -1;
    }
    /* ITARGETSR0-7 are banked and read-only: each byte is this CPU interface's own bit. */
    own = mmio_read8(gicd + GICD_ITARGETSR);
    __atomic_store_n(&cpu_masks[idx], own != 0 ? own : (uint8_t)(1U << idx), __ATOMIC_RELEASE);
    mmio_write32(gicd + GICD_IGROUPR, 0);
    mmio_write32(gicd + GICD_ICACTIVER, ~0U);
    mmio_write32(gicd + GICD_ICENABLER, ~0U);
    for (unsigned i = 0; i < 32; i += 4) {
        mmio_write32(gicd + GICD_IPRIORITYR + i, prio4);
    }
    gicv2_cpuif_write(GICC_PMR, GIC_PMR_ALL);
    gicv2_cpuif_write(GICC_BPR, 0); /* raised to the minimum the interface has */
    gicv2_cpuif_write(GICC_CTLR, GICC_CTLR_ENABLE_GRP0); /* EOImode 0, FIQEn 0 */
    return (gicv2_cpuif_read(GICC_CTLR) & GICC_CTLR_ENABLE_GRP0) != 0 ? 0 : -1;
}

/* "Delivered" is Group 0 here: the group GICC_IAR acknowledges and that is signalled as IRQ. */
void gicv2_set_group(unsigned intid, bool delivered)
{
    uint64_t reg = gicd + GICD_IGROUPR + 4 * (intid / 32);
    uint32_t bit = 1U << (intid % 32);
    uint32_t v = mmio_read32(reg);

    mmio_write32(reg, delivered ? v & ~bit : v | bit);
}

/* SGIs are pending per source (4.3.15, 4.3.16): ISPENDR0/ICPENDR0 bits 0-15 are WI. */
void gicv2_set_sgi_pending(unsigned sgi, bool pending)
{
    unsigned me = guest_vcpu_index();

    if (pending) {
        mmio_write8(gicd + GICD_SPENDSGIR + sgi, gicv2_cpu_mask(me));
    } else {
        mmio_write8(gicd + GICD_CPENDSGIR + sgi, 0xFF);
    }
}

void gicv2_route(unsigned intid, unsigned vcpu)
{
    if (intid >= 32) {
        mmio_write8(gicd + GICD_ITARGETSR + intid, gicv2_cpu_mask(vcpu));
    }
}

void gicv2_route_any(unsigned intid)
{
    unsigned n = guest_vcpu_count();

    if (intid >= 32) {
        n = n > GICV2_MAX_CPUS ? GICV2_MAX_CPUS : n;
        mmio_write8(gicd + GICD_ITARGETSR + intid, vcpu_set_mask((1U << n) - 1));
    }
}

/* ITARGETSR as gic_route_get() promises: one target -> its vCPU's IROUTER value, several -> IRM. */
uint64_t gicv2_route_get(unsigned intid)
{
    uint8_t t = intid >= 32 ? mmio_read8(gicd + GICD_ITARGETSR + intid) : 0;

    if (t == 0 || (t & (t - 1)) != 0) {
        return t == 0 ? 0 : GICD_IROUTER_IRM;
    }
    for (unsigned i = 0; i < GICV2_MAX_CPUS; i++) {
        if (gicv2_cpu_mask(i) == t) {
            return i;
        }
    }
    return GICD_IROUTER_IRM; /* a CPU interface that is no vCPU's */
}

void gicv2_write_sgir(uint32_t value)
{
    dsb_ish(); /* memory the receiver will look at is visible before the interrupt */
    mmio_write32(gicd + GICD_SGIR, value);
}

void gicv2_send_sgi_set(unsigned sgi, uint32_t vcpus)
{
    gicv2_write_sgir(GICD_SGIR_FILTER_LIST |
                     (uint32_t)vcpu_set_mask(vcpus) << GICD_SGIR_TARGETS_SHIFT |
                     (sgi % GIC_NR_SGIS));
}

void gicv2_send_sgi_others(unsigned sgi)
{
    gicv2_write_sgir(GICD_SGIR_FILTER_OTHERS | (sgi % GIC_NR_SGIS));
}

void gicv2_send_sgi_self(unsigned sgi)
{
    gicv2_write_sgir(GICD_SGIR_FILTER_SELF | (sgi % GIC_NR_SGIS));
}
