/*
 * The virtual GICv3 distributor (GICD, GICv3 spec 12.9) and the register
 * decoding it shares with the redistributors (vgic_mmio.h). Affinity routing
 * is always on and there is a single security state (GICD_CTLR.ARE and DS
 * read as one); no LPIs, no message-based SPIs. The distributor's fields for
 * INTIDs 0-31 read as zero and ignore writes (those are the
 * redistributors'), and so do those of INTIDs beyond the VM's SPIs.
 *
 * GICD_TYPER: ITLinesNumber = nr_spis / 32, IDbits = 9 (10-bit INTIDs), No1N
 * = 0 (IROUTER.IRM works: vgic_target() picks the first awake vCPU), A3V = 0,
 * RSS = 0 (SGI targets Aff0 0-15), every other feature bit 0.
 */
#include "vgic/vgic_mmio.h"

#include "kernel/check.h"
#include "vcpu/abi.h"

_Static_assert(VGIC_DIST_MMIO_SIZE == GUEST_GICD_SIZE, "GICD frame size");
_Static_assert(VGIC_REDIST_FRAME_SIZE == GUEST_GICR_STRIDE, "GICR frame pair size");

#define GICD_CTLR        0x0000
#define GICD_TYPER       0x0004
#define GICD_IIDR        0x0008
#define GICD_TYPER2      0x000C
#define GICD_STATUSR     0x0010
#define GICD_IGROUPR     0x0080
#define GICD_ISENABLER   0x0100
#define GICD_ICENABLER   0x0180
#define GICD_ISPENDR     0x0200
#define GICD_ICPENDR     0x0280
#define GICD_ISACTIVER   0x0300
#define GICD_ICACTIVER   0x0380
#define GICD_IPRIORITYR  0x0400
#define GICD_ICFGR       0x0C00
#define GICD_IGRPMODR    0x0D00
#define GICD_IROUTER_SPI 0x6100 /* GICD_IROUTER<32>: 0x6000 + 8 * 32 */

/* Lengths of the per-interrupt ranges for INTIDs 0-1019 (1020 priority bytes). */
#define LEN_1BIT     0x80
#define LEN_2BIT     0x100
#define LEN_PRIORITY 0x3FC
#define LEN_IROUTER  (8 * (1020 - VGIC_NR_PRIVATE))

#define CTLR_ARE (1U << 4)
#define CTLR_DS  (1U << 6)

#define TYPER_IDBITS_SHIFT 19
#define TYPER_IDBITS       9U /* INTIDs of 10 bits */

#define IROUTER_MASK 0xFF80FFFFFFULL /* Aff3 [39:32], IRM [31], Aff2..Aff0 [23:0] */

void (*vgic_mmio_unhandled)(bool write, uint64_t offset, unsigned size);
bool (*vgic_mmio_hw_line)(const struct vgic_irq *irq);

/* --- per-interrupt fields (irq lock held) ---------------------------------- */

uint32_t vgic_mmio_get_group(const struct vgic_irq *irq)
{
    return irq->group1;
}

void vgic_mmio_set_group(struct vgic_irq *irq, uint32_t field)
{
    irq->group1 = field != 0;
}

uint32_t vgic_mmio_get_enabled(const struct vgic_irq *irq)
{
    return irq->enabled;
}

void vgic_mmio_set_enable(struct vgic_irq *irq, uint32_t field)
{
    if (field != 0) {
        irq->enabled = true;
    }
}

void vgic_mmio_clear_enable(struct vgic_irq *irq, uint32_t field)
{
    if (field != 0) {
        irq->enabled = false;
    }
}

/* A hardware-mapped level interrupt reads its physical line, when the hypervisor says how. */
uint32_t vgic_mmio_get_pending(const struct vgic_irq *irq)
{
    if (irq->hw && !irq->edge && vgic_mmio_hw_line != NULL) {
        return irq->pending_latch || vgic_mmio_hw_line(irq);
    }
    return vgic_irq_is_pending(irq);
}

void vgic_mmio_set_pending(struct vgic_irq *irq, uint32_t field)
{
    if (field != 0) {
        irq->pending_latch = true;
    }
}

/* A level-triggered line that is high keeps the interrupt pending (but a hw one's line is a latch).
 */
void vgic_mmio_clear_pending(struct vgic_irq *irq, uint32_t field)
{
    if (field != 0) {
        irq->pending_latch = false;
        if (irq->hw) {
            irq->line_level = false;
        }
    }
}

uint32_t vgic_mmio_get_active(const struct vgic_irq *irq)
{
    return irq->active;
}

void vgic_mmio_set_active(struct vgic_irq *irq, uint32_t field)
{
    if (field != 0) {
        irq->active = true;
    }
}

void vgic_mmio_clear_active(struct vgic_irq *irq, uint32_t field)
{
    if (field != 0) {
        irq->active = false;
    }
}

uint32_t vgic_mmio_get_priority(const struct vgic_irq *irq)
{
    return irq->priority;
}

/* Only the implemented priority bits are kept: the rest read as zero (GICv3 12.9.24). */
void vgic_mmio_set_priority(struct vgic_irq *irq, uint32_t field)
{
    irq->priority = (uint8_t)(field & VGIC_PRIO_MASK);
}

/* ICFGR: bit 1 of the field is edge-triggered; bit 0 is reserved. SGIs are always edge. */
uint32_t vgic_mmio_get_config(const struct vgic_irq *irq)
{
    return irq->edge ? 2U : 0U;
}

void vgic_mmio_set_config(struct vgic_irq *irq, uint32_t field)
{
    if (irq->intid >= VGIC_NR_SGIS) {
        irq->edge = (field & 2U) != 0;
    }
}

/* --- whole registers -------------------------------------------------------- */

uint64_t vgic_mmio_raz(const struct vgic_access *a)
{
    (void)a;
    return 0;
}

void vgic_mmio_wi(const struct vgic_access *a, uint64_t value)
{
    (void)a;
    (void)value;
}

/* PIDR4-7, PIDR0-3, CIDR0-3 as QEMU's GICv3: ArchRev 3 in PIDR2, Arm's JEP106 code. */
static const uint8_t id_regs[VGIC_ID_LENGTH / 4] = {
    0x44, 0x00, 0x00, 0x00, 0x92, 0xB4, 0x3B, 0x00, 0x0D, 0xF0, 0x05, 0xB1,
};

uint64_t vgic_mmio_read_id(const struct vgic_access *a)
{
    return id_regs[a->offset / 4];
}

uint64_t vgic_mmio_extract(uint64_t reg, uint64_t offset, unsigned size)
{
    if (size >= 8) {
        return reg;
    }
    return (reg >> ((offset & 7) * 8)) & ((1ULL << (size * 8)) - 1);
}

/* --- decoding ---------------------------------------------------------------- */

static const struct vgic_reg *find_reg(const struct vgic_reg *regs, size_t nr, uint64_t offset)
{
    for (size_t i = 0; i < nr; i++) {
        if (offset >= regs[i].offset && offset - regs[i].offset < regs[i].length) {
            return &regs[i];
        }
    }
    return NULL;
}

/* The interrupt behind a field, if the guest may see it. */
static struct vgic_irq *field_irq(const struct vgic_access *a, uint32_t intid)
{
    struct vgic_irq *irq = vgic_get_irq(a->d, a->c, intid);
    return irq != NULL && irq->guest_owned ? irq : NULL;
}

static uint64_t irq_read(const struct vgic_reg *r, const struct vgic_access *a)
{
    unsigned bpi = r->bits_per_irq;
    uint32_t first = (uint32_t)(a->offset * 8 / bpi);
    uint64_t mask = (1ULL << bpi) - 1;
    uint64_t value = 0;
    for (unsigned i = 0; i < a->size * 8 / bpi; i++) {
        struct vgic_irq *irq = field_irq(a, first + i);
        if (irq == NULL) {
            continue;
        }
        spin_lock(&irq->lock);
        uint64_t field = r->get(irq) & mask;
        spin_unlock(&irq->lock);
        value |= field << (i * bpi);
    }
    return value;
}

static void irq_write(const struct vgic_reg *r, const struct vgic_access *a, uint64_t value)
{
    unsigned bpi = r->bits_per_irq;
    uint32_t first = (uint32_t)(a->offset * 8 / bpi);
    uint64_t mask = (1ULL << bpi) - 1;
    for (unsigned i = 0; i < a->size * 8 / bpi; i++) {
        struct vgic_irq *irq = field_irq(a, first + i);
        if (irq == NULL) {
            continue;
        }
        spin_lock(&irq->lock);
        r->set(irq, (uint32_t)((value >> (i * bpi)) & mask));
        vgic_queue_unlock(a->d, irq);
    }
}

/* A per-interrupt register: field by field, each under its interrupt's lock. */
static bool __attribute__((noinline))
irq_access(const struct vgic_reg *r, const struct vgic_access *a, bool write, uint64_t *value)
{
    if (write) {
        irq_write(r, a, *value);
    } else {
        *value = irq_read(r, a);
    }
    return true;
}

/* 1, 2, 4 or 8 bytes, naturally aligned (a power of two: a mask, not a division). */
static inline bool access_valid(const struct vgic_access *a)
{
    unsigned size = a->size;
    return size != 0 && size <= 8 && (size & (size - 1)) == 0 && (a->offset & (size - 1)) == 0;
}

/* Outside every register: RAZ/WI, and reported. */
static bool __attribute__((noinline))
unimplemented(const struct vgic_access *a, uint64_t frame_base, bool write, uint64_t *value)
{
    if (vgic_mmio_unhandled != NULL) {
        vgic_mmio_unhandled(write, frame_base + a->offset, a->size);
    }
    if (!write) {
        *value = 0;
    }
    return true;
}

/*
 * The access to register r (NULL: none there), however it was found: the
 * width and extent checks, then the register's handler. Inline, so that each
 * caller's constant write folds away.
 */
static inline __attribute__((always_inline)) bool access_reg(const struct vgic_reg *r,
                                                             struct vgic_access *a,
                                                             uint64_t frame_base, bool write,
                                                             uint64_t *value)
{
    if (!access_valid(a)) {
        return false;
    }
    if (r == NULL || a->offset - r->offset >= r->length) {
        return unimplemented(a, frame_base, write, value);
    }
    if ((r->widths & a->size) == 0 || a->offset - r->offset + a->size > r->length) {
        return false;
    }
    a->offset -= r->offset;
    if (r->bits_per_irq != 0) {
        return irq_access(r, a, write, value);
    }
    if (write) {
        if (r->write != NULL) {
            r->write(a, *value);
        }
    } else {
        *value = r->read != NULL ? r->read(a) : 0;
    }
    return true;
}

bool vgic_mmio_dispatch(const struct vgic_reg *regs, size_t nr, struct vgic_access *a,
                        uint64_t frame_base, bool write, uint64_t *value)
{
    return access_reg(find_reg(regs, nr, a->offset), a, frame_base, write, value);
}

/* --- distributor registers --------------------------------------------------- */

uint32_t vgic_mmio_ctlr_groups(const struct vgic_dist *d)
{
    uint32_t v = 0;
    if (__atomic_load_n(&d->grp0_enabled, __ATOMIC_RELAXED)) {
        v |= VGIC_CTLR_ENABLE_GRP0;
    }
    if (__atomic_load_n(&d->grp1_enabled, __ATOMIC_RELAXED)) {
        v |= VGIC_CTLR_ENABLE_GRP1;
    }
    return v;
}

static uint32_t ctlr_value(const struct vgic_dist *d)
{
    return CTLR_ARE | CTLR_DS | vgic_mmio_ctlr_groups(d);
}

static uint64_t ctlr_read(const struct vgic_access *a)
{
    return ctlr_value(a->d);
}

static void queue_one(struct vgic_dist *d, struct vgic_irq *irq)
{
    spin_lock(&irq->lock);
    vgic_queue_unlock(d, irq);
}

/* A group was enabled: queue whatever became deliverable. */
static void queue_all(struct vgic_dist *d)
{
    for (unsigned i = 0; i < d->nr_cpus; i++) {
        struct vgic_cpu *c = d->cpus[i];
        for (unsigned n = 0; c != NULL && n < VGIC_NR_PRIVATE; n++) {
            queue_one(d, &c->private_irqs[n]);
        }
    }
    for (unsigned n = 0; n < d->nr_spis; n++) {
        queue_one(d, &d->spis[n]);
    }
}

/* Disabling a group leaves its interrupts where they are: flush skips them, prune drops them. */
void vgic_mmio_ctlr_set_groups(struct vgic_dist *d, uint64_t value)
{
    bool grp0 = (value & VGIC_CTLR_ENABLE_GRP0) != 0;
    bool grp1 = (value & VGIC_CTLR_ENABLE_GRP1) != 0;
    spin_lock(&d->lock);
    bool enabling = (grp0 && !d->grp0_enabled) || (grp1 && !d->grp1_enabled);
    __atomic_store_n(&d->grp0_enabled, grp0, __ATOMIC_RELAXED);
    __atomic_store_n(&d->grp1_enabled, grp1, __ATOMIC_RELAXED);
    spin_unlock(&d->lock);
    if (enabling) {
        queue_all(d);
    }
}

static void ctlr_write(const struct vgic_access *a, uint64_t value)
{
    vgic_mmio_ctlr_set_groups(a->d, value);
}

static uint32_t typer_value(const struct vgic_dist *d)
{
    return d->nr_spis / 32 | TYPER_IDBITS << TYPER_IDBITS_SHIFT;
}

static uint64_t typer_read(const struct vgic_access *a)
{
    return typer_value(a->d);
}

static uint64_t iidr_read(const struct vgic_access *a)
{
    (void)a;
    return VGIC_IIDR;
}

static struct vgic_irq *irouter_irq(const struct vgic_access *a)
{
    return field_irq(a, VGIC_NR_PRIVATE + (uint32_t)(a->offset / 8));
}

static uint64_t irouter_read(const struct vgic_access *a)
{
    struct vgic_irq *irq = irouter_irq(a);
    if (irq == NULL) {
        return 0;
    }
    spin_lock(&irq->lock);
    uint64_t v = irq->irouter;
    spin_unlock(&irq->lock);
    return vgic_mmio_extract(v, a->offset, a->size);
}

/* A new route: the vGIC core moves the interrupt (vgic_route_changed_unlock). */
static void irouter_write(const struct vgic_access *a, uint64_t value)
{
    struct vgic_irq *irq = irouter_irq(a);
    if (irq == NULL) {
        return;
    }
    spin_lock(&irq->lock);
    uint64_t v = value;
    if (a->size == 4) { /* one half: keep the other */
        unsigned shift = (unsigned)(a->offset & 4) * 8;
        v = (irq->irouter & ~(0xFFFFFFFFULL << shift)) | (value & 0xFFFFFFFFULL) << shift;
    }
    irq->irouter = v & IROUTER_MASK;
    vgic_route_changed_unlock(a->d, irq);
}

/*
 * The registers, by index (DR_*): dist_index below maps offsets to them.
 * Index 0 is no register.
 */
enum {
    DR_NONE,
    DR_CTLR,
    DR_TYPER,
    DR_IIDR,
    DR_TYPER2,
    DR_STATUSR,
    DR_IGROUPR,
    DR_ISENABLER,
    DR_ICENABLER,
    DR_ISPENDR,
    DR_ICPENDR,
    DR_ISACTIVER,
    DR_ICACTIVER,
    DR_IPRIORITYR,
    DR_ICFGR,
    DR_IGRPMODR,
    DR_IROUTER,
    DR_ID,
    DR_COUNT,
};

static const struct vgic_reg dist_regs[DR_COUNT] = {
    [DR_CTLR] = {.offset = GICD_CTLR,
                 .length = 4,
                 .widths = VGIC_W32,
                 .read = ctlr_read,
                 .write = ctlr_write},
    [DR_TYPER] = {.offset = GICD_TYPER, .length = 4, .widths = VGIC_W32, .read = typer_read},
    [DR_IIDR] = {.offset = GICD_IIDR, .length = 4, .widths = VGIC_W32, .read = iidr_read},
    [DR_TYPER2] = {.offset = GICD_TYPER2, .length = 4, .widths = VGIC_W32, .read = vgic_mmio_raz},
    [DR_STATUSR] = {.offset = GICD_STATUSR, .length = 4, .widths = VGIC_W32, .read = vgic_mmio_raz},
    [DR_IGROUPR] = {.offset = GICD_IGROUPR,
                    .length = LEN_1BIT,
                    .widths = VGIC_W32,
                    .bits_per_irq = 1,
                    .get = vgic_mmio_get_group,
                    .set = vgic_mmio_set_group},
    [DR_ISENABLER] = {.offset = GICD_ISENABLER,
                      .length = LEN_1BIT,
                      .widths = VGIC_W32,
                      .bits_per_irq = 1,
                      .get = vgic_mmio_get_enabled,
                      .set = vgic_mmio_set_enable},
    [DR_ICENABLER] = {.offset = GICD_ICENABLER,
                      .length = LEN_1BIT,
                      .widths = VGIC_W32,
                      .bits_per_irq = 1,
                      .get = vgic_mmio_get_enabled,
                      .set = vgic_mmio_clear_enable},
    [DR_ISPENDR] = {.offset = GICD_ISPENDR,
                    .length = LEN_1BIT,
                    .widths = VGIC_W32,
                    .bits_per_irq = 1,
                    .get = vgic_mmio_get_pending,
                    .set = vgic_mmio_set_pending},
    [DR_ICPENDR] = {.offset = GICD_ICPENDR,
                    .length = LEN_1BIT,
                    .widths = VGIC_W32,
                    .bits_per_irq = 1,
                    .get = vgic_mmio_get_pending,
                    .set = vgic_mmio_clear_pending},
    [DR_ISACTIVER] = {.offset = GICD_ISACTIVER,
                      .length = LEN_1BIT,
                      .widths = VGIC_W32,
                      .bits_per_irq = 1,
                      .get = vgic_mmio_get_active,
                      .set = vgic_mmio_set_active},
    [DR_ICACTIVER] = {.offset = GICD_ICACTIVER,
                      .length = LEN_1BIT,
                      .widths = VGIC_W32,
                      .bits_per_irq = 1,
                      .get = vgic_mmio_get_active,
                      .set = vgic_mmio_clear_active},
    [DR_IPRIORITYR] = {.offset = GICD_IPRIORITYR,
                       .length = LEN_PRIORITY,
                       .widths = VGIC_W8 | VGIC_W32,
                       .bits_per_irq = 8,
                       .get = vgic_mmio_get_priority,
                       .set = vgic_mmio_set_priority},
    [DR_ICFGR] = {.offset = GICD_ICFGR,
                  .length = LEN_2BIT,
                  .widths = VGIC_W32,
                  .bits_per_irq = 2,
                  .get = vgic_mmio_get_config,
                  .set = vgic_mmio_set_config},
    [DR_IGRPMODR] = {.offset = GICD_IGRPMODR,
                     .length = LEN_1BIT,
                     .widths = VGIC_W32,
                     .read = vgic_mmio_raz},
    [DR_IROUTER] = {.offset = GICD_IROUTER_SPI,
                    .length = LEN_IROUTER,
                    .widths = VGIC_W32 | VGIC_W64,
                    .read = irouter_read,
                    .write = irouter_write},
    [DR_ID] = {.offset = VGIC_ID_OFFSET,
               .length = VGIC_ID_LENGTH,
               .widths = VGIC_W32,
               .read = vgic_mmio_read_id},
};

/*
 * Table-indexed decode (issue 12): the register at an offset is one load, a
 * byte per 128-byte granule of the frame, DIST_WORDS for the first granule,
 * whose registers are 4 bytes apart and take a byte per word. A granule holds
 * at most one register past the first (access_reg still checks the exact
 * range: IPRIORITYR, IROUTER and the ID block end or start inside theirs).
 * Range designators keep the offsets and lengths the constants above; the
 * unit test checks every offset against the GICv3 map.
 */
#define DIST_GRANULE               7
#define DIST_WORDS                 0xFF
#define SPAN(off, len, shift, reg) [(off) >> (shift)...((off) + (len)-1) >> (shift)] = (reg)
#define GRANULES(off, len, reg)    SPAN(off, len, DIST_GRANULE, reg)

_Static_assert(DR_COUNT < DIST_WORDS, "register indexes fit a byte");

static const uint8_t dist_words[1U << (DIST_GRANULE - 2)] = {
    SPAN(GICD_CTLR, 4, 2, DR_CTLR),       SPAN(GICD_TYPER, 4, 2, DR_TYPER),
    SPAN(GICD_IIDR, 4, 2, DR_IIDR),       SPAN(GICD_TYPER2, 4, 2, DR_TYPER2),
    SPAN(GICD_STATUSR, 4, 2, DR_STATUSR),
};

static const uint8_t dist_index[VGIC_DIST_MMIO_SIZE >> DIST_GRANULE] = {
    [0] = DIST_WORDS,
    GRANULES(GICD_IGROUPR, LEN_1BIT, DR_IGROUPR),
    GRANULES(GICD_ISENABLER, LEN_1BIT, DR_ISENABLER),
    GRANULES(GICD_ICENABLER, LEN_1BIT, DR_ICENABLER),
    GRANULES(GICD_ISPENDR, LEN_1BIT, DR_ISPENDR),
    GRANULES(GICD_ICPENDR, LEN_1BIT, DR_ICPENDR),
    GRANULES(GICD_ISACTIVER, LEN_1BIT, DR_ISACTIVER),
    GRANULES(GICD_ICACTIVER, LEN_1BIT, DR_ICACTIVER),
    GRANULES(GICD_IPRIORITYR, LEN_PRIORITY, DR_IPRIORITYR),
    GRANULES(GICD_ICFGR, LEN_2BIT, DR_ICFGR),
    GRANULES(GICD_IGRPMODR, LEN_1BIT, DR_IGRPMODR),
    GRANULES(GICD_IROUTER_SPI, LEN_IROUTER, DR_IROUTER),
    GRANULES(VGIC_ID_OFFSET, VGIC_ID_LENGTH, DR_ID),
};

/* offset < VGIC_DIST_MMIO_SIZE (the region's size); NULL where no register is. */
static inline const struct vgic_reg *dist_reg(uint64_t offset)
{
    unsigned i = dist_index[(offset >> DIST_GRANULE) & (ARRAY_SIZE(dist_index) - 1)];
    if (i == DIST_WORDS) {
        i = dist_words[(offset >> 2) & (ARRAY_SIZE(dist_words) - 1)];
    }
    return i != DR_NONE ? &dist_regs[i] : NULL;
}

/*
 * The whole 32-bit registers at the start of the frame (CTLR, TYPER, IIDR,
 * TYPER2, STATUSR: what guests poll and probe), read without the access
 * structure or the table (issue 12). A 32-bit access at one of these
 * offsets is exactly one register, aligned and in a width it allows: the
 * width, alignment and extent checks are the switch. Any other access
 * takes the table (dist_regs holds these registers too).
 */
static inline bool dist_word_read(const struct vgic_dist *d, uint64_t offset, uint64_t *value)
{
    switch (offset) {
    case GICD_CTLR:
        *value = ctlr_value(d);
        return true;
    case GICD_TYPER:
        *value = typer_value(d);
        return true;
    case GICD_IIDR:
        *value = VGIC_IIDR;
        return true;
    case GICD_TYPER2: /* Linux needs zero */
    case GICD_STATUSR:
        *value = 0;
        return true;
    default:
        return false;
    }
}

/* Every other read: through the table and the access structure. */
static bool __attribute__((noinline))
dist_read_reg(struct vgic_dist *d, uint64_t offset, unsigned size, uint64_t *value)
{
    struct vgic_access a = {.d = d, .c = NULL, .offset = offset, .size = size};
    return access_reg(dist_reg(offset), &a, 0, false, value);
}

static bool dist_read(void *dev, struct vcpu *vcpu, uint64_t offset, unsigned size, uint64_t *value)
{
    (void)vcpu;
    if (size == 4 && dist_word_read(dev, offset, value)) {
        return true;
    }
    return dist_read_reg(dev, offset, size, value);
}

static bool dist_write(void *dev, struct vcpu *vcpu, uint64_t offset, unsigned size, uint64_t value)
{
    (void)vcpu;
    struct vgic_access a = {.d = dev, .c = NULL, .offset = offset, .size = size};
    return access_reg(dist_reg(offset), &a, 0, true, &value);
}

const struct mmio_ops vgic_dist_mmio_ops = {.read = dist_read, .write = dist_write};
