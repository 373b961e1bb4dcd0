/*
 * Host tests of the virtual GICv2 distributor (vgic/vgic_mmio_dist_v2.c) and
 * the GICv2 parts of the vGIC core, through the MMIO callbacks as the bus
 * calls them (dev = the distributor, vcpu = the accessing vCPU): reset
 * values, byte/word access rules, ITARGETSR routing, GICD_SGIR filters and
 * target lists, SGIs pending per source with SPENDSGIR/CPENDSGIR, the
 * ownership rule, a uniprocessor's RAZ/WI targets, per-source list
 * registers through flush and fold, and the GICH_LR encoding (vgic_lr_v2.h).
 */
#include <stdbool.h>
#include <stdint.h>

#include "unit.h"
#include "vgic/vgic_lr_v2.h"
#include "vgic/vgic_mmio.h"

UNIT_STATE;

#define NR_CPUS 4
#define NR_SPIS 64

static struct vgic_dist dist;
static struct vgic_cpu cpus[NR_CPUS];
static char vcpu_tokens[NR_CPUS]; /* stand-ins for struct vcpu: the MMIO bus passes one */
static unsigned kicks[NR_CPUS];
static unsigned unhandled_count;

static void count_kick(struct vgic_cpu *c)
{
    kicks[c->id]++;
}

static void count_unhandled(bool write, uint64_t offset, unsigned size)
{
    (void)write;
    (void)offset;
    (void)size;
    unhandled_count++;
}

static struct vcpu *vcpu_of(unsigned cpu)
{
    return (struct vcpu *)(void *)&vcpu_tokens[cpu];
}

static void setup_n(unsigned n)
{
    vgic_dist_init(&dist, NR_SPIS, count_kick);
    for (unsigned i = 0; i < n; i++) {
        vgic_cpu_init(&dist, &cpus[i], i, i, vcpu_of(i));
        kicks[i] = 0;
    }
    vgic_dist_v2_setup(&dist);
    vgic_mmio_unhandled = count_unhandled;
    unhandled_count = 0;
}

static void setup(void)
{
    setup_n(NR_CPUS);
}

/* --- accessors: off from GICD's base, as vCPU cpu ------------------------------- */

static bool rd_ok(unsigned cpu, uint64_t off, unsigned size, uint64_t *v)
{
    *v = 0xDEADBEEF;
    return vgic_dist_v2_mmio_ops.read(&dist, vcpu_of(cpu), off, size, v);
}

static uint64_t rd(unsigned cpu, uint64_t off, unsigned size)
{
    uint64_t v;
    EXPECT(rd_ok(cpu, off, size, &v));
    return v;
}

static uint32_t rd32(unsigned cpu, uint64_t off)
{
    return (uint32_t)rd(cpu, off, 4);
}

static bool wr(unsigned cpu, uint64_t off, unsigned size, uint64_t v)
{
    return vgic_dist_v2_mmio_ops.write(&dist, vcpu_of(cpu), off, size, v);
}

static void wr32(unsigned cpu, uint64_t off, uint64_t v)
{
    EXPECT(wr(cpu, off, 4, v));
}

static struct vgic_irq *spi(uint32_t intid)
{
    return vgic_get_irq(&dist, NULL, intid);
}

static struct vgic_irq *priv(unsigned cpu, uint32_t intid)
{
    return &cpus[cpu].private_irqs[intid];
}

/* --- registers ------------------------------------------------------------------ */

static void test_reset_values(void)
{
    setup();
    EXPECT_EQ(rd32(0, 0x000), 0);            /* CTLR */
    EXPECT_EQ(rd32(0, 0x004), 2 | 3U << 5);  /* ITLinesNumber 2, CPUNumber 3, no security */
    EXPECT_EQ(rd32(0, 0x008), VGIC_IIDR);    /* IIDR */
    EXPECT_EQ(rd32(0, 0xFE8), 0x2B);         /* PIDR2: ArchRev 2 */
    EXPECT_EQ(rd32(0, 0xFE8) >> 4 & 0xF, 2); /* ... */
    EXPECT_EQ(rd32(0, 0xFD0), 0x04);         /* PIDR4 */
    EXPECT_EQ(rd32(0, 0xFE0), 0x90);         /* PIDR0 */
    EXPECT_EQ(rd32(0, 0xFF0), 0x0D);         /* CIDR0 */
    EXPECT_EQ(rd32(0, 0xFFC), 0xB1);         /* CIDR3 */
    for (uint64_t n = 0; n < 3; n++) {
        EXPECT_EQ(rd32(1, 0x080 + 4 * n), 0); /* IGROUPR: Group 0 */
        EXPECT_EQ(rd32(1, 0x100 + 4 * n), 0); /* ISENABLER */
        EXPECT_EQ(rd32(1, 0x180 + 4 * n), 0); /* ICENABLER */
        EXPECT_EQ(rd32(1, 0x200 + 4 * n), 0); /* ISPENDR */
        EXPECT_EQ(rd32(1, 0x280 + 4 * n), 0); /* ICPENDR */
        EXPECT_EQ(rd32(1, 0x300 + 4 * n), 0); /* ISACTIVER */
        EXPECT_EQ(rd32(1, 0x380 + 4 * n), 0); /* ICACTIVER */
    }
    for (uint64_t n = 0; n < 24; n++) {
        EXPECT_EQ(rd32(2, 0x400 + 4 * n), 0); /* IPRIORITYR */
    }
    /* ITARGETSR0-7: each vCPU reads its own bit in every byte (INTIDs 25 and 26: 0). */
    for (unsigned c = 0; c < NR_CPUS; c++) {
        uint32_t own = (1U << c) * 0x01010101U;
        for (uint64_t n = 0; n < 6; n++) {
            EXPECT_EQ(rd32(c, 0x800 + 4 * n), own);
        }
        EXPECT_EQ(rd32(c, 0x818), own & 0xFF0000FFU); /* 24 .. 27 */
        EXPECT_EQ(rd32(c, 0x81C), own);
    }
    for (uint64_t n = 8; n < 24; n++) {
        EXPECT_EQ(rd32(0, 0x800 + 4 * n), 0); /* SPIs target nobody */
    }
    EXPECT_EQ(rd32(0, 0xC00), 0xAAAAAAAA); /* ICFGR0: SGIs edge */
    EXPECT_EQ(rd32(0, 0xC04), 0);          /* ICFGR1: PPIs level */
    EXPECT_EQ(rd32(0, 0xC08), 0);          /* SPIs level */
    for (uint64_t n = 0; n < 4; n++) {
        EXPECT_EQ(rd32(0, 0xF10 + 4 * n), 0); /* CPENDSGIR */
        EXPECT_EQ(rd32(0, 0xF20 + 4 * n), 0); /* SPENDSGIR */
    }
    EXPECT_EQ(rd32(0, 0xE00), 0); /* NSACR */
    EXPECT_EQ(rd32(0, 0xF00), 0); /* SGIR is write-only */
    EXPECT_EQ(unhandled_count, 0);
}

static void test_ctlr(void)
{
    setup();
    wr32(0, 0x000, 0x1);
    EXPECT_EQ(rd32(0, 0x000), 0x1);
    EXPECT(dist.grp0_enabled && !dist.grp1_enabled);
    wr32(0, 0x000, 0xFFFFFFFF); /* only the two enables are there */
    EXPECT_EQ(rd32(0, 0x000), 0x3);
    wr32(0, 0x000, 0x2);
    EXPECT_EQ(rd32(0, 0x000), 0x2);
    wr32(0, 0x000, 0);
    EXPECT(!dist.grp0_enabled && !dist.grp1_enabled);
    /* Enabling Group 0 queues a pending, enabled, targeted Group 0 SPI. */
    wr32(0, 0x104, 1U << 8); /* INTID 40 */
    EXPECT(wr(0, 0x828, 1, 0x02));
    wr32(0, 0x204, 1U << 8);
    EXPECT(spi(40)->vcpu == NULL);
    wr32(0, 0x000, 0x1);
    EXPECT(spi(40)->vcpu == &cpus[1]);
    EXPECT_EQ(kicks[1], 1);
    /* Enabling Group 1 too queues a pending Group 1 SGI; enabling nothing new kicks nobody. */
    wr32(2, 0x080, 1U << 5);       /* vCPU 2's SGI 5: Group 1 */
    wr32(2, 0x100, 1U << 5);       /* enabled */
    EXPECT(wr(2, 0xF25, 1, 0x01)); /* SGI 5 pending on vCPU 2 from vCPU 0 */
    EXPECT(cpus[2].private_irqs[5].vcpu == NULL);
    wr32(0, 0x000, 0x3);
    EXPECT(cpus[2].private_irqs[5].vcpu == &cpus[2]);
    EXPECT_EQ(kicks[2], 1);
    unsigned before = kicks[0] + kicks[1] + kicks[2] + kicks[3];
    wr32(0, 0x000, 0x3);
    EXPECT_EQ(kicks[0] + kicks[1] + kicks[2] + kicks[3], before);
    EXPECT_EQ(rd32(0, 0x000), 0x3);
}

static void test_widths(void)
{
    setup();
    uint64_t v;
    /* Bytes only where GICv2 allows them. */
    EXPECT(wr(0, 0x420, 1, 0x48));
    EXPECT_EQ(rd(0, 0x420, 1), 0x48);
    EXPECT(wr(0, 0x821, 1, 0x04));
    EXPECT_EQ(rd(0, 0x821, 1), 0x04);
    EXPECT(wr(0, 0xF23, 1, 0x01));
    EXPECT_EQ(rd(0, 0xF23, 1), 0x01);
    EXPECT(wr(0, 0xF13, 1, 0x01));
    EXPECT_EQ(rd(0, 0xF23, 1), 0);
    EXPECT(!rd_ok(0, 0x000, 1, &v)); /* CTLR */
    EXPECT(!rd_ok(0, 0x101, 1, &v)); /* ISENABLER */
    EXPECT(!wr(0, 0x100, 1, 1));
    EXPECT(!wr(0, 0xC08, 1, 0xFF)); /* ICFGR */
    EXPECT(!wr(0, 0xF00, 1, 0));    /* SGIR */
    /* No halfwords, no doublewords, nothing misaligned. */
    EXPECT(!rd_ok(0, 0x420, 2, &v));
    EXPECT(!wr(0, 0x820, 2, 0));
    EXPECT(!rd_ok(0, 0xF20, 2, &v));
    EXPECT(!rd_ok(0, 0x400, 8, &v));
    EXPECT(!wr(0, 0x100, 8, 0));
    EXPECT(!rd_ok(0, 0x421, 4, &v));
    EXPECT(!wr(0, 0x102, 4, 0));
    EXPECT_EQ(rd32(0, 0x420), 0x48);
    EXPECT_EQ(spi(33)->targets, 0x04);
    /* Reserved offsets: RAZ/WI, reported. */
    EXPECT_EQ(unhandled_count, 0);
    EXPECT_EQ(rd32(0, 0x00C), 0);
    EXPECT(wr(0, 0xF30, 4, ~0ULL));
    EXPECT_EQ(rd32(0, 0x1000), 0);
    EXPECT_EQ(rd32(0, 0xD00), 0);
    EXPECT_EQ(unhandled_count, 4);
}

static void test_priority_and_config(void)
{
    setup();
    /* Banked: vCPU 1's PPI 20 is not vCPU 0's. */
    EXPECT(wr(1, 0x414, 1, 0xFF));
    EXPECT_EQ(rd(1, 0x414, 1), 0xF8); /* 5 priority bits */
    EXPECT_EQ(rd(0, 0x414, 1), 0);
    EXPECT_EQ(priv(1, 20)->priority, 0xF8);
    wr32(2, 0x424, 0x40302010);
    EXPECT_EQ(rd32(2, 0x424), 0x40302010);
    EXPECT_EQ(spi(37)->priority, 0x20);
    /* ICFGR: SGIs stay edge, PPIs and SPIs follow bit 1. */
    wr32(0, 0xC00, 0);
    EXPECT_EQ(rd32(0, 0xC00), 0xAAAAAAAA);
    wr32(3, 0xC04, 0x00000008); /* PPI 17 edge */
    EXPECT(priv(3, 17)->edge && !priv(0, 17)->edge);
    wr32(0, 0xC08, 0xFFFFFFFF);
    EXPECT_EQ(rd32(0, 0xC08), 0xAAAAAAAA);
    /* IGROUPR: read/write, banked for 0-31. */
    wr32(1, 0x080, 0x0000FFFF);
    EXPECT_EQ(rd32(1, 0x080), 0x0000FFFF);
    EXPECT_EQ(rd32(0, 0x080), 0);
    wr32(0, 0x084, 0x80000001);
    EXPECT(spi(32)->group1 && spi(63)->group1 && !spi(33)->group1);
}

/* --- ITARGETSR routing ---------------------------------------------------------- */

static void test_targets(void)
{
    setup();
    uint64_t lrs[4];
    wr32(0, 0x000, 0x1);
    wr32(0, 0x108, 1U << 8); /* INTID 72: enabled */
    wr32(0, 0x208, 1U << 8); /* pending, targeting nobody: on no list */
    EXPECT(spi(72)->vcpu == NULL);
    EXPECT(wr(0, 0x848, 1, 0x0C)); /* vCPUs 2 and 3: 1-of-N, the lowest */
    EXPECT_EQ(rd(3, 0x848, 1), 0x0C);
    EXPECT(spi(72)->vcpu == &cpus[2]);
    EXPECT_EQ(kicks[2], 1);
    /* Not loaded: a new mask moves it at once; the old holder is not kicked. */
    EXPECT(wr(1, 0x848, 1, 0x08));
    EXPECT(spi(72)->vcpu == &cpus[3]);
    EXPECT_EQ(kicks[2], 1);
    EXPECT_EQ(kicks[3], 1);
    EXPECT_EQ(vgic_flush_lrs(&cpus[3], lrs, 4), 1);
    EXPECT_EQ(lrs[0] & ICH_LR_VINTID_MASK, 72);
    vgic_fold_lrs(&cpus[3], lrs, 1);
    /* Bits of vCPUs the VM does not have are WI; a word write covers four SPIs. */
    wr32(0, 0x848, 0xF1F2F4F8);
    EXPECT_EQ(rd32(0, 0x848), 0x01020408);
    EXPECT_EQ(spi(75)->targets, 0x01);
    wr32(0, 0x848, 0xF0);
    EXPECT_EQ(rd(0, 0x848, 1), 0);
    EXPECT_EQ(vgic_flush_lrs(&cpus[3], lrs, 4), 0); /* targets nobody: dropped */
    EXPECT(spi(72)->vcpu == NULL);
    EXPECT(vgic_target(&dist, spi(72)) == NULL);
    EXPECT(wr(0, 0x848, 1, 0x01));
    EXPECT(spi(72)->vcpu == &cpus[0]);
    /* ITARGETSR0-7 are read-only. */
    wr32(0, 0x800, 0x0F0F0F0F);
    EXPECT_EQ(rd32(1, 0x800), 0x02020202);
    EXPECT(wr(2, 0x81F, 1, 0x01));
    EXPECT_EQ(rd(2, 0x81F, 1), 0x04);
    /* Beyond the VM's SPIs: RAZ/WI. */
    EXPECT(wr(0, 0x860, 1, 0x01));
    EXPECT_EQ(rd(0, 0x860, 1), 0);
    EXPECT_EQ(rd32(0, 0x8F8), 0);
    EXPECT_EQ(unhandled_count, 0);
}

static void test_uniprocessor(void)
{
    setup_n(1);
    EXPECT_EQ(rd32(0, 0x004), 2); /* CPUNumber 0 */
    /* A uniprocessor's ITARGETSRs are RAZ/WI (4.3.12); every SPI is its CPU's. */
    EXPECT_EQ(rd32(0, 0x800), 0);
    wr32(0, 0x828, 0x01010101);
    EXPECT_EQ(rd32(0, 0x828), 0);
    wr32(0, 0x000, 0x1);
    wr32(0, 0x104, 1U << 9);
    wr32(0, 0x204, 1U << 9);
    EXPECT(spi(41)->vcpu == &cpus[0]);
    /* SGIR to itself, by list and by filter 2; to "others": nobody. */
    EXPECT_EQ(vgic_v2_sgir_write(&dist, &cpus[0], 0x00010001), 1);
    EXPECT_EQ(vgic_v2_sgir_write(&dist, &cpus[0], 0x01000002), 0);
    EXPECT_EQ(vgic_v2_sgir_write(&dist, &cpus[0], 0x02000003), 1);
    EXPECT_EQ(rd32(0, 0xF20), 0x01000100); /* SGIs 1 and 3 from vCPU 0 */
}

/* --- SGIs ----------------------------------------------------------------------- */

/* SPENDSGIR byte of SGI sgi as vCPU cpu sees it: its sources. */
static uint64_t sources(unsigned cpu, unsigned sgi)
{
    return rd(cpu, 0xF20 + sgi, 1);
}

static void test_sgir(void)
{
    setup();
    /* Filter 0: CPUTargetList; bits of absent vCPUs name nobody. */
    wr32(0, 0xF00, 0x00F60005); /* SGI 5 to vCPUs 1 and 2 (and 4-7: none) */
    EXPECT_EQ(sources(1, 5), 0x01);
    EXPECT_EQ(sources(2, 5), 0x01);
    EXPECT_EQ(sources(0, 5), 0);
    EXPECT_EQ(sources(3, 5), 0);
    EXPECT_EQ(rd32(1, 0x200) & 0xFFFF, 1U << 5);                   /* ISPENDR0 shows it */
    EXPECT_EQ(vgic_v2_sgir_write(&dist, &cpus[0], 0x00000005), 0); /* empty list */
    /* Filter 1: everyone but the sender; CPUTargetList ignored. */
    EXPECT_EQ(vgic_v2_sgir_write(&dist, &cpus[2], 0x01040007), 3);
    EXPECT_EQ(sources(0, 7), 0x04);
    EXPECT_EQ(sources(1, 7), 0x04);
    EXPECT_EQ(sources(2, 7), 0);
    EXPECT_EQ(sources(3, 7), 0x04);
    /* Filter 2: the sender only. */
    EXPECT_EQ(vgic_v2_sgir_write(&dist, &cpus[3], 0x0201000F), 1);
    EXPECT_EQ(sources(3, 15), 0x08);
    EXPECT_EQ(sources(0, 15), 0);
    /* Filter 3 is reserved: nothing. The INTID is bits [3:0]; NSATT is ignored. */
    EXPECT_EQ(vgic_v2_sgir_write(&dist, &cpus[0], 0x030F0001), 0);
    EXPECT_EQ(rd32(0, 0x200) & 0xFFFF, 1U << 7);
    wr32(1, 0xF00, 0x000180F3); /* SGI 3 to vCPU 0, NSATT set, bits [14:4] ignored */
    EXPECT_EQ(sources(0, 3), 0x02);
    EXPECT_EQ(kicks[0], 0); /* disabled SGIs pend on no list: nobody is kicked */
    /* Only a word write of GICD_SGIR is done with list registers live (vcpu/trap.c). */
    EXPECT(vgic_dist_v2_mmio_ops.pends_only_write(0xF00, 4));
    EXPECT(!vgic_dist_v2_mmio_ops.pends_only_write(0xF00, 1));
    EXPECT(!vgic_dist_v2_mmio_ops.pends_only_write(0xF04, 4));
    EXPECT(!vgic_dist_v2_mmio_ops.pends_only_write(0x200, 4)); /* ISPENDR0 */
    EXPECT(vgic_dist_mmio_ops.pends_only_write == NULL);       /* GICv3: SGIs are ICC_SGI1R_EL1's */
}

static void test_sgi_sources(void)
{
    setup();
    /* vCPUs 1 and 2 both send SGI 3 to vCPU 0: pending from two sources. */
    wr32(1, 0xF00, 0x00010003);
    wr32(2, 0xF00, 0x00010003);
    EXPECT_EQ(sources(0, 3), 0x06);
    EXPECT_EQ(rd32(0, 0xF20), 0x06000000);
    EXPECT_EQ(rd32(0, 0xF10), 0x06000000); /* CPENDSGIR reads the same */
    EXPECT_EQ(sources(1, 3), 0);           /* banked */
    /* CPENDSGIR clears one source; the SGI stays pending from the other. */
    EXPECT(wr(0, 0xF13, 1, 0x02));
    EXPECT_EQ(sources(0, 3), 0x04);
    EXPECT_EQ(rd32(0, 0x200), 1U << 3);
    /* SPENDSGIR sets one (bits of absent vCPUs: WI), from vCPU 0's own view. */
    EXPECT(wr(0, 0xF23, 1, 0xF1));
    EXPECT_EQ(sources(0, 3), 0x05);
    /* ISPENDR/ICPENDR bits of SGIs are WI. */
    wr32(0, 0x280, 0xFFFF);
    EXPECT_EQ(sources(0, 3), 0x05);
    wr32(0, 0x200, 1U << 4);
    EXPECT_EQ(rd32(0, 0x200), 1U << 3);
    EXPECT(!vgic_irq_is_pending(priv(0, 4)));
    /* Clearing every source: not pending any more. */
    wr32(0, 0xF10, 0xFF000000);
    EXPECT_EQ(rd32(0, 0x200), 0);
    EXPECT(!priv(0, 3)->pending_latch);
    /* A word write to SPENDSGIR1: SGIs 4-7, a byte each. */
    wr32(2, 0xF24, 0x08040201);
    EXPECT_EQ(rd32(2, 0xF24), 0x08040201);
    EXPECT_EQ(priv(2, 6)->sgi_sources, 0x04);
}

/* SGI 3 from vCPUs 0 and 2 on vCPU 1: one source per list register, in turn. */
static void test_sgi_list_registers(void)
{
    setup();
    uint64_t lrs[4];
    wr32(0, 0x000, 0x1);
    wr32(1, 0x100, 1U << 3); /* vCPU 1 enables SGI 3 */
    EXPECT(wr(1, 0x403, 1, 0x50));
    wr32(2, 0xF00, 0x00020003); /* from 2 */
    wr32(0, 0xF00, 0x00020003); /* from 0 */
    EXPECT(priv(1, 3)->vcpu == &cpus[1]);
    EXPECT_EQ(priv(1, 3)->sgi_sources, 0x05);

    /* First flush: the lowest source, pending, EOI asked (another waits). */
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, 4), 1);
    EXPECT_EQ(lrs[0], 3 | 0x50ULL << 48 | ICH_LR_PENDING | ICH_LR_EOI | 0ULL << 32);
    EXPECT_EQ(vgic_v2_make_lr(lrs[0]), 3 | 10U << 23 | GICH_LR_PENDING | GICH_LR_EOI);
    EXPECT_EQ(priv(1, 3)->sgi_sources, 0x04);
    EXPECT_EQ(sources(1, 3), 0x04);

    /* Not acknowledged by the exit: the source comes back. */
    vgic_fold_lrs(&cpus[1], lrs, 1);
    EXPECT_EQ(priv(1, 3)->sgi_sources, 0x05);

    /* Acknowledged (active, source 0): the list register holds the activation only. */
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, 4), 1);
    uint64_t acked =
        vgic_v2_lr_image((vgic_v2_make_lr(lrs[0]) & ~GICH_LR_PENDING) | GICH_LR_ACTIVE);
    vgic_fold_lrs(&cpus[1], &acked, 1);
    EXPECT(priv(1, 3)->active);
    EXPECT_EQ(priv(1, 3)->active_source, 0);
    EXPECT_EQ(priv(1, 3)->sgi_sources, 0x04);
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, 4), 1);
    EXPECT_EQ(lrs[0], 3 | 0x50ULL << 48 | ICH_LR_ACTIVE | ICH_LR_EOI);
    EXPECT_EQ(priv(1, 3)->sgi_sources, 0x04);

    /* Deactivated (the LR went invalid): the next source, 2, with no EOI (none left). */
    uint64_t done = vgic_v2_lr_image(3);
    vgic_fold_lrs(&cpus[1], &done, 1);
    EXPECT(!priv(1, 3)->active);
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, 4), 1);
    EXPECT_EQ(lrs[0], 3 | 0x50ULL << 48 | ICH_LR_PENDING | 2ULL << VGIC_LR_SOURCE_SHIFT);
    EXPECT_EQ(vgic_v2_make_lr(lrs[0]), 3 | 2U << 10 | 10U << 23 | GICH_LR_PENDING);
    EXPECT_EQ(priv(1, 3)->sgi_sources, 0);
    EXPECT_EQ(rd32(1, 0xF20), 0);

    /* Acknowledged, and source 2 sends again meanwhile: pending and active, one source. */
    acked = vgic_v2_lr_image(3 | 2U << 10 | 10U << 23 | GICH_LR_ACTIVE);
    vgic_fold_lrs(&cpus[1], &acked, 1);
    EXPECT_EQ(priv(1, 3)->active_source, 2);
    wr32(2, 0xF00, 0x00020003);
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, 4), 1);
    EXPECT_EQ(lrs[0],
              3 | 0x50ULL << 48 | ICH_LR_PENDING | ICH_LR_ACTIVE | 2ULL << VGIC_LR_SOURCE_SHIFT);
    done = vgic_v2_lr_image(3);
    vgic_fold_lrs(&cpus[1], &done, 1);
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, 4), 0);
    EXPECT(priv(1, 3)->vcpu == NULL);
}

/* --- ownership ------------------------------------------------------------------ */

static void test_ownership(void)
{
    setup();
    const uint32_t reserved = 1U << VGIC_INTID_MAINTENANCE | 1U << VGIC_INTID_HYP_TIMER;
    wr32(0, 0x080, ~0ULL);
    wr32(0, 0x100, ~0ULL);
    wr32(0, 0x200, ~0ULL);
    wr32(0, 0x300, ~0ULL);
    EXPECT_EQ(rd32(0, 0x080) & reserved, 0);
    EXPECT_EQ(rd32(0, 0x100) & reserved, 0);
    EXPECT_EQ(rd32(0, 0x200) & reserved, 0);
    EXPECT_EQ(rd32(0, 0x300) & reserved, 0);
    EXPECT_EQ(rd32(0, 0x100) & ~reserved, ~reserved);
    EXPECT(!priv(0, 25)->enabled && !priv(0, 26)->enabled && !priv(0, 26)->active);
    EXPECT(priv(0, 27)->enabled);
    wr32(0, 0x180, ~0ULL);
    wr32(0, 0x380, ~0ULL);
    EXPECT(wr(0, 0x419, 1, 0x40));
    EXPECT(wr(0, 0x41A, 1, 0x40));
    EXPECT(wr(0, 0x41B, 1, 0x40));
    EXPECT_EQ(rd32(0, 0x418), 0x40000000);
    EXPECT_EQ(priv(0, 25)->priority, 0);
    EXPECT_EQ(rd(0, 0x819, 1), 0); /* ITARGETSR of a reserved PPI */
    wr32(0, 0xC04, ~0ULL);
    EXPECT_EQ(rd32(0, 0xC04) & (3U << 18 | 3U << 20), 0);
    EXPECT(!priv(0, 25)->edge);
    /* SPIs the VM does not have. */
    wr32(0, 0x10C, ~0ULL);
    EXPECT_EQ(rd32(0, 0x10C), 0);
    EXPECT_EQ(rd32(0, 0x40C + 0x60), 0);
    /* An access from no vCPU of this VM sees no banked interrupt. */
    uint64_t v = 1;
    EXPECT(vgic_dist_v2_mmio_ops.read(&dist, NULL, 0x800, 4, &v));
    EXPECT_EQ(v, 0);
    EXPECT(vgic_dist_v2_mmio_ops.write(&dist, NULL, 0xF00, 4, 0x02000001));
    EXPECT_EQ(rd32(0, 0xF20), 0);
}

/* --- the GICH_LR encoding ------------------------------------------------------- */

static void test_lr_encoding(void)
{
    /* Hardware-mapped virtual timer: pINTID 27, Group 1, pending, priority 0xA0. */
    uint64_t hw = 27 | 27ULL << ICH_LR_PINTID_SHIFT | 0xA0ULL << ICH_LR_PRIORITY_SHIFT |
                  ICH_LR_GROUP1 | ICH_LR_HW | ICH_LR_PENDING;
    uint32_t lr = vgic_v2_make_lr(hw);
    EXPECT_EQ(lr, 27U | 27U << 10 | 20U << 23 | 1U << 28 | 1U << 30 | 1U << 31);
    EXPECT_EQ(vgic_v2_lr_image(lr), hw);
    /* A level SPI: EOI bit 19, active and pending, Group 0. */
    uint64_t lvl =
        40 | 0xF8ULL << ICH_LR_PRIORITY_SHIFT | ICH_LR_EOI | ICH_LR_PENDING | ICH_LR_ACTIVE;
    lr = vgic_v2_make_lr(lvl);
    EXPECT_EQ(lr, 40U | 1U << 19 | 31U << 23 | 3U << 28);
    EXPECT_EQ(vgic_v2_lr_image(lr), lvl);
    /* An SGI from CPU 7: CPUID [12:10]. */
    uint64_t sgi = 15 | 7ULL << VGIC_LR_SOURCE_SHIFT | ICH_LR_PENDING;
    lr = vgic_v2_make_lr(sgi);
    EXPECT_EQ(lr, 15U | 7U << 10 | 1U << 28);
    EXPECT_EQ(vgic_v2_lr_image(lr), sgi);
    /* The largest INTIDs fit their 10-bit fields. */
    uint64_t big = 1019 | 1019ULL << ICH_LR_PINTID_SHIFT | ICH_LR_HW | ICH_LR_ACTIVE;
    EXPECT_EQ(vgic_v2_make_lr(big), 1019U | 1019U << 10 | 1U << 29 | 1U << 31);
    EXPECT_EQ(vgic_v2_lr_image(vgic_v2_make_lr(big)), big);
    EXPECT_EQ(vgic_v2_make_lr(0), 0);
}

/* The GICv3 model is untouched: an SGI there carries no source and no EOI bit. */
static void test_v3_unchanged(void)
{
    vgic_dist_init(&dist, NR_SPIS, count_kick);
    for (unsigned i = 0; i < 2; i++) {
        vgic_cpu_init(&dist, &cpus[i], i, i, vcpu_of(i));
    }
    uint64_t lrs[4];
    dist.grp1_enabled = true;
    priv(1, 2)->enabled = true;
    priv(1, 2)->group1 = true;
    EXPECT_EQ(vgic_sgi(&dist, &cpus[0], 2ULL << 24 | 2, true), 1);
    EXPECT_EQ(vgic_sgi(&dist, &cpus[0], 2ULL << 24 | 2, true), 1);
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, 4), 1);
    EXPECT_EQ(lrs[0], 2 | ICH_LR_GROUP1 | ICH_LR_PENDING);
    EXPECT_EQ(priv(1, 2)->sgi_sources, 0);
    vgic_fold_lrs(&cpus[1], lrs, 1);
    EXPECT(priv(1, 2)->pending_latch);
    EXPECT_EQ(priv(1, 2)->sgi_sources, 0);
}

/*
 * A hardware-mapped interrupt (the virtual timer) is listed as a software
 * interrupt with EOI set, so that the guest's deactivation exits (QEMU's
 * GICv2 does not re-signal a level still high after a HW deactivation);
 * the fold gives the core its HW image back, with the state read back, and
 * reports a deactivation only when the state went to invalid.
 */
static void test_soft_hw(void)
{
    uint64_t hw = 27 | 27ULL << ICH_LR_PINTID_SHIFT | 0xA0ULL << ICH_LR_PRIORITY_SHIFT | ICH_LR_HW |
                  ICH_LR_PENDING;
    uint32_t lr = vgic_v2_make_lr(vgic_v2_soft_hw(hw));
    EXPECT_EQ(lr, 27U | 1U << 19 | 20U << 23 | 1U << 28); /* EOI, no HW, no physical INTID */

    bool deactivated = false;
    uint64_t acked = vgic_v2_lr_image((lr & ~GICH_LR_PENDING) | GICH_LR_ACTIVE);
    EXPECT_EQ(vgic_v2_unsoft_hw(hw, acked, &deactivated), (hw & ~ICH_LR_PENDING) | ICH_LR_ACTIVE);
    EXPECT(!deactivated);
    EXPECT_EQ(vgic_v2_unsoft_hw(hw, vgic_v2_lr_image(lr), &deactivated), hw);
    EXPECT(!deactivated);
    /* The guest's EOI: state invalid (the maintenance handler may have cleared it all). */
    EXPECT_EQ(vgic_v2_unsoft_hw(hw, vgic_v2_lr_image(lr & ~GICH_LR_PENDING), &deactivated),
              hw & ~ICH_LR_PENDING);
    EXPECT(deactivated);
    deactivated = false;
    EXPECT_EQ(vgic_v2_unsoft_hw(hw, vgic_v2_lr_image(0), &deactivated), hw & ~ICH_LR_PENDING);
    EXPECT(deactivated);

    /* Anything else passes unchanged, and never counts as a deactivation. */
    uint64_t sw = 40 | 0xF8ULL << ICH_LR_PRIORITY_SHIFT | ICH_LR_EOI | ICH_LR_PENDING;
    EXPECT_EQ(vgic_v2_soft_hw(sw), sw);
    deactivated = false;
    EXPECT_EQ(vgic_v2_unsoft_hw(sw, vgic_v2_lr_image(40), &deactivated), vgic_v2_lr_image(40));
    EXPECT(!deactivated);
}

int main(void)
{
    test_reset_values();
    test_ctlr();
    test_widths();
    test_priority_and_config();
    test_targets();
    test_uniprocessor();
    test_sgir();
    test_sgi_sources();
    test_sgi_list_registers();
    test_ownership();
    test_lr_encoding();
    test_soft_hw();
    test_v3_unchanged();
    return unit_report("vgic_v2");
}
