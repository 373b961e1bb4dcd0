/*
 * GICv3 driver for test guests: the distributor and redistributors at the
 * addresses of vcpu/abi.h (bare QEMU's virt board uses the same ones), the
 * system-register CPU interface (ICC_*_EL1, EOImode 0: EOIR drops the
 * priority and deactivates), and an IRQ dispatch table with one handler per
 * INTID and vCPU, hooked into the runtime's IRQ vector.
 *
 * gic_init() on vCPU 0 maps the GIC, sets up the distributor (every SPI group
 * 1, disabled, priority GIC_PRIO_DEFAULT, routed to vCPU 0) and then does
 * gic_cpu_init() for itself; every other vCPU calls gic_cpu_init() before it
 * touches its interrupts. All interrupts are group 1. IRQs stay masked at
 * PSTATE until the guest calls irq_local_enable().
 *
 * Private INTIDs (0-31: SGIs and PPIs) are those of the calling vCPU's
 * redistributor; SPIs (32 and up) are the distributor's.
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

/* Distributor and redistributor register addresses. */
uint64_t gic_dist_base(void);
uint64_t gic_redist_base(unsigned vcpu);     /* RD_base */
uint64_t gic_redist_sgi_base(unsigned vcpu); /* SGI_base */

/* Number of INTIDs the distributor implements (GICD_TYPER.ITLinesNumber). */
unsigned gic_nr_intids(void);

/* --- per interrupt (private ones: the calling vCPU's) ---------------------- */
void gic_enable(unsigned intid);
void gic_disable(unsigned intid); /* waits for RWP */
bool gic_is_enabled(unsigned intid);
void gic_set_priority(unsigned intid, uint8_t prio);
uint8_t gic_priority(unsigned intid);
void gic_set_group1(unsigned intid, bool group1);
void gic_set_pending(unsigned intid);
void gic_clear_pending(unsigned intid);
bool gic_is_pending(unsigned intid);
bool gic_is_active(unsigned intid);
void gic_set_edge(unsigned intid, bool edge); /* PPIs and SPIs; SGIs are always edge */

/* SPIs: deliver to vCPU vcpu (Aff0 = vcpu), or to any vCPU (IRM). */
void gic_route(unsigned intid, unsigned vcpu);
void gic_route_any(unsigned intid);
uint64_t gic_route_get(unsigned intid);

/* --- SGIs (ICC_SGI1R_EL1, group 1) ----------------------------------------- */
void gic_send_sgi(unsigned sgi, unsigned vcpu); /* unicast (vcpu may be the sender) */
void gic_send_sgi_others(unsigned sgi);         /* IRM: every vCPU but the sender */
void gic_write_sgi1r(uint64_t value);           /* raw */

/* --- CPU interface --------------------------------------------------------- */
uint64_t gic_ack(void);         /* ICC_IAR1_EL1 */
void gic_eoi(uint64_t iar);     /* ICC_EOIR1_EL1 (drops priority and deactivates) */
void gic_set_pmr(uint8_t prio); /* ICC_PMR_EL1 */
uint8_t gic_pmr(void);
uint8_t gic_rpr(void);    /* ICC_RPR_EL1: the running priority (0xFF: idle) */
unsigned gic_hppir(void); /* ICC_HPPIR1_EL1: highest pending INTID (1023: none) */

/* --- dispatch --------------------------------------------------------------- */

/* Called with the INTID acknowledged; the dispatcher EOIs after it returns. */
typedef void (*gic_handler_fn)(unsigned intid);

/* The handler of intid on the calling vCPU / on vCPU vcpu (NULL: none). */
void gic_set_handler(unsigned intid, gic_handler_fn fn);
void gic_set_handler_on(unsigned vcpu, unsigned intid, gic_handler_fn fn);

/*
 * The IRQ vector's handler (gic_init() installs it): acknowledges, runs the
 * INTID's handler, masks IRQs, EOIs, and repeats until ICC_IAR1_EL1 reads a
 * spurious INTID. An INTID without a handler is disabled and counted.
 */
unsigned gic_irq_depth(void);                /* handlers running on this vCPU (nesting) */
unsigned gic_spurious_count(unsigned vcpu);  /* IRQ exceptions that acknowledged nothing */
unsigned gic_unhandled_count(unsigned vcpu); /* INTIDs acknowledged without a handler */
unsigned gic_unhandled_last(unsigned vcpu);  /* the last such INTID */

#endif
