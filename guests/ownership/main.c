/*
 * ownership: INTIDs 25 (maintenance) and 26 (hypervisor timer) are shrike's.
 * In the guest's redistributor their bits and priority bytes read as zero and
 * ignore writes, while the same accesses work for the guest's own PPI 27
 * (the virtual timer): every write covers bits 25-27 at once (0x0E000000).
 * The guest tries to enable, disable, set and clear pending and reprioritize
 * them, then runs its virtual timer for 10 interrupts to show interrupts
 * still flow. (That shrike's own timer keeps ticking is checked from shrike's
 * log by the system test.) On bare QEMU 25 and 26 are ordinary PPIs: those
 * checks are skipped and only INTID 27's are made.
 * On a GICv2 the same registers are the distributor's, banked per CPU
 * interface (GICD_ISENABLER0 ... at the same offsets): the seed's ownership
 * check itself. gic_init() leaves 27 in the group it delivers: IGROUPR0 bit
 * 27 is 1 on GICv3 (Group 1) and 0 on GICv2 (Group 0).
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define BITS_25_27 0x0E000000U
#define BITS_25_26 0x06000000U
#define BIT_27     0x08000000U
#define PRIO_TRY   0x40
#define PRIO_WORD  0x48484848U
#define PERIOD_MS  5
#define TICKS      10
#define TIMER_PRIO 0x80

static uint64_t sgi_base;
static const char *frame = "GICR"; /* GICD on a GICv2 */

static uint32_t rd(unsigned off)
{
    return mmio_read32(sgi_base + off);
}

static void wr(unsigned off, uint32_t v)
{
    mmio_write32(sgi_base + off, v);
}

/* Checks the 25/26 part of v (zero under shrike) and the 27 part (want27) of FRAME_reg. */
static void check_bits(const char *reg, const char *after, uint32_t v, bool want27)
{
    if (guest_on_shrike()) {
        CHECK_EQ(v & BITS_25_26, 0, "%s_%s after writing %s: bits 25 and 26 read 0", frame, reg,
                 after);
    } else {
        test_skip("not on shrike", "%s_%s after writing %s: bits 25 and 26 read 0", frame, reg,
                  after);
    }
    CHECK_EQ(v & BIT_27, want27 ? BIT_27 : 0, "%s_%s after writing %s: bit 27 reads %u", frame, reg,
             after, want27 ? 1 : 0);
}

static void check_shrike_zero(const char *what, uint64_t got)
{
    if (guest_on_shrike()) {
        CHECK_EQ(got, 0, "%s_%s", frame, what);
    } else {
        test_skip("not on shrike", "%s_%s", frame, what);
    }
}

static void check_registers(void)
{
    check_bits("IGROUPR0", gic_version() == 3 ? "~0" : "0", rd(GICR_IGROUPR0), gic_version() == 3);

    wr(GICR_ISENABLER0, BITS_25_27);
    check_bits("ISENABLER0", "0x0E000000", rd(GICR_ISENABLER0), true);
    wr(GICR_ICENABLER0, BITS_25_27);
    check_bits("ICENABLER0", "0x0E000000", rd(GICR_ICENABLER0), false);

    wr(GICR_ISPENDR0, BITS_25_27);
    check_bits("ISPENDR0", "0x0E000000", rd(GICR_ISPENDR0), true);
    wr(GICR_ICPENDR0, BITS_25_27);
    check_bits("ICPENDR0", "0x0E000000", rd(GICR_ICPENDR0), false);

    for (unsigned intid = 25; intid <= 27; intid++) {
        mmio_write8(sgi_base + GICR_IPRIORITYR + intid, PRIO_TRY);
    }
    check_shrike_zero("IPRIORITYR byte 25 reads 0 after writing 0x40",
                      mmio_read8(sgi_base + GICR_IPRIORITYR + 25));
    check_shrike_zero("IPRIORITYR byte 26 reads 0 after writing 0x40",
                      mmio_read8(sgi_base + GICR_IPRIORITYR + 26));
    CHECK_EQ(mmio_read8(sgi_base + GICR_IPRIORITYR + 27), PRIO_TRY,
             "%s_IPRIORITYR byte 27 reads back 0x40", frame);

    wr(GICR_IPRIORITYR + 24, PRIO_WORD);
    check_shrike_zero("IPRIORITYR6 (word) bytes 25 and 26 read 0 after writing 0x48484848",
                      rd(GICR_IPRIORITYR + 24) & 0x00FFFF00U);
    CHECK_EQ(rd(GICR_IPRIORITYR + 24) & 0xFF0000FFU, 0x48000048U,
             "%s_IPRIORITYR6 (word) bytes 24 and 27 read back 0x48", frame);
    if (!guest_on_shrike()) {
        wr(GICR_IPRIORITYR + 24, GIC_PRIO_DEFAULT * 0x01010101U);
    }
}

static void check_timer_flows(void)
{
    struct timer_periodic_result r;

    irq_local_enable();
    timer_periodic_start(TIMER_VIRT, PERIOD_MS * timer_ticks_per_ms(), TICKS, false, TIMER_PRIO);
    CHECK(timer_periodic_wait(TIMER_VIRT, deadline_after_ms(PERIOD_MS * TICKS * 10)),
          "vtimer: periodic run finished");
    irq_local_disable();
    r = timer_periodic_result(TIMER_VIRT);
    CHECK_EQ(r.count, TICKS, "vtimer: %u interrupts after the attempts", TICKS);
    CHECK_EQ(r.early, 0, "vtimer: none before CVAL");
}

void guest_main(void)
{
    if (!CHECK_EQ(gic_init(), 0, "GIC distributor, redistributor and CPU interface up")) {
        return;
    }
    if (gic_version() == 2) {
        sgi_base = gic_dist_base(); /* banked: this CPU interface's INTIDs 0-31 */
        frame = "GICD";
    } else {
        sgi_base = gic_redist_sgi_base(guest_vcpu_index());
    }
    irq_local_disable();
    check_registers();
    check_timer_flows();
    CHECK_EQ(gic_unhandled_count(0), 0, "no unexpected interrupt");
}
