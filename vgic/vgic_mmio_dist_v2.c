/*
 * The virtual GICv2 distributor (GICD, IHI 0048B 4.3) on top of the vGIC
 * core, with vgic_mmio_dist.c's register decoding and per-interrupt fields.
 *
 * To register it (a GICv2 VM; vcpu/vm.c add_vgic), after vgic_dist_init()
 * and every vgic_cpu_init() (whose owner must be the struct vcpu the MMIO bus
 * passes: the accessing vCPU selects the banked SGI/PPI registers):
 *
 *     vgic_dist_v2_setup(&vm->vgic);
 *     mmio_bus_add(&vm->mmio, GUEST_GICD_BASE, GUEST_GICD_SIZE,
 *                  &vgic_dist_v2_mmio_ops, &vm->vgic);
 *
 * and no redistributor region. The list-register back end converts the
 * core's images with vgic_v2_make_lr() / vgic_v2_lr_image() (vgic_lr_v2.h).
 *
 * The model is a GICv2 without the Security Extensions, as a guest sees one
 * (Linux uses Group 0 there, signalled as IRQ): GICD_CTLR has EnableGrp0
 * (bit 0) and EnableGrp1 (bit 1), GICD_IGROUPR is read/write, NSACR is RAZ/WI.
 * Banked registers (INTIDs 0-31, ITARGETSR0-7, SPENDSGIR/CPENDSGIR) are the
 * accessing vCPU's. An SPI goes to the lowest vCPU its ITARGETSR byte names
 * (1-of-N; vgic_target()); a byte of 0 delivers it nowhere, it stays
 * pending. Each SGI is pending per source vCPU (irq->sgi_sources): GICD_SGIR
 * and SPENDSGIR set a source, CPENDSGIR clears it; ISPENDR/ICPENDR bits of
 * SGIs are WI. Byte accesses where GICv2 allows them (IPRIORITYR, ITARGETSR,
 * CPENDSGIR, SPENDSGIR), words everywhere; any other width or a misaligned
 * access is refused (the guest gets an abort), as on the v3 distributor. An
 * interrupt the guest does not own (the maintenance and hypervisor-timer
 * PPIs, INTIDs beyond the VM's SPIs) reads as zero and ignores writes in
 * every per-interrupt register.
 */
#include "vgic/vgic_mmio.h"

#include "kernel/check.h"

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_IIDR       0x008
#define GICD_IGROUPR    0x080
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ISPENDR    0x200
#define GICD_ICPENDR    0x280
#define GICD_ISACTIVER  0x300
#define GICD_ICACTIVER  0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_ICFGR      0xC00
#define GICD_NSACR      0xE00
#define GICD_SGIR       0xF00
#define GICD_CPENDSGIR  0xF10
#define GICD_SPENDSGIR  0xF20
#define GICD_ID_V2      0xFD0

#define LEN_1BIT     0x80
#define LEN_2BIT     0x100
#define LEN_BYTE     0x3FC /* IPRIORITYR, ITARGETSR: INTIDs 0-1019 */
#define LEN_SGI_PEND 0x10

#define TYPER_CPUS_SHIFT 5

#define SGIR_INTID_MASK    0xFU
#define SGIR_TARGETS_SHIFT 16
#define SGIR_FILTER_SHIFT  24
#define SGIR_FILTER_LIST   0U
#define SGIR_FILTER_OTHERS 1U
#define SGIR_FILTER_SELF   2U

_Static_assert(VGIC_MAX_CPUS <= 8, "GICv2 names at most 8 CPU interfaces");

/* A bit per vCPU of the VM: what ITARGETSR and the SGI source bytes can hold. */
static uint8_t cpu_mask(const struct vgic_dist *d)
{
    return (uint8_t)((1U << d->nr_cpus) - 1);
}

void vgic_dist_v2_setup(struct vgic_dist *d)
{
    d->v2 = true;
}

/* --- per-interrupt fields of GICv2 (irq lock held) ------------------------------ */

/* ISPENDR/ICPENDR: SGIs' bits are WI (GICv2 4.3.7-8); SPENDSGIR/CPENDSGIR set them. */
static void v2_set_pending(struct vgic_irq *irq, uint32_t field)
{
    if (irq->intid >= VGIC_NR_SGIS) {
        vgic_mmio_set_pending(irq, field);
    }
}

static void v2_clear_pending(struct vgic_irq *irq, uint32_t field)
{
    if (irq->intid >= VGIC_NR_SGIS) {
        vgic_mmio_clear_pending(irq, field);
    }
}

/* SPENDSGIR/CPENDSGIR: one byte per SGI of the accessing vCPU, a bit per source vCPU. */
static uint32_t get_sgi_sources(const struct vgic_irq *irq)
{
    return irq->sgi_sources;
}

static void set_sgi_sources(struct vgic_irq *irq, uint32_t field)
{
    irq->sgi_sources |= (uint8_t)(field & cpu_mask(irq->owner->dist));
    irq->pending_latch = irq->sgi_sources != 0;
}

static void clear_sgi_sources(struct vgic_irq *irq, uint32_t field)
{
    irq->sgi_sources &= (uint8_t)~field;
    irq->pending_latch = irq->sgi_sources != 0;
}

/* --- whole registers -------------------------------------------------------------- */

static uint64_t ctlr_read(const struct vgic_access *a)
{
    return vgic_mmio_ctlr_groups(a->d);
}

/*
 * EnableGrp0 and EnableGrp1 (4.3.1, no Security Extensions), as on GICv3;
 * the other bits are RAZ/WI.
 */
static void ctlr_write(const struct vgic_access *a, uint64_t value)
{
    vgic_mmio_ctlr_set_groups(a->d, value);
}

/* ITLinesNumber: 32 * (N + 1) INTIDs; CPUNumber: vCPUs - 1; SecurityExtn 0. */
static uint64_t typer_read(const struct vgic_access *a)
{
    return a->d->nr_spis / 32 | (uint64_t)(a->d->nr_cpus - 1) << TYPER_CPUS_SHIFT;
}

static uint64_t iidr_read(const struct vgic_access *a)
{
    (void)a;
    return VGIC_IIDR;
}

/* PIDR4-7, PIDR0-3, CIDR0-3 (0xFD0-0xFFC) as QEMU's GICv2: ArchRev 2 in PIDR2. */
static const uint8_t id_regs_v2[12] = {
    0x04, 0x00, 0x00, 0x00, 0x90, 0xB4, 0x2B, 0x00, 0x0D, 0xF0, 0x05, 0xB1,
};

static uint64_t id_read(const struct vgic_access *a)
{
    return id_regs_v2[a->offset / 4];
}

static struct vgic_irq *owned_irq(const struct vgic_access *a, uint32_t intid)
{
    struct vgic_irq *irq = vgic_get_irq(a->d, a->c, intid);
    return irq != NULL && irq->guest_owned ? irq : NULL;
}

/*
 * ITARGETSR byte of intid: SGIs and PPIs read the accessing vCPU's own bit
 * (4.3.12: read-only); a uniprocessor's bytes are all RAZ/WI.
 */
static uint8_t target_byte(const struct vgic_access *a, uint32_t intid)
{
    struct vgic_irq *irq = owned_irq(a, intid);
    if (irq == NULL || a->d->nr_cpus == 1) {
        return 0;
    }
    if (intid < VGIC_NR_PRIVATE) {
        return (uint8_t)(1U << a->c->id);
    }
    spin_lock(&irq->lock);
    uint8_t v = irq->targets;
    spin_unlock(&irq->lock);
    return v;
}

static uint64_t targets_read(const struct vgic_access *a)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < a->size; i++) {
        v |= (uint64_t)target_byte(a, (uint32_t)a->offset + i) << (8 * i);
    }
    return v;
}

/* A new target mask moves the SPI (vgic_route_changed_unlock); bits of absent vCPUs are WI. */
static void targets_write(const struct vgic_access *a, uint64_t value)
{
    if (a->d->nr_cpus == 1) {
        return;
    }
    for (unsigned i = 0; i < a->size; i++) {
        uint32_t intid = (uint32_t)a->offset + i;
        struct vgic_irq *irq = intid >= VGIC_NR_PRIVATE ? owned_irq(a, intid) : NULL;
        if (irq == NULL) {
            continue;
        }
        spin_lock(&irq->lock);
        irq->targets = (uint8_t)(value >> (8 * i)) & cpu_mask(a->d);
        vgic_route_changed_unlock(a->d, irq);
    }
}

/* SGI intid from source src pends on dst (GICv2 4.3.15). */
static void sgi_pend(struct vgic_dist *d, struct vgic_cpu *dst, uint32_t intid, unsigned src)
{
    struct vgic_irq *irq = &dst->private_irqs[intid];
    spin_lock(&irq->lock);
    irq->sgi_sources |= (uint8_t)(1U << src);
    irq->pending_latch = true;
    vgic_queue_unlock(d, irq);
}

/* The vCPUs (a bit each) a GICD_SGIR write from src targets; filter 3 is reserved: none. */
static uint32_t sgir_targets(const struct vgic_dist *d, const struct vgic_cpu *src, uint32_t sgir)
{
    switch ((sgir >> SGIR_FILTER_SHIFT) & 3U) {
    case SGIR_FILTER_LIST:
        return (sgir >> SGIR_TARGETS_SHIFT) & cpu_mask(d);
    case SGIR_FILTER_OTHERS:
        return cpu_mask(d) & ~(1U << src->id);
    case SGIR_FILTER_SELF:
        return 1U << src->id;
    default:
        return 0;
    }
}

unsigned vgic_v2_sgir_write(struct vgic_dist *d, struct vgic_cpu *src, uint32_t sgir)
{
    uint32_t mask = sgir_targets(d, src, sgir);
    unsigned count = 0;
    for (unsigned i = 0; mask != 0; i++, mask >>= 1) {
        if ((mask & 1) && d->cpus[i] != NULL) {
            sgi_pend(d, d->cpus[i], sgir & SGIR_INTID_MASK, src->id);
            count++;
        }
    }
    return count;
}

/* Write-only; the NSATT bit means nothing without the Security Extensions. */
static void sgir_write(const struct vgic_access *a, uint64_t value)
{
    if (a->c != NULL) {
        vgic_v2_sgir_write(a->d, a->c, (uint32_t)value);
    }
}

#define BIT_REG(off, getter, setter)                                                \
    {                                                                               \
        .offset = (off), .length = LEN_1BIT, .widths = VGIC_W32, .bits_per_irq = 1, \
        .get = (getter), .set = (setter)                                            \
    }

static const struct vgic_reg dist_v2_regs[] = {
    {.offset = GICD_CTLR, .length = 4, .widths = VGIC_W32, .read = ctlr_read, .write = ctlr_write},
    {.offset = GICD_TYPER, .length = 4, .widths = VGIC_W32, .read = typer_read},
    {.offset = GICD_IIDR, .length = 4, .widths = VGIC_W32, .read = iidr_read},
    BIT_REG(GICD_IGROUPR, vgic_mmio_get_group, vgic_mmio_set_group),
    BIT_REG(GICD_ISENABLER, vgic_mmio_get_enabled, vgic_mmio_set_enable),
    BIT_REG(GICD_ICENABLER, vgic_mmio_get_enabled, vgic_mmio_clear_enable),
    BIT_REG(GICD_ISPENDR, vgic_mmio_get_pending, v2_set_pending),
    BIT_REG(GICD_ICPENDR, vgic_mmio_get_pending, v2_clear_pending),
    BIT_REG(GICD_ISACTIVER, vgic_mmio_get_active, vgic_mmio_set_active),
    BIT_REG(GICD_ICACTIVER, vgic_mmio_get_active, vgic_mmio_clear_active),
    {.offset = GICD_IPRIORITYR,
     .length = LEN_BYTE,
     .widths = VGIC_W8 | VGIC_W32,
     .bits_per_irq = 8,
     .get = vgic_mmio_get_priority,
     .set = vgic_mmio_set_priority},
    {.offset = GICD_ITARGETSR,
     .length = LEN_BYTE,
     .widths = VGIC_W8 | VGIC_W32,
     .read = targets_read,
     .write = targets_write},
    {.offset = GICD_ICFGR,
     .length = LEN_2BIT,
     .widths = VGIC_W32,
     .bits_per_irq = 2,
     .get = vgic_mmio_get_config,
     .set = vgic_mmio_set_config},
    {.offset = GICD_NSACR, .length = 0x100, .widths = VGIC_W32, .read = vgic_mmio_raz},
    {.offset = GICD_SGIR,
     .length = 4,
     .widths = VGIC_W32,
     .read = vgic_mmio_raz,
     .write = sgir_write},
    {.offset = GICD_CPENDSGIR,
     .length = LEN_SGI_PEND,
     .widths = VGIC_W8 | VGIC_W32,
     .bits_per_irq = 8,
     .get = get_sgi_sources,
     .set = clear_sgi_sources},
    {.offset = GICD_SPENDSGIR,
     .length = LEN_SGI_PEND,
     .widths = VGIC_W8 | VGIC_W32,
     .bits_per_irq = 8,
     .get = get_sgi_sources,
     .set = set_sgi_sources},
    {.offset = GICD_ID_V2, .length = 0x30, .widths = VGIC_W32, .read = id_read},
};

/* The accessing vCPU's interface (NULL if vcpu is none of this VM's: banked registers RAZ/WI). */
static struct vgic_cpu *accessor(const struct vgic_dist *d, const struct vcpu *vcpu)
{
    for (unsigned i = 0; i < d->nr_cpus; i++) {
        if (d->cpus[i] != NULL && d->cpus[i]->owner == vcpu) {
            return d->cpus[i];
        }
    }
    return NULL;
}

static bool dist_v2_access(struct vgic_dist *d, struct vcpu *vcpu, uint64_t offset, unsigned size,
                           bool write, uint64_t *value)
{
    struct vgic_access a = {.d = d, .c = accessor(d, vcpu), .offset = offset, .size = size};
    return vgic_mmio_dispatch(dist_v2_regs, ARRAY_SIZE(dist_v2_regs), &a, 0, write, value);
}

static bool dist_v2_read(void *dev, struct vcpu *vcpu, uint64_t offset, unsigned size,
                         uint64_t *value)
{
    return dist_v2_access(dev, vcpu, offset, size, false, value);
}

/*
 * GICD_SGIR, an SMP guest's IPIs and by far its most frequent distributor
 * access, goes straight to vgic_v2_sgir_write(): no register-table dispatch.
 */
static inline bool is_sgir_write(uint64_t offset, unsigned size)
{
    return offset == GICD_SGIR && size == 4;
}

static bool dist_v2_write(void *dev, struct vcpu *vcpu, uint64_t offset, unsigned size,
                          uint64_t value)
{
    if (is_sgir_write(offset, size)) {
        struct vgic_cpu *c = accessor(dev, vcpu);
        if (c != NULL) {
            vgic_v2_sgir_write(dev, c, (uint32_t)value);
        }
        return true;
    }
    return dist_v2_access(dev, vcpu, offset, size, true, &value);
}

const struct mmio_ops vgic_dist_v2_mmio_ops = {
    .read = dist_v2_read,
    .write = dist_v2_write,
    .pends_only_write = is_sgir_write, /* it only pends SGIs (sgi_pend), as ICC_SGI1R_EL1 does */
};
