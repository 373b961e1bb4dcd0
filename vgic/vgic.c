/*
 * The virtual GICv3 core (see vgic.h): interrupt state, the routing oracle,
 * ap_list queueing, the list-register fill (flush) and read-back (fold), and
 * SGI decoding. After KVM's virt/kvm/arm/vgic/vgic.c.
 *
 * Locking, as vgic.h states: a vCPU's ap_lock, then an interrupt's lock.
 * irq->vcpu and irq->ap_link change only with both the list's ap_lock and the
 * interrupt's lock held, so either lock alone is enough to read them. To put
 * an interrupt on a list, vgic_queue_unlock() drops the interrupt's lock,
 * takes the target's ap_lock, retakes the interrupt's lock and checks again
 * that the interrupt still belongs on that list (retrying if not). To move an
 * interrupt off a list onto another one, a pass over the old list (flush,
 * fold, prune) takes it off under that list's lock and queues it again once
 * the lock is dropped: while it is on no list, any other vgic_queue_unlock()
 * may queue it first, which is just as good.
 * GICD_CTLR's group enables and GICR_WAKER's sleep bit are read here with
 * atomic loads, without the distributor's lock.
 *
 * Which list: an active interrupt stays on the vCPU it is on (the guest there
 * must deactivate it); otherwise a pending, enabled interrupt of an enabled
 * group goes to vgic_target(); anything else belongs on no list. Interrupts
 * that stop belonging where they are stay on the list until the next pass
 * over it: every flush looks at the whole list, every fold at the interrupts
 * it folds, and a put (vgic_cpu_set_loaded) at the whole list again if it
 * holds an SPI (only an SPI can belong on another list).
 *
 * Cost: a flush locks each listed interrupt once; only a list longer than
 * the list registers is ordered, by a key computed once per interrupt.
 *
 * Pending state in list registers: an edge interrupt's latch moves into its
 * list register at flush and back at fold if the guest has not acknowledged
 * it. A level interrupt stays pending while its line is high (or its latch,
 * set by GICD_ISPENDR, is set: acknowledging clears the latch); its list
 * register asks for a maintenance interrupt on EOI (ICH_LR_EOI) so that the
 * line is sampled again. A hardware-mapped interrupt's pending state belongs
 * to the physical GIC once it is in a list register: its line is lowered at
 * flush (restored at fold if the guest has not acknowledged it), and the
 * device raises it again when the physical interrupt fires again. Every
 * flush must be followed by a fold of the values it produced before the next
 * flush.
 */
#include "vgic/vgic.h"

#include "kernel/check.h"
#include "kernel/lib.h"

#define VGIC_AFF_MASK 0xFF00FFFFFFULL /* Aff3 [39:32], Aff2..Aff0 [23:0] */
#define IROUTER_IRM   (1ULL << 31)

/* ICC_SGI1R_EL1 fields. */
#define SGIR_TARGETS_MASK 0xFFFFULL
#define SGIR_AFF1_SHIFT   16
#define SGIR_INTID_SHIFT  24
#define SGIR_AFF2_SHIFT   32
#define SGIR_IRM          (1ULL << 40)
#define SGIR_RS_SHIFT     44
#define SGIR_AFF3_SHIFT   48

/* Sort ranks on the ap_list. */
#define RANK_ACTIVE  0U
#define RANK_PENDING 1U

/* --- interrupt state (irq lock held) ------------------------------------- */

bool vgic_irq_is_pending(const struct vgic_irq *irq)
{
    return irq->pending_latch || (!irq->edge && irq->line_level);
}

static inline bool group_enabled(const struct vgic_dist *d, const struct vgic_irq *irq)
{
    if (irq->group1) {
        return load_relaxed(d->grp1_enabled);
    }
    return load_relaxed(d->grp0_enabled);
}

/* Inlined: every queue, flush and fold asks, some twice (a call costs as much as the test). */
__attribute__((always_inline)) static inline bool deliverable(const struct vgic_dist *d,
                                                              const struct vgic_irq *irq)
{
    return vgic_irq_is_pending(irq) && irq->enabled && group_enabled(d, irq);
}

/* The vCPU whose ap_list irq belongs on, or NULL. */
__attribute__((always_inline)) static inline struct vgic_cpu *oracle(struct vgic_dist *d,
                                                                     const struct vgic_irq *irq)
{
    if (irq->active && irq->vcpu != NULL) {
        return irq->vcpu;
    }
    if (irq->active || deliverable(d, irq)) {
        return vgic_target(d, irq);
    }
    return NULL;
}

static void kick_cpu(struct vgic_dist *d, struct vgic_cpu *c)
{
    if (d->kick != NULL) {
        d->kick(c);
    }
}

/* --- lookup and routing --------------------------------------------------- */

struct vgic_irq *vgic_get_irq(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid)
{
    if (intid < VGIC_NR_PRIVATE) {
        return c != NULL ? &c->private_irqs[intid] : NULL;
    }
    if (intid - VGIC_NR_PRIVATE < d->nr_spis) {
        return &d->spis[intid - VGIC_NR_PRIVATE];
    }
    return NULL;
}

/* IRM: the first vCPU whose redistributor is awake, else vCPU 0. */
static struct vgic_cpu *any_cpu(const struct vgic_dist *d)
{
    for (unsigned i = 0; i < d->nr_cpus; i++) {
        struct vgic_cpu *c = d->cpus[i];
        if (c != NULL && !__atomic_load_n(&c->sleeping, __ATOMIC_RELAXED)) {
            return c;
        }
    }
    return d->cpus[0];
}

/*
 * GICv2: ITARGETSR may name several vCPUs (1-of-N); the lowest one gets it.
 * A uniprocessor's ITARGETSRs are RAZ/WI and every SPI is its CPU's.
 */
static struct vgic_cpu *v2_target(const struct vgic_dist *d, const struct vgic_irq *irq)
{
    if (d->nr_cpus == 1) {
        return d->cpus[0];
    }
    return irq->targets != 0 ? d->cpus[__builtin_ctz(irq->targets)] : NULL;
}

struct vgic_cpu *vgic_target(struct vgic_dist *d, const struct vgic_irq *irq)
{
    if (irq->intid < VGIC_NR_PRIVATE) {
        return irq->owner;
    }
    if (d->v2) {
        return v2_target(d, irq);
    }
    if (irq->irouter & IROUTER_IRM) {
        return any_cpu(d);
    }
    for (unsigned i = 0; i < d->nr_cpus; i++) {
        struct vgic_cpu *c = d->cpus[i];
        if (c != NULL && (c->mpidr & VGIC_AFF_MASK) == (irq->irouter & VGIC_AFF_MASK)) {
            return c;
        }
    }
    return NULL; /* no such vCPU: the interrupt stays pending, delivered nowhere */
}

/* --- queueing ------------------------------------------------------------- */

/* vgic_queue_unlock(); `here`: the vCPU it goes to is the caller's own, loaded here (no kick). */
__attribute__((always_inline)) static inline void queue_unlock(struct vgic_dist *d,
                                                               struct vgic_irq *irq, bool here)
{
    for (;;) {
        struct vgic_cpu *holder = irq->vcpu;
        if (holder != NULL) {
            /*
             * Listed already. Its list register may be one the guest has
             * acknowledged and EOI'd without an exit (an edge interrupt asks
             * for no maintenance interrupt), so a new pend is seen only if
             * the vCPU holding it exits and flushes again: kick it whenever
             * the interrupt is deliverable now (KVM does the same).
             */
            bool again = !here && deliverable(d, irq);
            store_relaxed(holder->changed, 1U);
            spin_unlock(&irq->lock);
            if (again) {
                kick_cpu(d, holder);
            }
            return;
        }
        struct vgic_cpu *target = oracle(d, irq);
        if (target == NULL) {
            irq->sampled = false; /* not listed: no flush needs to come before its guest runs */
            spin_unlock(&irq->lock);
            return;
        }
        /* Lock order: the list first. */
        spin_unlock(&irq->lock);
        spin_lock(&target->ap_lock);
        spin_lock(&irq->lock);
        if (irq->vcpu == NULL && oracle(d, irq) == target) {
            list_add_tail(&target->ap_list, &irq->ap_link);
            irq->vcpu = target;
            target->linked = true;
            store_relaxed(target->changed, 1U);
            spin_unlock(&irq->lock);
            spin_unlock(&target->ap_lock);
            if (!here) {
                kick_cpu(d, target);
            }
            return;
        }
        /* Something changed meanwhile: look again, with the irq lock held. */
        spin_unlock(&target->ap_lock);
    }
}

void vgic_queue_unlock(struct vgic_dist *d, struct vgic_irq *irq)
{
    queue_unlock(d, irq, false);
}

void vgic_route_changed_unlock(struct vgic_dist *d, struct vgic_irq *irq)
{
    struct vgic_cpu *holder = irq->vcpu;
    if (holder == NULL || oracle(d, irq) == holder) {
        spin_unlock(&irq->lock);
        if (holder == NULL) {
            spin_lock(&irq->lock);
            vgic_queue_unlock(d, irq); /* on no list: queue it where it goes now */
        }
        return;
    }
    spin_unlock(&irq->lock);
    spin_lock(&holder->ap_lock);
    spin_lock(&irq->lock);
    if (irq->vcpu == holder && !holder->loaded && oracle(d, irq) != holder) {
        list_del(&irq->ap_link);
        irq->vcpu = NULL;
        spin_unlock(&holder->ap_lock);
        vgic_queue_unlock(d, irq); /* kicks the new target, which must see it */
        return;
    }
    spin_unlock(&irq->lock);
    spin_unlock(&holder->ap_lock);
}

/* The input's new level (irq lock held); an edge-triggered input latches its rising edge. */
static inline void set_line_locked(struct vgic_irq *irq, bool level)
{
    if (irq->edge && level && !irq->line_level) {
        irq->pending_latch = true;
    }
    irq->line_level = level;
    irq->sampled = irq->hw && level; /* the device's own output, now (see vgic.h) */
}

void vgic_set_level(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid, bool level)
{
    struct vgic_irq *irq = vgic_get_irq(d, c, intid);
    if (irq == NULL) {
        return;
    }
    spin_lock(&irq->lock);
    set_line_locked(irq, level);
    vgic_queue_unlock(d, irq);
}

void vgic_raise_private_here(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid)
{
    struct vgic_irq *irq = &c->private_irqs[intid];
    spin_lock(&irq->lock);
    set_line_locked(irq, true);
    /* A private interrupt's only target is c, so nothing else needs kicking. */
    queue_unlock(d, irq, true);
}

void vgic_set_pending(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid)
{
    struct vgic_irq *irq = vgic_get_irq(d, c, intid);
    if (irq == NULL) {
        return;
    }
    spin_lock(&irq->lock);
    irq->pending_latch = true;
    vgic_queue_unlock(d, irq);
}

void vgic_map_hw(struct vgic_irq *irq, uint32_t hwintid)
{
    spin_lock(&irq->lock);
    irq->hw = true;
    irq->hwintid = hwintid;
    spin_unlock(&irq->lock);
}

/* --- SGIs ----------------------------------------------------------------- */

static unsigned sgir_field(uint64_t sgir, unsigned shift, uint64_t mask)
{
    return (unsigned)((sgir >> shift) & mask);
}

/* MPIDR-layout affinity (Aff3 [39:32], Aff2 [23:16], Aff1 [15:8]) an SGIR's fields name. */
static uint64_t sgir_upper_affinity(uint64_t sgir)
{
    return (uint64_t)sgir_field(sgir, SGIR_AFF3_SHIFT, 0xFF) << 32 |
           (uint64_t)sgir_field(sgir, SGIR_AFF2_SHIFT, 0xFF) << 16 |
           (uint64_t)sgir_field(sgir, SGIR_AFF1_SHIFT, 0xFF) << 8;
}

#define MPIDR_AFF_UPPER 0xFF00FFFF00ULL /* Aff3, Aff2, Aff1 */

/* Whether the SGIR names c (IRM = 0: upper affinity, RS and c's TargetList bit). */
static bool sgi_names(uint64_t sgir, uint64_t upper, unsigned rs, const struct vgic_cpu *c)
{
    unsigned aff0 = (unsigned)(c->mpidr & 0xFF);
    return (c->mpidr & MPIDR_AFF_UPPER) == upper && aff0 / 16 == rs &&
           ((sgir & SGIR_TARGETS_MASK) >> (aff0 % 16) & 1) != 0;
}

/* The vCPUs (a bit per index) an SGIR targets; a leaf, so that nobody costs no stack frame. */
static uint32_t sgi_target_mask(const struct vgic_dist *d, const struct vgic_cpu *src,
                                uint64_t sgir)
{
    _Static_assert(VGIC_MAX_CPUS <= 32, "a bit per vCPU");
    uint64_t upper = sgir_upper_affinity(sgir);
    unsigned rs = sgir_field(sgir, SGIR_RS_SHIFT, 0xF);
    uint32_t mask = 0;
    for (unsigned i = 0; i < d->nr_cpus; i++) {
        const struct vgic_cpu *c = d->cpus[i];
        bool hit = c != NULL && ((sgir & SGIR_IRM) ? c != src : sgi_names(sgir, upper, rs, c));
        mask |= (uint32_t)hit << i;
    }
    return mask;
}

/* Pends SGI intid (< 16) on each vCPU of mask; every bit names a vCPU of d. */
static unsigned __attribute__((noinline))
sgi_pend(struct vgic_dist *d, uint32_t mask, uint32_t intid)
{
    unsigned count = 0;
    for (unsigned i = 0; mask != 0; i++, mask >>= 1) {
        if ((mask & 1) && d->cpus[i] != NULL) {
            struct vgic_irq *irq = &d->cpus[i]->private_irqs[intid];
            spin_lock(&irq->lock);
            irq->pending_latch = true;
            vgic_queue_unlock(d, irq);
            count++;
        }
    }
    return count;
}

/*
 * The SGI is pended whatever its configured group: group1 (SGI1R/ASGI1R
 * versus SGI0R) is not checked against GICR_IGROUPR0. A Group 0 SGI is then
 * delivered only once the guest enables Group 0.
 *
 * With IRM = 0 the write names Aff3.Aff2.Aff1 and, in TargetList, Aff0 values
 * RS * 16 + n (GICv3 12.11.23): an empty list targets nobody and is done at
 * once; with the VM's own affinity layout the targets are computed at once
 * (vgic_sgi_dense_mask, vgic.h); otherwise (IRM = 1, or affinities set otherwise, as some
 * unit tests do) found by a walk (one compare of the upper affinity per vCPU
 * and a test of its TargetList bit), then pended.
 */
unsigned vgic_sgi(struct vgic_dist *d, struct vgic_cpu *src, uint64_t sgir, bool group1)
{
    (void)group1;
    uint32_t mask;
    if (!(sgir & SGIR_IRM) && !d->sparse_affinity) {
        mask = vgic_sgi_dense_mask(d, sgir); /* 0 for an empty list too */
    } else if (!(sgir & SGIR_IRM) && (sgir & SGIR_TARGETS_MASK) == 0) {
        return 0;
    } else {
        mask = sgi_target_mask(d, src, sgir);
    }
    if (mask == 0) {
        return 0;
    }
    uint32_t intid = sgir_field(sgir, SGIR_INTID_SHIFT, 0xF);
    if ((mask & (mask - 1)) == 0 && d->cpus[__builtin_ctz(mask)] != NULL) {
        /* One target (an IPI, the usual case): no loop. */
        struct vgic_irq *irq = &d->cpus[__builtin_ctz(mask)]->private_irqs[intid];
        hide_value(irq); /* one address across the lock (kernel/lib.h) */
        spin_lock(&irq->lock);
        irq->pending_latch = true;
        queue_unlock(d, irq, false); /* inline: the IPI's own path */
        return 1;
    }
    return sgi_pend(d, mask, intid);
}

/* --- pruning -------------------------------------------------------------- */

/* Interrupts one pass over a list may take off it for another vCPU's list. */
#define VGIC_LIST_MAX (VGIC_NR_PRIVATE + VGIC_MAX_SPIS)

/* Interrupts one pass took off c's list for other lists, queued there once c's lock is dropped. */
struct moved {
    struct vgic_irq *irq[VGIC_LIST_MAX];
    unsigned n;
};

/*
 * irq is on c's list, both locks held: true if it belongs there; otherwise
 * it leaves the list, noted in m when it belongs on another vCPU's.
 */
static bool keep_or_unlist(struct vgic_dist *d, struct vgic_cpu *c, struct vgic_irq *irq,
                           struct moved *m)
{
    struct vgic_cpu *target = oracle(d, irq);
    if (target == c) {
        return true;
    }
    list_del(&irq->ap_link);
    irq->vcpu = NULL;
    if (target != NULL && m->n < VGIC_LIST_MAX) {
        m->irq[m->n++] = irq;
    }
    return false;
}

/* Queues what a pass moved (no lock held): each goes where it belongs now, unless queued since. */
static void requeue(struct vgic_dist *d, struct moved *m)
{
    for (unsigned i = 0; i < m->n; i++) {
        spin_lock(&m->irq[i]->lock);
        vgic_queue_unlock(d, m->irq[i]);
    }
}

/* Removes from c's ap_list what belongs on no list, and moves what belongs on another. */
static void prune(struct vgic_dist *d, struct vgic_cpu *c)
{
    struct moved m;
    m.n = 0; /* not the array: zeroing it would cost more than the pass */
    struct list_node *next;
    spin_lock(&c->ap_lock);
    for (struct list_node *pos = c->ap_list.next; pos != &c->ap_list; pos = next) {
        struct vgic_irq *irq = list_entry(pos, struct vgic_irq, ap_link);
        next = pos->next;
        spin_lock(&irq->lock);
        keep_or_unlist(d, c, irq, &m);
        spin_unlock(&irq->lock);
    }
    spin_unlock(&c->ap_lock);
    requeue(d, &m);
}

/* --- list registers ------------------------------------------------------- */

/*
 * The order in which interrupts compete for list registers (irq lock held, irq
 * belongs on its list, so it is active or deliverable): active first, then by
 * priority (lower value first), ties by INTID, which the key ends with.
 */
static uint32_t lr_key(const struct vgic_irq *irq)
{
    uint32_t rank = irq->active ? RANK_ACTIVE : RANK_PENDING;
    return rank << 24 | (uint32_t)irq->priority << 16 | irq->intid;
}

#define LR_KEY_INTID(key) ((key)&0xFFFFU)

/* Insertion sort of n keys (n is at most VGIC_LIST_MAX; usually a few). */
static void sort_keys(uint32_t *keys, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        uint32_t k = keys[i];
        unsigned j = i;
        for (; j > 0 && keys[j - 1] > k; j--) {
            keys[j] = keys[j - 1];
        }
        keys[j] = k;
    }
}

/* A GICv2 VM's SGI: pending per source (GICv2 4.3.19), one source per list register. */
static inline bool is_v2_sgi(const struct vgic_irq *irq)
{
    return irq->intid < VGIC_NR_SGIS && irq->owner->dist->v2;
}

/*
 * A GICv2 SGI's list register carries one source (CPUID). Active: the
 * activation's source, pending too only if that source alone pends again;
 * other sources wait, and the EOI bit brings an exit when the guest
 * deactivates, so the next flush lists the next one (as KVM does). Pending:
 * the lowest source moves into the list register; EOI if more remain.
 */
static uint64_t make_lr_v2_sgi(struct vgic_irq *irq)
{
    uint64_t lr = irq->intid | (uint64_t)irq->priority << ICH_LR_PRIORITY_SHIFT;
    unsigned pend = irq->sgi_sources;
    unsigned src;
    if (irq->pending_latch && pend == 0) {
        pend = 1; /* pended without a source (not through GICD_SGIR): say vCPU 0 */
    }
    if (irq->group1) {
        lr |= ICH_LR_GROUP1;
    }
    if (irq->active) {
        lr |= ICH_LR_ACTIVE | (uint64_t)irq->active_source << VGIC_LR_SOURCE_SHIFT;
        if (pend != (1U << irq->active_source)) {
            return pend != 0 ? lr | ICH_LR_EOI : lr;
        }
        src = irq->active_source;
    } else {
        src = (unsigned)__builtin_ctz(pend);
    }
    pend &= ~(1U << src);
    irq->sgi_sources = (uint8_t)pend;
    irq->pending_latch = pend != 0;
    lr |= ICH_LR_PENDING | (uint64_t)src << VGIC_LR_SOURCE_SHIFT;
    return pend != 0 ? lr | ICH_LR_EOI : lr;
}

/*
 * The list-register value for irq (its lock held) but a GICv2 VM's SGI; moves
 * a pending latch into it. Inlined: the refresh of one register, on every
 * kick, calls it once, for a GICv3 VM (refresh_one).
 */
__attribute__((always_inline)) static inline uint64_t make_lr_v3(struct vgic_irq *irq)
{
    uint64_t lr = irq->intid | (uint64_t)irq->priority << ICH_LR_PRIORITY_SHIFT;
    bool pending = vgic_irq_is_pending(irq);
    if (irq->group1) {
        lr |= ICH_LR_GROUP1;
    }
    if (irq->hw) {
        /* Never pending and active: the physical GIC holds the pending state. */
        pending = pending && !irq->active;
        lr |= ICH_LR_HW | (((uint64_t)irq->hwintid << ICH_LR_PINTID_SHIFT) & ICH_LR_PINTID_MASK);
    } else if (!irq->edge) {
        lr |= ICH_LR_EOI;
    }
    if (pending) {
        lr |= ICH_LR_PENDING;
        if (irq->edge) {
            irq->pending_latch = false;
        } else if (irq->hw) {
            irq->line_level = false;
            irq->pending_latch = false;
        }
    }
    if (irq->active) {
        lr |= ICH_LR_ACTIVE;
    }
    return lr;
}

/* The list-register value for irq (its lock held); moves a pending latch into it. */
static uint64_t make_lr(struct vgic_irq *irq)
{
    return is_v2_sgi(irq) ? make_lr_v2_sgi(irq) : make_lr_v3(irq);
}

/*
 * A hardware-mapped level interrupt about to be listed pending: the vGIC
 * learns only of the line's rising edges (the physical interrupt firing), and
 * the guest may have lowered it since without a trap (CNTV_CTL_EL0), so ask
 * the device. Its hook also deactivates the physical interrupt it left
 * active when the line is low, so that the device can fire again.
 */
__attribute__((always_inline)) static inline void resample(const struct vgic_dist *d,
                                                           struct vgic_irq *irq)
{
    bool fresh = irq->sampled;
    irq->sampled = false;
    if (!fresh && irq->hw && !irq->edge && irq->line_level && !irq->active && d->resample != NULL) {
        irq->line_level = d->resample(irq);
    }
}

/* True if the list holds at most n entries (ap_lock held); counts no further than n + 1. */
static bool list_fits(const struct list_node *head, unsigned n)
{
    const struct list_node *pos = head->next;
    for (unsigned i = 0; i <= n; i++, pos = pos->next) {
        if (pos == head) {
            return true;
        }
    }
    return false;
}

/*
 * More listed than list registers: one pass keys what belongs here (each key
 * computed once, under its interrupt's lock), the keys are sorted with no
 * lock taken, and the first ones fill the list registers. Returns the count;
 * sets c->underflow if some did not fit. ap_lock held. Not inlined: its
 * frame and saved registers would burden the common pass that fits.
 */
__attribute__((noinline)) static unsigned flush_sorted(struct vgic_dist *d, struct vgic_cpu *c,
                                                       uint64_t *lrs, unsigned nr_lrs,
                                                       struct moved *m)
{
    uint32_t keys[VGIC_LIST_MAX];
    unsigned n = 0, used = 0, i = 0;
    struct list_node *next;
    for (struct list_node *pos = c->ap_list.next; pos != &c->ap_list; pos = next) {
        struct vgic_irq *irq = list_entry(pos, struct vgic_irq, ap_link);
        next = pos->next;
        spin_lock(&irq->lock);
        resample(d, irq);
        if (keep_or_unlist(d, c, irq, m) && n < VGIC_LIST_MAX) {
            keys[n++] = lr_key(irq);
        }
        spin_unlock(&irq->lock);
    }
    sort_keys(keys, n);
    for (; i < n && used < nr_lrs; i++) {
        struct vgic_irq *irq = vgic_get_irq(d, c, LR_KEY_INTID(keys[i]));
        spin_lock(&irq->lock);
        if (oracle(d, irq) == c) { /* else: changed since its key; the next pass drops it */
            lrs[used++] = make_lr(irq);
        }
        spin_unlock(&irq->lock);
    }
    c->underflow = i < n;
    return used;
}

unsigned vgic_flush_lrs(struct vgic_cpu *c, uint64_t *lrs, unsigned nr_lrs)
{
    struct vgic_dist *d = c->dist;
    struct moved m;
    m.n = 0; /* not the array: zeroing it would cost more than the pass */
    unsigned used = 0;
    struct list_node *next;
    spin_lock(&c->ap_lock);
    c->linked = false;
    c->folded = false;
    if (!list_fits(&c->ap_list, nr_lrs)) {
        used = flush_sorted(d, c, lrs, nr_lrs, &m);
        spin_unlock(&c->ap_lock);
        requeue(d, &m);
        return used;
    }
    /* Everything fits: one pass, each interrupt locked once, in list order (no order needed). */
    for (struct list_node *pos = c->ap_list.next; pos != &c->ap_list; pos = next) {
        struct vgic_irq *irq = list_entry(pos, struct vgic_irq, ap_link);
        next = pos->next;
        spin_lock(&irq->lock);
        resample(d, irq);
        if (keep_or_unlist(d, c, irq, &m)) {
            lrs[used++] = make_lr(irq);
        }
        spin_unlock(&irq->lock);
    }
    c->underflow = false;
    spin_unlock(&c->ap_lock);
    requeue(d, &m);
    return used;
}

/* A GICv2 SGI's list register back: its source still pends, or its activation is that source's. */
static void fold_lr_v2_sgi(struct vgic_irq *irq, uint64_t lr)
{
    unsigned src = (unsigned)((lr & VGIC_LR_SOURCE_MASK) >> VGIC_LR_SOURCE_SHIFT);
    irq->active = (lr & ICH_LR_ACTIVE) != 0;
    if (irq->active) {
        irq->active_source = (uint8_t)src;
    }
    if (lr & ICH_LR_PENDING) {
        irq->sgi_sources |= (uint8_t)(1U << src);
        irq->pending_latch = true;
    }
}

/* One list register's state back into its interrupt (irq lock held). */
static void fold_lr(struct vgic_irq *irq, uint64_t lr)
{
    if (is_v2_sgi(irq)) {
        fold_lr_v2_sgi(irq, lr);
        return;
    }
    bool pending = (lr & ICH_LR_PENDING) != 0;
    irq->active = (lr & ICH_LR_ACTIVE) != 0;
    if (irq->hw) {
        if (pending) {
            irq->line_level = true; /* not acknowledged yet: still pending here */
        }
    } else if (irq->edge) {
        if (pending) {
            irq->pending_latch = true;
        }
    } else if (!pending) {
        irq->pending_latch = false; /* acknowledged; the line alone decides from now */
    }
}

/*
 * Only the interrupts that had a list register can have changed in the guest,
 * so only they are looked at (and dropped if done); the rest wait for the
 * next flush's pass.
 */
static inline uint32_t lr_intid(uint64_t lr)
{
    return (uint32_t)(lr & ICH_LR_VINTID_MASK);
}

/*
 * Folding SPIs: one that is done leaves the list (or moves), which needs the
 * list's lock first. Not inlined: the common fold of private interrupts
 * alone needs neither the lock nor the frame of `moved`.
 */
__attribute__((noinline)) static void fold_lrs_spis(struct vgic_cpu *c, const uint64_t *lrs,
                                                    unsigned used)
{
    struct vgic_dist *d = c->dist;
    struct moved m;
    m.n = 0; /* not the array: zeroing it would cost more than the pass */
    spin_lock(&c->ap_lock);
    for (unsigned i = 0; i < used; i++) {
        struct vgic_irq *irq = vgic_get_irq(d, c, lr_intid(lrs[i]));
        if (irq == NULL) {
            continue;
        }
        spin_lock(&irq->lock);
        if (irq->vcpu == c) { /* else: reset or moved meanwhile; the value is stale */
            fold_lr(irq, lrs[i]);
            if (irq->intid >= VGIC_NR_PRIVATE) {
                keep_or_unlist(d, c, irq, &m);
            }
        }
        spin_unlock(&irq->lock);
    }
    spin_unlock(&c->ap_lock);
    requeue(d, &m);
}

/*
 * Only the interrupts that had a list register can have changed in the guest,
 * so only they are looked at; the rest wait for the next flush's pass. A
 * private interrupt stays listed (see vgic.h), so folding it takes its own
 * lock only: irq->vcpu can be read under either lock.
 */
void vgic_fold_lrs(struct vgic_cpu *c, const uint64_t *lrs, unsigned used)
{
    c->folded = true;
    for (unsigned i = 0; i < used; i++) {
        if (lr_intid(lrs[i]) >= VGIC_NR_PRIVATE) {
            fold_lrs_spis(c, lrs, used);
            return;
        }
    }
    for (unsigned i = 0; i < used; i++) {
        struct vgic_irq *irq = &c->private_irqs[lr_intid(lrs[i])];
        spin_lock(&irq->lock);
        if (irq->vcpu == c) { /* else: reset meanwhile; the value is stale */
            fold_lr(irq, lrs[i]);
        }
        spin_unlock(&irq->lock);
    }
}

/* A private interrupt in c's list registers, its lock held: what a refresh does with it. */
enum refresh_op { REFRESH_KEEP, REFRESH_WRITE, REFRESH_DROP };

__attribute__((always_inline)) static inline enum refresh_op refresh_one(struct vgic_dist *d,
                                                                         struct vgic_cpu *c,
                                                                         struct vgic_irq *irq,
                                                                         bool folded, uint64_t *lr)
{
    if (irq->vcpu != c) {
        return REFRESH_DROP; /* reset meanwhile: not c's to show */
    }
    bool hw = irq->hw;
    bool active = folded && irq->active;
    if (!folded) {
        /* fold_lr() of a finished register: no longer active; a level is acknowledged. */
        irq->active = false;
        if (!irq->edge && !hw) {
            irq->pending_latch = false;
        }
    }
    if (hw) {
        resample(d, irq);
    }
    /* The oracle for a private interrupt: its owner c, if active or deliverable. */
    if (active || deliverable(d, irq)) {
        *lr = make_lr_v3(irq); /* never a GICv2 SGI: vgic_refresh_single_v2, vgic_refresh_lrs */
        return REFRESH_WRITE;
    }
    return REFRESH_KEEP;
}

/*
 * The finished interrupts a refresh did not list again leave c's list (as a
 * full flush would take them off), under the list's lock first; one pended
 * again since stays, its register empty: its pender set `changed` and
 * kicked, so the next exit lists it. Returns the registers to drop.
 */
static uint32_t refresh_unlist(struct vgic_dist *d, struct vgic_cpu *c, const uint64_t *lrs,
                               uint32_t idle)
{
    uint32_t drop = 0;
    spin_lock(&c->ap_lock);
    for (unsigned i = 0; idle >> i != 0; i++) {
        if (!((idle >> i) & 1)) {
            continue;
        }
        struct vgic_irq *irq = &c->private_irqs[lr_intid(lrs[i])];
        spin_lock(&irq->lock);
        if (irq->vcpu == c && !irq->active && !deliverable(d, irq)) {
            list_del(&irq->ap_link);
            irq->vcpu = NULL;
            drop |= 1U << i;
        }
        spin_unlock(&irq->lock);
    }
    spin_unlock(&c->ap_lock);
    return drop;
}

/* Closes the gaps the dropped registers leave; what moves (or was rewritten) is to be written. */
static unsigned refresh_compact(uint64_t *lrs, unsigned used, uint32_t done, uint32_t drop,
                                uint32_t *write)
{
    unsigned n = 0;
    uint32_t w = 0;
    for (unsigned i = 0; i < used; i++) {
        if ((drop >> i) & 1) {
            continue;
        }
        bool rewritten = (done >> i) & 1;
        if (n != i) {
            /* A kept register is empty in hardware: moved, it stays empty (state 00). */
            lrs[n] = rewritten ? lrs[i] : lrs[i] & ~(ICH_LR_PENDING | ICH_LR_ACTIVE);
            w |= 1U << n;
        } else if (rewritten) {
            w |= 1U << n;
        }
        n++;
    }
    *write = w;
    return n;
}

__attribute__((always_inline)) inline struct vgic_refresh vgic_refresh_single(struct vgic_cpu *c,
                                                                              uint64_t lr)
{
    struct vgic_dist *d = c->dist;
    uint32_t intid = lr_intid(lr);
    struct vgic_refresh r = {VGIC_REFRESH_LONG, 0};
    if (intid >= VGIC_NR_PRIVATE || c->underflow || load_relaxed(c->linked)) {
        return r; /* (a GICv2 VM's SGIs never come here: vgic_refresh_single_v2) */
    }
    struct vgic_irq *irq = &c->private_irqs[intid];
    hide_value(irq);
    bool folded = c->folded;
    c->folded = false;
    spin_lock(&irq->lock);
    enum refresh_op op = refresh_one(d, c, irq, folded, &r.lr);
    spin_unlock(&irq->lock);
    uint64_t lrs[1] = {lr};
    if (op == REFRESH_WRITE) {
        r.op = VGIC_REFRESH_WRITE;
    } else if (op == REFRESH_KEEP && refresh_unlist(d, c, lrs, 1) == 0) {
        r.op = VGIC_REFRESH_KEEP; /* pended again meanwhile: it stays, its register empty */
    } else {
        r.op = VGIC_REFRESH_DROP;
    }
    return r;
}

struct vgic_refresh vgic_refresh_single_v2(struct vgic_cpu *c, uint64_t lr)
{
    if (lr_intid(lr) < VGIC_NR_SGIS) {
        return (struct vgic_refresh){VGIC_REFRESH_LONG, 0};
    }
    return vgic_refresh_single(c, lr);
}

bool vgic_refresh_lrs(struct vgic_cpu *c, uint64_t *lrs, unsigned *used, uint32_t empty,
                      uint32_t *write)
{
    struct vgic_dist *d = c->dist;
    unsigned n = *used;
    if (n == 1) {
        struct vgic_refresh r = {VGIC_REFRESH_LONG, 0};
        if ((empty & 1) && !d->v2) {
            r = vgic_refresh_single(c, lrs[0]);
        }
        if (r.op == VGIC_REFRESH_LONG) {
            return false;
        }
        if (r.op == VGIC_REFRESH_WRITE) {
            lrs[0] = r.lr;
        }
        *write = r.op == VGIC_REFRESH_WRITE;
        *used = r.op == VGIC_REFRESH_DROP ? 0 : 1;
        return true;
    }
    uint32_t done = 0, idle = 0, gone = 0;
    uint32_t all = n >= 32 ? ~0U : (1U << n) - 1;
    if (n == 0 || (empty & all) != all || c->underflow || d->v2 ||
        __atomic_load_n(&c->linked, __ATOMIC_RELAXED)) {
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        if (lr_intid(lrs[i]) >= VGIC_NR_PRIVATE) {
            return false;
        }
    }
    bool folded = c->folded;
    c->folded = false;
    for (unsigned i = 0; i < n; i++) {
        struct vgic_irq *irq = &c->private_irqs[lr_intid(lrs[i])];
        spin_lock(&irq->lock);
        enum refresh_op op = refresh_one(d, c, irq, folded, &lrs[i]);
        spin_unlock(&irq->lock);
        done |= (uint32_t)(op == REFRESH_WRITE) << i;
        idle |= (uint32_t)(op == REFRESH_KEEP) << i;
        gone |= (uint32_t)(op == REFRESH_DROP) << i;
    }
    if ((idle | gone) == 0) {
        *write = done;
        return true;
    }
    uint32_t drop = gone | (idle != 0 ? refresh_unlist(d, c, lrs, idle) : 0);
    *used = refresh_compact(lrs, n, done, drop, write);
    return true;
}

bool vgic_has_pending(struct vgic_cpu *c)
{
    struct vgic_dist *d = c->dist;
    bool found = false;
    spin_lock(&c->ap_lock);
    for (struct list_node *pos = c->ap_list.next; pos != &c->ap_list; pos = pos->next) {
        struct vgic_irq *irq = list_entry(pos, struct vgic_irq, ap_link);
        spin_lock(&irq->lock);
        found = deliverable(d, irq);
        spin_unlock(&irq->lock);
        if (found) {
            break;
        }
    }
    spin_unlock(&c->ap_lock);
    return found;
}

/* An SPI on c's list (its ap_lock held): only an SPI can belong on another vCPU's list. */
static bool lists_spi(const struct vgic_cpu *c)
{
    for (const struct list_node *pos = c->ap_list.next; pos != &c->ap_list; pos = pos->next) {
        if (list_entry(pos, const struct vgic_irq, ap_link)->intid >= VGIC_NR_PRIVATE) {
            return true;
        }
    }
    return false;
}

/*
 * At put, what was left on c's list while c ran and now belongs on another
 * vCPU's list (a route change, or GICR_WAKER for a 1-of-N SPI, or an SPI
 * pending again when its deactivation let it go) moves now, while nobody
 * runs c; from here on vgic_route_changed_unlock() moves such an interrupt
 * itself, as c is not loaded. Only SPIs can: a private interrupt's vCPU is
 * its owner, so on c's list it belongs here or on no list, and one on no list
 * may stay until the next flush (a pend of it kicks c as a queue would, and
 * vgic_has_pending() asks each interrupt whether it is deliverable). So the
 * prune, and its locks, only when an SPI is listed.
 */
/*
 * The load needs no lock: the one reader that acts on `loaded` under the
 * lock, vgic_route_changed_unlock(), only moves an SPI off a list whose
 * vCPU is not loaded, and the flush before c's first entry takes ap_lock
 * after this store, so a route change that takes ap_lock after that flush
 * sees `loaded` set; one before it moves the SPI before the flush lists it,
 * as it would have before this load. The lock-free readers (vcpu/vm.c
 * vgic_kick, vcpu_op_where) that still see `loaded` clear take the
 * scheduler's locked way, which finds c running and kicks it all the same.
 * The put keeps the lock: it walks the list, which other CPUs may be adding
 * to; the release of that lock is also what the kick's ordering argument
 * needs (vcpu/vcpu_ops.c, vcpu_op_has_pending).
 */
void vgic_cpu_set_loaded(struct vgic_cpu *c, bool loaded)
{
    if (loaded) {
        __atomic_store_n(&c->loaded, true, __ATOMIC_RELEASE);
        return;
    }
    spin_lock(&c->ap_lock);
    __atomic_store_n(&c->loaded, false, __ATOMIC_RELAXED);
    bool spi = lists_spi(c);
    spin_unlock(&c->ap_lock);
    if (spi) {
        prune(c->dist, c);
    }
}

bool vgic_deactivate(struct vgic_cpu *c, uint32_t intid, uint32_t *hwintid)
{
    struct vgic_irq *irq = vgic_get_irq(c->dist, c, intid);
    bool physical = false;
    if (irq == NULL) {
        return false;
    }
    spin_lock(&irq->lock);
    if (irq->active && irq->vcpu == c) {
        irq->active = false; /* if pending too, it stays on c's list; prune moves it if needed */
        physical = irq->hw;
        if (physical) {
            *hwintid = irq->hwintid;
        }
    }
    spin_unlock(&irq->lock);
    return physical;
}
