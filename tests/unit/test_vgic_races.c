/*
 * Host tests of the virtual GICv3 core against the sequences outside checks
 * found (issue 10): a re-pended edge interrupt that is still listed must make
 * its vCPU exit; a route change alone kicks nobody; a hardware-mapped level is
 * re-sampled before it is listed; a vCPU reset leaves no private state behind;
 * and a VM reset racing with a device that drives a level never corrupts an
 * interrupt list (threads as CPUs, with a watchdog: a corrupted list makes
 * prune loop forever).
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"
#include "vgic/vgic_mmio.h"

UNIT_STATE;

#define NR_CPUS 4
#define NR_SPIS 64
#define NR_LRS  4

#define GICD_ISENABLER   0x0100
#define GICD_IROUTER_SPI 0x6100 /* GICD_IROUTER<32> */

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

static struct vgic_irq *irq_of(struct vgic_cpu *c, uint32_t intid)
{
    return vgic_get_irq(&dist, c, intid);
}

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

static bool queued_on(const struct vgic_irq *irq, const struct vgic_cpu *c)
{
    bool found = false;
    for (const struct list_node *pos = c->ap_list.next; pos != &c->ap_list; pos = pos->next) {
        found = found || pos == &irq->ap_link;
    }
    return found && irq->vcpu == c;
}

static unsigned list_len_of(const struct vgic_cpu *c)
{
    unsigned n = 0;
    for (const struct list_node *pos = c->ap_list.next; pos != &c->ap_list; pos = pos->next) {
        n++;
    }
    return n;
}

static uint64_t lr_state(uint64_t lr)
{
    return lr & (ICH_LR_PENDING | ICH_LR_ACTIVE);
}

static void dwrite(uint64_t off, unsigned size, uint64_t v)
{
    EXPECT(vgic_dist_mmio_ops.write(&dist, NULL, off, size, v));
}

/* --- defect 1: a re-pend of a listed interrupt makes its vCPU exit ----------- */

static void test_repend_kicks(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    config(&cpus[1], 1, 0x80, true);
    vgic_set_pending(&dist, &cpus[1], 1);
    EXPECT_EQ(kicks[1], 1);
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 1);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_PENDING);
    /* The guest acknowledges and EOIs it in the list register: no exit, still listed. */
    lrs[0] &= ~(ICH_LR_PENDING | ICH_LR_ACTIVE);
    /* The sender pends it again: the running vCPU must exit to see it. */
    vgic_set_pending(&dist, &cpus[1], 1);
    EXPECT_EQ(kicks[1], 2);
    vgic_fold_lrs(&cpus[1], lrs, 1);
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 1);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_PENDING);
    /* Pended again while still pending in the LR: one interrupt, but the kick is harmless. */
    vgic_set_pending(&dist, &cpus[1], 1);
    vgic_fold_lrs(&cpus[1], lrs, 1);
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 1);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_PENDING);
    lrs[0] &= ~(ICH_LR_PENDING | ICH_LR_ACTIVE);
    vgic_fold_lrs(&cpus[1], lrs, 1);
    /* Finished: still listed (a private interrupt), so the next pend kicks as above. */
    EXPECT(queued_on(&cpus[1].private_irqs[1], &cpus[1]) && !cpus[1].private_irqs[1].active);
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 0);
    EXPECT(list_empty(&cpus[1].ap_list));
    /* A level line raised again while listed (a UART SPI): the same rule. */
    struct vgic_irq *spi = config(NULL, 33, 0x40, false);
    vgic_set_level(&dist, NULL, 33, true);
    EXPECT(queued_on(spi, &cpus[0]));
    unsigned before = kicks[0];
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 1);
    vgic_set_level(&dist, NULL, 33, false);
    vgic_set_level(&dist, NULL, 33, true);
    EXPECT_EQ(kicks[0], before + 1);
    /* Lowering a line changes nothing the vCPU must see now: no kick. */
    vgic_set_level(&dist, NULL, 33, false);
    EXPECT_EQ(kicks[0], before + 1);
}

/* --- defect 6: a route change alone kicks nobody ----------------------------- */

static void test_route_change_no_kick(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    dwrite(GICD_ISENABLER + 4, 4, 1U << 8); /* SPI 40 */
    struct vgic_irq *spi = irq_of(NULL, 40);
    spi->group1 = true;
    dwrite(GICD_IROUTER_SPI + 8 * 8, 8, 1); /* to vCPU 1 */
    vgic_set_pending(&dist, NULL, 40);
    EXPECT(queued_on(spi, &cpus[1]));
    EXPECT_EQ(kicks[1], 1);
    /* vCPU 1 is not loaded (queued behind another VM's vCPU): rerouting moves it at once. */
    dwrite(GICD_IROUTER_SPI + 8 * 8, 8, 2);
    EXPECT_EQ(kicks[1], 1);
    EXPECT(queued_on(spi, &cpus[2]) && list_empty(&cpus[1].ap_list));
    EXPECT_EQ(kicks[2], 1);
    /* vCPU 2 is loaded and has it in a list register: it stays there, nobody is kicked. */
    vgic_cpu_set_loaded(&cpus[2], true);
    EXPECT_EQ(vgic_flush_lrs(&cpus[2], lrs, NR_LRS), 1);
    dwrite(GICD_IROUTER_SPI + 8 * 8, 8, 3);
    EXPECT_EQ(kicks[2], 1);
    EXPECT_EQ(kicks[3], 0);
    EXPECT(queued_on(spi, &cpus[2]));
    /* Its next exit folds it (not acknowledged) and moves it to vCPU 3, which is told. */
    vgic_fold_lrs(&cpus[2], lrs, 1);
    EXPECT(queued_on(spi, &cpus[3]) && list_empty(&cpus[2].ap_list));
    EXPECT_EQ(kicks[3], 1);
    vgic_cpu_set_loaded(&cpus[2], false);
    /* Many route changes of a listed SPI whose holder is not loaded: still no kick of it. */
    for (unsigned i = 0; i < 100; i++) {
        dwrite(GICD_IROUTER_SPI + 8 * 8, 8, i % 2 ? 3 : 1);
    }
    EXPECT_EQ(kicks[2], 1);
    EXPECT(queued_on(spi, &cpus[3]));
}

/*
 * --- the put: an SPI a route change left on the loaded vCPU's list moves then;
 * a list of private interrupts only is not walked (they belong nowhere else)
 */
static void test_put_moves_spi(void)
{
    setup();
    dwrite(GICD_ISENABLER + 4, 4, 1U << 8); /* SPI 40 */
    struct vgic_irq *spi = irq_of(NULL, 40);
    spi->group1 = true;
    vgic_cpu_set_loaded(&cpus[2], true);
    dwrite(GICD_IROUTER_SPI + 8 * 8, 8, 2);
    vgic_set_pending(&dist, NULL, 40);
    EXPECT(queued_on(spi, &cpus[2])); /* queued, not yet in a list register */
    dwrite(GICD_IROUTER_SPI + 8 * 8, 8, 3);
    EXPECT(queued_on(spi, &cpus[2])); /* loaded: it stays until a pass over the list */
    EXPECT_EQ(kicks[3], 0);
    vgic_cpu_set_loaded(&cpus[2], false);
    EXPECT(queued_on(spi, &cpus[3]) && list_empty(&cpus[2].ap_list));
    EXPECT_EQ(kicks[3], 1);
    /* An SGI that belongs on no list any more (disabled) stays listed at put... */
    struct vgic_irq *sgi = config(&cpus[1], 1, 0x40, true);
    vgic_cpu_set_loaded(&cpus[1], true);
    vgic_set_pending(&dist, &cpus[1], 1);
    EXPECT(queued_on(sgi, &cpus[1]));
    spin_lock(&sgi->lock);
    sgi->enabled = false;
    spin_unlock(&sgi->lock);
    vgic_cpu_set_loaded(&cpus[1], false);
    EXPECT(queued_on(sgi, &cpus[1]));
    EXPECT(!vgic_has_pending(&cpus[1])); /* ...without waking the vCPU */
    /* ...and enabled again it is deliverable where it is, its vCPU kicked as by a queue. */
    unsigned before = kicks[1];
    spin_lock(&sgi->lock);
    sgi->enabled = true;
    vgic_queue_unlock(&dist, sgi);
    EXPECT(queued_on(sgi, &cpus[1]) && vgic_has_pending(&cpus[1]));
    EXPECT_EQ(kicks[1], before + 1);
}

/* --- defect 2: a hardware-mapped level is re-sampled before it is listed ---- */

static bool device_level;
static unsigned resamples;

static bool fake_resample(struct vgic_irq *irq)
{
    (void)irq;
    resamples++;
    return device_level;
}

static void test_hw_resample(void)
{
    setup();
    dist.resample = fake_resample;
    resamples = 0;
    uint64_t lrs[NR_LRS];
    struct vgic_irq *irq = irq_of(&cpus[1], VGIC_INTID_VTIMER);
    vgic_map_hw(irq, 27);
    config(&cpus[1], VGIC_INTID_VTIMER, 0x10, false);
    spin_lock(&irq->lock);
    irq->enabled = false; /* GICR_ICENABLER0 */
    spin_unlock(&irq->lock);
    /* The timer fires while disabled: pending, on no list. */
    device_level = true;
    vgic_set_level(&dist, &cpus[1], VGIC_INTID_VTIMER, true);
    EXPECT(irq->vcpu == NULL && vgic_irq_is_pending(irq));
    /* The guest silences the timer (CNTV_CTL_EL0 = 0, no trap), then enables 27. */
    device_level = false;
    spin_lock(&irq->lock);
    irq->enabled = true;
    vgic_queue_unlock(&dist, irq);
    /* Listed on the stale level, but the flush asks the device: nothing to deliver. */
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 0);
    EXPECT_EQ(resamples, 1);
    EXPECT(!vgic_irq_is_pending(irq));
    vgic_fold_lrs(&cpus[1], lrs, 0);
    EXPECT(irq->vcpu == NULL && list_empty(&cpus[1].ap_list));
    /*
     * The device raises the line and the interrupt is listed: that level is
     * the device's own output, and the flush comes before the guest can run
     * and lower it, so the flush does not ask again (irq->sampled).
     */
    device_level = true;
    vgic_set_level(&dist, &cpus[1], VGIC_INTID_VTIMER, true);
    EXPECT(irq->sampled && irq->vcpu == &cpus[1]);
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 1);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_PENDING);
    EXPECT(lrs[0] & ICH_LR_HW);
    EXPECT_EQ(resamples, 1);
    EXPECT(!irq->sampled); /* consumed by that flush */
    /* Not acknowledged before the next exit: the next flush asks the device again. */
    vgic_fold_lrs(&cpus[1], lrs, 1);
    EXPECT(vgic_irq_is_pending(irq));
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 1);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_PENDING);
    EXPECT_EQ(resamples, 2);
    /* Active in the guest: the physical side is the guest's; no resample. */
    lrs[0] = (lrs[0] & ~ICH_LR_PENDING) | ICH_LR_ACTIVE;
    vgic_fold_lrs(&cpus[1], lrs, 1);
    vgic_set_level(&dist, &cpus[1], VGIC_INTID_VTIMER, true);
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 1);
    EXPECT_EQ(lr_state(lrs[0]), ICH_LR_ACTIVE);
    EXPECT_EQ(resamples, 2);
}

/* --- defect 5: a vCPU reset leaves nothing of its interrupt state ------------ */

static void test_cpu_reset(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    struct vgic_irq *sgi = config(&cpus[2], 3, 0x40, true);
    struct vgic_irq *ppi = config(&cpus[2], VGIC_INTID_PTIMER, 0x50, false);
    vgic_set_pending(&dist, &cpus[2], 3);
    vgic_set_level(&dist, &cpus[2], VGIC_INTID_PTIMER, true);
    struct vgic_irq *spi = config(NULL, 45, 0x60, true);
    spin_lock(&spi->lock);
    spi->irouter = 2;
    vgic_queue_unlock(&dist, spi);
    vgic_set_pending(&dist, NULL, 45);
    EXPECT_EQ(vgic_flush_lrs(&cpus[2], lrs, NR_LRS), 3);
    for (unsigned i = 0; i < 3; i++) { /* the guest acknowledges all three */
        lrs[i] = (lrs[i] & ~ICH_LR_PENDING) | ICH_LR_ACTIVE;
    }
    vgic_fold_lrs(&cpus[2], lrs, 3);
    cpus[2].vmcr = 0xF0000003;
    cpus[2].ap1r[0] = 1;
    cpus[2].sleeping = false;
    /* CPU_OFF, then CPU_ON: everything private is back to reset. */
    vgic_cpu_reset(&cpus[2]);
    EXPECT(!sgi->enabled && !sgi->active && !vgic_irq_is_pending(sgi) && sgi->priority == 0);
    EXPECT(!ppi->enabled && !ppi->active && !ppi->line_level && !ppi->edge);
    EXPECT(sgi->edge && sgi->vcpu == NULL && ppi->vcpu == NULL);
    EXPECT(cpus[2].vmcr == 0 && cpus[2].ap1r[0] == 0 && cpus[2].used_lrs == 0);
    EXPECT(cpus[2].sleeping);
    /* The SPI is the VM's: still active, listed on its target (the same vCPU here). */
    EXPECT(spi->active && spi->enabled);
    EXPECT(queued_on(spi, &cpus[2]));
    EXPECT_EQ(list_len_of(&cpus[2]), 1);
    /* Other vCPUs are untouched. */
    struct vgic_irq *other = config(&cpus[1], 3, 0x40, true);
    vgic_cpu_reset(&cpus[2]);
    EXPECT(other->enabled);
}

/* --- defect 3: reset against an injecting device, threads as CPUs ------------- */

#define RACE_ROUNDS 5000

static bool race_stop;

static void *race_device(void *arg)
{
    (void)arg;
    bool level = false;
    while (!__atomic_load_n(&race_stop, __ATOMIC_ACQUIRE)) {
        level = !level;
        vgic_set_level(&dist, &cpus[1], VGIC_INTID_PTIMER, level);
        vgic_set_level(&dist, NULL, VGIC_INTID_UART, level);
    }
    return NULL;
}

static void *race_vcpu(void *arg)
{
    (void)arg;
    uint64_t lrs[NR_LRS];
    while (!__atomic_load_n(&race_stop, __ATOMIC_ACQUIRE)) {
        unsigned n = vgic_flush_lrs(&cpus[1], lrs, NR_LRS);
        for (unsigned i = 0; i < n; i++) { /* the guest acknowledges: active */
            lrs[i] = (lrs[i] & ~ICH_LR_PENDING) | ICH_LR_ACTIVE;
        }
        vgic_fold_lrs(&cpus[1], lrs, n);
    }
    return NULL;
}

/*
 * Every list well formed, each interrupt on at most one, its vcpu pointer
 * matching; with every list lock held (a link changes only under its list's
 * lock, and nothing else takes two of them at once).
 */
static bool lists_consistent_locked(void);

static bool lists_consistent(void)
{
    for (unsigned i = 0; i < NR_CPUS; i++) {
        spin_lock(&cpus[i].ap_lock);
    }
    bool ok = lists_consistent_locked();
    for (unsigned i = NR_CPUS; i-- > 0;) {
        spin_unlock(&cpus[i].ap_lock);
    }
    return ok;
}

static bool lists_consistent_locked(void)
{
    unsigned seen[VGIC_NR_PRIVATE * NR_CPUS + NR_SPIS] = {0};
    for (unsigned i = 0; i < NR_CPUS; i++) {
        unsigned n = 0;
        const struct list_node *head = &cpus[i].ap_list;
        for (const struct list_node *pos = head->next; pos != head; pos = pos->next) {
            if (pos->next->prev != pos || ++n > VGIC_NR_PRIVATE + NR_SPIS) {
                return false;
            }
            const struct vgic_irq *irq = list_entry(pos, struct vgic_irq, ap_link);
            if (irq->vcpu != &cpus[i]) {
                return false;
            }
            unsigned idx = irq->intid < VGIC_NR_PRIVATE
                               ? (unsigned)(irq->owner - cpus) * VGIC_NR_PRIVATE + irq->intid
                               : VGIC_NR_PRIVATE * NR_CPUS + irq->intid - VGIC_NR_PRIVATE;
            if (seen[idx]++ != 0) {
                return false;
            }
        }
    }
    return true;
}

/* PPI 30 active (the guest is handling it) and SPI 33 to vCPU 1, both level. */
static void configure_race_irqs(void)
{
    struct vgic_irq *ptimer = irq_of(&cpus[1], VGIC_INTID_PTIMER);
    spin_lock(&ptimer->lock);
    ptimer->active = true;
    vgic_queue_unlock(&dist, ptimer);
    config(&cpus[1], VGIC_INTID_PTIMER, 0x20, false);
    struct vgic_irq *uart = config(NULL, VGIC_INTID_UART, 0x30, false);
    spin_lock(&uart->lock);
    uart->irouter = 1;
    vgic_queue_unlock(&dist, uart);
    __atomic_store_n(&dist.grp1_enabled, true, __ATOMIC_RELAXED);
}

static void watchdog(int sig)
{
    (void)sig;
    static const char msg[] = "FAIL test_vgic_races.c: reset race hung (a corrupted list)\n";
    (void)!write(1, msg, sizeof(msg) - 1);
    _exit(1);
}

static void test_reset_race(void)
{
    setup();
    configure_race_irqs();
    signal(SIGALRM, watchdog);
    alarm(120);
    pthread_t dev, vcpu;
    pthread_create(&dev, NULL, race_device, NULL);
    pthread_create(&vcpu, NULL, race_vcpu, NULL);
    bool ok = true;
    for (unsigned i = 0; i < RACE_ROUNDS && ok; i++) {
        vgic_reset(&dist);
        configure_race_irqs();
        if (i % 16 == 0) {
            ok = lists_consistent();
        }
    }
    __atomic_store_n(&race_stop, true, __ATOMIC_RELEASE);
    pthread_join(dev, NULL);
    pthread_join(vcpu, NULL);
    alarm(0);
    EXPECT(ok);
    EXPECT(lists_consistent());
    /* Quiesced: one reset leaves every list empty and every interrupt idle. */
    vgic_reset(&dist);
    bool idle = true;
    for (unsigned i = 0; i < NR_CPUS; i++) {
        idle = idle && list_empty(&cpus[i].ap_list);
    }
    EXPECT(idle);
    EXPECT(irq_of(&cpus[1], VGIC_INTID_PTIMER)->vcpu == NULL);
    EXPECT(!irq_of(NULL, VGIC_INTID_UART)->line_level);
}

int main(void)
{
    test_repend_kicks();
    test_route_change_no_kick();
    test_put_moves_spi();
    test_hw_resample();
    test_cpu_reset();
    test_reset_race();
    return unit_report("vgic_races");
}
