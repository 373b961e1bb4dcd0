/*
 * GIC driver for test guests (see gic.h): the choice of version, the GICv3
 * half (distributor and redistributor setup after Linux's irq-gic-v3.c, SGIs
 * through ICC_SGI1R_EL1, the ICC_* CPU interface), the per-interrupt helpers
 * both versions share (GICD/GICR offsets coincide; GICv2 banks the private
 * ones at GICD), and the IRQ dispatcher. Each entry point that differs hands
 * a GICv2 over to gicv2.c on its first line. Every MMIO access is a single
 * plain ldr/str (gic.h's mmio_* helpers), so a hypervisor can emulate it
 * from the abort syndrome.
 */
#include "guests/lib/gic.h"

#include <stddef.h>

#include "guests/lib/arch.h"
#include "guests/lib/dtb.h"
#include "guests/lib/fault.h"
#include "guests/lib/gicv2.h"
#include "guests/lib/mmu.h"
#include "vcpu/abi.h"

#define RWP_TIMEOUT_MS  100
#define WAKE_TIMEOUT_MS 100

#define ICC_SRE_SRE      (1U << 0)
#define ICC_CTLR_EOIMODE (1U << 1)
#define ICC_IAR_INTID    0xFFFFFFU

static gic_handler_fn handlers[GUEST_MAX_VCPUS][GIC_NR_INTIDS];
static unsigned depth[GUEST_MAX_VCPUS];
static unsigned spurious[GUEST_MAX_VCPUS];
static unsigned unhandled[GUEST_MAX_VCPUS];
static unsigned unhandled_last[GUEST_MAX_VCPUS];
static uint64_t cur_iar[GUEST_MAX_VCPUS];
static unsigned nr_intids;
static bool v2; /* set once by gic_init() on vCPU 0, before any other vCPU starts */
static const char *compat = "";

#define ID_AA64PFR0_GIC_SHIFT 24

unsigned gic_version(void)
{
    return v2 ? 2 : 3;
}

const char *gic_compatible(void)
{
    return compat;
}

uint64_t gic_cpuif_base(void)
{
    return v2 ? gicv2_cpuif_base() : 0;
}

unsigned gic_cpu_mask(unsigned vcpu)
{
    return v2 ? gicv2_cpu_mask(vcpu) : 1U << (vcpu % 16);
}

uint64_t gic_dist_base(void)
{
    return GUEST_GICD_BASE;
}

uint64_t gic_redist_base(unsigned vcpu)
{
    return GUEST_GICR_BASE + GUEST_GICR_STRIDE * vcpu;
}

uint64_t gic_redist_sgi_base(unsigned vcpu)
{
    return gic_redist_base(vcpu) + GICR_SGI_OFFSET;
}

unsigned gic_nr_intids(void)
{
    unsigned n = 32 * ((mmio_read32(GUEST_GICD_BASE + GICD_TYPER) & 0x1F) + 1);

    return n > 1020 ? 1020 : n;
}

/* The frame holding intid's bit-per-interrupt registers: this vCPU's SGI_base or the distributor.
 */
static uint64_t frame_of(unsigned intid)
{
    if (v2) {
        return GUEST_GICD_BASE;
    }
    return intid < 32 ? gic_redist_sgi_base(guest_vcpu_index()) : GUEST_GICD_BASE;
}

/* GICD_xxxR<n> / GICR_xxxR0 holding intid's bit (the offsets coincide for n = 0). */
static uint64_t bit_reg(unsigned intid, unsigned off)
{
    return frame_of(intid) + off + 4 * (intid / 32);
}

static uint32_t bit_of(unsigned intid)
{
    return 1U << (intid % 32);
}

/* Polls (addr & bit) == 0 for up to ms milliseconds; 0 when clear. */
static int wait_clear(uint64_t addr, uint32_t bit, unsigned ms)
{
    uint64_t deadline = deadline_after_ms(ms);

    while (mmio_read32(addr) & bit) {
        if (deadline_passed(deadline)) {
            return -1;
        }
        cpu_relax();
    }
    return 0;
}

static int wait_rwp(unsigned intid)
{
    if (intid < 32) {
        return wait_clear(gic_redist_base(guest_vcpu_index()) + GICR_CTLR, GICR_CTLR_RWP,
                          RWP_TIMEOUT_MS);
    }
    return wait_clear(GUEST_GICD_BASE + GICD_CTLR, GICD_CTLR_RWP, RWP_TIMEOUT_MS);
}

/* MPIDR_EL1's affinity packed as GICR_TYPER reports it: Aff3.Aff2.Aff1.Aff0. */
static uint32_t mpidr_affinity(uint64_t mpidr)
{
    return (uint32_t)(((mpidr >> 32) & 0xFF) << 24 | (mpidr & 0xFFFFFF));
}

/* IROUTER value of vCPU vcpu (shrike: Aff0 = index; QEMU: clusters of 16). */
static uint64_t vcpu_router(unsigned vcpu)
{
    return (uint64_t)(vcpu / 16) << 8 | (vcpu % 16);
}

static void gic_handle_irq(struct exc_frame *frame);

static int map_gic(void)
{
    static bool mapped;
    int rc;

    if (mapped) {
        return 0;
    }
    rc = mmu_map(GUEST_GICD_BASE, GUEST_GICD_BASE, GUEST_GICD_SIZE, MMU_DEVICE);
    rc |=
        mmu_map(GUEST_GICR_BASE, GUEST_GICR_BASE, GUEST_GICR_STRIDE * GUEST_MAX_VCPUS, MMU_DEVICE);
    mapped = rc == 0;
    return rc;
}

static int dist_init(void)
{
    uint64_t d = GUEST_GICD_BASE;
    uint32_t prio4 = GIC_PRIO_DEFAULT * 0x01010101U;
    int rc;

    mmio_write32(d + GICD_CTLR, 0);
    rc = wait_rwp(32);
    nr_intids = gic_nr_intids();
    for (unsigned i = 32; i < nr_intids; i += 32) {
        mmio_write32(d + GICD_IGROUPR + i / 8, ~0U);
        mmio_write32(d + GICD_ICENABLER + i / 8, ~0U);
        mmio_write32(d + GICD_ICACTIVER + i / 8, ~0U);
        mmio_write32(d + GICD_ICPENDR + i / 8, ~0U);
    }
    for (unsigned i = 32; i < nr_intids; i += 16) {
        mmio_write32(d + GICD_ICFGR + i / 4, 0); /* level */
    }
    for (unsigned i = 32; i < nr_intids; i += 4) {
        mmio_write32(d + GICD_IPRIORITYR + i, prio4);
    }
    rc |= wait_rwp(32);
    mmio_write32(d + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
    rc |= wait_rwp(32);
    if ((mmio_read32(d + GICD_CTLR) & (GICD_CTLR_ARE | GICD_CTLR_GRP1)) !=
        (GICD_CTLR_ARE | GICD_CTLR_GRP1)) {
        rc = -1;
    }
    for (unsigned i = 32; i < nr_intids; i++) {
        mmio_write64(d + GICD_IROUTER + 8 * i, vcpu_router(0));
    }
    return rc;
}

/* GICv2 when the DTB says so; without a GIC node, when there are no ICC_* registers. */
static bool pick_v2(struct dtb_gic *g)
{
    if (dtb_gic(g) == 0) {
        compat = g->compat;
        return g->version == 2;
    }
    g->dist_base = GUEST_GICD_BASE;
    g->cpu_base = GUEST_GICC_BASE;
    g->cpu_size = GUEST_GICC_SIZE;
    return ((read_sysreg(id_aa64pfr0_el1) >> ID_AA64PFR0_GIC_SHIFT) & 0xF) == 0;
}

int gic_init(void)
{
    struct dtb_gic g;
    int rc;

    v2 = pick_v2(&g);
    if (v2) {
        rc = gicv2_init(g.dist_base, g.cpu_base, g.cpu_size);
        irq_set_handler(gic_handle_irq);
        return rc;
    }
    rc = map_gic();

    if (rc != 0) {
        return -1;
    }
    rc = dist_init();
    irq_set_handler(gic_handle_irq);
    rc |= gic_cpu_init();
    return rc;
}

static int redist_init(unsigned idx)
{
    uint64_t rd = gic_redist_base(idx);
    uint64_t sgi = gic_redist_sgi_base(idx);
    uint32_t prio4 = GIC_PRIO_DEFAULT * 0x01010101U;
    int rc = 0;

    if ((uint32_t)(mmio_read64(rd + GICR_TYPER) >> 32) != mpidr_affinity(read_sysreg(mpidr_el1))) {
        rc = -1;
    }
    mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
    rc |= wait_clear(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLP, WAKE_TIMEOUT_MS);

    mmio_write32(sgi + GICR_IGROUPR0, ~0U);
    mmio_write32(sgi + GICR_ICACTIVER0, ~0U);
    mmio_write32(sgi + GICR_ICENABLER0, ~0U);
    rc |= wait_clear(rd + GICR_CTLR, GICR_CTLR_RWP, RWP_TIMEOUT_MS);
    for (unsigned i = 0; i < 32; i += 4) {
        mmio_write32(sgi + GICR_IPRIORITYR + i, prio4);
    }
    return rc;
}

static int cpuif_init(void)
{
    uint64_t sre = read_sysreg(icc_sre_el1);
    uint64_t ctlr;

    write_sysreg(icc_sre_el1, sre | ICC_SRE_SRE);
    isb();
    if ((read_sysreg(icc_sre_el1) & ICC_SRE_SRE) == 0) {
        return -1;
    }
    write_sysreg(icc_pmr_el1, GIC_PMR_ALL);
    write_sysreg(icc_bpr1_el1, 0);
    ctlr = read_sysreg(icc_ctlr_el1);
    write_sysreg(icc_ctlr_el1, ctlr & ~(uint64_t)ICC_CTLR_EOIMODE);
    write_sysreg(icc_igrpen1_el1, 1);
    isb();
    return 0;
}

int gic_cpu_init(void)
{
    unsigned idx = guest_vcpu_index();

    if (v2) {
        return gicv2_cpu_init();
    }
    if (idx >= GUEST_MAX_VCPUS) {
        return -1;
    }
    return redist_init(idx) | cpuif_init();
}

/* --- per interrupt -------------------------------------------------------- */

void gic_enable(unsigned intid)
{
    mmio_write32(bit_reg(intid, GICD_ISENABLER), bit_of(intid));
}

void gic_disable(unsigned intid)
{
    mmio_write32(bit_reg(intid, GICD_ICENABLER), bit_of(intid));
    if (!v2) { /* GICv2 has no RWP: the write takes effect in finite time */
        wait_rwp(intid);
    }
}

bool gic_is_enabled(unsigned intid)
{
    return (mmio_read32(bit_reg(intid, GICD_ISENABLER)) & bit_of(intid)) != 0;
}

void gic_set_priority(unsigned intid, uint8_t prio)
{
    mmio_write8(frame_of(intid) + GICD_IPRIORITYR + intid, prio);
}

uint8_t gic_priority(unsigned intid)
{
    return mmio_read8(frame_of(intid) + GICD_IPRIORITYR + intid);
}

void gic_set_group1(unsigned intid, bool group1)
{
    uint64_t reg = bit_reg(intid, GICD_IGROUPR);
    uint32_t v;

    if (v2) {
        gicv2_set_group(intid, group1);
        return;
    }
    v = mmio_read32(reg);

    mmio_write32(reg, group1 ? v | bit_of(intid) : v & ~bit_of(intid));
}

void gic_set_pending(unsigned intid)
{
    if (v2 && intid < GIC_NR_SGIS) {
        gicv2_set_sgi_pending(intid, true);
        return;
    }
    mmio_write32(bit_reg(intid, GICD_ISPENDR), bit_of(intid));
}

void gic_clear_pending(unsigned intid)
{
    if (v2 && intid < GIC_NR_SGIS) {
        gicv2_set_sgi_pending(intid, false);
        return;
    }
    mmio_write32(bit_reg(intid, GICD_ICPENDR), bit_of(intid));
}

bool gic_is_pending(unsigned intid)
{
    return (mmio_read32(bit_reg(intid, GICD_ISPENDR)) & bit_of(intid)) != 0;
}

bool gic_is_active(unsigned intid)
{
    return (mmio_read32(bit_reg(intid, GICD_ISACTIVER)) & bit_of(intid)) != 0;
}

void gic_set_edge(unsigned intid, bool edge)
{
    uint64_t reg = frame_of(intid) + GICD_ICFGR + 4 * (intid / 16);
    uint32_t bit = 2U << (2 * (intid % 16));
    uint32_t v = mmio_read32(reg);

    if (intid >= GIC_NR_SGIS) {
        mmio_write32(reg, edge ? v | bit : v & ~bit);
    }
}

void gic_route(unsigned intid, unsigned vcpu)
{
    if (v2) {
        gicv2_route(intid, vcpu);
    } else if (intid >= 32) {
        mmio_write64(GUEST_GICD_BASE + GICD_IROUTER + 8 * intid, vcpu_router(vcpu));
    }
}

void gic_route_any(unsigned intid)
{
    if (v2) {
        gicv2_route_any(intid);
    } else if (intid >= 32) {
        mmio_write64(GUEST_GICD_BASE + GICD_IROUTER + 8 * intid, GICD_IROUTER_IRM);
    }
}

uint64_t gic_route_get(unsigned intid)
{
    if (v2) {
        return gicv2_route_get(intid);
    }
    return intid >= 32 ? mmio_read64(GUEST_GICD_BASE + GICD_IROUTER + 8 * intid) : 0;
}

/* --- SGIs ------------------------------------------------------------------ */

void gic_write_sgi1r(uint64_t value)
{
    dsb_ish(); /* memory the receiver will look at is visible before the interrupt */
    write_sysreg(icc_sgi1r_el1, value);
    isb();
}

void gic_write_sgir(uint32_t value)
{
    if (v2) {
        gicv2_write_sgir(value);
    }
}

/* One ICC_SGI1R_EL1 write per group of 16 vCPUs (Aff1) the set names. */
void gic_send_sgi_set(unsigned sgi, uint32_t vcpus)
{
    uint64_t v = (uint64_t)(sgi % GIC_NR_SGIS) << ICC_SGIR_INTID_SHIFT;

    if (v2) {
        gicv2_send_sgi_set(sgi, vcpus);
        return;
    }
    for (unsigned aff1 = 0; aff1 < 2; aff1++) {
        uint32_t list = (vcpus >> (16 * aff1)) & 0xFFFF;
        if (list != 0) {
            gic_write_sgi1r(v | (uint64_t)aff1 << 16 | list); /* Aff1, TargetList */
        }
    }
}

void gic_send_sgi(unsigned sgi, unsigned vcpu)
{
    if (vcpu < 32) {
        gic_send_sgi_set(sgi, 1U << vcpu);
    }
}

void gic_send_sgi_self(unsigned sgi)
{
    if (v2) {
        gicv2_send_sgi_self(sgi);
    } else {
        gic_send_sgi(sgi, guest_vcpu_index());
    }
}

void gic_send_sgi_others(unsigned sgi)
{
    if (v2) {
        gicv2_send_sgi_others(sgi);
        return;
    }
    gic_write_sgi1r((uint64_t)(sgi % GIC_NR_SGIS) << ICC_SGIR_INTID_SHIFT | ICC_SGIR_IRM);
}

/* --- CPU interface ------------------------------------------------------------ */

uint64_t gic_ack(void)
{
    if (v2) {
        return gicv2_cpuif_read(GICC_IAR);
    }
    return read_sysreg(icc_iar1_el1);
}

void gic_eoi(uint64_t iar)
{
    if (v2) {
        gicv2_cpuif_write(GICC_EOIR, (uint32_t)iar); /* with the SGI's source bits */
        return;
    }
    write_sysreg(icc_eoir1_el1, iar);
    isb();
}

void gic_deactivate(uint64_t iar)
{
    if (v2) {
        gicv2_cpuif_write(GICC_DIR, (uint32_t)iar);
        return;
    }
    write_sysreg(icc_dir_el1, iar);
    isb();
}

void gic_set_eoimode(bool split)
{
    uint64_t ctlr;

    if (v2) {
        ctlr = gicv2_cpuif_read(GICC_CTLR) & ~GICC_CTLR_EOIMODE;
        gicv2_cpuif_write(GICC_CTLR, (uint32_t)ctlr | (split ? GICC_CTLR_EOIMODE : 0));
        return;
    }
    ctlr = read_sysreg(icc_ctlr_el1) & ~(uint64_t)ICC_CTLR_EOIMODE;
    write_sysreg(icc_ctlr_el1, ctlr | (split ? ICC_CTLR_EOIMODE : 0));
    isb();
}

bool gic_eoimode(void)
{
    if (v2) {
        return (gicv2_cpuif_read(GICC_CTLR) & GICC_CTLR_EOIMODE) != 0;
    }
    return (read_sysreg(icc_ctlr_el1) & ICC_CTLR_EOIMODE) != 0;
}

void gic_set_pmr(uint8_t prio)
{
    if (v2) {
        gicv2_cpuif_write(GICC_PMR, prio);
        return;
    }
    write_sysreg(icc_pmr_el1, prio);
    isb();
}

uint8_t gic_pmr(void)
{
    return (uint8_t)(v2 ? gicv2_cpuif_read(GICC_PMR) : read_sysreg(icc_pmr_el1));
}

void gic_set_bpr(uint8_t bpr)
{
    if (v2) {
        gicv2_cpuif_write(GICC_BPR, bpr & 7U);
        return;
    }
    write_sysreg(icc_bpr1_el1, bpr & 7U);
    isb();
}

uint8_t gic_bpr(void)
{
    return (uint8_t)((v2 ? gicv2_cpuif_read(GICC_BPR) : read_sysreg(icc_bpr1_el1)) & 7U);
}

uint8_t gic_rpr(void)
{
    return (uint8_t)(v2 ? gicv2_cpuif_read(GICC_RPR) : read_sysreg(icc_rpr_el1));
}

unsigned gic_hppir(void)
{
    if (v2) {
        return gicv2_cpuif_read(GICC_HPPIR) & GICC_IAR_INTID;
    }
    return (unsigned)(read_sysreg(icc_hppir1_el1) & ICC_IAR_INTID);
}

unsigned gic_iar_intid(uint64_t iar)
{
    return (unsigned)(iar & (v2 ? GICC_IAR_INTID : ICC_IAR_INTID));
}

unsigned gic_iar_source(uint64_t iar)
{
    return v2 ? (unsigned)(iar >> GICC_IAR_SOURCE_SHIFT) & 7U : 0;
}

/* --- dispatch ---------------------------------------------------------------- */

void gic_set_handler_on(unsigned vcpu, unsigned intid, gic_handler_fn fn)
{
    if (vcpu < GUEST_MAX_VCPUS && intid < GIC_NR_INTIDS) {
        __atomic_store_n(&handlers[vcpu][intid], fn, __ATOMIC_RELEASE);
    }
}

void gic_set_handler(unsigned intid, gic_handler_fn fn)
{
    gic_set_handler_on(guest_vcpu_index(), intid, fn);
}

unsigned gic_irq_depth(void)
{
    return depth[guest_vcpu_index()];
}

uint64_t gic_irq_iar(void)
{
    unsigned cpu = guest_vcpu_index();

    return cpu < GUEST_MAX_VCPUS ? cur_iar[cpu] : GIC_SPURIOUS;
}

unsigned gic_spurious_count(unsigned vcpu)
{
    return vcpu < GUEST_MAX_VCPUS ? __atomic_load_n(&spurious[vcpu], __ATOMIC_RELAXED) : 0;
}

unsigned gic_unhandled_count(unsigned vcpu)
{
    return vcpu < GUEST_MAX_VCPUS ? __atomic_load_n(&unhandled[vcpu], __ATOMIC_RELAXED) : 0;
}

unsigned gic_unhandled_last(unsigned vcpu)
{
    return vcpu < GUEST_MAX_VCPUS ? __atomic_load_n(&unhandled_last[vcpu], __ATOMIC_RELAXED) : 0;
}

static void run_handler(unsigned cpu, unsigned intid)
{
    gic_handler_fn fn = NULL;

    if (intid < GIC_NR_INTIDS) {
        fn = __atomic_load_n(&handlers[cpu][intid], __ATOMIC_ACQUIRE);
    }
    if (fn != NULL) {
        fn(intid);
        return;
    }
    /* Nobody wants it: switch it off so that a level-triggered one cannot storm. */
    unhandled[cpu]++;
    unhandled_last[cpu] = intid;
    if (intid >= GIC_NR_SGIS) {
        gic_disable(intid);
    }
}

static void gic_handle_irq(struct exc_frame *frame)
{
    unsigned cpu = guest_vcpu_index();
    bool any = false;

    (void)frame;
    if (cpu >= GUEST_MAX_VCPUS) {
        return;
    }
    for (;;) {
        uint64_t iar = gic_ack();
        uint64_t outer = cur_iar[cpu];
        unsigned intid = gic_iar_intid(iar);

        if (intid >= 1020 && intid <= 1023) {
            break;
        }
        any = true;
        depth[cpu]++;
        cur_iar[cpu] = iar;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        run_handler(cpu, intid);
        irq_local_disable(); /* the handler may have enabled nesting */
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        cur_iar[cpu] = outer;
        depth[cpu]--;
        gic_eoi(iar);
    }
    if (!any) {
        spurious[cpu]++;
    }
}
