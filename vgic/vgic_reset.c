/*
 * The virtual GIC's setup and reset (vgic.h): a distributor's and a vCPU's
 * interrupts at their reset values, a vCPU's list drained at its reset and
 * every list at the VM's. Split from vgic.c: none of it runs on a guest's
 * exit. The locking is vgic.c's (a list's ap_lock, then an interrupt's lock).
 */
#include "vgic/vgic.h"

#include "kernel/check.h"
#include "kernel/lib.h"

/*
 * Back to reset values, keeping what the hypervisor configured (owner, hw,
 * guest_owned). The list link is not state: it changes only under the list's
 * lock (irq_unlist), so that a device queueing the interrupt at the same time
 * finds a well-formed list either way.
 */
static void irq_reset(struct vgic_irq *irq)
{
    irq->irouter = 0;
    irq->priority = 0;
    irq->enabled = false;
    irq->group1 = false;
    irq->edge = irq->intid < VGIC_NR_SGIS;
    irq->pending_latch = false;
    irq->line_level = false;
    irq->active = false;
    irq->sampled = false;
    irq->targets = 0;
    irq->sgi_sources = 0;
    irq->active_source = 0;
}

static void irq_init(struct vgic_irq *irq, uint32_t intid, struct vgic_cpu *owner)
{
    memset(irq, 0, sizeof(*irq));
    list_init(&irq->ap_link);
    irq->intid = intid;
    irq->owner = owner;
    irq->guest_owned = intid != VGIC_INTID_MAINTENANCE && intid != VGIC_INTID_HYP_TIMER;
    irq_reset(irq);
}

void vgic_dist_init(struct vgic_dist *d, unsigned nr_spis, void (*kick)(struct vgic_cpu *c))
{
    CHECK(nr_spis % 32 == 0 && nr_spis <= VGIC_MAX_SPIS);
    memset(d, 0, sizeof(*d));
    d->nr_spis = nr_spis;
    d->kick = kick;
    for (unsigned i = 0; i < VGIC_MAX_SPIS; i++) {
        irq_init(&d->spis[i], VGIC_NR_PRIVATE + i, NULL);
    }
}

static void cpu_interface_reset(struct vgic_cpu *c)
{
    memset(c->lr, 0, sizeof(c->lr));
    c->used_lrs = 0;
    c->vmcr = 0;
    memset(c->ap0r, 0, sizeof(c->ap0r));
    memset(c->ap1r, 0, sizeof(c->ap1r));
    c->underflow = false;
    __atomic_store_n(&c->sleeping, true, __ATOMIC_RELAXED);
}

void vgic_cpu_init(struct vgic_dist *d, struct vgic_cpu *c, unsigned id, uint64_t mpidr,
                   void *owner)
{
    CHECK(id < VGIC_MAX_CPUS);
    memset(c, 0, sizeof(*c));
    c->id = id;
    c->mpidr = mpidr;
    c->owner = owner;
    c->dist = d;
    list_init(&c->ap_list);
    for (uint32_t i = 0; i < VGIC_NR_PRIVATE; i++) {
        irq_init(&c->private_irqs[i], i, c);
    }
    cpu_interface_reset(c);
    d->cpus[id] = c;
    d->sparse_affinity |= mpidr != id;
    if (id >= d->nr_cpus) {
        d->nr_cpus = id + 1;
    }
}

/*
 * Takes irq off the list it is on, if any; returns with irq->lock held. The
 * list's lock comes first, so the holder is read, the lock taken, and the
 * holder checked again.
 */
static void irq_unlist(struct vgic_irq *irq)
{
    for (;;) {
        spin_lock(&irq->lock);
        struct vgic_cpu *holder = irq->vcpu;
        if (holder == NULL) {
            return;
        }
        spin_unlock(&irq->lock);
        spin_lock(&holder->ap_lock);
        spin_lock(&irq->lock);
        bool here = irq->vcpu == holder;
        if (here) {
            list_del(&irq->ap_link);
            irq->vcpu = NULL;
        }
        spin_unlock(&holder->ap_lock);
        if (here) {
            return;
        }
        spin_unlock(&irq->lock);
    }
}

/* Off its list and back to its reset state. */
static void irq_reset_unlisted(struct vgic_irq *irq)
{
    irq_unlist(irq);
    irq_reset(irq);
    spin_unlock(&irq->lock);
}

/*
 * Takes everything off c's ap_list, then queues each interrupt where it
 * belongs now (which may be c again: an SPI routed to it).
 */
static void ap_list_drain(struct vgic_dist *d, struct vgic_cpu *c)
{
    struct vgic_irq *taken[VGIC_NR_PRIVATE + VGIC_MAX_SPIS];
    unsigned n = 0;
    spin_lock(&c->ap_lock);
    while (!list_empty(&c->ap_list) && n < sizeof(taken) / sizeof(taken[0])) {
        struct vgic_irq *irq = list_entry(c->ap_list.next, struct vgic_irq, ap_link);
        spin_lock(&irq->lock);
        list_del(&irq->ap_link);
        irq->vcpu = NULL;
        spin_unlock(&irq->lock);
        taken[n++] = irq;
    }
    spin_unlock(&c->ap_lock);
    for (unsigned i = 0; i < n; i++) {
        spin_lock(&taken[i]->lock);
        vgic_queue_unlock(d, taken[i]);
    }
}

void vgic_cpu_reset(struct vgic_cpu *c)
{
    for (unsigned n = 0; n < VGIC_NR_PRIVATE; n++) {
        irq_reset_unlisted(&c->private_irqs[n]);
    }
    /* SPIs it held go back to their targets (an active one stays active). */
    ap_list_drain(c->dist, c);
    cpu_interface_reset(c);
}

void vgic_reset(struct vgic_dist *d)
{
    spin_lock(&d->lock);
    __atomic_store_n(&d->grp0_enabled, false, __ATOMIC_RELAXED);
    __atomic_store_n(&d->grp1_enabled, false, __ATOMIC_RELAXED);
    spin_unlock(&d->lock);
    for (unsigned i = 0; i < VGIC_MAX_SPIS; i++) {
        irq_reset_unlisted(&d->spis[i]);
    }
    for (unsigned i = 0; i < d->nr_cpus; i++) {
        if (d->cpus[i] != NULL) {
            vgic_cpu_reset(d->cpus[i]);
        }
    }
}
