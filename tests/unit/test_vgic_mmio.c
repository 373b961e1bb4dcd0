/*
 * Host tests of the virtual GICv3's register emulation (vgic/vgic_mmio_*.c),
 * through the MMIO callbacks as the bus calls them (dev = the distributor,
 * vcpu = NULL): reset values, set/clear pairs, byte and word priorities,
 * IROUTER, identification registers, GICR_TYPER and GICR_WAKER per vCPU,
 * reserved ranges, refused widths, and the ownership rule for INTIDs 25/26.
 */
#include <stdbool.h>
#include <stdint.h>

#include "unit.h"
#include "vgic/vgic_mmio.h"

UNIT_STATE;

#define NR_CPUS       4
#define NR_SPIS       64
#define SGI_BASE      0x10000ULL
#define RESERVED_MASK ((1U << VGIC_INTID_MAINTENANCE) | (1U << VGIC_INTID_HYP_TIMER))

static struct vgic_dist dist;
static struct vgic_cpu cpus[NR_CPUS];
static unsigned kicks[NR_CPUS];

static unsigned unhandled_count;
static uint64_t unhandled_offset;
static bool unhandled_write;
static unsigned unhandled_size;

static void count_kick(struct vgic_cpu *c)
{
    kicks[c->id]++;
}

static void count_unhandled(bool write, uint64_t offset, unsigned size)
{
    unhandled_count++;
    unhandled_offset = offset;
    unhandled_write = write;
    unhandled_size = size;
}

/* vCPU i: Aff3 3, Aff2 0, Aff1 2, Aff0 i. */
static uint64_t mpidr_of(unsigned i)
{
    return 3ULL << 32 | 2ULL << 8 | i;
}

static void setup(void)
{
    vgic_dist_init(&dist, NR_SPIS, count_kick);
    for (unsigned i = 0; i < NR_CPUS; i++) {
        vgic_cpu_init(&dist, &cpus[i], i, mpidr_of(i), NULL);
        kicks[i] = 0;
    }
    vgic_mmio_unhandled = count_unhandled;
    unhandled_count = 0;
}

/* --- accessors ----------------------------------------------------------------- */

static bool dread_ok(uint64_t off, unsigned size, uint64_t *v)
{
    *v = 0xDEADBEEF;
    return vgic_dist_mmio_ops.read(&dist, NULL, off, size, v);
}

static uint64_t dread(uint64_t off, unsigned size)
{
    uint64_t v;
    EXPECT(dread_ok(off, size, &v));
    return v;
}

static uint32_t dread32(uint64_t off)
{
    return (uint32_t)dread(off, 4);
}

static bool dwrite(uint64_t off, unsigned size, uint64_t v)
{
    return vgic_dist_mmio_ops.write(&dist, NULL, off, size, v);
}

static void dwrite32(uint64_t off, uint64_t v)
{
    EXPECT(dwrite(off, 4, v));
}

/* Redistributor: off is from vCPU cpu's RD_base (SGI_base registers: SGI_BASE + off). */
static bool rread_ok(unsigned cpu, uint64_t off, unsigned size, uint64_t *v)
{
    *v = 0xDEADBEEF;
    return vgic_redist_mmio_ops.read(&dist, NULL, cpu * VGIC_REDIST_FRAME_SIZE + off, size, v);
}

static uint64_t rread(unsigned cpu, uint64_t off, unsigned size)
{
    uint64_t v;
    EXPECT(rread_ok(cpu, off, size, &v));
    return v;
}

static uint32_t rread32(unsigned cpu, uint64_t off)
{
    return (uint32_t)rread(cpu, off, 4);
}

static bool rwrite(unsigned cpu, uint64_t off, unsigned size, uint64_t v)
{
    return vgic_redist_mmio_ops.write(&dist, NULL, cpu * VGIC_REDIST_FRAME_SIZE + off, size, v);
}

static void rwrite32(unsigned cpu, uint64_t off, uint64_t v)
{
    EXPECT(rwrite(cpu, off, 4, v));
}

static struct vgic_irq *spi(uint32_t intid)
{
    return vgic_get_irq(&dist, NULL, intid);
}

static struct vgic_irq *priv(unsigned cpu, uint32_t intid)
{
    return &cpus[cpu].private_irqs[intid];
}

/* --- distributor -------------------------------------------------------------- */

static void test_dist_reset_values(void)
{
    setup();
    EXPECT_EQ(dread32(0x0000), 0x50);         /* ARE, DS */
    EXPECT_EQ(dread32(0x0004), 2 | 9U << 19); /* ITLinesNumber 2, IDbits 9 */
    EXPECT_EQ(dread32(0x0008), VGIC_IIDR);
    EXPECT_EQ(dread32(0x0008), 0x5300043B);
    EXPECT_EQ(dread32(0x000C), 0);    /* TYPER2 */
    EXPECT_EQ(dread32(0x0010), 0);    /* STATUSR */
    EXPECT_EQ(dread32(0xFFE8), 0x3B); /* PIDR2: ArchRev 3 */
    EXPECT_EQ(dread32(0xFFE8) >> 4 & 0xF, 3);
    EXPECT_EQ(dread32(0xFFF0), 0x0D); /* CIDR0 */
    EXPECT_EQ(dread32(0xFFFC), 0xB1); /* CIDR3 */
    for (uint64_t n = 0; n < 4; n++) {
        EXPECT_EQ(dread32(0x0080 + 4 * n), 0); /* IGROUPR */
        EXPECT_EQ(dread32(0x0100 + 4 * n), 0); /* ISENABLER */
        EXPECT_EQ(dread32(0x0180 + 4 * n), 0); /* ICENABLER */
        EXPECT_EQ(dread32(0x0200 + 4 * n), 0); /* ISPENDR */
        EXPECT_EQ(dread32(0x0280 + 4 * n), 0); /* ICPENDR */
        EXPECT_EQ(dread32(0x0300 + 4 * n), 0); /* ISACTIVER */
        EXPECT_EQ(dread32(0x0380 + 4 * n), 0); /* ICACTIVER */
        EXPECT_EQ(dread32(0x0D00 + 4 * n), 0); /* IGRPMODR */
    }
    for (uint64_t n = 0; n < 24; n++) {
        EXPECT_EQ(dread32(0x0400 + 4 * n), 0); /* IPRIORITYR */
    }
    for (uint64_t n = 0; n < 6; n++) {
        EXPECT_EQ(dread32(0x0C00 + 4 * n), 0); /* ICFGR: SPIs level */
    }
    for (uint64_t n = 32; n < 32 + NR_SPIS; n++) {
        EXPECT_EQ(dread(0x6000 + 8 * n, 8), 0); /* IROUTER */
    }
    EXPECT_EQ(unhandled_count, 0);
}

static void test_dist_ctlr(void)
{
    setup();
    dwrite32(0x0000, 0x3);
    EXPECT_EQ(dread32(0x0000), 0x53);
    EXPECT(dist.grp0_enabled && dist.grp1_enabled);
    dwrite32(0x0000, 0x80000002); /* RWP and ARE/DS writes change nothing */
    EXPECT_EQ(dread32(0x0000), 0x52);
    dwrite32(0x0000, 0);
    EXPECT_EQ(dread32(0x0000), 0x50);
    EXPECT(!dist.grp0_enabled && !dist.grp1_enabled);

    /* Enabling Group 1 queues what was pending and enabled. */
    dwrite32(0x0084, 1U << 8);                          /* IGROUPR1: INTID 40 Group 1 */
    dwrite32(0x0104, 1U << 8);                          /* ISENABLER1 */
    dwrite32(0x0204, 1U << 8);                          /* ISPENDR1 */
    EXPECT(dwrite(0x6000 + 8 * 40, 8, 0x300000200ULL)); /* vCPU 0 */
    EXPECT(spi(40)->vcpu == NULL);
    EXPECT_EQ(kicks[0], 0);
    dwrite32(0x0000, 0x2);
    EXPECT(spi(40)->vcpu == &cpus[0]);
    EXPECT_EQ(kicks[0], 1);
}

/* One set/clear register pair at (set, clear) for INTIDs 32-63, with its state flag. */
static void check_set_clear(uint64_t set, uint64_t clear, bool (*state)(const struct vgic_irq *))
{
    dwrite32(set, 0x00000005);
    EXPECT_EQ(dread32(set), 0x5);
    EXPECT_EQ(dread32(clear), 0x5);
    EXPECT(state(spi(32)) && !state(spi(33)) && state(spi(34)));
    dwrite32(set, 0x80000000);
    EXPECT_EQ(dread32(set), 0x80000005);
    dwrite32(clear, 0x00000001); /* zeros change nothing */
    EXPECT_EQ(dread32(set), 0x80000004);
    EXPECT_EQ(dread32(clear), 0x80000004);
    dwrite32(clear, 0xFFFFFFFF);
    EXPECT_EQ(dread32(set), 0);
}

static bool is_enabled(const struct vgic_irq *irq)
{
    return irq->enabled;
}

static bool is_pending(const struct vgic_irq *irq)
{
    return vgic_irq_is_pending(irq);
}

static bool is_active(const struct vgic_irq *irq)
{
    return irq->active;
}

static void test_dist_set_clear(void)
{
    setup();
    check_set_clear(0x0104, 0x0184, is_enabled);
    check_set_clear(0x0204, 0x0284, is_pending);
    check_set_clear(0x0304, 0x0384, is_active);
    /* IGROUPR: plain read/write. */
    dwrite32(0x0084, 0xFFFFFFFF);
    EXPECT_EQ(dread32(0x0084), 0xFFFFFFFF);
    dwrite32(0x0084, 0x0000FFFF);
    EXPECT_EQ(dread32(0x0084), 0x0000FFFF);
    EXPECT(spi(47)->group1 && !spi(48)->group1);
    /* The last implemented SPIs (64-95) work; 96 onwards and 0-31 read as zero. */
    dwrite32(0x0108, 0xFFFFFFFF);
    EXPECT_EQ(dread32(0x0108), 0xFFFFFFFF);
    dwrite32(0x010C, 0xFFFFFFFF);
    EXPECT_EQ(dread32(0x010C), 0);
    dwrite32(0x0100, 0xFFFFFFFF);
    dwrite32(0x0080, 0xFFFFFFFF);
    EXPECT_EQ(dread32(0x0100), 0);
    EXPECT_EQ(dread32(0x0080), 0);
    EXPECT(!priv(0, 3)->enabled && !priv(0, 3)->group1);
    dwrite32(0x017C, 0xFFFFFFFF); /* ISENABLER31: INTIDs 992-1023 */
    EXPECT_EQ(dread32(0x017C), 0);
    EXPECT_EQ(unhandled_count, 0);
}

static void test_dist_pending(void)
{
    setup();
    /* A level line shows as pending while the interrupt is disabled; ICPENDR can't clear it. */
    vgic_set_level(&dist, NULL, 45, true);
    EXPECT_EQ(dread32(0x0204), 1U << 13);
    EXPECT(spi(45)->vcpu == NULL);
    dwrite32(0x0284, 1U << 13);
    EXPECT_EQ(dread32(0x0204), 1U << 13);
    vgic_set_level(&dist, NULL, 45, false);
    EXPECT_EQ(dread32(0x0204), 0);
    /* Enabling a pending interrupt of an enabled group queues it on its target. */
    dwrite32(0x0000, 0x2);
    dwrite32(0x0084, 1U << 13);
    EXPECT(dwrite(0x6000 + 8 * 45, 8, 0x300000202ULL)); /* vCPU 2 */
    dwrite32(0x0204, 1U << 13);
    EXPECT(spi(45)->vcpu == NULL);
    dwrite32(0x0104, 1U << 13);
    EXPECT(spi(45)->vcpu == &cpus[2]);
    EXPECT_EQ(kicks[2], 1);
    EXPECT(vgic_has_pending(&cpus[2]));
    /* ICPENDR clears the latch; ICENABLER disables: nothing left to deliver. */
    dwrite32(0x0284, 1U << 13);
    EXPECT(!vgic_has_pending(&cpus[2]));
    EXPECT_EQ(dread32(0x0204), 0);
}

static void test_dist_priority(void)
{
    setup();
    /* Byte writes, word read (INTIDs 32-35). */
    EXPECT(dwrite(0x0420, 1, 0x11));
    EXPECT(dwrite(0x0421, 1, 0x22));
    EXPECT(dwrite(0x0422, 1, 0x33));
    EXPECT(dwrite(0x0423, 1, 0xF8));
    /* Only the 5 implemented priority bits are kept. */
    EXPECT_EQ(dread32(0x0420), 0xF8302010);
    EXPECT_EQ(spi(35)->priority, 0xF8);
    /* Word write, byte reads (INTIDs 36-39). */
    dwrite32(0x0424, 0x44332211);
    EXPECT_EQ(dread(0x0424, 1), 0x10);
    EXPECT_EQ(dread(0x0425, 1), 0x20);
    EXPECT_EQ(dread(0x0426, 1), 0x30);
    EXPECT_EQ(dread(0x0427, 1), 0x40);
    EXPECT_EQ(spi(37)->priority, 0x20);
    EXPECT(dwrite(0x0428, 1, 0xFF));
    EXPECT_EQ(dread(0x0428, 1), 0xF8);
    /* The last SPI, and beyond: the rest of the range reads as zero. */
    EXPECT(dwrite(0x045F, 1, 0x80));
    EXPECT_EQ(spi(95)->priority, 0x80);
    EXPECT(dwrite(0x0460, 1, 0x80));
    EXPECT_EQ(dread(0x0460, 1), 0);
    EXPECT_EQ(dread32(0x07F8), 0);
    /* INTIDs 0-31 belong to the redistributors. */
    dwrite32(0x0400, 0xFFFFFFFF);
    EXPECT_EQ(dread32(0x0400), 0);
    EXPECT_EQ(priv(0, 0)->priority, 0);
    /* Halfword and misaligned accesses are refused. */
    uint64_t v;
    EXPECT(!dread_ok(0x0420, 2, &v));
    EXPECT(!dwrite(0x0420, 2, 0));
    EXPECT(!dread_ok(0x0421, 4, &v));
    EXPECT(!dwrite(0x0420, 8, 0));
    /* Only the 5 implemented priority bits are kept. */
    EXPECT_EQ(dread32(0x0420), 0xF8302010);
    EXPECT_EQ(unhandled_count, 0);
}

static void test_dist_icfgr(void)
{
    setup();
    dwrite32(0x0C08, 0xFFFFFFFF); /* INTIDs 32-47: bit 0 of each field reserved */
    EXPECT_EQ(dread32(0x0C08), 0xAAAAAAAA);
    EXPECT(spi(32)->edge && spi(47)->edge && !spi(48)->edge);
    dwrite32(0x0C08, 0x55555558);
    EXPECT_EQ(dread32(0x0C08), 0x8);
    EXPECT(spi(33)->edge && !spi(32)->edge);
    /* SGI and PPI fields are the redistributors'. */
    dwrite32(0x0C04, 0xFFFFFFFF);
    EXPECT_EQ(dread32(0x0C00), 0);
    EXPECT_EQ(dread32(0x0C04), 0);
    EXPECT(!priv(0, 20)->edge);
    uint64_t v;
    EXPECT(!dread_ok(0x0C08, 1, &v));
}

static void test_dist_irouter(void)
{
    setup();
    /* INTID 32 at 0x6100: 64-bit access, then each half. */
    EXPECT(dwrite(0x6100, 8, 0x380000102ULL));
    EXPECT_EQ(dread(0x6100, 8), 0x380000102ULL);
    EXPECT_EQ(spi(32)->irouter, 0x380000102ULL);
    EXPECT_EQ(dread(0x6100, 4), 0x80000102);
    EXPECT_EQ(dread(0x6104, 4), 0x3);
    EXPECT(dwrite(0x6104, 4, 0x5));
    EXPECT_EQ(dread(0x6100, 8), 0x580000102ULL);
    EXPECT(dwrite(0x6100, 4, 0x203));
    EXPECT_EQ(dread(0x6100, 8), 0x500000203ULL);
    /* Reserved bits read as zero. */
    EXPECT(dwrite(0x6108, 8, ~0ULL));
    EXPECT_EQ(dread(0x6108, 8), 0xFF80FFFFFFULL);
    EXPECT_EQ(dread(0x6100, 8), 0x500000203ULL);
    /* Beyond the implemented SPIs: RAZ/WI; IROUTER<0-31> is not there at all. */
    EXPECT(dwrite(0x6000 + 8 * 96, 8, 1));
    EXPECT_EQ(dread(0x6000 + 8 * 96, 8), 0);
    EXPECT_EQ(dread(0x7FD8, 8), 0);
    EXPECT_EQ(unhandled_count, 0);
    EXPECT_EQ(dread(0x6000, 8), 0);
    EXPECT_EQ(unhandled_count, 1);
    /* Byte, halfword and misaligned 64-bit accesses are refused. */
    uint64_t v;
    EXPECT(!dread_ok(0x6100, 1, &v));
    EXPECT(!dwrite(0x6100, 2, 0));
    EXPECT(!dread_ok(0x6104, 8, &v));

    /* A route decides the target: Aff3.Aff1.Aff0 = 3.2.1 is vCPU 1. */
    dwrite32(0x0000, 0x2);
    dwrite32(0x0088, 1U << 18); /* INTID 82: Group 1 */
    dwrite32(0x0108, 1U << 18);
    EXPECT(dwrite(0x6000 + 8 * 82, 8, 0x300000201ULL));
    dwrite32(0x0208, 1U << 18);
    EXPECT(spi(82)->vcpu == &cpus[1]);
    EXPECT_EQ(kicks[1], 1);
    /*
     * Rerouted while queued on a vCPU that is not loaded: moved at once, the
     * new target told, the old holder not kicked (issue 10, defect 6).
     */
    EXPECT(dwrite(0x6000 + 8 * 82, 4, 0x203));
    EXPECT(spi(82)->vcpu == &cpus[3]);
    EXPECT_EQ(kicks[1], 1);
    EXPECT_EQ(kicks[3], 1);
    uint64_t lrs[4];
    EXPECT_EQ(vgic_flush_lrs(&cpus[1], lrs, 4), 0);
    EXPECT(spi(82)->vcpu == &cpus[3]);
    /* IRM: the first awake vCPU. */
    rwrite32(2, 0x0014, 0);
    EXPECT(dwrite(0x6000 + 8 * 82, 8, 1ULL << 31));
    EXPECT_EQ(vgic_flush_lrs(&cpus[3], lrs, 4), 0);
    EXPECT(spi(82)->vcpu == &cpus[2]);
}

static void test_dist_reserved(void)
{
    setup();
    static const uint64_t reserved[] = {0x0014, 0x0040, 0x0048, 0x0800, 0x0E00, 0x0F00,
                                        0x0F10, 0x6000, 0x7FE0, 0xC000, 0xFFCC};
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        unhandled_count = 0;
        EXPECT_EQ(dread32(reserved[i]), 0);
        EXPECT_EQ(unhandled_count, 1);
        EXPECT_EQ(unhandled_offset, reserved[i]);
        EXPECT(!unhandled_write);
        EXPECT(dwrite(reserved[i], 4, 0xFFFFFFFF));
        EXPECT_EQ(unhandled_count, 2);
        EXPECT(unhandled_write);
        EXPECT_EQ(unhandled_size, 4);
    }
    EXPECT_EQ(dread(0x0800, 1), 0); /* ITARGETSR: a byte read is fine too */
    EXPECT_EQ(dread32(0x0000), 0x50);
    /* Without a hook: the same, silently. */
    vgic_mmio_unhandled = NULL;
    EXPECT_EQ(dread32(0x0014), 0);
    EXPECT(dwrite(0x0014, 4, 1));
}

static void test_dist_widths(void)
{
    setup();
    uint64_t v;
    EXPECT(!dread_ok(0x0000, 1, &v));
    EXPECT(!dread_ok(0x0000, 2, &v));
    EXPECT(!dread_ok(0x0000, 8, &v));
    EXPECT(!dwrite(0x0000, 1, 3));
    EXPECT_EQ(dread32(0x0000), 0x50);
    EXPECT(!dread_ok(0x0004, 8, &v));
    EXPECT(!dread_ok(0x0004, 2, &v));
    EXPECT(!dread_ok(0x0100, 1, &v));
    EXPECT(!dwrite(0x0104, 1, 0xFF));
    EXPECT_EQ(dread32(0x0104), 0);
    EXPECT(!dread_ok(0x0102, 4, &v));
    EXPECT(!dread_ok(0xFFE8, 1, &v));
    EXPECT(dread_ok(0x0014, 2, &v) && v == 0); /* reserved, aligned halfword: RAZ */
    EXPECT(!dread_ok(0x0015, 2, &v));          /* misaligned: refused even there */
    EXPECT(!dread_ok(0x0104, 3, &v));
    /* The whole 32-bit registers of the first words (read without the table): only as such. */
    static const uint64_t words[] = {0x0000, 0x0004, 0x0008, 0x000C, 0x0010};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        EXPECT(!dread_ok(words[i], 1, &v));
        EXPECT(!dread_ok(words[i] + 1, 1, &v));
        EXPECT(!dread_ok(words[i], 2, &v));
        EXPECT(!dread_ok(words[i] + 2, 2, &v));
        EXPECT(!dread_ok(words[i] + 1, 4, &v));
        EXPECT(!dread_ok(words[i] + 2, 4, &v));
        EXPECT(!dread_ok(words[i], 8, &v)); /* two registers, or one and a reserved word */
        EXPECT(dread_ok(words[i], 4, &v));
    }
    EXPECT_EQ(unhandled_count, 1);
}

/* --- redistributor ------------------------------------------------------------ */

static void test_redist_rd(void)
{
    setup();
    for (unsigned i = 0; i < NR_CPUS; i++) {
        uint64_t typer = (0x03000200ULL | i) << 32 | (uint64_t)i << 8;
        if (i == NR_CPUS - 1) {
            typer |= 1U << 4;
        }
        EXPECT_EQ(rread(i, 0x0008, 8), typer);
        EXPECT_EQ(rread(i, 0x0008, 4), (uint32_t)typer);
        EXPECT_EQ(rread(i, 0x000C, 4), typer >> 32);
        EXPECT_EQ(rread32(i, 0x0000), 0);         /* CTLR */
        EXPECT_EQ(rread32(i, 0x0004), VGIC_IIDR); /* IIDR */
        EXPECT_EQ(rread32(i, 0x0010), 0);         /* STATUSR */
        EXPECT_EQ(rread32(i, 0x0014), 0x6);       /* WAKER: asleep */
        EXPECT_EQ(rread32(i, 0xFFE8), 0x3B);      /* PIDR2 */
    }
    /* TYPER is read-only; CTLR ignores writes (no LPIs). */
    EXPECT(rwrite(1, 0x0008, 8, 0));
    EXPECT_EQ(rread(1, 0x0008, 8) >> 32, 0x03000201);
    rwrite32(1, 0x0000, 0x1);
    EXPECT_EQ(rread32(1, 0x0000), 0);
    /* WAKER: ProcessorSleep is RW, ChildrenAsleep follows it. */
    rwrite32(2, 0x0014, 0);
    EXPECT_EQ(rread32(2, 0x0014), 0);
    EXPECT(!cpus[2].sleeping && cpus[1].sleeping);
    rwrite32(2, 0x0014, 0x4);
    EXPECT_EQ(rread32(2, 0x0014), 0);
    rwrite32(2, 0x0014, 0x2);
    EXPECT_EQ(rread32(2, 0x0014), 0x6);
    EXPECT(cpus[2].sleeping);
    /* Widths. */
    uint64_t v;
    EXPECT(!rread_ok(0, 0x0014, 8, &v));
    EXPECT(!rread_ok(0, 0x0008, 2, &v));
    EXPECT(!rread_ok(0, 0x000C, 8, &v));
    EXPECT(!rread_ok(0, 0x0004, 1, &v));
    EXPECT_EQ(unhandled_count, 0);
    /* Reserved: PROPBASER, PENDBASER, SETLPIR; reported at the region offset. */
    EXPECT_EQ(rread(1, 0x0070, 8), 0);
    EXPECT_EQ(unhandled_count, 1);
    EXPECT_EQ(unhandled_offset, VGIC_REDIST_FRAME_SIZE + 0x70);
    EXPECT(rwrite(3, 0x0040, 8, ~0ULL));
    EXPECT_EQ(unhandled_count, 2);
    EXPECT_EQ(unhandled_offset, 3 * VGIC_REDIST_FRAME_SIZE + 0x40);
    EXPECT(unhandled_write);
    /* Past the last vCPU's frames: nothing. */
    EXPECT_EQ(rread32(NR_CPUS, 0x0008), 0);
    EXPECT_EQ(rread32(NR_CPUS, SGI_BASE + 0x0100), 0);
    EXPECT_EQ(unhandled_count, 4);
}

static void test_redist_sgi_regs(void)
{
    setup();
    const uint32_t owned = ~RESERVED_MASK;
    for (unsigned i = 0; i < NR_CPUS; i++) {
        EXPECT_EQ(rread32(i, SGI_BASE + 0x0080), 0);          /* IGROUPR0 */
        EXPECT_EQ(rread32(i, SGI_BASE + 0x0100), 0);          /* ISENABLER0 */
        EXPECT_EQ(rread32(i, SGI_BASE + 0x0200), 0);          /* ISPENDR0 */
        EXPECT_EQ(rread32(i, SGI_BASE + 0x0300), 0);          /* ISACTIVER0 */
        EXPECT_EQ(rread32(i, SGI_BASE + 0x0C00), 0xAAAAAAAA); /* ICFGR0: SGIs edge */
        EXPECT_EQ(rread32(i, SGI_BASE + 0x0C04), 0);          /* ICFGR1: PPIs level */
        EXPECT_EQ(rread32(i, SGI_BASE + 0x0D00), 0);          /* IGRPMODR0 */
        EXPECT_EQ(rread32(i, SGI_BASE + 0x0E00), 0);          /* NSACR */
        for (uint64_t n = 0; n < 8; n++) {
            EXPECT_EQ(rread32(i, SGI_BASE + 0x0400 + 4 * n), 0);
        }
    }
    /* Set/clear pairs, with 25 and 26 skipped. */
    rwrite32(1, SGI_BASE + 0x0080, 0xFFFFFFFF);
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0080), owned);
    EXPECT_EQ(rread32(0, SGI_BASE + 0x0080), 0); /* banked per vCPU */
    rwrite32(1, SGI_BASE + 0x0100, 0xFFFFFFFF);
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0100), owned);
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0180), owned);
    EXPECT(!priv(1, 25)->enabled && !priv(1, 26)->enabled && priv(1, 27)->enabled);
    rwrite32(1, SGI_BASE + 0x0180, 0x0000FFFF);
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0100), owned & 0xFFFF0000);
    rwrite32(1, SGI_BASE + 0x0200, 0x3);
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0280), 0x3);
    rwrite32(1, SGI_BASE + 0x0280, 0x1);
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0200), 0x2);
    rwrite32(1, SGI_BASE + 0x0300, 0xFFFFFFFF);
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0300), owned);
    rwrite32(1, SGI_BASE + 0x0380, 0xFFFFFFFF);
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0380), 0);
    /* The hypervisor's own state of 25/26 stays invisible. */
    priv(1, VGIC_INTID_MAINTENANCE)->enabled = true;
    vgic_set_level(&dist, &cpus[1], VGIC_INTID_HYP_TIMER, true);
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0100) & RESERVED_MASK, 0);
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0200) & RESERVED_MASK, 0);
    rwrite32(1, SGI_BASE + 0x0180, RESERVED_MASK);
    rwrite32(1, SGI_BASE + 0x0280, RESERVED_MASK);
    EXPECT(priv(1, VGIC_INTID_MAINTENANCE)->enabled);
    EXPECT(vgic_irq_is_pending(priv(1, VGIC_INTID_HYP_TIMER)));
    /* A PPI's line shows in ISPENDR0 while it is disabled. */
    vgic_set_level(&dist, &cpus[2], VGIC_INTID_VTIMER, true);
    EXPECT_EQ(rread32(2, SGI_BASE + 0x0200), 1U << VGIC_INTID_VTIMER);
    EXPECT(priv(2, VGIC_INTID_VTIMER)->vcpu == NULL);
}

static void test_redist_priority_cfg(void)
{
    setup();
    /* IPRIORITYR6: INTIDs 24-27, word write with 25 and 26 skipped. */
    rwrite32(3, SGI_BASE + 0x0418, 0x44332211);
    EXPECT_EQ(rread32(3, SGI_BASE + 0x0418), 0x40000010);
    EXPECT_EQ(priv(3, 24)->priority, 0x10);
    EXPECT_EQ(priv(3, 25)->priority, 0);
    EXPECT_EQ(priv(3, 26)->priority, 0);
    EXPECT_EQ(priv(3, 27)->priority, 0x40);
    EXPECT(rwrite(3, SGI_BASE + 0x0419, 1, 0x80));
    EXPECT_EQ(rread(3, SGI_BASE + 0x0419, 1), 0);
    EXPECT_EQ(priv(3, 25)->priority, 0);
    /* Byte access to an SGI's priority. */
    EXPECT(rwrite(3, SGI_BASE + 0x0403, 1, 0xA0));
    EXPECT_EQ(rread(3, SGI_BASE + 0x0400, 4), 0xA0000000);
    EXPECT_EQ(priv(3, 3)->priority, 0xA0);
    EXPECT_EQ(priv(2, 3)->priority, 0);
    /* ICFGR0: SGIs stay edge. ICFGR1: PPIs configurable, 25/26 skipped. */
    rwrite32(0, SGI_BASE + 0x0C00, 0);
    EXPECT_EQ(rread32(0, SGI_BASE + 0x0C00), 0xAAAAAAAA);
    rwrite32(0, SGI_BASE + 0x0C04, 0xFFFFFFFF);
    uint32_t reserved_fields =
        3U << (2 * (VGIC_INTID_MAINTENANCE - 16)) | 3U << (2 * (VGIC_INTID_HYP_TIMER - 16));
    EXPECT_EQ(rread32(0, SGI_BASE + 0x0C04), 0xAAAAAAAA & ~reserved_fields);
    EXPECT(priv(0, 27)->edge && !priv(0, 25)->edge && !priv(0, 26)->edge);
    /* Widths and the end of the banked range. */
    uint64_t v;
    EXPECT(!rread_ok(0, SGI_BASE + 0x0400, 2, &v));
    EXPECT(!rread_ok(0, SGI_BASE + 0x0400, 8, &v));
    EXPECT(!rread_ok(0, SGI_BASE + 0x0100, 1, &v));
    EXPECT(!rread_ok(0, SGI_BASE + 0x0C00, 8, &v));
    EXPECT_EQ(unhandled_count, 0);
    EXPECT_EQ(rread32(0, SGI_BASE + 0x0420), 0); /* IPRIORITYR8: not banked, reserved */
    EXPECT_EQ(unhandled_count, 1);
    EXPECT_EQ(unhandled_offset, SGI_BASE + 0x0420);
    EXPECT_EQ(rread32(2, SGI_BASE + 0x0084), 0); /* IGROUPR1 (ESPI) */
    EXPECT_EQ(unhandled_offset, 2 * VGIC_REDIST_FRAME_SIZE + SGI_BASE + 0x0084);
    EXPECT_EQ(rread32(2, SGI_BASE + 0xFFE8), 0);
    EXPECT_EQ(unhandled_count, 3);
}

static bool fake_line;
static const struct vgic_irq *fake_line_irq;

static bool read_fake_line(const struct vgic_irq *irq)
{
    fake_line_irq = irq;
    return fake_line;
}

static void test_redist_hw_pending(void)
{
    setup();
    vgic_map_hw(priv(1, VGIC_INTID_VTIMER), 27);
    /* Without the hook: the vGIC's line, which only the device's set_level() moves. */
    vgic_set_level(&dist, &cpus[1], VGIC_INTID_VTIMER, true);
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0200), 1U << VGIC_INTID_VTIMER);
    /* With it: the physical line, for hardware-mapped interrupts only. */
    vgic_mmio_hw_line = read_fake_line;
    fake_line = false;
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0200), 0);
    EXPECT(fake_line_irq == priv(1, VGIC_INTID_VTIMER));
    fake_line = true;
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0200), 1U << VGIC_INTID_VTIMER);
    EXPECT_EQ(rread32(0, SGI_BASE + 0x0200), 0);
    vgic_set_level(&dist, &cpus[1], VGIC_INTID_PTIMER, true);
    fake_line = false;
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0200), 1U << VGIC_INTID_PTIMER);
    /* A latch set by GICR_ISPENDR0 still shows. */
    rwrite32(1, SGI_BASE + 0x0200, 1U << VGIC_INTID_VTIMER);
    EXPECT_EQ(rread32(1, SGI_BASE + 0x0200), 1U << VGIC_INTID_PTIMER | 1U << VGIC_INTID_VTIMER);
    vgic_mmio_hw_line = NULL;
}

static void test_redist_queueing(void)
{
    setup();
    dwrite32(0x0000, 0x2);
    /* SGI 3 of vCPU 1: Group 1, pending, then enabled: queued and kicked. */
    rwrite32(1, SGI_BASE + 0x0080, 1U << 3);
    rwrite32(1, SGI_BASE + 0x0200, 1U << 3);
    EXPECT(priv(1, 3)->vcpu == NULL);
    rwrite32(1, SGI_BASE + 0x0100, 1U << 3);
    EXPECT(priv(1, 3)->vcpu == &cpus[1]);
    EXPECT_EQ(kicks[1], 1);
    EXPECT_EQ(kicks[0], 0);
    /* An SGI sent by vCPU 0 to vCPU 2's enabled SGI 3. */
    rwrite32(2, SGI_BASE + 0x0080, 1U << 3);
    rwrite32(2, SGI_BASE + 0x0100, 1U << 3);
    EXPECT_EQ(
        vgic_sgi(&dist, &cpus[0], 3ULL << 24 | 2ULL << 16 | 3ULL << 32 | 1ULL << 48 | 0x4, true),
        0); /* Aff2 mismatch: the vCPUs are Aff3 3, Aff2 0 */
    EXPECT_EQ(vgic_sgi(&dist, &cpus[0], 3ULL << 24 | 2ULL << 16 | 3ULL << 48 | 0x4, true), 1);
    EXPECT(priv(2, 3)->vcpu == &cpus[2]);
    EXPECT_EQ(rread32(2, SGI_BASE + 0x0200), 1U << 3);
    /* Active set through ISACTIVER0 queues too, even disabled. */
    rwrite32(3, SGI_BASE + 0x0300, 1U << 20);
    EXPECT(priv(3, 20)->vcpu == &cpus[3]);
}

/*
 * The table-indexed decode (issue 12) against the GICv3 map (12.9): a 32-bit
 * read of every word of the frame is handled by a register where the spec
 * puts one and reported as unimplemented everywhere else; a byte read is
 * allowed exactly in IPRIORITYR.
 */
static void test_dist_decode_map(void)
{
    static const struct {
        uint32_t start, end;
    } implemented[] = {
        {0x0000, 0x0014},                    /* CTLR, TYPER, IIDR, TYPER2, STATUSR */
        {0x0080, 0x0400},                    /* IGROUPR .. ICACTIVER */
        {0x0400, 0x07FC},                    /* IPRIORITYR */
        {0x0C00, 0x0D00},  {0x0D00, 0x0D80}, /* ICFGR, IGRPMODR */
        {0x6100, 0x7FE0},                    /* IROUTER<32..1019> */
        {0xFFD0, 0x10000},                   /* the ID block */
    };
    setup();
    unsigned handled = 0, want_handled = 0;
    for (uint32_t off = 0; off < VGIC_DIST_MMIO_SIZE; off += 4) {
        bool want = false;
        for (unsigned i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++) {
            want = want || (off >= implemented[i].start && off < implemented[i].end);
        }
        unsigned before = unhandled_count;
        uint64_t v;
        EXPECT(dread_ok(off, 4, &v));
        bool got = unhandled_count == before;
        if (got != want) {
            EXPECT_EQ(off, 0xFFFFFFFFU); /* names the first offset that differs */
            break;
        }
        handled += got;
        want_handled += want;
        uint64_t b;
        bool byte_ok = dread_ok(off + 1, 1, &b);
        if (byte_ok != (!want || (off >= 0x0400 && off < 0x07FC))) {
            EXPECT_EQ(off + 1, 0xFFFFFFFFU);
            break;
        }
    }
    EXPECT_EQ(handled, want_handled);
    EXPECT_EQ(handled, 5U + 0xE0U + 0xFFU + 0x40U + 0x20U + 0x7B8U + 12U);
}

int main(void)
{
    test_dist_reset_values();
    test_dist_ctlr();
    test_dist_set_clear();
    test_dist_pending();
    test_dist_priority();
    test_dist_icfgr();
    test_dist_irouter();
    test_dist_reserved();
    test_dist_widths();
    test_dist_decode_map();
    test_redist_rd();
    test_redist_sgi_regs();
    test_redist_priority_cfg();
    test_redist_hw_pending();
    test_redist_queueing();
    return unit_report("vgic_mmio");
}
