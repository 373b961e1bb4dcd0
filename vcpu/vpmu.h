/*
 * A virtual PMUv3 for guests (a VM's `pmu` configuration; docs/trap-policy.md).
 *
 * Every PMU register access traps (MDCR_EL2.TPM/TPMCR) and is emulated on
 * top of the real PMU, which belongs to the vCPU while it is loaded: the
 * guest's event types reach the hardware with EL2 filtering forced on
 * (PMEVTYPER/PMCCFILTR.NSH = 0), so nothing shrike executes is counted, and
 * at put the counters are saved and stopped, so that a vCPU counts only
 * while it runs and never sees another's counts. The overflow interrupt
 * (PPI 7, INTID 23) is virtual: the physical one is masked (PMINTENCLR)
 * while the guest's line is high and the guest's own PMOVSCLR lowers it.
 *
 * The decode and the register rules are plain C, tested on the host
 * (tests/unit/test_vpmu.c); the hardware side follows under !SHRIKE_HOST_TEST.
 */
#ifndef SHRIKE_VCPU_VPMU_H
#define SHRIKE_VCPU_VPMU_H

#include <stdbool.h>
#include <stdint.h>

#define VPMU_INTID        23 /* PPI 7: the PMU overflow interrupt of QEMU's virt and the DTB */
#define VPMU_MAX_EVCNT    31
#define VPMU_CYCLE_BIT    31 /* PMCNTEN/PMINTEN/PMOVS bit of the cycle counter */
#define PMCR_E            (1U << 0)
#define PMCR_P            (1U << 1)
#define PMCR_C            (1U << 2)
#define PMCR_D            (1U << 3)
#define PMCR_X            (1U << 4)
#define PMCR_DP           (1U << 5)
#define PMCR_LC           (1U << 6)
#define PMCR_N_SHIFT      11
#define PMCR_WRITABLE     (PMCR_E | PMCR_D | PMCR_X | PMCR_DP | PMCR_LC)
#define PMUSERENR_MASK    0xFU       /* EN, SW, CR, ER */
#define PMEVTYPER_NSH     (1U << 27) /* count at EL2: never for a guest */
#define PMEVTYPER_M       (1U << 26) /* count at EL3 (Secure): never for a guest */
#define PMEVTYPER_MT      (1U << 25)
#define PMEVTYPER_GUEST   0xF000FFFFU /* P, U, NSK, NSU and the event number */
#define PMCCFILTR_GUEST   0xF0000000U /* P, U, NSK, NSU */
#define ID_AA64DFR0_PMUV3 (1ULL << 8) /* PMUVer = 1: PMUv3 */

/* The PMU registers a guest reaches (op0 = 3). */
enum vpmu_reg {
    VPMU_NONE,
    VPMU_PMCR,
    VPMU_CNTENSET,
    VPMU_CNTENCLR,
    VPMU_OVSCLR,
    VPMU_SWINC,
    VPMU_SELR,
    VPMU_CEID0,
    VPMU_CEID1,
    VPMU_CCNTR,
    VPMU_XEVTYPER,
    VPMU_XEVCNTR,
    VPMU_USERENR,
    VPMU_INTENSET,
    VPMU_INTENCLR,
    VPMU_OVSSET,
    VPMU_EVCNTR,  /* PMEVCNTR<n>_EL0 */
    VPMU_EVTYPER, /* PMEVTYPER<n>_EL0 */
    VPMU_CCFILTR,
};

/* Decodes op1/CRn/CRm/op2 (op0 = 3); *n gets the counter number of PMEV*<n>. */
enum vpmu_reg vpmu_decode(unsigned op1, unsigned crn, unsigned crm, unsigned op2, unsigned *n);

/* The guest's PMCNTEN/PMINTEN/PMOVS bits for nctr event counters: counters 0..nctr-1 and C. */
static inline uint32_t vpmu_counter_mask(unsigned nctr)
{
    return (nctr >= 31 ? 0x7FFFFFFFU : ((1U << nctr) - 1U)) | (1U << VPMU_CYCLE_BIT);
}

/* What the hardware gets for a guest's PMEVTYPER value: EL2, EL3 and MT filtering off. */
static inline uint32_t vpmu_evtyper_sanitise(uint64_t val)
{
    return (uint32_t)val & PMEVTYPER_GUEST;
}

/* The guest's overflow interrupt line: an overflow whose interrupt is enabled. */
static inline bool vpmu_irq_level(uint32_t ovs, uint32_t inten)
{
    return (ovs & inten) != 0;
}

/* Per-vCPU state: the guest's view, and the counters while it is put. */
struct vpmu {
    bool on;        /* the VM has a PMU (its configuration) */
    bool line;      /* the guest's overflow line is high (physical PMINTEN masked) */
    uint32_t pmcr;  /* PMCR_WRITABLE bits */
    uint32_t cnten; /* PMCNTENSET */
    uint32_t inten; /* PMINTENSET */
    uint32_t ovs;   /* PMOVSSET, while put */
    uint32_t selr;  /* PMSELR */
    uint32_t userenr;
    uint32_t ccfiltr;
    uint32_t evtyper[VPMU_MAX_EVCNT];
    uint64_t ccntr; /* while put */
    uint64_t evcntr[VPMU_MAX_EVCNT];
};

#ifndef SHRIKE_HOST_TEST
struct vcpu;

void vpmu_cpu_init(void);        /* every CPU: the overflow PPI */
void vpmu_reset(struct vcpu *v); /* at vCPU reset: the architectural reset values */
void vpmu_load(struct vcpu *v);  /* after the vCPU's other registers */
void vpmu_put(struct vcpu *v);   /* saves and stops the counters */
unsigned vpmu_counters(void);    /* event counters the guest sees (the CPU's PMCR.N) */
/* A trapped access to a PMU register; false if it UNDEFs. */
bool vpmu_access(struct vcpu *v, unsigned op1, unsigned crn, unsigned crm, unsigned op2, bool read,
                 uint64_t *val);
#endif

#endif
