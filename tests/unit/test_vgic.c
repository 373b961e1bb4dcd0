/*
 * Host tests of the virtual GICv3 core (vgic/vgic.c): queueing rules, SPI
 * routing, SGI target decoding, the list-register fill and fold (overflow,
 * priorities, active, hardware-mapped, level and edge interrupts), moving an
 * interrupt between vCPUs, reset, and a multi-threaded smoke test of the
 * locking.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "unit.h"
#include "vgic/vgic.h"

UNIT_STATE;

#define NR_CPUS 4
#define NR_SPIS 64
#define NR_LRS  4

static struct vgic_dist dist;
static struct vgic_cpu cpus[NR_CPUS];
static unsigned kicks[NR_CPUS];

static void count_kick(struct vgic_cpu *c)
{
    __atomic_fetch_add(&kicks[c->id], 1, __ATOMIC_RELAXED);
}

/* A VM of NR_CPUS vCPUs with the given MPIDRs (NULL: Aff0 = index), Group 1 enabled. */
static void setup_mpidrs(const uint64_t *mpidrs)
{
    vgic_dist_init(&dist, NR_SPIS, count_kick);
    for (unsigned i = 0; i < NR_CPUS; i++) {
        vgic_cpu_init(&dist, &cpus[i], i, mpidrs ? mpidrs[i] : i, NULL);
        kicks[i] = 0;
    }
    dist.grp1_enabled = true;
}

static void setup(void)
{
    setup_mpidrs(NULL);
}

static struct vgic_irq *irq_of(struct vgic_cpu *c, uint32_t intid)
{
    return vgic_get_irq(&dist, c, intid);
}

/* Configures an interrupt (Group 1, enabled, the priority given) and requeues it. */
static struct vgic_irq *config(struct vgic_cpu *c, uint32_t intid, uint8_t prio, bool edge)
{
    struct vgic_irq *irq = irq_of(c, intid);
    spin_lock(&irq->lock);
    irq->group1 = true;
    irq->enabled = true;
    irq->priority = prio;
    irq->edge = edge;
    vgic_queue_unlock(&dist, irq);
    return irq;
}

static void route(struct vgic_irq *irq, uint64_t irouter)
{
    spin_lock(&irq->lock);
    irq->irouter = irouter;
    vgic_queue_unlock(&dist, irq);
}

static unsigned list_len(const struct vgic_cpu *c)
{
    unsigned n = 0;
    for (const struct list_node *pos = c->ap_list.next; pos != &c->ap_list; pos = pos->next) {
        n++;
    }
    return n;
}

static bool queued_on(const struct vgic_irq *irq, const struct vgic_cpu *c)
{
    bool found = false;
    for (const struct list_node *pos = c->ap_list.next; pos != &c->ap_list; pos = pos->next) {
        found = found || pos == &irq->ap_link;
    }
    return found && irq->vcpu == c;
}

static uint32_t lr_intid(uint64_t lr)
{
    return (uint32_t)(lr & ICH_LR_VINTID_MASK);
}

static uint64_t lr_state(uint64_t lr)
{
    return lr & (ICH_LR_PENDING | ICH_LR_ACTIVE);
}

/* The guest acknowledges and deactivates everything: every LR comes back empty. */
static void fold_all_done(struct vgic_cpu *c, uint64_t *lrs, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        lrs[i] &= ~(ICH_LR_PENDING | ICH_LR_ACTIVE);
    }
    vgic_fold_lrs(c, lrs, n);
}

/* --- tests ------------------------------------------------------------------- */

static void test_init(void)
{
    setup();
    EXPECT_EQ(dist.nr_cpus, NR_CPUS);
    EXPECT_EQ(dist.nr_spis, NR_SPIS);
    struct vgic_irq *sgi = irq_of(&cpus[1], 3);
    EXPECT(sgi->edge && !sgi->enabled && !sgi->group1 && sgi->priority == 0);
    EXPECT(sgi->owner == &cpus[1] && sgi->guest_owned && sgi->intid == 3);
    struct vgic_irq *ppi = irq_of(&cpus[2], VGIC_INTID_VTIMER);
    EXPECT(!ppi->edge && ppi->guest_owned && ppi->owner == &cpus[2]);
    EXPECT(!irq_of(&cpus[0], VGIC_INTID_MAINTENANCE)->guest_owned);
    EXPECT(!irq_of(&cpus[3], VGIC_INTID_HYP_TIMER)->guest_owned);
    EXPECT(irq_of(&cpus[3], 24)->guest_owned);
    struct vgic_irq *spi = irq_of(NULL, 32 + NR_SPIS - 1);
    EXPECT(spi == &dist.spis[NR_SPIS - 1]);
    EXPECT(!spi->edge && spi->irouter == 0 && spi->owner == NULL);
    EXPECT(spi->guest_owned && spi->intid == 32 + NR_SPIS - 1);
    EXPECT(irq_of(NULL, 32 + NR_SPIS) == NULL);
    EXPECT(irq_of(NULL, 1023) == NULL);
    EXPECT(irq_of(NULL, 5) == NULL);
    EXPECT(vgic_target(&dist, spi) == &cpus[0]);
    EXPECT(vgic_target(&dist, sgi) == &cpus[1]);
    EXPECT(cpus[0].sleeping && list_empty(&cpus[0].ap_list));
}

static void test_queue_rules(void)
{
    setup();
    /* Not enabled: pending, but on no list and nobody kicked. */
    struct vgic_irq *irq = irq_of(NULL, 40);
    irq->group1 = true;
    vgic_set_pending(&dist, NULL, 40);
    EXPECT(vgic_irq_is_pending(irq));
    EXPECT(irq->vcpu == NULL && list_empty(&cpus[0].ap_list));
    EXPECT_EQ(kicks[0], 0);
    /* Enabling queues it on its target and kicks it, once. */
    config(NULL, 40, 0x80, false);
    EXPECT(queued_on(irq, &cpus[0]));
    EXPECT_EQ(kicks[0], 1);
    /* Pended again while listed: listed once, and the holder is told (issue 10, defect 1). */
    vgic_set_pending(&dist, NULL, 40);
    EXPECT_EQ(list_len(&cpus[0]), 1);
    EXPECT_EQ(kicks[0], 2);

    /* Its group disabled: not queued; enabling the group and requeueing does. */
    dist.grp1_enabled = false;
    struct vgic_irq *other = config(NULL, 41, 0x80, false);
    vgic_set_pending(&dist, NULL, 41);
    EXPECT(other->vcpu == NULL);
    dist.grp1_enabled = true;
    route(other, 0);
    EXPECT(queued_on(other, &cpus[0]));
    EXPECT_EQ(kicks[0], 3);

    /* A Group 0 interrupt waits for Group 0. */
    struct vgic_irq *g0 = config(NULL, 42, 0x80, false);
    spin_lock(&g0->lock);
    g0->group1 = false;
    spin_unlock(&g0->lock);
    vgic_set_pending(&dist, NULL, 42);
    EXPECT(g0->vcpu == NULL);
    dist.grp0_enabled = true;
    route(g0, 0);
    EXPECT(queued_on(g0, &cpus[0]));
    EXPECT(vgic_has_pending(&cpus[0]));
    EXPECT(!vgic_has_pending(&cpus[1]));
}

static void test_level(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    struct vgic_irq *ppi = config(&cpus[1], VGIC_INTID_PTIMER, 0x40, false);
    EXPECT(ppi->vcpu == NULL);
    vgic_set_level(&dist, &cpus[1], VGIC_INTID_PTIMER, true);
    EXPECT(queued_on(ppi, &cpus[1]));
    EXPECT_EQ(kicks[1], 1);
    EXPECT(vgic_has_pending(&cpus[1]));
    /* The line drops before delivery: no longer pending, pruned at the next flush. */
    vgic_set_level(&dist, &cpus[1], VGIC_INTID_PTIMER, false);
    EXPECT(!vgic_irq_is_pending(ppi));
    EXPECT(!vgic_has_pending(&cpus[1]));
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 0);
    EXPECT(ppi->vcpu == NULL && list_empty(&cpus[1].ap_list));

    /* Delivered: EOI asks for a maintenance interrupt, the line stays the state. */
    vgic_set_level(&dist, &cpus[1], VGIC_INTID_PTIMER, true);
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 1);
    EXPECT_EQ(lrs[0], VGIC_INTID_PTIMER | 0x40ULL << ICH_LR_PRIORITY_SHIFT | ICH_LR_GROUP1 |
                          ICH_LR_EOI | ICH_LR_PENDING);
    EXPECT(vgic_irq_is_pending(ppi));
    /* Guest EOIs while the line is still high: pending again. */
    fold_all_done(&cpus[1], lrs, 1);
    EXPECT(queued_on(ppi, &cpus[1]));
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 1);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_PENDING);
    /*
     * The line drops while it sits in an LR unacknowledged: a private
     * interrupt stays listed at the fold, alone and idle, and the next flush
     * drops it and fills nothing.
     */
    vgic_set_level(&dist, &cpus[1], VGIC_INTID_PTIMER, false);
    vgic_fold_lrs(&cpus[1], lrs, 1);
    EXPECT(queued_on(ppi, &cpus[1]) && list_len(&cpus[1]) == 1);
    EXPECT(!vgic_irq_is_pending(ppi) && !ppi->active && !vgic_has_pending(&cpus[1]));
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 0);
    EXPECT(ppi->vcpu == NULL && list_empty(&cpus[1].ap_list));

    /* Software-pended level interrupt: acknowledging clears the latch. */
    struct vgic_irq *spi = config(NULL, 50, 0x20, false);
    vgic_set_pending(&dist, NULL, 50);
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 1);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_PENDING);
    EXPECT(lrs[0] & ICH_LR_EOI);
    lrs[0] = (lrs[0] & ~ICH_LR_PENDING) | ICH_LR_ACTIVE; /* acknowledged */
    vgic_fold_lrs(&cpus[0], lrs, 1);
    EXPECT(!spi->pending_latch && spi->active && queued_on(spi, &cpus[0]));
    EXPECT(!vgic_has_pending(&cpus[0]));
    fold_all_done(&cpus[0], lrs, vgic_flush_lrs(&cpus[0], lrs, NR_LRS));
    EXPECT(!spi->active && spi->vcpu == NULL);
}

static void test_active_stays(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    /* Active alone (GICD_ISACTIVER) puts an interrupt on the list, even disabled. */
    struct vgic_irq *irq = irq_of(NULL, 60);
    spin_lock(&irq->lock);
    irq->active = true;
    irq->group1 = true;
    vgic_queue_unlock(&dist, irq);
    EXPECT(queued_on(irq, &cpus[0]));
    EXPECT(!vgic_has_pending(&cpus[0]));
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 1);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_ACTIVE);
    vgic_fold_lrs(&cpus[0], lrs, 1); /* still active */
    EXPECT(queued_on(irq, &cpus[0]) && irq->active);
    /* Retargeted while active: it stays until deactivated. */
    route(irq, 2);
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 1);
    vgic_fold_lrs(&cpus[0], lrs, 1);
    EXPECT(queued_on(irq, &cpus[0]));
    fold_all_done(&cpus[0], lrs, 1);
    EXPECT(irq->vcpu == NULL && !irq->active);
    EXPECT(list_empty(&cpus[0].ap_list) && list_empty(&cpus[2].ap_list));
}

static void test_sgi_decode(void)
{
    setup();
    /* Unicast target list, Aff1 = 0, RS = 0: vCPUs 1 and 2 get SGI 5. */
    for (unsigned i = 0; i < NR_CPUS; i++) {
        config(&cpus[i], 5, 0, true);
        config(&cpus[i], 9, 0, true);
    }
    EXPECT_EQ(vgic_sgi(&dist, &cpus[0], 5ULL << 24 | 0x6, true), 2);
    EXPECT(!vgic_irq_is_pending(irq_of(&cpus[0], 5)));
    EXPECT(vgic_irq_is_pending(irq_of(&cpus[1], 5)));
    EXPECT(vgic_irq_is_pending(irq_of(&cpus[2], 5)));
    EXPECT(!vgic_irq_is_pending(irq_of(&cpus[3], 5)));
    EXPECT(!vgic_irq_is_pending(irq_of(&cpus[1], 4)));
    EXPECT(kicks[0] == 0 && kicks[1] == 1 && kicks[2] == 1 && kicks[3] == 0);
    /* A vCPU may target itself through the list. */
    EXPECT_EQ(vgic_sgi(&dist, &cpus[0], 9ULL << 24 | 0x1, true), 1);
    EXPECT(vgic_irq_is_pending(irq_of(&cpus[0], 9)));
    /* Aff1 mismatch, RS mismatch, bits beyond the vCPUs: nobody. */
    EXPECT_EQ(vgic_sgi(&dist, &cpus[0], 1ULL << 16 | 9ULL << 24 | 0xF, true), 0);
    EXPECT_EQ(vgic_sgi(&dist, &cpus[0], 1ULL << 44 | 9ULL << 24 | 0xF, true), 0);
    EXPECT_EQ(vgic_sgi(&dist, &cpus[0], 1ULL << 32 | 9ULL << 24 | 0xF, true), 0);
    EXPECT_EQ(vgic_sgi(&dist, &cpus[0], 1ULL << 48 | 9ULL << 24 | 0xF, true), 0);
    EXPECT_EQ(vgic_sgi(&dist, &cpus[0], 9ULL << 24 | 0xFFF0, true), 0);
    /* IRM: everyone but the sender; the target list is ignored. */
    EXPECT_EQ(vgic_sgi(&dist, &cpus[2], 1ULL << 40 | 15ULL << 24 | 0x4, false), 3);
    EXPECT(vgic_irq_is_pending(irq_of(&cpus[0], 15)));
    EXPECT(vgic_irq_is_pending(irq_of(&cpus[1], 15)));
    EXPECT(!vgic_irq_is_pending(irq_of(&cpus[2], 15)));
    EXPECT(vgic_irq_is_pending(irq_of(&cpus[3], 15)));
    /* SGI 15 is disabled: pending but on no list. */
    EXPECT(irq_of(&cpus[0], 15)->vcpu == NULL);
}

static void test_sgi_affinity(void)
{
    /* Aff0 0, 17, 1, 16 under Aff1 2; Aff2 and Aff3 on the last. */
    static const uint64_t mpidrs[NR_CPUS] = {0x200, 0x211, 0x201, 0x700040210ULL};
    setup_mpidrs(mpidrs);
    uint64_t base = 2ULL << 16; /* Aff1 = 2 */
    /* RS = 1, bit 1: Aff0 17 only. */
    EXPECT_EQ(vgic_sgi(&dist, &cpus[0], base | 1ULL << 24 | 1ULL << 44 | 0x2, true), 1);
    EXPECT(vgic_irq_is_pending(irq_of(&cpus[1], 1)));
    EXPECT(!vgic_irq_is_pending(irq_of(&cpus[2], 1)));
    /* RS = 0, bits 0 and 1: Aff0 0 and 1. */
    EXPECT_EQ(vgic_sgi(&dist, &cpus[1], base | 0x3 | 2ULL << 24, true), 2);
    EXPECT(vgic_irq_is_pending(irq_of(&cpus[0], 2)));
    EXPECT(vgic_irq_is_pending(irq_of(&cpus[2], 2)));
    EXPECT(!vgic_irq_is_pending(irq_of(&cpus[1], 2)));
    /* RS = 1, bit 0: Aff0 16, but only with its Aff2 (4) and Aff3 (7). */
    EXPECT_EQ(vgic_sgi(&dist, &cpus[0], base | 3ULL << 24 | 1ULL << 44 | 0x1, true), 0);
    uint64_t far = 0x2ULL << 16 | 4ULL << 32 | 7ULL << 48 | 1ULL << 44 | 0x1 | 3ULL << 24;
    EXPECT_EQ(vgic_sgi(&dist, &cpus[0], far, true), 1);
    EXPECT(vgic_irq_is_pending(irq_of(&cpus[3], 3)));
    /* IRM from a sender outside the VM (NULL): everyone. */
    EXPECT_EQ(vgic_sgi(&dist, NULL, 1ULL << 40 | 4ULL << 24, true), NR_CPUS);
}

static void test_spi_routing(void)
{
    static const uint64_t mpidrs[NR_CPUS] = {0, 1, 0x102, 0x500000003ULL};
    setup_mpidrs(mpidrs);
    struct vgic_irq *irq = config(NULL, 33, 0, false);
    EXPECT(vgic_target(&dist, irq) == &cpus[0]);
    irq->irouter = 1;
    EXPECT(vgic_target(&dist, irq) == &cpus[1]);
    irq->irouter = 0x102;
    EXPECT(vgic_target(&dist, irq) == &cpus[2]);
    irq->irouter = 0x2; /* Aff1 differs */
    EXPECT(vgic_target(&dist, irq) == NULL);
    irq->irouter = 0x500000003ULL;
    EXPECT(vgic_target(&dist, irq) == &cpus[3]);
    irq->irouter = 0x3;
    EXPECT(vgic_target(&dist, irq) == NULL);
    /* IRM: the first awake vCPU, vCPU 0 when all sleep; the affinity is ignored. */
    irq->irouter = 1ULL << 31 | 3;
    EXPECT(vgic_target(&dist, irq) == &cpus[0]);
    cpus[2].sleeping = false;
    cpus[3].sleeping = false;
    EXPECT(vgic_target(&dist, irq) == &cpus[2]);
    cpus[0].sleeping = false;
    EXPECT(vgic_target(&dist, irq) == &cpus[0]);

    /* An invalid route: pending, queued nowhere, until the route is fixed. */
    route(irq, 0x2);
    vgic_set_level(&dist, NULL, 33, true);
    EXPECT(vgic_irq_is_pending(irq) && irq->vcpu == NULL);
    for (unsigned i = 0; i < NR_CPUS; i++) {
        EXPECT(list_empty(&cpus[i].ap_list));
    }
    route(irq, 0x102);
    EXPECT(queued_on(irq, &cpus[2]));
    EXPECT_EQ(kicks[2], 1);
}

static const uint8_t overflow_prios[10] = {0x90, 0x10, 0x50, 0xF0, 0x30,
                                           0x70, 0x00, 0xA0, 0x20, 0x60};

static void test_flush_overflow(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    /* Ten edge SPIs at distinct priorities, all pending on vCPU 0. */
    for (uint32_t i = 0; i < 10; i++) {
        config(NULL, 32 + i, overflow_prios[i], true);
        vgic_set_pending(&dist, NULL, 32 + i);
    }
    EXPECT_EQ(list_len(&cpus[0]), 10);
    unsigned delivered = 0;
    unsigned seen[10] = {0};
    int last_prio = -1; /* the lowest priority (highest value) listed in the previous round */
    bool in_order = true;
    for (unsigned round = 0; round < 3; round++) {
        /* Within a round the list registers' order is free (the GIC picks by priority). */
        int round_max = -1;
        unsigned n = vgic_flush_lrs(&cpus[0], lrs, NR_LRS);
        EXPECT_EQ(n, round < 2 ? 4 : 2);
        EXPECT_EQ(cpus[0].underflow, round < 2);
        for (unsigned i = 0; i < n; i++) {
            uint32_t intid = lr_intid(lrs[i]);
            int prio = (int)((lrs[i] >> ICH_LR_PRIORITY_SHIFT) & 0xFF);
            EXPECT(intid >= 32 && intid < 42);
            EXPECT_EQ(lr_state(lrs[i]), ICH_LR_PENDING);
            EXPECT(!(lrs[i] & ICH_LR_EOI));
            EXPECT_EQ(prio, overflow_prios[intid - 32]);
            in_order = in_order && prio > last_prio;
            round_max = prio > round_max ? prio : round_max;
            seen[intid - 32]++;
            delivered++;
        }
        last_prio = round_max;
        fold_all_done(&cpus[0], lrs, n);
    }
    EXPECT(in_order);
    EXPECT_EQ(delivered, 10);
    for (unsigned i = 0; i < 10; i++) {
        EXPECT_EQ(seen[i], 1);
    }
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 0);
    EXPECT(!cpus[0].underflow && list_empty(&cpus[0].ap_list));
}

static void test_flush_order(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    /* Ties by INTID; an active interrupt goes first whatever its priority. */
    config(NULL, 45, 0x80, true);
    config(NULL, 44, 0x80, true);
    config(NULL, 46, 0x40, true);
    struct vgic_irq *act = config(NULL, 47, 0xF0, true);
    vgic_set_pending(&dist, NULL, 45);
    vgic_set_pending(&dist, NULL, 44);
    vgic_set_pending(&dist, NULL, 46);
    spin_lock(&act->lock);
    act->active = true;
    vgic_queue_unlock(&dist, act);
    /* A pending interrupt that was disabled while queued is skipped (and dropped). */
    struct vgic_irq *off = config(NULL, 48, 0x00, true);
    vgic_set_pending(&dist, NULL, 48);
    off->enabled = false;
    EXPECT_EQ(list_len(&cpus[0]), 5);
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 4);
    EXPECT(!cpus[0].underflow);
    EXPECT_EQ(lr_intid(lrs[0]), 47);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_ACTIVE);
    EXPECT_EQ(lr_intid(lrs[1]), 46);
    EXPECT_EQ(lr_intid(lrs[2]), 44);
    EXPECT_EQ(lr_intid(lrs[3]), 45);
    EXPECT(off->vcpu == NULL && vgic_irq_is_pending(off));
    /* One LR: the active one, and underflow. */
    vgic_fold_lrs(&cpus[0], lrs, 4);
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, 1), 1);
    EXPECT_EQ(lr_intid(lrs[0]), 47);
    EXPECT(cpus[0].underflow);
    vgic_fold_lrs(&cpus[0], lrs, 1);
}

static void test_edge_latch(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    struct vgic_irq *irq = config(NULL, 36, 0x10, true);
    vgic_set_pending(&dist, NULL, 36);
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 1);
    /* The latch moved into the LR. */
    EXPECT(!irq->pending_latch);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_PENDING);
    /* Not acknowledged by the next exit: back into the latch, still queued. */
    vgic_fold_lrs(&cpus[0], lrs, 1);
    EXPECT(irq->pending_latch && queued_on(irq, &cpus[0]));
    /* Acknowledged, then a new edge while active: pending and active. */
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 1);
    lrs[0] = (lrs[0] & ~ICH_LR_PENDING) | ICH_LR_ACTIVE;
    vgic_set_pending(&dist, NULL, 36);
    vgic_fold_lrs(&cpus[0], lrs, 1);
    EXPECT(irq->pending_latch && irq->active);
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 1);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_PENDING | ICH_LR_ACTIVE);
    fold_all_done(&cpus[0], lrs, 1);
    EXPECT(irq->vcpu == NULL && !vgic_irq_is_pending(irq));

    /* An edge-triggered input latches rising edges only. */
    vgic_set_level(&dist, NULL, 36, true);
    EXPECT(irq->pending_latch);
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 1);
    fold_all_done(&cpus[0], lrs, 1);
    vgic_set_level(&dist, NULL, 36, true);
    EXPECT(!irq->pending_latch && irq->vcpu == NULL);
    vgic_set_level(&dist, NULL, 36, false);
    vgic_set_level(&dist, NULL, 36, true);
    EXPECT(irq->pending_latch && queued_on(irq, &cpus[0]));
}

static void test_hw(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    struct vgic_irq *irq = config(&cpus[2], VGIC_INTID_VTIMER, 0xA0, false);
    vgic_map_hw(irq, 27);
    EXPECT(irq->hw && irq->hwintid == 27);
    vgic_set_level(&dist, &cpus[2], VGIC_INTID_VTIMER, true);
    EXPECT_EQ(vgic_flush_lrs(&cpus[2], lrs, NR_LRS), 1);
    EXPECT_EQ(lrs[0], VGIC_INTID_VTIMER | 27ULL << ICH_LR_PINTID_SHIFT | ICH_LR_HW |
                          0xA0ULL << ICH_LR_PRIORITY_SHIFT | ICH_LR_GROUP1 | ICH_LR_PENDING);
    EXPECT(!(lrs[0] & ICH_LR_EOI));
    /* The pending state went to the physical side; back if not acknowledged. */
    EXPECT(!vgic_irq_is_pending(irq));
    vgic_fold_lrs(&cpus[2], lrs, 1);
    EXPECT(vgic_irq_is_pending(irq) && queued_on(irq, &cpus[2]));
    /* Acknowledged; the device raises the line again meanwhile: active only in the LR. */
    EXPECT_EQ(vgic_flush_lrs(&cpus[2], lrs, NR_LRS), 1);
    lrs[0] = (lrs[0] & ~ICH_LR_PENDING) | ICH_LR_ACTIVE;
    vgic_fold_lrs(&cpus[2], lrs, 1);
    EXPECT(irq->active && !vgic_irq_is_pending(irq));
    vgic_set_level(&dist, &cpus[2], VGIC_INTID_VTIMER, true);
    EXPECT_EQ(vgic_flush_lrs(&cpus[2], lrs, NR_LRS), 1);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_ACTIVE);
    EXPECT(lrs[0] & ICH_LR_HW);
    /* Deactivated: the pending one follows. */
    fold_all_done(&cpus[2], lrs, 1);
    EXPECT(queued_on(irq, &cpus[2]));
    EXPECT_EQ(vgic_flush_lrs(&cpus[2], lrs, NR_LRS), 1);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_PENDING);
    fold_all_done(&cpus[2], lrs, 1);
    /* Finished: still listed, alone and idle, until the next flush drops it. */
    EXPECT(queued_on(irq, &cpus[2]) && list_len(&cpus[2]) == 1);
    EXPECT(!vgic_irq_is_pending(irq) && !irq->active);
    EXPECT_EQ(vgic_flush_lrs(&cpus[2], lrs, NR_LRS), 0);
    EXPECT(irq->vcpu == NULL && list_empty(&cpus[2].ap_list));
}

static void test_retarget(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    struct vgic_irq *irq = config(NULL, 55, 0x30, true);
    vgic_set_pending(&dist, NULL, 55);
    EXPECT(queued_on(irq, &cpus[0]));
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 1);
    /* Routed to vCPU 3 while in vCPU 0's LR, not yet acknowledged. */
    route(irq, 3);
    EXPECT(queued_on(irq, &cpus[0]));
    vgic_fold_lrs(&cpus[0], lrs, 1);
    EXPECT(queued_on(irq, &cpus[3]) && list_empty(&cpus[0].ap_list));
    EXPECT_EQ(kicks[3], 1);
    EXPECT_EQ(vgic_flush_lrs(&cpus[3], lrs, NR_LRS), 1);
    EXPECT_EQ(lr_intid(lrs[0]), 55);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_PENDING);
    vgic_fold_lrs(&cpus[3], lrs, 1);
    /* Rerouted while queued but in no LR: the next flush moves it. */
    route(irq, 1);
    EXPECT_EQ(vgic_flush_lrs(&cpus[3], lrs, NR_LRS), 0);
    EXPECT(queued_on(irq, &cpus[1]) && list_empty(&cpus[3].ap_list));
    EXPECT_EQ(kicks[1], 1);
    /* Routed nowhere: dropped from the list, still pending. */
    route(irq, 0x700);
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 0);
    EXPECT(irq->vcpu == NULL && vgic_irq_is_pending(irq));
}

static void test_reset(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    struct vgic_irq *hw = config(&cpus[1], VGIC_INTID_VTIMER, 0x10, false);
    vgic_map_hw(hw, 27);
    vgic_set_level(&dist, &cpus[1], VGIC_INTID_VTIMER, true);
    struct vgic_irq *spi = config(NULL, 40, 0x20, true);
    route(spi, 1);
    vgic_set_pending(&dist, NULL, 40);
    cpus[1].sleeping = false;
    dist.grp0_enabled = true;
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 2);
    vgic_reset(&dist);
    EXPECT(!dist.grp0_enabled && !dist.grp1_enabled);
    EXPECT(list_empty(&cpus[1].ap_list) && cpus[1].sleeping && cpus[1].used_lrs == 0);
    EXPECT(hw->vcpu == NULL && !hw->enabled && !vgic_irq_is_pending(hw) && hw->priority == 0);
    EXPECT(hw->hw && hw->hwintid == 27);
    EXPECT(spi->vcpu == NULL && spi->irouter == 0 && !spi->edge && !spi->group1);
    EXPECT(!irq_of(&cpus[1], VGIC_INTID_MAINTENANCE)->guest_owned);
    EXPECT(irq_of(&cpus[1], 0)->edge);
    /* Stale LRs folded after the reset change nothing. */
    vgic_fold_lrs(&cpus[1], lrs, 2);
    EXPECT(!hw->active && hw->vcpu == NULL && !spi->pending_latch);
}

/* --- threads ----------------------------------------------------------------- */

#define STRESS_ROUNDS 20000
#define STRESS_SPIS   16

static bool stress_stop;

/* A vCPU: enter (flush), the guest acknowledges and EOIs everything, exit (fold). */
static void *stress_cpu(void *arg)
{
    struct vgic_cpu *c = arg;
    uint64_t lrs[NR_LRS];
    while (!__atomic_load_n(&stress_stop, __ATOMIC_ACQUIRE)) {
        unsigned n = vgic_flush_lrs(c, lrs, NR_LRS);
        fold_all_done(c, lrs, n);
    }
    return NULL;
}

/* A device and a guest's GICD writes: pend SPIs and SGIs, move SPIs around. */
static void *stress_injector(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    for (unsigned i = 0; i < STRESS_ROUNDS; i++) {
        seed = seed * 1103515245U + 12345U;
        uint32_t intid = 32 + (seed >> 8) % STRESS_SPIS;
        vgic_set_pending(&dist, NULL, intid);
        if ((seed >> 16) % 4 == 0) {
            route(irq_of(NULL, intid), (seed >> 20) % NR_CPUS);
        }
        vgic_sgi(&dist, &cpus[(seed >> 24) % NR_CPUS], 1ULL << 40 | 2ULL << 24, true);
    }
    return NULL;
}

static void test_threads(void)
{
    setup();
    for (uint32_t i = 0; i < STRESS_SPIS; i++) {
        config(NULL, 32 + i, (uint8_t)(i * 8), true);
    }
    for (unsigned i = 0; i < NR_CPUS; i++) {
        config(&cpus[i], 2, 0, true);
    }
    pthread_t cpu_threads[NR_CPUS];
    pthread_t injectors[2];
    for (unsigned i = 0; i < NR_CPUS; i++) {
        pthread_create(&cpu_threads[i], NULL, stress_cpu, &cpus[i]);
    }
    for (unsigned i = 0; i < 2; i++) {
        pthread_create(&injectors[i], NULL, stress_injector, (void *)(uintptr_t)(i + 1));
    }
    for (unsigned i = 0; i < 2; i++) {
        pthread_join(injectors[i], NULL);
    }
    __atomic_store_n(&stress_stop, true, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < NR_CPUS; i++) {
        pthread_join(cpu_threads[i], NULL);
    }
    /* Drain: everything delivered, every list empty, nothing left pending. */
    uint64_t lrs[NR_LRS];
    for (unsigned round = 0; round < 8; round++) {
        for (unsigned i = 0; i < NR_CPUS; i++) {
            fold_all_done(&cpus[i], lrs, vgic_flush_lrs(&cpus[i], lrs, NR_LRS));
        }
    }
    bool idle = true;
    for (unsigned i = 0; i < NR_CPUS; i++) {
        idle = idle && list_empty(&cpus[i].ap_list);
        idle = idle && !vgic_irq_is_pending(irq_of(&cpus[i], 2));
    }
    for (uint32_t i = 0; i < STRESS_SPIS; i++) {
        struct vgic_irq *irq = irq_of(NULL, 32 + i);
        idle = idle && irq->vcpu == NULL && !vgic_irq_is_pending(irq);
    }
    EXPECT(idle);
}

int main(void)
{
    test_init();
    test_queue_rules();
    test_level();
    test_active_stays();
    test_sgi_decode();
    test_sgi_affinity();
    test_spi_routing();
    test_flush_overflow();
    test_flush_order();
    test_edge_latch();
    test_hw();
    test_retarget();
    test_reset();
    test_threads();
    return unit_report("vgic");
}
