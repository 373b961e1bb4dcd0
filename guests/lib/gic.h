/*
 * GIC driver for test guests, one API on GICv2 and GICv3. gic_init() picks
 * the version from the VM's DTB (its GIC node's compatible: "arm,gic-v3", or
 * "arm,cortex-a15-gic" / "arm,gic-400"; with no GIC node, ID_AA64PFR0_EL1.GIC
 * decides) and takes the addresses from its reg.
 *
 * GICv3: the distributor and redistributors, the system-register CPU
 * interface (ICC_*_EL1), SGIs through ICC_SGI1R_EL1, SPIs routed by
 * GICD_IROUTER, every interrupt Group 1.
 * GICv2 (gicv2.c): one distributor with the private INTIDs' registers banked
 * per CPU, the memory-mapped CPU interface (GICC: on shrike the GICV frame
 * that stage 2 maps there), SGIs through GICD_SGIR target lists, SPIs routed
 * by GICD_ITARGETSR, at most 8 vCPUs, every interrupt Group 0 (signalled as
 * IRQ, acknowledged at GICC_IAR). An SGI's IAR carries its source CPU in
 * bits [12:10] and must be written back whole to EOIR and DIR: pass gic_ack()'s
 * value to gic_eoi() / gic_deactivate() unchanged on both versions.
 *
 * gic_init() on vCPU 0 maps the GIC, sets up the distributor (every SPI
 * delivered-group, disabled, level, priority GIC_PRIO_DEFAULT, routed to
 * vCPU 0) and then does gic_cpu_init() for itself; every other vCPU calls
 * gic_cpu_init() before it touches its interrupts. EOImode 0 (EOI drops the
 * priority and deactivates) until gic_set_eoimode(true). IRQs stay masked at
 * PSTATE until the guest calls irq_local_enable().
 *
 * Private INTIDs (0-31: SGIs and PPIs) are the calling vCPU's (its
 * redistributor, or the GICv2 distributor's banked registers); SPIs (32 and
 * up) are the distributor's.
 *
 * Handlers run with IRQs masked; one may call irq_enable_nesting() to let
 * higher-priority interrupts preempt it (the vectors keep ELR/SPSR on the
 * stack). A handler must not take the console lock (printf) if the code it
 * interrupted may hold it: record what happened, print from thread context.
 */
#ifndef SHRIKE_GUESTS_LIB_GIC_H
#define SHRIKE_GUESTS_LIB_GIC_H

#include <stdbool.h>
#include <stdint.h>

/* INTIDs with a handler slot: SGIs, PPIs and the 64 SPIs a shrike VM has. */
#define GIC_NR_INTIDS 96
#define GIC_NR_SGIS   16
#define GIC_PPI(n)    (16U + (n))
#define GIC_SPI(n)    (32U + (n))
#define GIC_SPURIOUS  1023U

/* Priorities: lower is more urgent; shrike implements 5 bits (multiples of 8). */
#define GIC_PRIO_DEFAULT 0xA0U
#define GIC_PRIO_STEP    8U
#define GIC_PMR_ALL      0xFFU /* unmask every priority */

/* --- distributor (GUEST_GICD_BASE) --------------------------------------- */
#define GICD_CTLR        0x0000
#define GICD_TYPER       0x0004
#define GICD_IIDR        0x0008
#define GICD_IGROUPR     0x0080 /* + 4 * (INTID / 32) */
#define GICD_ISENABLER   0x0100
#define GICD_ICENABLER   0x0180
#define GICD_ISPENDR     0x0200
#define GICD_ICPENDR     0x0280
#define GICD_ISACTIVER   0x0300
#define GICD_ICACTIVER   0x0380
#define GICD_IPRIORITYR  0x0400 /* + INTID, one byte each */
#define GICD_ICFGR       0x0C00 /* + 4 * (INTID / 16) */
#define GICD_IROUTER     0x6000 /* + 8 * INTID, 64-bit */
#define GICD_CTLR_GRP1   (1U << 1)
#define GICD_CTLR_ARE    (1U << 4)
#define GICD_CTLR_RWP    (1U << 31)
#define GICD_IROUTER_IRM (1ULL << 31)

/* --- GICv2 distributor extras (IHI 0048B 4.3) ------------------------------- */
#define GICD_ITARGETSR          0x0800 /* + INTID, one byte each: a bit per CPU interface */
#define GICD_SGIR               0x0F00
#define GICD_CPENDSGIR          0x0F10 /* + SGI, one byte each: a bit per source */
#define GICD_SPENDSGIR          0x0F20
#define GICD_CTLR_ENABLE_GRP0   (1U << 0)
#define GICD_SGIR_FILTER_LIST   (0U << 24) /* the CPUTargetList */
#define GICD_SGIR_FILTER_OTHERS (1U << 24) /* every CPU interface but the sender's */
#define GICD_SGIR_FILTER_SELF   (2U << 24) /* the sender's only */
#define GICD_SGIR_TARGETS_SHIFT 16
#define GICV2_MAX_CPUS          8

/* --- GICv2 CPU interface (GICC; IHI 0048B 4.4) ------------------------------ */
#define GICC_CTLR             0x0000
#define GICC_PMR              0x0004
#define GICC_BPR              0x0008
#define GICC_IAR              0x000C
#define GICC_EOIR             0x0010
#define GICC_RPR              0x0014
#define GICC_HPPIR            0x0018
#define GICC_ABPR             0x001C
#define GICC_AIAR             0x0020
#define GICC_AEOIR            0x0024
#define GICC_AHPPIR           0x0028
#define GICC_APR0             0x00D0
#define GICC_IIDR             0x00FC
#define GICC_DIR              0x1000
#define GICC_CTLR_ENABLE_GRP0 (1U << 0)
#define GICC_CTLR_ENABLE_GRP1 (1U << 1)
#define GICC_CTLR_EOIMODE     (1U << 9)
#define GICC_IAR_INTID        0x3FFU
#define GICC_IAR_SOURCE_SHIFT 10 /* SGIs: the requesting CPU interface, bits [12:10] */

/* --- redistributor: RD_base, then SGI_base at + GICR_SGI_OFFSET ----------- */
#define GICR_CTLR                0x0000
#define GICR_IIDR                0x0004
#define GICR_TYPER               0x0008 /* 64-bit; Affinity in [63:32] */
#define GICR_WAKER               0x0014
#define GICR_SGI_OFFSET          0x10000
#define GICR_IGROUPR0            0x0080 /* SGI_base offsets from here on */
#define GICR_ISENABLER0          0x0100
#define GICR_ICENABLER0          0x0180
#define GICR_ISPENDR0            0x0200
#define GICR_ICPENDR0            0x0280
#define GICR_ISACTIVER0          0x0300
#define GICR_ICACTIVER0          0x0380
#define GICR_IPRIORITYR          0x0400
#define GICR_ICFGR0              0x0C00
#define GICR_ICFGR1              0x0C04
#define GICR_CTLR_RWP            (1U << 3)
#define GICR_WAKER_SLEEP         (1U << 1) /* ProcessorSleep */
#define GICR_WAKER_CHILDREN_ASLP (1U << 2) /* ChildrenAsleep */

/* --- ICC_SGI1R_EL1 ------------------------------------------------------- */
#define ICC_SGIR_INTID_SHIFT 24
#define ICC_SGIR_IRM         (1ULL << 40) /* every PE but the sender */

/* Raw 8/32/64-bit MMIO with single plain ldr/str forms (what a trapping hypervisor can decode). */
static inline uint32_t mmio_read32(uint64_t addr)
{
    uint32_t v;

    __asm__ __volatile__("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
    __asm__ __volatile__("str %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline uint8_t mmio_read8(uint64_t addr)
{
    uint32_t v;

    __asm__ __volatile__("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
    return (uint8_t)v;
}

static inline void mmio_write8(uint64_t addr, uint8_t v)
{
    __asm__ __volatile__("strb %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline uint64_t mmio_read64(uint64_t addr)
{
    uint64_t v;

    __asm__ __volatile__("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

static inline void mmio_write64(uint64_t addr, uint64_t v)
{
    __asm__ __volatile__("str %x0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

/* --- PSTATE.I ------------------------------------------------------------- */
static inline void irq_local_enable(void)
{
    __asm__ __volatile__("msr daifclr, #2" : : : "memory");
}

static inline void irq_local_disable(void)
{
    __asm__ __volatile__("msr daifset, #2" : : : "memory");
}

static inline bool irq_local_masked(void)
{
    uint64_t daif;

    __asm__ __volatile__("mrs %0, daif" : "=r"(daif));
    return (daif & (1U << 7)) != 0;
}

/* Inside a handler: let higher-priority interrupts preempt it (the dispatcher masks again). */
static inline void irq_enable_nesting(void)
{
    irq_local_enable();
}

static inline void wfi(void)
{
    __asm__ __volatile__("dsb sy\n\twfi" : : : "memory");
}

/* --- setup ---------------------------------------------------------------- */

/*
 * vCPU 0, once: maps the distributor and the redistributors (Device), sets up
 * the distributor, hooks the dispatcher into the IRQ vector and runs
 * gic_cpu_init(). 0 on success, -1 if a step timed out or did not take.
 */
int gic_init(void);

/*
 * Every vCPU (gic_init() does vCPU 0's): wakes this vCPU's redistributor
 * (GICR_WAKER), makes SGIs and PPIs group 1, disabled, at GIC_PRIO_DEFAULT,
 * and enables the CPU interface (SRE, PMR 0xFF, BPR1 0, EOImode 0, group 1).
 * -1 if GICR_TYPER's affinity is not this vCPU's MPIDR, SRE does not stick,
 * or the redistributor does not wake.
 */
int gic_cpu_init(void);

/* 2 or 3: the GIC the DTB describes (3 before gic_init()). */
unsigned gic_version(void);

/* The compatible string gic_init() matched ("" if the DTB has no GIC node). */
const char *gic_compatible(void);

/* Register frames: the distributor; v3: a vCPU's redistributor; v2: the CPU interface (GICC). */
uint64_t gic_dist_base(void);
uint64_t gic_redist_base(unsigned vcpu);     /* v3: RD_base */
uint64_t gic_redist_sgi_base(unsigned vcpu); /* v3: SGI_base */
uint64_t gic_cpuif_base(void);               /* v2: GICC (0 on v3) */

/* v2: vCPU vcpu's CPU interface bit (its GICD_ITARGETSR0); v3: 1 << (vcpu % 16). */
unsigned gic_cpu_mask(unsigned vcpu);

/* Number of INTIDs the distributor implements (GICD_TYPER.ITLinesNumber). */
unsigned gic_nr_intids(void);

/* --- per interrupt (private ones: the calling vCPU's) ---------------------- */
void gic_enable(unsigned intid);
void gic_disable(unsigned intid); /* waits for RWP */
bool gic_is_enabled(unsigned intid);
void gic_set_priority(unsigned intid, uint8_t prio);
uint8_t gic_priority(unsigned intid);
/*
 * true: the group this driver signals as IRQ and acknowledges (v3: Group 1,
 * v2: Group 0); false: the other one (v3: Group 0, v2: Group 1), which it
 * never acknowledges.
 */
void gic_set_group1(unsigned intid, bool group1);
void gic_set_pending(unsigned intid);   /* v2 SGIs: GICD_SPENDSGIR, source = the caller */
void gic_clear_pending(unsigned intid); /* v2 SGIs: GICD_CPENDSGIR, every source */
bool gic_is_pending(unsigned intid);
bool gic_is_active(unsigned intid);
void gic_set_edge(unsigned intid, bool edge); /* PPIs and SPIs; SGIs are always edge */

/*
 * SPIs: deliver to vCPU vcpu (v3: IROUTER Aff0 = vcpu; v2: ITARGETSR = its CPU
 * interface bit), or to any vCPU (v3: IRM; v2: every vCPU's bit, and shrike
 * then delivers to the lowest). gic_route_get() reads IROUTER, or translates
 * ITARGETSR into what IROUTER would hold: one vCPU -> its index, several ->
 * GICD_IROUTER_IRM, none -> 0.
 */
void gic_route(unsigned intid, unsigned vcpu);
void gic_route_any(unsigned intid);
uint64_t gic_route_get(unsigned intid);

/* --- SGIs (v3: ICC_SGI1R_EL1, Group 1; v2: GICD_SGIR) ------------------------ */
void gic_send_sgi(unsigned sgi, unsigned vcpu);      /* unicast (vcpu may be the sender) */
void gic_send_sgi_set(unsigned sgi, uint32_t vcpus); /* a bit per vCPU index */
void gic_send_sgi_others(unsigned sgi);              /* every vCPU but the sender */
void gic_send_sgi_self(unsigned sgi);                /* the sender only */
void gic_write_sgi1r(uint64_t value);                /* v3 raw (UNDEF on v2) */
void gic_write_sgir(uint32_t value);                 /* v2 raw GICD_SGIR (v3: ignored) */

/* --- CPU interface (v3: ICC_*_EL1; v2: GICC_*) -------------------------------- */
uint64_t gic_ack(void);            /* IAR1 / GICC_IAR: the whole value */
void gic_eoi(uint64_t iar);        /* EOIR1 / GICC_EOIR: priority drop (+ deactivate, EOImode 0) */
void gic_deactivate(uint64_t iar); /* DIR / GICC_DIR (EOImode 1) */
void gic_set_eoimode(bool split);  /* ICC_CTLR_EL1 / GICC_CTLR EOImode */
bool gic_eoimode(void);
void gic_set_pmr(uint8_t prio); /* PMR */
uint8_t gic_pmr(void);
void gic_set_bpr(uint8_t bpr); /* BPR1 / GICC_BPR (raised to the interface's minimum) */
uint8_t gic_bpr(void);
uint8_t gic_rpr(void);    /* RPR: the running priority (0xFF: idle) */
unsigned gic_hppir(void); /* HPPIR1 / GICC_HPPIR: highest pending INTID (1023: none) */

/* An IAR value's INTID, and (v2 SGIs) the CPU interface number of its sender (v3: 0). */
unsigned gic_iar_intid(uint64_t iar);
unsigned gic_iar_source(uint64_t iar);

/* --- dispatch --------------------------------------------------------------- */

/*
 * Called with the INTID acknowledged; the dispatcher EOIs after it returns
 * (in EOImode 1 that only drops the priority: the guest deactivates with
 * gic_deactivate(), e.g. of gic_irq_iar()).
 */
typedef void (*gic_handler_fn)(unsigned intid);

/* The handler of intid on the calling vCPU / on vCPU vcpu (NULL: none). */
void gic_set_handler(unsigned intid, gic_handler_fn fn);
void gic_set_handler_on(unsigned vcpu, unsigned intid, gic_handler_fn fn);

/*
 * The IRQ vector's handler (gic_init() installs it): acknowledges, runs the
 * INTID's handler, masks IRQs, EOIs, and repeats until the IAR reads a
 * spurious INTID. An INTID without a handler is disabled and counted.
 */
unsigned gic_irq_depth(void);                /* handlers running on this vCPU (nesting) */
uint64_t gic_irq_iar(void);                  /* IAR of the innermost handler running here */
unsigned gic_spurious_count(unsigned vcpu);  /* IRQ exceptions that acknowledged nothing */
unsigned gic_unhandled_count(unsigned vcpu); /* INTIDs acknowledged without a handler */
unsigned gic_unhandled_last(unsigned vcpu);  /* the last such INTID */

#endif
