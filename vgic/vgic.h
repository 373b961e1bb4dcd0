/*
 * The virtual GICv3: per-interrupt state, per-vCPU lists of pending/active
 * interrupts, the list-register image, and SGI generation. Plain C with no
 * hardware access (host unit-tested); vgic/vgic_hw.c moves the list-register
 * image in and out of ICH_*_EL2, and vgic/vgic_mmio_*.c emulate the
 * distributor and redistributor registers on top of this API.
 *
 * Model (after KVM's vgic.c): an interrupt is "pending" when its latch is set
 * (edge, SGI, or a GICD_ISPENDR write) or, for a level-triggered interrupt,
 * when its input line is high. A pending-and-enabled or active interrupt sits
 * on exactly one vCPU's ap_list: the one vgic_target() chooses. Before entering
 * the guest, the highest-priority entries of the ap_list are written into
 * list registers (vgic_flush_lrs); after the exit they are read back
 * (vgic_fold_lrs), and interrupts neither pending nor active leave the list.
 *
 * Locking: a vCPU's ap_lock, then an interrupt's lock; never two ap_locks at
 * once (an interrupt moves by leaving one list, then being queued on the
 * other). The kick hook is called with no vGIC lock held. The full order is
 * in docs/architecture.md ("Locks").
 */
#ifndef SHRIKE_VGIC_VGIC_H
#define SHRIKE_VGIC_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/list.h"
#include "kernel/spinlock.h"

#define VGIC_NR_SGIS    16
#define VGIC_NR_PRIVATE 32 /* SGIs and PPIs, banked per vCPU */
#define VGIC_MAX_SPIS   64 /* SPIs per VM: INTIDs 32 .. 32 + nr_spis - 1 */
#define VGIC_MAX_CPUS   8
#define VGIC_MAX_LRS    16
#define VGIC_PRIO_BITS  5 /* priority bits the virtual CPU interface implements (QEMU: 5) */
#define VGIC_PRIO_MASK  ((0xFFU << (8 - VGIC_PRIO_BITS)) & 0xFFU)

/* Virtual INTIDs with a fixed meaning in every VM. */
#define VGIC_INTID_MAINTENANCE 25 /* reserved: shrike's, never the guest's */
#define VGIC_INTID_HYP_TIMER   26 /* reserved: shrike's, never the guest's */
#define VGIC_INTID_VTIMER      27
#define VGIC_INTID_PTIMER      30
#define VGIC_INTID_UART        33

/* ICH_LR<n>_EL2 fields (GICv3 spec 12.4.6). */
#define ICH_LR_VINTID_MASK    0xFFFFFFFFULL
#define ICH_LR_PINTID_SHIFT   32
#define ICH_LR_PINTID_MASK    (0x1FFFULL << 32)
#define ICH_LR_EOI            (1ULL << 41) /* (HW = 0) maintenance interrupt on deactivation */
#define ICH_LR_PRIORITY_SHIFT 48
#define ICH_LR_GROUP1         (1ULL << 60)
#define ICH_LR_HW             (1ULL << 61)
#define ICH_LR_STATE_SHIFT    62
#define ICH_LR_PENDING        (1ULL << 62)
#define ICH_LR_ACTIVE         (1ULL << 63)

/*
 * GICv2 SGIs: the source vCPU in bits [34:32] of the list-register image
 * (pINTID bits, RES0 in ICH_LR with HW = 0, and never set for a GICv3 VM);
 * vgic_v2_make_lr() (vgic_lr_v2.h) moves it to GICH_LR.CPUID.
 */
#define VGIC_LR_SOURCE_SHIFT 32
#define VGIC_LR_SOURCE_MASK  (7ULL << 32)

struct vgic_cpu;

struct vgic_irq {
    spinlock_t lock;
    struct list_node ap_link; /* on vcpu->ap_list */
    struct vgic_cpu *vcpu;    /* the vCPU whose ap_list holds it, or NULL */
    struct vgic_cpu *owner;   /* private interrupts: the vCPU they belong to (NULL for SPIs) */
    uint32_t intid;
    uint32_t hwintid; /* physical INTID, when hw */
    uint64_t irouter; /* SPIs: GICD_IROUTER (Aff3.Aff2.Aff1.Aff0; IRM bit 31 = any vCPU) */
    uint8_t priority;
    bool enabled;
    bool group1;
    bool edge;          /* GICD_ICFGR: edge-triggered (SGIs always) */
    bool pending_latch; /* edge pending, or set by software */
    bool line_level;    /* level-triggered input */
    bool active;
    bool hw; /* mapped to a physical interrupt: the guest's deactivation reaches it */
    /*
     * hw: line_level was just raised by the device on its vCPU's CPU (the
     * timer's PPI, or its load) and the interrupt is listed, so the flush
     * that must come before its guest runs again need not ask the device
     * again (vgic_dist.resample); that flush clears it.
     */
    bool sampled;
    bool guest_owned; /* false: reserved for shrike; the guest's writes to it are ignored */
    /* GICv2 VMs only (vgic_mmio_dist_v2.c): */
    uint8_t targets;       /* SPIs: GICD_ITARGETSR, a bit per vCPU; the lowest set one routes */
    uint8_t sgi_sources;   /* SGIs: the vCPUs it is pending from; pending_latch = (sources != 0) */
    uint8_t active_source; /* SGIs: the source of the activation in progress */
};

struct vgic_dist;

struct vgic_cpu {
    unsigned id;    /* vCPU index in the VM */
    uint64_t mpidr; /* affinity, as the guest sees it in MPIDR_EL1 (Aff0 = id) */
    void *owner;    /* the struct vcpu */
    struct vgic_dist *dist;
    spinlock_t ap_lock;
    struct list_node ap_list;
    bool sleeping; /* GICR_WAKER.ProcessorSleep (reset: 1) */
    bool loaded;   /* its list registers are live on a CPU (vgic_cpu_set_loaded) */
    /*
     * Something its list registers do not show happened since the last
     * flush: an interrupt was queued on its list, or one on it changed state
     * (set in vgic_queue_unlock; cleared by the run loop before a flush).
     * With it clear, a trap handled without the run loop resumes the guest
     * with the list registers as they are (vcpu/trap.c).
     */
    unsigned changed; /* 0 or 1; a word, so that trap_exit() loads it in one instruction */
    /*
     * An interrupt was put on ap_list since the last full flush (ap_lock held
     * to change it). Clear, with no overflow, the list holds exactly what
     * the list registers do: vgic_refresh_lrs() may re-list in place.
     */
    bool linked;
    bool folded; /* vgic_fold_lrs() has read the list registers back since the last flush */

    /* The virtual CPU interface while the vCPU is not loaded (vgic/vgic_hw.c). */
    uint64_t lr[VGIC_MAX_LRS];
    unsigned used_lrs;
    uint64_t vmcr; /* the guest's view (its VCBPR): hardware gets vgic_vmcr_sanitise() */
    uint32_t ap0r[4];
    uint32_t ap1r[4];
    bool underflow; /* more on ap_list than list registers: ask for a maintenance interrupt */
    /* Last: the fields above, read on every exit, stay at short offsets. */
    struct vgic_irq private_irqs[VGIC_NR_PRIVATE];
};

struct vgic_dist {
    spinlock_t lock; /* GICD_CTLR */
    bool v2;         /* GICv2 model: ITARGETSR routing, SGIs pending per source */
    bool grp0_enabled;
    bool grp1_enabled;
    unsigned nr_spis;
    unsigned nr_cpus;
    bool sparse_affinity; /* a vCPU's MPIDR is not its index (vgic_cpu_init): vgic_sgi walks */
    struct vgic_cpu *cpus[VGIC_MAX_CPUS];
    /*
     * c has something new to deliver: the hypervisor makes c exit if it runs
     * on another CPU, wakes it if it waits in WFI, and does nothing else (a
     * vCPU that is queued, or that runs on the calling CPU, flushes before
     * its next entry anyway). Called with no vGIC lock held.
     */
    void (*kick)(struct vgic_cpu *c);
    /*
     * The current output of the device behind a hardware-mapped level
     * interrupt (the virtual timer), asked just before the interrupt is
     * listed pending, on the CPU where its vCPU is loaded, with irq->lock
     * held; when the line is low the hook deactivates the physical interrupt
     * it left active. NULL (host tests): the vGIC's own line state.
     */
    bool (*resample)(struct vgic_irq *irq);
    /* Last: the fields above, read on every SGI and refresh, stay at short offsets. */
    struct vgic_irq spis[VGIC_MAX_SPIS];
};

/* Setup, at VM creation. nr_spis is a multiple of 32, at most VGIC_MAX_SPIS. */
void vgic_dist_init(struct vgic_dist *d, unsigned nr_spis, void (*kick)(struct vgic_cpu *c));
void vgic_cpu_init(struct vgic_dist *d, struct vgic_cpu *c, unsigned id, uint64_t mpidr,
                   void *owner);
/*
 * Back to the reset state (VM reset): every interrupt idle, lists empty,
 * GICD_CTLR 0. Safe against devices and timers driving lines meanwhile (no
 * list is ever left malformed), but the caller quiesces them first and
 * re-syncs their levels afterwards, or a level raised during the reset
 * survives it.
 */
void vgic_reset(struct vgic_dist *d);

/*
 * One vCPU back to its reset state (PSCI CPU_ON, and each vCPU at VM reset):
 * its SGIs and PPIs idle and disabled, its list empty (SPIs it held go back
 * to their targets), its CPU interface (VMCR, active priorities, list
 * registers) cleared, its redistributor asleep. The vCPU is not running.
 */
void vgic_cpu_reset(struct vgic_cpu *c);

/* The interrupt for intid as seen from vCPU c (private ones are c's), or NULL if out of range. */
struct vgic_irq *vgic_get_irq(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid);

/*
 * The vCPU an interrupt should be delivered to (private: its owner; SPI: per
 * IROUTER, or on a GICv2 VM the lowest vCPU its ITARGETSR names).
 */
struct vgic_cpu *vgic_target(struct vgic_dist *d, const struct vgic_irq *irq);

/* A device or timer drives a level-triggered input. */
void vgic_set_level(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid, bool level);

/*
 * vgic_set_level(d, c, intid, true) of c's private interrupt intid from c's
 * own exit path on the CPU where c is loaded (the lean IRQ exit): the same,
 * without the kick, since c flushes before it re-enters (its `changed` is set).
 */
void vgic_raise_private_here(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid);

/* Makes an interrupt pending (edge); used for SGIs and GICD_ISPENDR. */
void vgic_set_pending(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid);

/*
 * Puts irq on its target's ap_list if it should be there (pending and
 * enabled and its group enabled, or active) and it is on none, then kicks
 * the target. Called with irq->lock held; releases it.
 */
void vgic_queue_unlock(struct vgic_dist *d, struct vgic_irq *irq);

/*
 * irq's route (GICD_IROUTER) changed; called with irq->lock held, releases
 * it. On no list: queued on its new target. On a vCPU's list that is not
 * loaded: moved to the new target at once. On a loaded vCPU's list: left
 * there (it may be in a list register); that vCPU's next flush or put moves it. The
 * old holder is never kicked: a route change alone interrupts nobody.
 */
void vgic_route_changed_unlock(struct vgic_dist *d, struct vgic_irq *irq);

/* Marks irq as hardware-mapped to physical INTID hwintid (the virtual timer). */
void vgic_map_hw(struct vgic_irq *irq, uint32_t hwintid);

/*
 * ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 / ICC_SGI0R_EL1 written by vCPU src: decodes
 * the target list, range selector and IRM (all but self) against the vCPUs'
 * affinities and pends the SGI on each target. Returns how many were targeted.
 */
unsigned vgic_sgi(struct vgic_dist *d, struct vgic_cpu *src, uint64_t sgir, bool group1);

/*
 * The vCPUs (a bit per index) an IRM = 0 SGIR names when every vCPU's MPIDR
 * is its index (!d->sparse_affinity; the VMs shrike builds): Aff0 RS * 16 + n
 * for each TargetList bit n, cut to the VM's vCPUs; nobody if Aff3..Aff1 are
 * set or RS > 1. No walk. Inline, so that a trap can skip vgic_sgi() for a
 * write that targets nobody (an empty list, an absent vCPU).
 */
static inline uint32_t vgic_sgi_dense_mask(const struct vgic_dist *d, uint64_t sgir)
{
    _Static_assert(VGIC_MAX_CPUS <= 32, "RS 0 and 1 cover every vCPU");
    /* Aff1 [23:16], Aff2 [39:32], Aff3 [55:48] not 0, or RS [47:44] above 1: nobody. */
    const uint64_t none = 0xFFULL << 16 | 0xFFULL << 32 | 0xFFULL << 48 | 0xEULL << 44;
    if (sgir & none) {
        return 0;
    }
    unsigned shift = (unsigned)(sgir >> 40) & 16; /* RS [44] * 16 */
    uint64_t named = (sgir & 0xFFFFULL) << shift; /* TargetList [15:0] */
    return (uint32_t)(named & ((1ULL << d->nr_cpus) - 1));
}

/* True if vgic_sgi(d, ., sgir, .) would target nobody, known without a walk. */
static inline bool vgic_sgi_nobody(const struct vgic_dist *d, uint64_t sgir)
{
    return !(sgir & (1ULL << 40)) && /* IRM */
           ((sgir & 0xFFFFULL) == 0 || (!d->sparse_affinity && vgic_sgi_dense_mask(d, sgir) == 0));
}

/*
 * Fills up to nr_lrs list-register values from c's ap_list, dropping what
 * belongs on no list and moving what belongs on another vCPU's. When all fit,
 * in list order; otherwise the chosen ones are active interrupts first, then
 * pending ones in priority order (lower value = higher priority; ties by
 * INTID), and c->underflow is set. Returns the number of list registers used.
 */
unsigned vgic_flush_lrs(struct vgic_cpu *c, uint64_t *lrs, unsigned nr_lrs);

/*
 * Folds list-register values read back after an exit into the interrupts'
 * state (pending/active as the guest left them). A private interrupt (SGI,
 * PPI) stays on c's list even when the guest has finished it (neither
 * pending nor active): it is taken off by the next full flush, or by the
 * next pend's refresh put back into its list register without relinking
 * (vgic_refresh_lrs). An SPI neither pending nor active leaves c's list at
 * once (or moves where it belongs now). Interrupts that stayed on the list
 * without a list register keep their state and wait for the next flush.
 */
void vgic_fold_lrs(struct vgic_cpu *c, const uint64_t *lrs, unsigned used);

/*
 * The short flush. lrs[0..*used) are the values the last flush wrote (or the
 * fold read back), `empty` the list registers the guest has finished since
 * (ICH_ELRSR_EL2: neither pending nor active). It applies when nothing was
 * linked onto c's list since that flush (c->linked), none overflowed, every
 * used list register is empty and each holds a private interrupt of a GICv3
 * VM: the list is then exactly what the list registers hold, and no
 * interrupt on it can have to move. Each of them is folded as finished
 * (unless c->folded says the fold did it already); one deliverable again
 * gets its list register back, and the others leave c's list, their
 * registers dropped and the rest moved down to close the gaps (*used
 * shrinks). *write: bit i set, lrs[i] must be written to list register i;
 * registers from the new *used up to the old one must be cleared. Returns
 * false, having changed nothing, when it does not apply: the caller does the
 * full flush.
 */
bool vgic_refresh_lrs(struct vgic_cpu *c, uint64_t *lrs, unsigned *used, uint32_t empty,
                      uint32_t *write);

/*
 * vgic_refresh_lrs() for one list register (a kick's SGI, the timer: the
 * common case), `lr` its last value, which the guest has finished (the
 * caller read ICH_ELRSR_EL2): no loops, no masks, the answer in registers.
 * LONG: it does not apply, nothing changed (the full flush); WRITE: list
 * register 0 gets .lr; KEEP: it stays in use and empty (pended again while
 * it was being taken off: the pender kicks); DROP: no register in use.
 */
enum vgic_refresh_op {
    VGIC_REFRESH_LONG,
    VGIC_REFRESH_WRITE,
    VGIC_REFRESH_KEEP,
    VGIC_REFRESH_DROP
};
struct vgic_refresh {
    enum vgic_refresh_op op;
    uint64_t lr;
};
struct vgic_refresh vgic_refresh_single(struct vgic_cpu *c, uint64_t lr);
/*
 * The same for a GICv2 VM (vgic_hw_v2_refresh_one): LONG for an SGI, whose
 * sources one register cannot hold (make_lr_v2_sgi). vgic_refresh_single
 * itself does not ask: its GICv3 callers are the timer's hot path.
 */
struct vgic_refresh vgic_refresh_single_v2(struct vgic_cpu *c, uint64_t lr);

/*
 * The vCPU's CPU interface goes live on a CPU (before its first flush) or
 * leaves it (after its last fold; its list is then pruned whole if it holds
 * an SPI, the only kind that can belong on another vCPU's list). While it is
 * not loaded, its ap_list is memory only, so a route change can move an SPI
 * off it at once.
 */
void vgic_cpu_set_loaded(struct vgic_cpu *c, bool loaded);

/* True if c has anything deliverable (for WFI wake-up). */
bool vgic_has_pending(struct vgic_cpu *c);

/* State as the GICD/GICR pending and active registers report it. */
bool vgic_irq_is_pending(const struct vgic_irq *irq);

/*
 * The guest's ICC_DIR_EL1 on vCPU c (EOImode 1), with c's list registers
 * folded: intid (c's private one, or an SPI) loses its active state if it is
 * active on c; the next flush rewrites its list register. Returns true if it
 * is hardware-mapped: the caller, on the CPU where c is loaded, must then
 * deactivate the physical interrupt *hwintid.
 */
bool vgic_deactivate(struct vgic_cpu *c, uint32_t intid, uint32_t *hwintid);

#endif
