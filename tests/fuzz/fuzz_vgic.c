/*
 * The vGIC as guests and devices drive it: distributor and redistributor
 * register accesses (vgic/vgic_mmio_dist.c, vgic_mmio_redist.c) from several
 * vCPUs, interleaved with injections, SGIs, deactivations, resets and the
 * flush/fold of list registers around guest entry (vgic/vgic.c). Each input
 * byte stream is a program: a VM shape (vCPUs, SPIs), then steps.
 *
 * After every step: each ap_list is a proper doubly linked list; every
 * interrupt on a list is on exactly one, the one irq->vcpu names, and a
 * private one only on its owner's; an interrupt that must be delivered
 * (pending, enabled and its group enabled, or active) is on a list;
 * priorities are masked to the implemented bits; IROUTER targets are in
 * range. A step reads one interrupt's registers back against its state.
 *
 * A shape bit makes the VM a GICv2 one (vgic/vgic_mmio_dist_v2.c, as a
 * GICv2 host gives it): distributor accesses then go to the GICv2 layout as
 * the accessing vCPU (banked registers), GICD_SGIR writes take the place of
 * the redistributor and ICC_SGI1R steps, and the read-back uses GICv2's
 * banked registers. The core's checks are the same.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "vgic/vgic_mmio.h"

#define NR_LRS_MAX 4

#define GICD_CTLR       0x0000
#define GICD_ISENABLER  0x0100
#define GICD_ICENABLER  0x0180
#define GICD_ISPENDR    0x0200
#define GICD_ISACTIVER  0x0300
#define GICD_IPRIORITYR 0x0400
#define GICD_IROUTER    0x6000
#define GICR_WAKER      0x0014

static struct vgic_dist dist;
static struct vgic_cpu cpus[VGIC_MAX_CPUS];
static unsigned nr_lrs;
static bool v2;
static char vcpu_tokens[VGIC_MAX_CPUS]; /* stand-ins for the vCPUs the GICv2 layout banks by */

static struct vcpu *vcpu_of(const struct vgic_cpu *c)
{
    return (struct vcpu *)(void *)&vcpu_tokens[c->id];
}

static const struct mmio_ops *dist_ops(void)
{
    return v2 ? &vgic_dist_v2_mmio_ops : &vgic_dist_mmio_ops;
}

static void kick(struct vgic_cpu *c)
{
    FUZZ_CHECK(c != NULL && c->id < dist.nr_cpus && dist.cpus[c->id] == c);
}

FUZZ_PLAIN static bool must_be_listed(const struct vgic_irq *irq)
{
    bool group_on = irq->group1 ? dist.grp1_enabled : dist.grp0_enabled;
    return irq->active || (vgic_irq_is_pending(irq) && irq->enabled && group_on);
}

/* Marks every interrupt reached from c's list; checks the list's shape. */
FUZZ_NO_COVERAGE static void walk_list(struct vgic_cpu *c, unsigned *seen_private,
                                       unsigned *seen_spi)
{
    unsigned n = 0;
    const struct list_node *prev = &c->ap_list;
    for (const struct list_node *pos = c->ap_list.next; pos != &c->ap_list; pos = pos->next) {
        FUZZ_CHECK(pos != NULL && pos->prev == prev);
        FUZZ_CHECK(++n <= VGIC_NR_PRIVATE + VGIC_MAX_SPIS);
        const struct vgic_irq *irq =
            (const struct vgic_irq *)((const char *)pos - offsetof(struct vgic_irq, ap_link));
        FUZZ_CHECK(irq->vcpu == c);
        if (irq->intid < VGIC_NR_PRIVATE) {
            FUZZ_CHECK(irq->owner == c && irq == &c->private_irqs[irq->intid]);
            seen_private[c->id * VGIC_NR_PRIVATE + irq->intid]++;
        } else {
            FUZZ_CHECK(irq->intid - VGIC_NR_PRIVATE < dist.nr_spis);
            FUZZ_CHECK(irq == &dist.spis[irq->intid - VGIC_NR_PRIVATE]);
            seen_spi[irq->intid - VGIC_NR_PRIVATE]++;
        }
        prev = pos;
    }
    FUZZ_CHECK(c->ap_list.prev == prev);
}

FUZZ_PLAIN static void check_irq(const struct vgic_irq *irq, unsigned seen)
{
    FUZZ_CHECK(seen == (irq->vcpu != NULL));
    FUZZ_CHECK((irq->priority & ~VGIC_PRIO_MASK) == 0);
    /* An IROUTER naming no vCPU is allowed: such an SPI is delivered nowhere (GICv3 9.2.1). */
    struct vgic_cpu *t = vgic_target(&dist, irq);
    FUZZ_CHECK(t == NULL || (t->id < dist.nr_cpus && dist.cpus[t->id] == t));
    FUZZ_CHECK(t != NULL || irq->intid >= VGIC_NR_PRIVATE);
    if (must_be_listed(irq) && t != NULL) {
        FUZZ_CHECK(irq->vcpu != NULL);
    }
    if (!irq->guest_owned) {
        FUZZ_CHECK(irq->intid == VGIC_INTID_MAINTENANCE || irq->intid == VGIC_INTID_HYP_TIMER);
    }
}

FUZZ_NO_COVERAGE static void check_invariants(void)
{
    unsigned seen_private[VGIC_MAX_CPUS * VGIC_NR_PRIVATE] = {0};
    unsigned seen_spi[VGIC_MAX_SPIS] = {0};
    for (unsigned i = 0; i < dist.nr_cpus; i++) {
        walk_list(&cpus[i], seen_private, seen_spi);
        FUZZ_CHECK(cpus[i].used_lrs <= VGIC_MAX_LRS);
    }
    for (unsigned i = 0; i < dist.nr_cpus; i++) {
        for (unsigned j = 0; j < VGIC_NR_PRIVATE; j++) {
            check_irq(&cpus[i].private_irqs[j], seen_private[i * VGIC_NR_PRIVATE + j]);
        }
    }
    for (unsigned j = 0; j < dist.nr_spis; j++) {
        check_irq(&dist.spis[j], seen_spi[j]);
    }
}

static uint64_t dread(uint64_t off, unsigned size)
{
    uint64_t v = 0;
    FUZZ_CHECK(vgic_dist_mmio_ops.read(&dist, NULL, off, size, &v));
    return v;
}

static uint64_t dread_cpu(unsigned cpu, uint64_t off, unsigned size)
{
    uint64_t v = 0;
    if (!v2) {
        return dread(off, size);
    }
    FUZZ_CHECK(vgic_dist_v2_mmio_ops.read(&dist, vcpu_of(&cpus[cpu]), off, size, &v));
    return v;
}

static uint64_t rread(unsigned cpu, uint64_t off, unsigned size)
{
    uint64_t v = 0;
    FUZZ_CHECK(
        vgic_redist_mmio_ops.read(&dist, NULL, cpu * VGIC_REDIST_FRAME_SIZE + off, size, &v));
    return v;
}

/* One interrupt's registers read back its state (a guest-owned one; others read 0). */
static void check_readback(struct vgic_cpu *c, uint32_t intid)
{
    const struct vgic_irq *irq = vgic_get_irq(&dist, c, intid);
    if (irq == NULL) {
        return;
    }
    uint64_t bit = 1ULL << (intid % 32);
    uint64_t word = (intid / 32) * 4;
    bool banked_in_redist = intid < 32 && !v2;
    uint64_t (*rd)(unsigned cpu, uint64_t off, unsigned size) =
        banked_in_redist ? rread : dread_cpu;
    uint64_t base = banked_in_redist ? VGIC_REDIST_SGI_OFFSET : 0;
    bool own = irq->guest_owned;
    FUZZ_CHECK(((rd(c->id, base + GICD_ISENABLER + word, 4) & bit) != 0) == (own && irq->enabled));
    FUZZ_CHECK(((rd(c->id, base + GICD_ICENABLER + word, 4) & bit) != 0) == (own && irq->enabled));
    if (!v2 || intid >= VGIC_NR_SGIS) { /* GICv2's SGIs pend per source: SPENDSGIR */
        FUZZ_CHECK(((rd(c->id, base + GICD_ISPENDR + word, 4) & bit) != 0) ==
                   (own && vgic_irq_is_pending(irq)));
    }
    FUZZ_CHECK(((rd(c->id, base + GICD_ISACTIVER + word, 4) & bit) != 0) == (own && irq->active));
    FUZZ_CHECK(rd(c->id, base + GICD_IPRIORITYR + intid, 1) == (own ? irq->priority : 0));
    if (intid >= 32 && !v2) {
        FUZZ_CHECK(dread(GICD_IROUTER + 8ULL * intid, 8) == irq->irouter);
    }
}

/*
 * After a flush: a deliverable interrupt (pending, enabled, group on, not
 * active, routed to c) left out of the list registers means they are all used
 * and none holds a pending interrupt of lower priority (higher value).
 */
FUZZ_NO_COVERAGE static void check_flush_order(struct vgic_cpu *c)
{
    for (const struct list_node *pos = c->ap_list.next; pos != &c->ap_list; pos = pos->next) {
        const struct vgic_irq *irq =
            (const struct vgic_irq *)((const char *)pos - offsetof(struct vgic_irq, ap_link));
        if (irq->active || !must_be_listed(irq) || vgic_target(&dist, irq) != c) {
            continue;
        }
        bool in_lr = false;
        for (unsigned i = 0; i < c->used_lrs; i++) {
            in_lr = in_lr || (c->lr[i] & ICH_LR_VINTID_MASK) == irq->intid;
        }
        if (in_lr) {
            continue;
        }
        FUZZ_CHECK(c->used_lrs == nr_lrs && c->underflow);
        for (unsigned i = 0; i < c->used_lrs; i++) {
            if ((c->lr[i] & (ICH_LR_PENDING | ICH_LR_ACTIVE)) == ICH_LR_PENDING) {
                FUZZ_CHECK(((c->lr[i] >> ICH_LR_PRIORITY_SHIFT) & 0xFF) <= irq->priority);
            }
        }
    }
}

static unsigned pick_size(uint8_t b)
{
    return 1U << (b & 3);
}

/* Offsets mostly inside the implemented registers, and aligned to the access. */
static uint64_t pick_offset(uint16_t raw, unsigned size, bool any)
{
    uint64_t off = any ? raw : (raw & 0x0FFF) | ((raw & 0x8000) ? 0x6000 : 0);
    return (raw & 0x4000) ? off : off & ~(uint64_t)(size - 1);
}

/* The guest's side of a list register while it runs: acknowledge, EOI, leave alone. */
static uint64_t guest_lr(uint64_t lr, uint8_t how)
{
    uint64_t state = lr & (ICH_LR_PENDING | ICH_LR_ACTIVE);
    switch (how % 4) {
    case 0: /* acknowledge: pending -> active (pending and active for a re-pended edge) */
        if (state == ICH_LR_PENDING) {
            state = ICH_LR_ACTIVE;
        }
        break;
    case 1: /* EOI (deactivate) */
        state &= ~ICH_LR_ACTIVE;
        break;
    case 2: /* acknowledge and EOI */
        state = 0;
        break;
    default:
        break;
    }
    return (lr & ~(ICH_LR_PENDING | ICH_LR_ACTIVE)) | state;
}

static void fold(struct vgic_cpu *c, struct fuzz_in *in)
{
    if (!c->loaded) {
        return;
    }
    /* An edge pending in its list register or pended meanwhile is still pending after the fold. */
    bool pend[VGIC_MAX_LRS] = {false};
    for (unsigned i = 0; i < c->used_lrs; i++) {
        c->lr[i] = guest_lr(c->lr[i], FUZZ_U8(in));
        const struct vgic_irq *irq =
            vgic_get_irq(&dist, c, (uint32_t)(c->lr[i] & ICH_LR_VINTID_MASK));
        pend[i] = irq->vcpu == c && irq->edge && !irq->hw &&
                  ((c->lr[i] & ICH_LR_PENDING) != 0 || irq->pending_latch);
    }
    vgic_fold_lrs(c, c->lr, c->used_lrs);
    for (unsigned i = 0; i < c->used_lrs; i++) {
        const struct vgic_irq *irq =
            vgic_get_irq(&dist, c, (uint32_t)(c->lr[i] & ICH_LR_VINTID_MASK));
        FUZZ_CHECK(!pend[i] || vgic_irq_is_pending(irq));
    }
    c->used_lrs = 0;
    vgic_cpu_set_loaded(c, false);
}

static void step(struct fuzz_in *in)
{
    uint8_t op = FUZZ_U8(in);
    struct vgic_cpu *c = &cpus[(op >> 4) % dist.nr_cpus];
    switch (op % 12) {
    case 0:
    case 1: { /* distributor access */
        uint8_t how = FUZZ_U8(in);
        unsigned size = pick_size(how);
        uint64_t off = pick_offset(FUZZ_U16(in), size, (how & 0x80) != 0);
        struct vcpu *as = v2 ? vcpu_of(c) : NULL;
        if (how & 4) {
            (void)dist_ops()->write(&dist, as, off, size, FUZZ_U64(in));
        } else {
            uint64_t v = 0;
            if (dist_ops()->read(&dist, as, off, size, &v) && size < 8) {
                FUZZ_CHECK((v >> (8 * size)) == 0);
            }
        }
        break;
    }
    case 2:
    case 3: {     /* redistributor access, RD_base or SGI_base of some vCPU (or past the last) */
        if (v2) { /* no redistributors: a GICD_SGIR write instead */
            FUZZ_CHECK(vgic_v2_sgir_write(&dist, c, FUZZ_U32(in)) <= dist.nr_cpus);
            break;
        }
        uint8_t how = FUZZ_U8(in);
        unsigned size = pick_size(how);
        uint64_t off = pick_offset(FUZZ_U16(in), size, (how & 0x80) != 0);
        unsigned frame = (how >> 3) & 15;
        off += frame * VGIC_REDIST_FRAME_SIZE + ((how & 0x40) ? VGIC_REDIST_SGI_OFFSET : 0);
        if (how & 4) {
            (void)vgic_redist_mmio_ops.write(&dist, NULL, off, size, FUZZ_U64(in));
        } else {
            uint64_t v = 0;
            if (vgic_redist_mmio_ops.read(&dist, NULL, off, size, &v) && size < 8) {
                FUZZ_CHECK((v >> (8 * size)) == 0);
            }
        }
        break;
    }
    case 4: { /* a device drives a line */
        uint8_t b = FUZZ_U8(in);
        vgic_set_level(&dist, c, b & 0x7F, (b & 0x80) != 0);
        break;
    }
    case 5: { /* an edge: never lost, whatever state the interrupt is in */
        uint32_t intid = FUZZ_U8(in) & 0x7F;
        vgic_set_pending(&dist, c, intid);
        const struct vgic_irq *irq = vgic_get_irq(&dist, c, intid);
        FUZZ_CHECK(irq == NULL || !irq->guest_owned || vgic_irq_is_pending(irq));
        break;
    }
    case 6: { /* enter the guest */
        if (c->loaded) {
            break;
        }
        vgic_cpu_set_loaded(c, true);
        c->used_lrs = vgic_flush_lrs(c, c->lr, nr_lrs);
        FUZZ_CHECK(c->used_lrs <= nr_lrs);
        for (unsigned i = 0; i < c->used_lrs; i++) {
            uint32_t intid = (uint32_t)(c->lr[i] & ICH_LR_VINTID_MASK);
            struct vgic_irq *irq = vgic_get_irq(&dist, c, intid);
            FUZZ_CHECK(irq != NULL && irq->vcpu == c);
            FUZZ_CHECK((c->lr[i] & (ICH_LR_PENDING | ICH_LR_ACTIVE)) != 0);
            for (unsigned k = 0; k < i; k++) {
                FUZZ_CHECK((c->lr[k] & ICH_LR_VINTID_MASK) != intid);
            }
        }
        check_flush_order(c);
        break;
    }
    case 7: /* exit from the guest */
        fold(c, in);
        break;
    case 8: { /* an SGI register write (ICC_SGI1R_EL1 UNDEFs on a GICv2 VM) */
        uint64_t sgir = FUZZ_U64(in);
        if (v2) {
            break;
        }
        unsigned n = vgic_sgi(&dist, c, sgir, (sgir >> 62) & 1);
        FUZZ_CHECK(n <= dist.nr_cpus);
        break;
    }
    case 9: { /* ICC_DIR_EL1, with the list registers folded */
        fold(c, in);
        uint32_t hw = 0;
        (void)vgic_deactivate(c, FUZZ_U8(in) & 0x7F, &hw);
        break;
    }
    case 10: /* PSCI CPU_ON of a stopped vCPU */
        fold(c, in);
        vgic_cpu_reset(c);
        FUZZ_CHECK(list_empty(&c->ap_list) || !c->loaded);
        break;
    default:
        if ((op & 0xF0) == 0xF0) { /* VM reset, everything stopped */
            for (unsigned i = 0; i < dist.nr_cpus; i++) {
                fold(&cpus[i], in);
            }
            vgic_reset(&dist);
        } else {
            (void)vgic_has_pending(c);
            check_readback(c, FUZZ_U8(in) & 0x7F);
        }
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size};
    uint8_t shape = FUZZ_U8(&in);
    unsigned ncpus = 1 + (shape & 7);
    vgic_dist_init(&dist, (shape & 8) ? 64 : 32, kick);
    dist.nr_cpus = 0;
    v2 = (shape & 0x40) != 0;
    for (unsigned i = 0; i < ncpus; i++) {
        cpus[i].id = i;
        vgic_cpu_init(&dist, &cpus[i], i, i, v2 ? vcpu_of(&cpus[i]) : NULL);
    }
    if (v2) {
        vgic_dist_v2_setup(&dist);
    }
    nr_lrs = 1 + ((shape >> 4) & 3);
    check_invariants();
    unsigned steps = 0;
    while (!fuzz_done(&in) && steps++ < 4096) {
        step(&in);
        check_invariants();
    }
    for (unsigned i = 0; i < ncpus; i++) {
        fold(&cpus[i], &in);
    }
    check_invariants();
    return 0;
}
