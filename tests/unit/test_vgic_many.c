/*
 * Host test of the list-register fill's cost with many interrupts pending on
 * one vCPU (issue 12): 96 pending (16 SGIs, 16 PPIs, 64 SPIs) and 4 list
 * registers. Counted by the ticket locks themselves (each acquisition takes
 * one ticket): a flush locks each listed interrupt once for its key and once
 * more for each list register it fills; a fold locks only the interrupts it
 * folds; a list that fits the list registers is not ordered at all. Before,
 * every flush pruned the whole list, then re-sorted it taking an interrupt's
 * lock per comparison (thousands of acquisitions per entry into the guest).
 * The highest-priority interrupts still win the list registers, and all 96
 * are delivered exactly once.
 */
#include <stdbool.h>
#include <stdint.h>

#include "unit.h"
#include "vgic/vgic.h"

UNIT_STATE;

#define NR_CPUS 2
#define NR_SPIS 64
#define NR_LRS  4
#define NR_PEND (VGIC_NR_PRIVATE + NR_SPIS)

static struct vgic_dist dist;
static struct vgic_cpu cpus[NR_CPUS];
static unsigned kicks;

static void count_kick(struct vgic_cpu *c)
{
    (void)c;
    kicks++;
}

/* Priority of each INTID: distinct, in an order unlike the INTIDs' (5 bits implemented). */
static uint8_t prio_of(uint32_t intid)
{
    return (uint8_t)(((intid * 37U) % NR_PEND) & 0xFF);
}

/* Ticket locks taken so far on every interrupt of the VM, and on vCPU 0's list. */
static unsigned irq_locks(void)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < NR_PEND; i++) {
        n += vgic_get_irq(&dist, &cpus[0], i)->lock.next;
    }
    return n;
}

static unsigned list_locks(void)
{
    return cpus[0].ap_lock.next;
}

static unsigned list_len(const struct vgic_cpu *c)
{
    unsigned n = 0;
    for (const struct list_node *pos = c->ap_list.next; pos != &c->ap_list; pos = pos->next) {
        n++;
    }
    return n;
}

static void setup(void)
{
    vgic_dist_init(&dist, NR_SPIS, count_kick);
    for (unsigned i = 0; i < NR_CPUS; i++) {
        vgic_cpu_init(&dist, &cpus[i], i, i, NULL);
    }
    dist.grp1_enabled = true;
    kicks = 0;
}

/* Every INTID 0..95 of vCPU 0 edge, enabled, Group 1, pending (SPIs routed to vCPU 0). */
static void pend_all(void)
{
    for (uint32_t i = 0; i < NR_PEND; i++) {
        struct vgic_irq *irq = vgic_get_irq(&dist, &cpus[0], i);
        spin_lock(&irq->lock);
        irq->group1 = true;
        irq->enabled = true;
        irq->edge = true;
        irq->priority = prio_of(i);
        irq->pending_latch = true;
        vgic_queue_unlock(&dist, irq);
    }
}

/* The guest acknowledges and deactivates every listed interrupt. */
static void done(uint64_t *lrs, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        lrs[i] &= ~(ICH_LR_PENDING | ICH_LR_ACTIVE);
    }
}

static void test_one_entry(void)
{
    uint64_t lrs[NR_LRS];
    setup();
    struct vgic_irq *sgi = vgic_get_irq(&dist, &cpus[0], 1);
    sgi->group1 = true;
    sgi->enabled = true;
    vgic_set_pending(&dist, &cpus[0], 1);
    unsigned before = irq_locks(), lists = list_locks();
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 1);
    EXPECT_EQ(irq_locks() - before, 1); /* locked once: no prune, no sort */
    EXPECT_EQ(list_locks() - lists, 1);
    done(lrs, 1);
    before = irq_locks();
    lists = list_locks();
    vgic_fold_lrs(&cpus[0], lrs, 1);
    EXPECT_EQ(irq_locks() - before, 1);
    EXPECT_EQ(list_locks() - lists, 0); /* a private interrupt alone: no list lock */
    /* Finished, it stays listed until the next flush, which drops it and fills nothing. */
    EXPECT(sgi->vcpu == &cpus[0] && list_len(&cpus[0]) == 1);
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 0);
    EXPECT(list_empty(&cpus[0].ap_list) && sgi->vcpu == NULL);
}

/*
 * How many of the interrupts with priorities lo .. lo + NR_LRS - 1 (one
 * round's list registers) are private: finished, they stay listed until the
 * next flush.
 */
static unsigned private_among(unsigned lo)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < VGIC_NR_PRIVATE; i++) {
        n += prio_of(i) >= lo && prio_of(i) < lo + NR_LRS;
    }
    return n;
}

static void test_many_pending(void)
{
    uint64_t lrs[NR_LRS];
    unsigned seen[NR_PEND] = {0};
    setup();
    pend_all();
    EXPECT_EQ(list_len(&cpus[0]), NR_PEND);

    /* The first entry: one key per listed interrupt, then one lock per list register filled. */
    unsigned before = irq_locks(), lists = list_locks();
    unsigned n = vgic_flush_lrs(&cpus[0], lrs, NR_LRS);
    EXPECT_EQ(n, NR_LRS);
    EXPECT(cpus[0].underflow);
    EXPECT_EQ(irq_locks() - before, NR_PEND + NR_LRS);
    EXPECT_EQ(list_locks() - lists, 1);
    /* They are the four highest-priority ones (priorities 0..3). */
    for (unsigned i = 0; i < n; i++) {
        uint8_t prio = (uint8_t)((lrs[i] >> ICH_LR_PRIORITY_SHIFT) & 0xFF);
        EXPECT_EQ(prio, i);
    }
    /* The exit: only the four folded interrupts are looked at. */
    done(lrs, n);
    before = irq_locks();
    vgic_fold_lrs(&cpus[0], lrs, n);
    EXPECT_EQ(irq_locks() - before, NR_LRS);
    EXPECT_EQ(private_among(0), 3); /* priorities 0..3: INTIDs 0, 13, 26 and SPI 39 */
    EXPECT_EQ(list_len(&cpus[0]), NR_PEND - NR_LRS + private_among(0));
    for (unsigned i = 0; i < n; i++) {
        seen[lrs[i] & ICH_LR_VINTID_MASK]++;
    }

    /* Drain the rest, four at a time, priority order across rounds. */
    unsigned rounds = 1, delivered = NR_LRS, total = 0;
    int last = NR_LRS - 1;
    bool in_order = true;
    unsigned want_total = 0;
    while (!list_empty(&cpus[0].ap_list) && rounds < 2 * NR_PEND) {
        before = irq_locks();
        unsigned listed = list_len(&cpus[0]);
        /* What is still pending, and the private ones the last round finished. */
        unsigned pending = rounds * NR_LRS < NR_PEND ? NR_PEND - rounds * NR_LRS : 0;
        EXPECT_EQ(listed, pending + private_among((rounds - 1) * NR_LRS));
        n = vgic_flush_lrs(&cpus[0], lrs, NR_LRS);
        total += irq_locks() - before;
        want_total += listed > NR_LRS ? listed + n : listed;
        /* A list that fits is filled in one pass; a longer one keys everything once. */
        EXPECT_EQ(irq_locks() - before, listed > NR_LRS ? listed + n : listed);
        int round_max = last;
        for (unsigned i = 0; i < n; i++) {
            int prio = (int)((lrs[i] >> ICH_LR_PRIORITY_SHIFT) & 0xFF);
            in_order = in_order && prio > last;
            round_max = prio > round_max ? prio : round_max;
            seen[lrs[i] & ICH_LR_VINTID_MASK]++;
        }
        last = round_max;
        delivered += n;
        done(lrs, n);
        vgic_fold_lrs(&cpus[0], lrs, n);
        rounds++;
    }
    EXPECT(in_order);
    EXPECT_EQ(delivered, NR_PEND);
    /* One more entry if the last round's four held a private interrupt: it drops them. */
    EXPECT_EQ(rounds, NR_PEND / NR_LRS + (private_among(NR_PEND - NR_LRS) != 0));
    for (unsigned i = 0; i < NR_PEND; i++) {
        EXPECT_EQ(seen[i], 1);
    }
    /*
     * The entries after the first: the pending lengths 92, 88, ..., 8 plus 4
     * per entry, then 4, as before; plus each of the 32 private interrupts
     * once more, finished but still listed (the last round, priorities
     * 92..95, holds none); plus 4, as the entry with 4 left pending also
     * lists the 3 private ones of priorities 88..91 and so is ordered (7 > 4).
     */
    EXPECT_EQ(private_among(NR_PEND - NR_LRS), 0);
    EXPECT_EQ(private_among(NR_PEND - 2 * NR_LRS), 3);
    EXPECT_EQ(total, want_total);
    EXPECT_EQ(total, (92 + 8) * 22 / 2 + 22 * NR_LRS + NR_LRS + VGIC_NR_PRIVATE + NR_LRS);
    EXPECT(!cpus[0].underflow);
}

int main(void)
{
    test_one_entry();
    test_many_pending();
    return unit_report("vgic_many");
}
