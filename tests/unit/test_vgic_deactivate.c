/*
 * Host unit test for vgic_deactivate() (vgic/vgic.c): the guest's ICC_DIR_EL1
 * in EOImode 1, trapped by ICH_HCR_EL2.TC. The list registers are folded
 * before the trap is handled, as vcpu/vcpu.c's run loop does, and the next
 * flush shows the result. List-register values follow ICH_LR<n>_EL2 (GICv3
 * spec): State [63:62] (pending 62, active 63), HW [61], Group [60].
 */
#include <stdbool.h>
#include <stdint.h>

#include "unit.h"
#include "vgic/vgic.h"

UNIT_STATE;

#define NR_CPUS 2
#define NR_SPIS 32
#define NR_LRS  4

static struct vgic_dist dist;
static struct vgic_cpu cpus[NR_CPUS];

static void setup(void)
{
    vgic_dist_init(&dist, NR_SPIS, NULL);
    for (unsigned i = 0; i < NR_CPUS; i++) {
        vgic_cpu_init(&dist, &cpus[i], i, i, NULL);
    }
    dist.grp1_enabled = true;
}

static struct vgic_irq *config(struct vgic_cpu *c, uint32_t intid, bool edge)
{
    struct vgic_irq *irq = vgic_get_irq(&dist, c, intid);
    spin_lock(&irq->lock);
    irq->group1 = true;
    irq->enabled = true;
    irq->priority = 0x50;
    irq->edge = edge;
    vgic_queue_unlock(&dist, irq);
    return irq;
}

static uint64_t state(uint64_t lr)
{
    return lr & (ICH_LR_PENDING | ICH_LR_ACTIVE);
}

/* The guest acknowledges the one pending list register: flush, then fold it active. */
static void acknowledge(struct vgic_cpu *c)
{
    uint64_t lrs[NR_LRS];
    EXPECT_EQ(vgic_flush_lrs(c, lrs, NR_LRS), 1);
    EXPECT_EQ(state(lrs[0]), ICH_LR_PENDING);
    lrs[0] = (lrs[0] & ~ICH_LR_PENDING) | ICH_LR_ACTIVE;
    vgic_fold_lrs(c, lrs, 1);
}

static void test_sgi(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    uint32_t hw = 0xDEAD;
    struct vgic_irq *irq = config(&cpus[0], 5, true);
    vgic_set_pending(&dist, &cpus[0], 5);
    acknowledge(&cpus[0]);
    EXPECT(irq->active);

    /* Another vCPU's DIR of "its" INTID 5 touches its own SGI 5, not this one. */
    EXPECT(!vgic_deactivate(&cpus[1], 5, &hw));
    EXPECT(irq->active);

    /* Pended again while active: DIR leaves it pending, and the next flush offers it. */
    vgic_set_pending(&dist, &cpus[0], 5);
    EXPECT(!vgic_deactivate(&cpus[0], 5, &hw));
    EXPECT_EQ(hw, 0xDEAD);
    EXPECT(!irq->active && vgic_irq_is_pending(irq));
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 1);
    EXPECT_EQ(state(lrs[0]), ICH_LR_PENDING);
    lrs[0] = (lrs[0] & ~ICH_LR_PENDING) | ICH_LR_ACTIVE;
    vgic_fold_lrs(&cpus[0], lrs, 1);

    /* Active only: after DIR nothing is left, and the list empties at the next flush. */
    EXPECT(!vgic_deactivate(&cpus[0], 5, &hw));
    EXPECT(!irq->active && !vgic_irq_is_pending(irq));
    EXPECT_EQ(vgic_flush_lrs(&cpus[0], lrs, NR_LRS), 0);
    EXPECT(list_empty(&cpus[0].ap_list) && irq->vcpu == NULL);

    /* Not active: nothing happens. */
    EXPECT(!vgic_deactivate(&cpus[0], 5, &hw));
    EXPECT(!irq->active);
}

static void test_out_of_range(void)
{
    setup();
    uint32_t hw = 0;
    EXPECT(!vgic_deactivate(&cpus[0], 32 + NR_SPIS, &hw));
    EXPECT(!vgic_deactivate(&cpus[0], 1023, &hw));
    EXPECT(!vgic_deactivate(&cpus[0], 0xFFFFFF, &hw));
}

static void test_spi(void)
{
    setup();
    uint32_t hw = 0;
    struct vgic_irq *irq = config(NULL, 40, false);
    spin_lock(&irq->lock);
    irq->irouter = 1; /* vCPU 1 */
    vgic_queue_unlock(&dist, irq);
    vgic_set_level(&dist, NULL, 40, true);
    acknowledge(&cpus[1]);
    EXPECT(irq->active && irq->vcpu == &cpus[1]);
    /* Active on vCPU 1: vCPU 0's DIR does not deactivate it. */
    EXPECT(!vgic_deactivate(&cpus[0], 40, &hw));
    EXPECT(irq->active);
    /* The line is still high: after DIR it is pending again, on vCPU 1. */
    EXPECT(!vgic_deactivate(&cpus[1], 40, &hw));
    EXPECT(!irq->active && vgic_irq_is_pending(irq) && irq->vcpu == &cpus[1]);
}

static void test_hw(void)
{
    setup();
    uint64_t lrs[NR_LRS];
    uint32_t hw = 0;
    struct vgic_irq *irq = config(&cpus[1], VGIC_INTID_VTIMER, false);
    vgic_map_hw(irq, 27);
    vgic_set_level(&dist, &cpus[1], VGIC_INTID_VTIMER, true);
    acknowledge(&cpus[1]);
    EXPECT(irq->active);
    /* Hardware-mapped: the caller must deactivate physical INTID 27. */
    EXPECT(vgic_deactivate(&cpus[1], VGIC_INTID_VTIMER, &hw));
    EXPECT_EQ(hw, 27);
    EXPECT(!irq->active);
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, NR_LRS), 0);
    /* Not active any more: no second physical deactivation. */
    hw = 0;
    EXPECT(!vgic_deactivate(&cpus[1], VGIC_INTID_VTIMER, &hw));
    EXPECT_EQ(hw, 0);
}

int main(void)
{
    test_sgi();
    test_out_of_range();
    test_spi();
    test_hw();
    return unit_report("vgic_deactivate");
}
