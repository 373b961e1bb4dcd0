/*
 * The virtual GICv3 redistributors (GICR, GICv3 spec 12.10-12.11): one frame
 * pair per vCPU, RD_base (control, identification, GICR_WAKER) then SGI_base
 * (the SGIs' and PPIs' per-interrupt registers, on top of vgic_mmio_dist.c's
 * decoding). No LPIs: GICR_CTLR reads as zero and GICR_TYPER's PLPIS, VLPIS
 * and DirectLPI are 0. SGIs are always edge-triggered (GICR_ICFGR0 reads
 * 0xAAAAAAAA); PPIs' trigger mode is programmable in GICR_ICFGR1.
 */
#include "vgic/vgic_mmio.h"

#include "kernel/check.h"

#define GICR_CTLR    0x0000
#define GICR_IIDR    0x0004
#define GICR_TYPER   0x0008
#define GICR_STATUSR 0x0010
#define GICR_WAKER   0x0014

#define GICR_IGROUPR0    0x0080
#define GICR_ISENABLER0  0x0100
#define GICR_ICENABLER0  0x0180
#define GICR_ISPENDR0    0x0200
#define GICR_ICPENDR0    0x0280
#define GICR_ISACTIVER0  0x0300
#define GICR_ICACTIVER0  0x0380
#define GICR_IPRIORITYR0 0x0400
#define GICR_ICFGR0      0x0C00 /* ICFGR0 (SGIs) and ICFGR1 (PPIs) */
#define GICR_IGRPMODR0   0x0D00
#define GICR_NSACR       0x0E00

#define TYPER_LAST           (1ULL << 4)
#define TYPER_PROC_NUM_SHIFT 8
#define TYPER_AFFINITY_SHIFT 32

#define WAKER_PROCESSOR_SLEEP (1U << 1)
#define WAKER_CHILDREN_ASLEEP (1U << 2)

/* --- RD_base ----------------------------------------------------------------- */

static uint64_t iidr_read(const struct vgic_access *a)
{
    (void)a;
    return VGIC_IIDR;
}

/* Affinity as Aff3.Aff2.Aff1.Aff0, the vCPU's index, Last on the last vCPU. */
static uint64_t typer_read(const struct vgic_access *a)
{
    const struct vgic_cpu *c = a->c;
    uint64_t aff = ((c->mpidr >> 32) & 0xFF) << 24 | (c->mpidr & 0xFFFFFF);
    uint64_t typer = aff << TYPER_AFFINITY_SHIFT | (uint64_t)c->id << TYPER_PROC_NUM_SHIFT;
    if (c->id + 1 == a->d->nr_cpus) {
        typer |= TYPER_LAST;
    }
    return vgic_mmio_extract(typer, a->offset, a->size);
}

static uint64_t waker_read(const struct vgic_access *a)
{
    if (__atomic_load_n(&a->c->sleeping, __ATOMIC_RELAXED)) {
        return WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP;
    }
    return 0;
}

/* ProcessorSleep is the only writable bit; ChildrenAsleep follows it at once. */
static void waker_write(const struct vgic_access *a, uint64_t value)
{
    __atomic_store_n(&a->c->sleeping, (value & WAKER_PROCESSOR_SLEEP) != 0, __ATOMIC_RELAXED);
}

static const struct vgic_reg rd_regs[] = {
    {.offset = GICR_CTLR, .length = 4, .widths = VGIC_W32, .read = vgic_mmio_raz},
    {.offset = GICR_IIDR, .length = 4, .widths = VGIC_W32, .read = iidr_read},
    {.offset = GICR_TYPER, .length = 8, .widths = VGIC_W32 | VGIC_W64, .read = typer_read},
    {.offset = GICR_STATUSR, .length = 4, .widths = VGIC_W32, .read = vgic_mmio_raz},
    {.offset = GICR_WAKER,
     .length = 4,
     .widths = VGIC_W32,
     .read = waker_read,
     .write = waker_write},
    {.offset = VGIC_ID_OFFSET,
     .length = VGIC_ID_LENGTH,
     .widths = VGIC_W32,
     .read = vgic_mmio_read_id},
};

/* --- SGI_base ---------------------------------------------------------------- */

static const struct vgic_reg sgi_regs[] = {
    {.offset = GICR_IGROUPR0,
     .length = 4,
     .widths = VGIC_W32,
     .bits_per_irq = 1,
     .get = vgic_mmio_get_group,
     .set = vgic_mmio_set_group},
    {.offset = GICR_ISENABLER0,
     .length = 4,
     .widths = VGIC_W32,
     .bits_per_irq = 1,
     .get = vgic_mmio_get_enabled,
     .set = vgic_mmio_set_enable},
    {.offset = GICR_ICENABLER0,
     .length = 4,
     .widths = VGIC_W32,
     .bits_per_irq = 1,
     .get = vgic_mmio_get_enabled,
     .set = vgic_mmio_clear_enable},
    {.offset = GICR_ISPENDR0,
     .length = 4,
     .widths = VGIC_W32,
     .bits_per_irq = 1,
     .get = vgic_mmio_get_pending,
     .set = vgic_mmio_set_pending},
    {.offset = GICR_ICPENDR0,
     .length = 4,
     .widths = VGIC_W32,
     .bits_per_irq = 1,
     .get = vgic_mmio_get_pending,
     .set = vgic_mmio_clear_pending},
    {.offset = GICR_ISACTIVER0,
     .length = 4,
     .widths = VGIC_W32,
     .bits_per_irq = 1,
     .get = vgic_mmio_get_active,
     .set = vgic_mmio_set_active},
    {.offset = GICR_ICACTIVER0,
     .length = 4,
     .widths = VGIC_W32,
     .bits_per_irq = 1,
     .get = vgic_mmio_get_active,
     .set = vgic_mmio_clear_active},
    {.offset = GICR_IPRIORITYR0,
     .length = VGIC_NR_PRIVATE,
     .widths = VGIC_W8 | VGIC_W32,
     .bits_per_irq = 8,
     .get = vgic_mmio_get_priority,
     .set = vgic_mmio_set_priority},
    {.offset = GICR_ICFGR0,
     .length = 8,
     .widths = VGIC_W32,
     .bits_per_irq = 2,
     .get = vgic_mmio_get_config,
     .set = vgic_mmio_set_config},
    {.offset = GICR_IGRPMODR0, .length = 4, .widths = VGIC_W32, .read = vgic_mmio_raz},
    {.offset = GICR_NSACR, .length = 4, .widths = VGIC_W32, .read = vgic_mmio_raz},
};

/* --- the frames -------------------------------------------------------------- */

static bool redist_access(struct vgic_dist *d, uint64_t offset, unsigned size, bool write,
                          uint64_t *value)
{
    uint64_t frame = offset / VGIC_REDIST_FRAME_SIZE;
    uint64_t base = frame * VGIC_REDIST_FRAME_SIZE;
    struct vgic_access a = {.d = d, .offset = offset - base, .size = size};
    a.c = frame < d->nr_cpus ? d->cpus[frame] : NULL;
    if (a.c == NULL) {
        /* No such vCPU: nothing is implemented here. */
        return vgic_mmio_dispatch(NULL, 0, &a, base, write, value);
    }
    if (a.offset >= VGIC_REDIST_SGI_OFFSET) {
        a.offset -= VGIC_REDIST_SGI_OFFSET;
        base += VGIC_REDIST_SGI_OFFSET;
        return vgic_mmio_dispatch(sgi_regs, ARRAY_SIZE(sgi_regs), &a, base, write, value);
    }
    return vgic_mmio_dispatch(rd_regs, ARRAY_SIZE(rd_regs), &a, base, write, value);
}

static bool redist_read(void *dev, struct vcpu *vcpu, uint64_t offset, unsigned size,
                        uint64_t *value)
{
    (void)vcpu;
    return redist_access(dev, offset, size, false, value);
}

static bool redist_write(void *dev, struct vcpu *vcpu, uint64_t offset, unsigned size,
                         uint64_t value)
{
    (void)vcpu;
    return redist_access(dev, offset, size, true, &value);
}

const struct mmio_ops vgic_redist_mmio_ops = {.read = redist_read, .write = redist_write};
