/*
 * The virtual PMUv3 (vcpu/vpmu.h). First the decode and rules, plain C for
 * the host tests; then the hardware side: the real PMU programmed with the
 * guest's state while its vCPU is loaded.
 */
#include "vcpu/vpmu.h"

enum vpmu_reg vpmu_decode(unsigned op1, unsigned crn, unsigned crm, unsigned op2, unsigned *n)
{
    static const enum vpmu_reg c12[8] = {VPMU_PMCR,  VPMU_CNTENSET, VPMU_CNTENCLR, VPMU_OVSCLR,
                                         VPMU_SWINC, VPMU_SELR,     VPMU_CEID0,    VPMU_CEID1};
    *n = 0;
    if (crn == 9 && op1 == 3 && crm == 12 && op2 < 8) {
        return c12[op2];
    }
    if (crn == 9 && op1 == 3 && crm == 13) {
        return op2 == 0   ? VPMU_CCNTR
               : op2 == 1 ? VPMU_XEVTYPER
               : op2 == 2 ? VPMU_XEVCNTR
                          : VPMU_NONE;
    }
    if (crn == 9 && crm == 14) {
        if (op1 == 3) {
            return op2 == 0 ? VPMU_USERENR : op2 == 3 ? VPMU_OVSSET : VPMU_NONE;
        }
        if (op1 == 0) {
            return op2 == 1 ? VPMU_INTENSET : op2 == 2 ? VPMU_INTENCLR : VPMU_NONE; /* not PMMIR */
        }
        return VPMU_NONE;
    }
    if (crn == 14 && op1 == 3 && crm >= 8 && op2 < 8) {
        *n = (crm & 3) * 8 + op2;
        if (crm < 12) {
            return *n < VPMU_MAX_EVCNT ? VPMU_EVCNTR : VPMU_NONE;
        }
        return *n < VPMU_MAX_EVCNT ? VPMU_EVTYPER : VPMU_CCFILTR;
    }
    return VPMU_NONE;
}

#ifndef SHRIKE_HOST_TEST
#include "kernel/check.h"
#include "kernel/cpu.h"
#include "kernel/gic.h"
#include "kernel/irq.h"
#include "kernel/lib.h"
#include "kernel/sysreg.h"
#include "vcpu/vm.h"
#include "vgic/vgic.h"

static unsigned nctr; /* event counters of the CPU (PMCR_EL0.N): all the guest's (HPMN = N) */

unsigned vpmu_counters(void)
{
    return nctr;
}

static uint32_t mask(void)
{
    return vpmu_counter_mask(nctr);
}

/* Indexed counters go through PMSELR; the guest's own PMSELR is kept apart. */
static uint64_t hw_evcntr(unsigned n)
{
    write_sysreg(n, pmselr_el0);
    isb();
    return read_sysreg(pmxevcntr_el0);
}

static void hw_set_evcntr(unsigned n, uint64_t val)
{
    write_sysreg(n, pmselr_el0);
    isb();
    write_sysreg(val, pmxevcntr_el0);
}

static void hw_set_evtyper(unsigned n, uint32_t val)
{
    write_sysreg(n, pmselr_el0);
    isb();
    write_sysreg(val, pmxevtyper_el0);
}

/* The guest's line follows its overflow bits; the physical PPI stays masked while it is high. */
static void update_line(struct vcpu *v)
{
    struct vpmu *p = &v->pmu;
    uint32_t ovs = (uint32_t)read_sysreg(pmovsset_el0) & mask();
    bool high = vpmu_irq_level(ovs, p->inten);
    if (high != p->line) {
        p->line = high;
        vgic_set_level(&v->vm->vgic, &v->vgic, VPMU_INTID, high);
    }
    write_sysreg(0xFFFFFFFFULL, pmintenclr_el1);
    if (!high) {
        write_sysreg(p->inten, pmintenset_el1);
    }
}

/* Physical PPI 7 on this CPU: an overflow of the loaded vCPU's counters. */
static void pmu_irq(unsigned intid, void *ctx)
{
    (void)intid;
    (void)ctx;
    struct vcpu *v = this_cpu()->loaded;
    if (v != 0 && v->pmu.on) {
        update_line(v);
    } else {
        write_sysreg(0xFFFFFFFFULL, pmintenclr_el1); /* nobody's: silence it */
    }
}

void vpmu_cpu_init(void)
{
    if (this_cpu_id() == 0) {
        nctr = (unsigned)(read_sysreg(pmcr_el0) >> PMCR_N_SHIFT) & 0x1F;
        CHECK(irq_register(VPMU_INTID, pmu_irq, 0));
    }
    /* shrike itself never counts: everything off until a vCPU with a PMU loads. */
    write_sysreg(0xFFFFFFFFULL, pmcntenclr_el0);
    write_sysreg(0xFFFFFFFFULL, pmintenclr_el1);
    write_sysreg(0xFFFFFFFFULL, pmovsclr_el0);
    write_sysreg(0, pmuserenr_el0);
    write_sysreg(0, pmcr_el0);
    isb();
    gic_enable_irq(VPMU_INTID, GIC_PRIO_DEFAULT);
}

void vpmu_reset(struct vcpu *v)
{
    bool on = v->vm->cfg->pmu;
    if (v->pmu.line) {
        vgic_set_level(&v->vm->vgic, &v->vgic, VPMU_INTID, false);
    }
    memset(&v->pmu, 0, sizeof(v->pmu));
    v->pmu.on = on;
}

void vpmu_load(struct vcpu *v)
{
    struct vpmu *p = &v->pmu;
    if (!p->on) {
        write_sysreg(0, pmuserenr_el0); /* its EL0 accesses UNDEF at EL1, as without a PMU */
        return;
    }
    write_sysreg(0, pmcr_el0); /* stopped while the state goes in */
    isb();
    for (unsigned n = 0; n < nctr; n++) {
        hw_set_evtyper(n, vpmu_evtyper_sanitise(p->evtyper[n]));
        hw_set_evcntr(n, p->evcntr[n]);
    }
    write_sysreg(p->ccfiltr & PMCCFILTR_GUEST, pmccfiltr_el0);
    write_sysreg(p->ccntr, pmccntr_el0);
    write_sysreg(0xFFFFFFFFULL, pmovsclr_el0);
    write_sysreg(p->ovs, pmovsset_el0);
    write_sysreg(0xFFFFFFFFULL, pmcntenclr_el0);
    write_sysreg(p->cnten, pmcntenset_el0);
    write_sysreg(0xFFFFFFFFULL, pmintenclr_el1);
    if (!p->line) {
        write_sysreg(p->inten, pmintenset_el1);
    }
    write_sysreg(p->userenr, pmuserenr_el0);
    write_sysreg(p->pmcr, pmcr_el0);
    isb();
}

void vpmu_put(struct vcpu *v)
{
    struct vpmu *p = &v->pmu;
    if (!p->on) {
        return;
    }
    write_sysreg(0, pmcr_el0); /* stop first: nothing after the guest's last instruction counts */
    isb();
    write_sysreg(0xFFFFFFFFULL, pmintenclr_el1);
    for (unsigned n = 0; n < nctr; n++) {
        p->evcntr[n] = hw_evcntr(n);
    }
    p->ccntr = read_sysreg(pmccntr_el0);
    p->ovs = (uint32_t)read_sysreg(pmovsset_el0) & mask();
    write_sysreg(0xFFFFFFFFULL, pmovsclr_el0);
    write_sysreg(0xFFFFFFFFULL, pmcntenclr_el0);
    write_sysreg(0, pmuserenr_el0);
    isb();
}

/* PMCR write: P and C reset counters; E, D, X (not exported: kept 0), DP and LC are kept. */
static void write_pmcr(struct vpmu *p, uint64_t val)
{
    uint32_t reset = (uint32_t)val & (PMCR_P | PMCR_C);
    p->pmcr = (uint32_t)val & PMCR_WRITABLE & ~PMCR_X;
    write_sysreg(p->pmcr | reset, pmcr_el0); /* the hardware does the resets */
}

static bool access_counter(struct vpmu *p, unsigned n, bool read, uint64_t *val)
{
    if (n >= nctr) {
        return false; /* an unimplemented counter: UNDEF, as on the real CPU past HPMN */
    }
    if (read) {
        *val = hw_evcntr(n) & 0xFFFFFFFFULL;
    } else {
        hw_set_evcntr(n, *val & 0xFFFFFFFFULL);
    }
    (void)p;
    return true;
}

static bool access_ccfiltr(struct vpmu *p, bool read, uint64_t *val)
{
    if (read) {
        *val = p->ccfiltr;
    } else {
        p->ccfiltr = (uint32_t)*val & PMCCFILTR_GUEST;
        write_sysreg(p->ccfiltr, pmccfiltr_el0);
    }
    return true;
}

static bool access_type(struct vpmu *p, unsigned n, bool read, uint64_t *val)
{
    if (n >= nctr) {
        return false;
    }
    if (read) {
        *val = p->evtyper[n];
    } else {
        p->evtyper[n] = vpmu_evtyper_sanitise(*val);
        hw_set_evtyper(n, p->evtyper[n]);
    }
    return true;
}

bool vpmu_access(struct vcpu *v, unsigned op1, unsigned crn, unsigned crm, unsigned op2, bool read,
                 uint64_t *val)
{
    struct vpmu *p = &v->pmu;
    unsigned n;
    enum vpmu_reg r = vpmu_decode(op1, crn, crm, op2, &n);
    uint32_t bits = (uint32_t)*val & mask();

    switch (r) {
    case VPMU_PMCR:
        if (read) {
            *val = (read_sysreg(pmcr_el0) & ~(uint64_t)0x7FF) | p->pmcr; /* IMP, IDCODE, N */
        } else {
            write_pmcr(p, *val);
        }
        return true;
    case VPMU_CNTENSET:
    case VPMU_CNTENCLR:
        if (read) {
            *val = p->cnten;
            return true;
        }
        p->cnten = r == VPMU_CNTENSET ? p->cnten | bits : p->cnten & ~bits;
        write_sysreg(0xFFFFFFFFULL, pmcntenclr_el0);
        write_sysreg(p->cnten, pmcntenset_el0);
        return true;
    case VPMU_INTENSET:
    case VPMU_INTENCLR:
        if (read) {
            *val = p->inten;
            return true;
        }
        p->inten = r == VPMU_INTENSET ? p->inten | bits : p->inten & ~bits;
        update_line(v);
        return true;
    case VPMU_OVSSET:
    case VPMU_OVSCLR:
        if (read) {
            *val = read_sysreg(pmovsset_el0) & mask();
            return true;
        }
        if (r == VPMU_OVSSET) {
            write_sysreg(bits, pmovsset_el0);
        } else {
            write_sysreg(bits, pmovsclr_el0);
        }
        update_line(v);
        return true;
    case VPMU_SWINC:
        if (!read) {
            write_sysreg(bits & ~(1U << VPMU_CYCLE_BIT), pmswinc_el0);
        }
        return !read;
    case VPMU_SELR:
        if (read) {
            *val = p->selr;
        } else {
            p->selr = (uint32_t)*val & 0x1F;
        }
        return true;
    case VPMU_CEID0:
        *val = read_sysreg(pmceid0_el0);
        return read;
    case VPMU_CEID1:
        *val = read_sysreg(pmceid1_el0);
        return read;
    case VPMU_CCNTR:
        if (read) {
            *val = read_sysreg(pmccntr_el0);
        } else {
            write_sysreg(*val, pmccntr_el0);
        }
        return true;
    case VPMU_XEVTYPER:
        return p->selr == VPMU_CYCLE_BIT ? access_ccfiltr(p, read, val)
                                         : access_type(p, p->selr, read, val);
    case VPMU_XEVCNTR:
        return access_counter(p, p->selr, read, val);
    case VPMU_EVCNTR:
        return access_counter(p, n, read, val);
    case VPMU_EVTYPER:
        return access_type(p, n, read, val);
    case VPMU_CCFILTR:
        return access_ccfiltr(p, read, val);
    case VPMU_USERENR:
        if (read) {
            *val = p->userenr;
        } else {
            p->userenr = (uint32_t)*val & PMUSERENR_MASK;
            write_sysreg(p->userenr, pmuserenr_el0);
        }
        return true;
    case VPMU_NONE:
        break;
    }
    return false;
}
#endif
