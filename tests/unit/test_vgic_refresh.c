/*
 * Host tests of the short flush (vgic_refresh_lrs, issue 12): a finished
 * private interrupt stays listed, and a pend of it again is put back into its
 * list register in place, with no list lock, no relink and no second fold;
 * finished ones not pending again leave the list, their registers compacted;
 * the refresh refuses (changing nothing) whenever the list may hold more than
 * the list registers do. A threaded ping-pong (a sender pending SGIs, a
 * "vCPU" that exits only when `changed` says so) checks that no pend is lost
 * or delivered twice between the two.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"
#include "vgic/vgic.h"

UNIT_STATE;

#define NR_CPUS 2
#define NR_SPIS 32
#define NR_LRS  4
#define STATE   (ICH_LR_PENDING | ICH_LR_ACTIVE)

static struct vgic_dist dist;
static struct vgic_cpu cpus[NR_CPUS];
static unsigned kicks[NR_CPUS];

static void count_kick(struct vgic_cpu *c)
{
    __atomic_fetch_add(&kicks[c->id], 1, __ATOMIC_RELAXED);
}

static void setup(void)
{
    vgic_dist_init(&dist, NR_SPIS, count_kick);
    for (unsigned i = 0; i < NR_CPUS; i++) {
        vgic_cpu_init(&dist, &cpus[i], i, i, NULL);
        kicks[i] = 0;
    }
    dist.grp1_enabled = true;
}

static struct vgic_irq *config(struct vgic_cpu *c, uint32_t intid, bool edge)
{
    struct vgic_irq *irq = vgic_get_irq(&dist, c, intid);
    spin_lock(&irq->lock);
    irq->group1 = true;
    irq->enabled = true;
    irq->priority = 0x80;
    irq->edge = edge;
    vgic_queue_unlock(&dist, irq);
    return irq;
}

static unsigned list_len(const struct vgic_cpu *c)
{
    unsigned n = 0;
    for (const struct list_node *pos = c->ap_list.next; pos != &c->ap_list; pos = pos->next) {
        n++;
    }
    return n;
}

static void test_repend_in_place(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    uint32_t rw = 0xFFFF;
    struct vgic_cpu *c = &cpus[1];
    struct vgic_irq *sgi = config(c, 1, true);
    vgic_set_pending(&dist, c, 1);
    EXPECT(c->linked);
    EXPECT_EQ(vgic_flush_lrs(c, lrs, NR_LRS), 1);
    EXPECT(!c->linked && !c->folded);
    /* The guest takes it and EOIs it in the list register, no exit; it is pended again. */
    lrs[0] &= ~STATE;
    vgic_set_pending(&dist, c, 1);
    EXPECT_EQ(kicks[1], 2); /* still listed: the running vCPU must exit (issue 10) */
    EXPECT(c->changed && !c->linked);
    unsigned irq_locks = sgi->lock.next, list_locks = c->ap_lock.next;
    unsigned used = 1;
    EXPECT(vgic_refresh_lrs(c, lrs, &used, 0x1, &rw));
    EXPECT_EQ(rw, 0x1);
    EXPECT_EQ(used, 1);
    EXPECT_EQ(lrs[0], 1 | 0x80ULL << ICH_LR_PRIORITY_SHIFT | ICH_LR_GROUP1 | ICH_LR_PENDING);
    EXPECT(!sgi->pending_latch && !sgi->active && sgi->vcpu == c);
    EXPECT_EQ(sgi->lock.next - irq_locks, 1);
    EXPECT_EQ(c->ap_lock.next - list_locks, 0);
    EXPECT_EQ(list_len(c), 1);

    /* Finished with nothing pending: folded as done, off the list, its register dropped. */
    lrs[0] &= ~STATE;
    rw = 0xFFFF;
    EXPECT(vgic_refresh_lrs(c, lrs, &used, 0x1, &rw));
    EXPECT_EQ(rw, 0);
    EXPECT_EQ(used, 0);
    EXPECT(list_len(c) == 0 && sgi->vcpu == NULL);
    EXPECT(!sgi->active && !vgic_irq_is_pending(sgi));
}

/* Finished ones among others: dropped, and the rest moved down to close the gaps. */
static void test_compact(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    uint32_t rw = 0;
    struct vgic_cpu *c = &cpus[0];
    for (uint32_t i = 1; i <= 3; i++) {
        config(c, i, true);
        vgic_set_pending(&dist, c, i);
    }
    EXPECT_EQ(vgic_flush_lrs(c, lrs, NR_LRS), 3);
    for (unsigned i = 0; i < 3; i++) {
        lrs[i] &= ~STATE; /* all three taken and finished */
    }
    vgic_set_pending(&dist, c, 3); /* only SGI 3 again */
    unsigned used = 3;
    EXPECT(vgic_refresh_lrs(c, lrs, &used, 0x7, &rw));
    EXPECT_EQ(used, 1);
    EXPECT_EQ(rw, 0x1);
    EXPECT_EQ(lrs[0], 3 | 0x80ULL << ICH_LR_PRIORITY_SHIFT | ICH_LR_GROUP1 | ICH_LR_PENDING);
    EXPECT(list_len(c) == 1 && vgic_get_irq(&dist, c, 3)->vcpu == c);
    EXPECT(vgic_get_irq(&dist, c, 1)->vcpu == NULL && vgic_get_irq(&dist, c, 2)->vcpu == NULL);
    /* SGI 1 pending again while SGI 3 is finished: SGI 3 leaves, SGI 1 is linked anew. */
    lrs[0] &= ~STATE;
    vgic_set_pending(&dist, c, 1);
    EXPECT(c->linked);
    EXPECT(!vgic_refresh_lrs(c, lrs, &used, 0x1, &rw));
    EXPECT_EQ(used, 1);
}

static void test_refuses(void)
{
    setup();
    uint64_t lrs[NR_LRS], before[NR_LRS];
    uint32_t rw = 0xFFFF;
    struct vgic_cpu *c = &cpus[0];
    struct vgic_irq *sgi = config(c, 1, true);
    config(c, 2, true);
    vgic_set_pending(&dist, c, 1);
    EXPECT_EQ(vgic_flush_lrs(c, lrs, NR_LRS), 1);
    lrs[0] &= ~STATE;
    memcpy(before, lrs, sizeof(lrs));
    /* Nothing in use. */
    unsigned used = 0;
    EXPECT(!vgic_refresh_lrs(c, lrs, &used, 0xF, &rw));
    /* A register the guest has not finished (pending or active in it). */
    used = 1;
    EXPECT(!vgic_refresh_lrs(c, lrs, &used, 0x0, &rw));
    /* Something linked since the flush: it has no register yet. */
    vgic_set_pending(&dist, c, 2);
    EXPECT(c->linked);
    EXPECT(!vgic_refresh_lrs(c, lrs, &used, 0x1, &rw));
    EXPECT_EQ(used, 1);
    EXPECT(memcmp(before, lrs, sizeof(lrs)) == 0);
    EXPECT_EQ(rw, 0xFFFF);
    EXPECT(!sgi->active && sgi->vcpu == c);       /* nothing folded by a refusal */
    EXPECT_EQ(vgic_flush_lrs(c, lrs, NR_LRS), 1); /* SGI 2; SGI 1, done, dropped */
    EXPECT_EQ(lrs[0] & ICH_LR_VINTID_MASK, 2);
    EXPECT(sgi->vcpu == NULL && list_len(c) == 1);
    /* An SPI in a register: it may have to move, which needs the full flush. */
    config(NULL, 40, true);
    vgic_set_pending(&dist, NULL, 40);
    lrs[0] &= ~STATE;
    vgic_fold_lrs(c, lrs, 1);
    EXPECT_EQ(vgic_flush_lrs(c, lrs, NR_LRS), 1);
    EXPECT_EQ(lrs[0] & ICH_LR_VINTID_MASK, 40);
    lrs[0] &= ~STATE;
    EXPECT(!vgic_refresh_lrs(c, lrs, &used, 0x1, &rw));
    vgic_fold_lrs(c, lrs, 1);
    EXPECT(list_len(c) == 0); /* a finished SPI leaves at the fold, as before */
    /* More listed than list registers (underflow). */
    for (uint32_t i = 3; i < 3 + NR_LRS + 1; i++) {
        config(c, i, true);
        vgic_set_pending(&dist, c, i);
    }
    EXPECT_EQ(vgic_flush_lrs(c, lrs, NR_LRS), NR_LRS);
    EXPECT(c->underflow);
    for (unsigned i = 0; i < NR_LRS; i++) {
        lrs[i] &= ~STATE;
    }
    used = NR_LRS;
    EXPECT(!vgic_refresh_lrs(c, lrs, &used, 0xF, &rw));
}

/* A level interrupt pended by software after the fold: the refresh must not fold it again. */
static void test_no_second_fold(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    uint32_t rw = 0;
    struct vgic_cpu *c = &cpus[0];
    struct vgic_irq *ppi = config(c, VGIC_INTID_PTIMER, false);
    vgic_set_pending(&dist, c, VGIC_INTID_PTIMER);
    EXPECT_EQ(vgic_flush_lrs(c, lrs, NR_LRS), 1);
    lrs[0] &= ~STATE; /* acknowledged and EOI'd */
    vgic_fold_lrs(c, lrs, 1);
    EXPECT(c->folded && !ppi->pending_latch && ppi->vcpu == c);
    vgic_set_pending(&dist, c, VGIC_INTID_PTIMER); /* GICD_ISPENDR between fold and entry */
    unsigned used = 1;
    EXPECT(vgic_refresh_lrs(c, lrs, &used, 0x1, &rw));
    EXPECT_EQ(rw, 0x1);
    EXPECT_EQ(used, 1);
    EXPECT_EQ(lrs[0] & STATE, ICH_LR_PENDING);
    EXPECT(lrs[0] & ICH_LR_EOI);
    EXPECT(!c->folded);
}

/*
 * GICv2 (vgic_hw_v2_refresh_one, vgic_refresh_single_v2): a private
 * interrupt's single register is refreshed as on GICv3 (the virtual timer's
 * PPI after its deactivation); an SGI, whose sources one register cannot
 * hold, takes the long way.
 */
static void test_v2_single(void)
{
    setup();
    dist.v2 = true;
    uint64_t lrs[NR_LRS];
    struct vgic_cpu *c = &cpus[0];
    struct vgic_irq *ppi = config(c, VGIC_INTID_PTIMER, false);
    vgic_set_level(&dist, c, VGIC_INTID_PTIMER, true);
    EXPECT_EQ(vgic_flush_lrs(c, lrs, NR_LRS), 1);
    /* Finished by the guest with its line still high: listed again in place. */
    struct vgic_refresh r = vgic_refresh_single_v2(c, lrs[0] & ~STATE);
    EXPECT_EQ(r.op, VGIC_REFRESH_WRITE);
    EXPECT_EQ(r.lr, VGIC_INTID_PTIMER | 0x80ULL << ICH_LR_PRIORITY_SHIFT | ICH_LR_GROUP1 |
                        ICH_LR_PENDING | ICH_LR_EOI); /* a software level: EOI to resample */
    EXPECT(!ppi->active && ppi->vcpu == c);
    /* Finished with its line low: off the list, its register dropped. */
    vgic_set_level(&dist, c, VGIC_INTID_PTIMER, false);
    r = vgic_refresh_single_v2(c, r.lr & ~STATE);
    EXPECT_EQ(r.op, VGIC_REFRESH_DROP);
    EXPECT(list_len(c) == 0 && ppi->vcpu == NULL);
    /* An SGI: refused, nothing changed. */
    struct vgic_irq *sgi = config(c, 1, true);
    vgic_set_pending(&dist, c, 1);
    EXPECT_EQ(vgic_flush_lrs(c, lrs, NR_LRS), 1);
    r = vgic_refresh_single_v2(c, lrs[0] & ~STATE);
    EXPECT_EQ(r.op, VGIC_REFRESH_LONG);
    EXPECT(sgi->vcpu == c && list_len(c) == 1);
}

/* --- threads: a sender and a vCPU that exits only when `changed` is set ------- */

#define ROUNDS 200000

static volatile bool stop;
static unsigned delivered[3]; /* per SGI 1, 2 */
static unsigned refreshed, full;

/*
 * The vCPU: "exits" when its flag says something changed, brings its list
 * registers up to date the way vgic_hw_refill() does (refresh, else fold and
 * flush), and the "guest" takes and finishes every pending one at once.
 */
static void *vcpu_thread(void *arg)
{
    struct vgic_cpu *c = arg;
    uint64_t lrs[NR_LRS] = {0};
    unsigned used = 0;
    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
        if (!__atomic_load_n(&c->changed, __ATOMIC_ACQUIRE)) {
            sched_yield();
            continue;
        }
        __atomic_store_n(&c->changed, 0U, __ATOMIC_SEQ_CST);
        uint32_t rw;
        uint32_t empty = used >= 32 ? ~0U : (1U << used) - 1; /* the guest finished them all */
        if (vgic_refresh_lrs(c, lrs, &used, empty, &rw)) {
            refreshed++;
        } else {
            if (used != 0) {
                vgic_fold_lrs(c, lrs, used);
            }
            used = vgic_flush_lrs(c, lrs, NR_LRS);
            full++;
        }
        for (unsigned i = 0; i < used; i++) {
            if (lrs[i] & ICH_LR_PENDING) {
                __atomic_fetch_add(&delivered[lrs[i] & 3], 1, __ATOMIC_RELEASE);
                lrs[i] &= ~STATE;
            }
        }
    }
    return NULL;
}

static void watchdog(int sig)
{
    (void)sig;
    printf("FAIL vgic_refresh: a pend was never delivered (watchdog)\n");
    exit(1);
}

static void test_pingpong_race(void)
{
    setup();
    struct vgic_cpu *c = &cpus[1];
    config(c, 1, true);
    config(c, 2, true);
    pthread_t t;
    unsigned sent[3] = {0};
    signal(SIGALRM, watchdog);
    alarm(120);
    pthread_create(&t, NULL, vcpu_thread, c);
    for (unsigned n = 0; n < ROUNDS; n++) {
        unsigned sgi = n % 3 == 2 ? 2 : 1; /* SGI 2 now and then: linked anew each time */
        vgic_set_pending(&dist, c, sgi);
        sent[sgi]++;
        while (__atomic_load_n(&delivered[sgi], __ATOMIC_ACQUIRE) != sent[sgi]) {
            sched_yield();
        }
    }
    for (unsigned i = 0; i < 1000; i++) {
        sched_yield(); /* time for an extra delivery to show */
    }
    __atomic_store_n(&stop, true, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
    alarm(0);
    EXPECT_EQ(delivered[1], sent[1]);
    EXPECT_EQ(delivered[2], sent[2]);
    EXPECT_EQ(sent[1] + sent[2], ROUNDS);
    EXPECT(refreshed > 0 && full > 0);
    EXPECT_EQ(kicks[1], ROUNDS); /* every pend kicks: a new link, or a listed one pending again */
}

int main(void)
{
    test_repend_in_place();
    test_compact();
    test_refuses();
    test_no_second_fold();
    test_v2_single();
    test_pingpong_race();
    return unit_report("vgic_refresh");
}
