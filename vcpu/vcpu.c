/*
 * vCPU state switching and the per-CPU run loop.
 *
 * vcpu_load() puts a vCPU's world into the hardware in one linear sequence:
 * stage 2 (VTCR, VTTBR with the VMID), identity (VMPIDR, VPIDR), trap
 * controls (HCR, CPTR, MDCR, CNTHCTL), the VM's CNTVOFF, the EL1 system
 * registers, FP/SIMD, then a local TLB flush if the TLB may hold this VMID's
 * entries from another vCPU. vcpu_put() saves what the guest can change.
 * Between the two, an exit costs only the general registers (vcpu/entry.S).
 */
#include "vcpu/vcpu.h"

#include "config/sched.h"
#include "kernel/cpu.h"
#include "kernel/irq.h"
#include "kernel/log.h"
#include "sched/sched.h"
#include "smp/ipi.h"
#include "vcpu/pvtime.h"
#include "vcpu/vpmu.h"
#include "vcpu/trap.h"
#include "vcpu/vm.h"
#include "vgic/vgic_hw.h"

/* HCR_EL2 while a guest runs (Arm ARM D13.2.46); docs/trap-policy.md says why each. */
#define HCR_VM     (1ULL << 0) /* stage-2 translation */
#define HCR_SWIO   (1ULL << 1) /* set/way invalidate -> clean+invalidate */
#define HCR_FMO    (1ULL << 3) /* physical FIQ/IRQ/SError to EL2, virtual ones to EL1 */
#define HCR_IMO    (1ULL << 4)
#define HCR_AMO    (1ULL << 5)
#define HCR_FB     (1ULL << 9)  /* broadcast the guest's TLB and I-cache maintenance */
#define HCR_BSU_IS (1ULL << 10) /* barriers at least inner shareable */
#define HCR_TWI    (1ULL << 13) /* trap WFI: the vCPU waits in shrike */
#define HCR_TWE    (1ULL << 14) /* trap WFE: the vCPU yields */
#define HCR_TID1   (1ULL << 16) /* trap AIDR/REVIDR_EL1: read as zero (vcpu/sysreg.c) */
#define HCR_TID3   (1ULL << 18) /* trap ID registers: sanitized values (vcpu/idregs.c) */
#define HCR_TSC    (1ULL << 19) /* trap SMC: answered like HVC */
#define HCR_TIDCP  (1ULL << 20) /* trap implementation-defined registers: UNDEF */
#define HCR_TACR   (1ULL << 21) /* trap ACTLR_EL1: RAZ/WI, the CPU's own controls */
#define HCR_TSW    (1ULL << 22) /* trap set/way cache maintenance (vcpu/setway.c) */
#define HCR_RW     (1ULL << 31) /* EL1 is AArch64 */
/* Plus TLOR and TERR where the CPU has LORegions and RAS: trap_hcr_features(). */
#define HCR_GUEST                                                                                \
    (HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_IS | HCR_TWI | HCR_TWE | \
     HCR_TID1 | HCR_TID3 | HCR_TSC | HCR_TIDCP | HCR_TACR | HCR_TSW | HCR_RW |                   \
     trap_hcr_features())

/* CPTR_EL2 (non-VHE): FP/SIMD allowed; SVE, SME, activity monitors and trace trapped. */
#define CPTR_RES1  ((1ULL << 13) | (1ULL << 9) | 0xFFULL)
#define CPTR_TZ    (1ULL << 8)
#define CPTR_TFP   (1ULL << 10)
#define CPTR_TSM   (1ULL << 12)
#define CPTR_TTA   (1ULL << 20)
#define CPTR_TAM   (1ULL << 30)
#define CPTR_GUEST (CPTR_RES1 | CPTR_TZ | CPTR_TSM | CPTR_TTA | CPTR_TAM)

/* MDCR_EL2: PMU and debug registers trap and read as zero; SPE and trace-filter ones UNDEF. */
#define MDCR_TPMCR (1ULL << 5)
#define MDCR_TPM   (1ULL << 6)
#define MDCR_TDA   (1ULL << 9)
#define MDCR_TDOSA (1ULL << 10)
#define MDCR_TDRA  (1ULL << 11)
#define MDCR_TPMS  (1ULL << 14)
#define MDCR_TTRF  (1ULL << 19)
#define MDCR_TRAPS \
    (MDCR_TPMCR | MDCR_TPM | MDCR_TDA | MDCR_TDOSA | MDCR_TDRA | MDCR_TPMS | MDCR_TTRF)

/* CNTHCTL_EL2: EL1 may read the physical counter; its physical timer traps (emulated). */
#define CNTHCTL_EL1PCTEN (1ULL << 0)
#define CNTHCTL_EL1PCEN  (1ULL << 1)

#define PSTATE_EL1H     0x5ULL
#define PSTATE_DAIF     (0xFULL << 6)
#define SCTLR_EL1_RESET 0x30D00800ULL /* RES1 bits; MMU, caches, alignment checks off */

void vcpu_reset_context(struct vcpu *v, uint64_t entry, uint64_t x0)
{
    struct vcpu_arch *a = &v->arch;
    for (unsigned i = 0; i < 31; i++) {
        a->regs.x[i] = 0;
    }
    a->regs.x[0] = x0;
    a->regs.pc = entry;
    a->regs.pstate = PSTATE_EL1H | PSTATE_DAIF;
    a->sys = (struct vcpu_sysregs){.sctlr_el1 = SCTLR_EL1_RESET};
    a->fp = (struct vcpu_fpsimd){0};
    vdebug_reset(&a->debug);
}

/*
 * The one reset of a vCPU, for PSCI CPU_ON and for every vCPU of a VM that
 * resets: its timers first (so the emulated physical timer cannot raise its
 * interrupt again), then its private interrupts and CPU interface, then the
 * register context. The vCPU is not running.
 */
void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t x0)
{
    vtimer_vcpu_reset(v);
    vpmu_reset(v);
    vgic_cpu_reset(&v->vgic);
    vcpu_reset_context(v, entry, x0);
}

/*
 * The EL1 registers go in and out in batches: the values of a batch are read
 * from memory before its first MSR (write_sysreg() clobbers memory, so loads
 * interleaved with the writes could not be paired) and the MRS results of a
 * batch are stored together, so that the compiler uses LDP/STP. The order
 * among them does not matter: EL2 uses none of them, and the ISB in
 * vcpu_load()/vcpu_put() follows; but for the virtual timer, whose CVAL is
 * written before CTL may enable it. Each batch lists its registers once.
 */
#define EL1_BATCH_MMU(X) \
    X(sctlr_el1)         \
    X(actlr_el1) X(cpacr_el1) X(ttbr0_el1) X(ttbr1_el1) X(tcr_el1) X(mair_el1) X(amair_el1)
#define EL1_BATCH_EXC(X) \
    X(esr_el1)           \
    X(afsr0_el1) X(afsr1_el1) X(far_el1) X(par_el1) X(vbar_el1) X(contextidr_el1) X(tpidr_el1)
#define EL1_BATCH_THREAD(X) \
    X(tpidr_el0)            \
    X(tpidrro_el0) X(sp_el0) X(sp_el1) X(elr_el1) X(spsr_el1) X(cntkctl_el1) X(csselr_el1)
#define EL1_BATCH_TIMER(X) X(cntv_cval_el0) X(cntv_ctl_el0)

#define EL1_LOAD(r)  const uint64_t r##_v = s->r;
#define EL1_MSR(r)   write_sysreg(r##_v, r);
#define EL1_MRS(r)   const uint64_t r##_v = read_sysreg(r);
#define EL1_STORE(r) s->r = r##_v;
#define EL1_RESTORE(batch)             \
    {                                  \
        batch(EL1_LOAD) batch(EL1_MSR) \
    }
#define EL1_SAVE(batch)                 \
    {                                   \
        batch(EL1_MRS) batch(EL1_STORE) \
    }

static void sysregs_restore(const struct vcpu_sysregs *s)
{
    EL1_RESTORE(EL1_BATCH_MMU)
    EL1_RESTORE(EL1_BATCH_EXC)
    EL1_RESTORE(EL1_BATCH_THREAD)
    EL1_RESTORE(EL1_BATCH_TIMER)
}

static void sysregs_save(struct vcpu_sysregs *s)
{
    EL1_SAVE(EL1_BATCH_MMU)
    EL1_SAVE(EL1_BATCH_EXC)
    EL1_SAVE(EL1_BATCH_THREAD)
    EL1_SAVE(EL1_BATCH_TIMER)
    /* A descheduled vCPU's timer must not fire on this CPU. */
    write_sysreg(0, cntv_ctl_el0);
}

/*
 * The TLB may hold this VMID's stage-1 entries from another vCPU of the VM
 * (or from this vCPU's earlier stay here): flush the local ones.
 */
static void flush_stale_tlb(struct vcpu *v, unsigned cpu)
{
    struct vcpu *last = v->vm->last_vcpu_ran[cpu];
    if ((last != 0 && last != v) || (v->ran_before && v->last_pcpu != cpu)) {
        __asm__ __volatile__("tlbi vmalle1\n\tdsb nsh\n\tisb" : : : "memory");
        v->tlb_flushes++;
    }
    v->vm->last_vcpu_ran[cpu] = v;
}

/*
 * Per CPU, which of the two guest settings of the EL2 controls that are the
 * same for every vCPU (VPIDR, HCR, MDCR, CNTHCTL) vcpu_load() last wrote:
 * CTL_NONE before the first load, else CTL_TWI or CTL_WFI_NATIVE (HCR.TWI
 * clear). Nothing else writes these four after boot but vcpu_trap_wfi(),
 * which records what it leaves (kernel/cpu.c sets HCR once, before any load;
 * vcpu_put() leaves them, as no EL2 code depends on them between guests), so
 * when the setting is the one already there, the
 * registers hold exactly the values a write would put in and the writes are
 * skipped: the ISB below is still what makes the ones written take effect.
 * VTCR, VTTBR and CNTVOFF are per VM and written at every load (comparing
 * would cost what writing does; put clears VTTBR, see there).
 */
enum { CTL_NONE, CTL_TWI, CTL_WFI_NATIVE };
static uint8_t ctl_loaded[CONFIG_MAX_CPUS];

static void el2_controls(const struct vcpu *v, unsigned cpu)
{
    uint8_t want = v->sched.se.wfi_native ? CTL_WFI_NATIVE : CTL_TWI;
    uint8_t had = ctl_loaded[cpu];
    if (had == want) {
        return;
    }
    ctl_loaded[cpu] = want;
    if (had != CTL_NONE) {
        /* The two settings differ in HCR.TWI alone (the other three are the same) */
        write_sysreg(HCR_GUEST & ~(v->sched.se.wfi_native ? HCR_TWI : 0ULL), hcr_el2);
        return;
    }
    write_sysreg(read_sysreg(midr_el1), vpidr_el2);
    /* A vCPU alone on its CPU may wait in its own WFI (sched/sched.c, wfi_in_guest). */
    write_sysreg(HCR_GUEST & ~(v->sched.se.wfi_native ? HCR_TWI : 0ULL), hcr_el2);
    write_sysreg(MDCR_TRAPS | trap_pmu_hpmn(), mdcr_el2);
    write_sysreg(CNTHCTL_EL1PCTEN, cnthctl_el2);
}

void vcpu_load(struct vcpu *v)
{
    struct vm *vm = v->vm;
    struct cpu *c = this_cpu();
    write_sysreg(vm->vtcr, vtcr_el2);
    write_sysreg(vm->vttbr, vttbr_el2);
    write_sysreg(v->arch.vmpidr, vmpidr_el2);
    el2_controls(v, c->id);
    /*
     * Lazy FP/SIMD: the guest's registers are loaded at its first FP/SIMD
     * instruction (vcpu_fp_claim), so a vCPU that uses none between two
     * switches costs neither the restore nor the save. The registers hold
     * another vCPU's values until then, unreadable behind TFP; shrike itself
     * uses none (-mgeneral-regs-only).
     */
    v->arch.fp_live = false;
    write_sysreg(CPTR_GUEST | CPTR_TFP, cptr_el2);
    if (CONFIG_VTIME_STOPS && vm->nvcpus == 1) {
        /*
         * Virtual time stops while the vCPU waits for a CPU (runnable, not
         * running: the scheduler's wait_ticks, complete up to this pick) and
         * runs while it runs or blocks: a vCPU in WFI must see its timer
         * expire (the offset grew by the whole WFI before, so it never did).
         */
        vm->cntvoff = v->sched.stats.wait_ticks;
    }
    write_sysreg(vm->cntvoff, cntvoff_el2);
    isb();
    sysregs_restore(&v->arch.sys);
    if (vdebug_active(&v->arch.debug)) { /* nearly never: inline test */
        vdebug_load(&v->arch.debug);
    }
    vgic_hw_load(&v->vgic);
    vgic_cpu_set_loaded(&v->vgic, true);
    c->loaded = v;
    vtimer_load(v);
    vpmu_load(v);
    pvtime_update(v);
    isb();
    flush_stale_tlb(v, c->id);
}

void vcpu_fp_claim(struct vcpu *v)
{
    /* TFP traps EL2's own FP/SIMD accesses too: lift it before the restore. */
    write_sysreg(CPTR_GUEST, cptr_el2);
    isb();
    fpsimd_restore(&v->arch.fp);
    v->arch.fp_live = true;
}

void vcpu_trap_wfi(struct vcpu *v)
{
    /*
     * v is loaded here (the scheduler's exit path of this CPU). The ERET into
     * the guest is a context synchronization event, so the write is in effect
     * for its next instruction without an ISB.
     */
    (void)v;
    write_sysreg(read_sysreg(hcr_el2) | HCR_TWI, hcr_el2);
    ctl_loaded[this_cpu_id()] = CTL_TWI; /* the other setting of el2_controls() now */
}

void vcpu_trap_next_wfi(struct vcpu *v)
{
    unsigned cpu = this_cpu_id();
    if (ctl_loaded[cpu] == CTL_WFI_NATIVE && this_cpu()->loaded == v) {
        vcpu_trap_wfi(v);
    }
}

void vcpu_wfi_native_again(struct vcpu *v)
{
    unsigned cpu = this_cpu_id();
    if (v->sched.se.wfi_native && ctl_loaded[cpu] == CTL_TWI && this_cpu()->loaded == v) {
        /* Trapped for the console (vcpu_trap_next_wfi), or its line ended: its own WFI again. */
        write_sysreg(read_sysreg(hcr_el2) & ~HCR_TWI, hcr_el2);
        ctl_loaded[cpu] = CTL_WFI_NATIVE;
    }
}

void vcpu_put(struct vcpu *v)
{
    struct cpu *c = this_cpu();
    vgic_hw_put(&v->vgic);
    vgic_cpu_set_loaded(&v->vgic, false);
    sysregs_save(&v->arch.sys);
    if (v->arch.fp_live) {
        fpsimd_save(&v->arch.fp);
        v->arch.fp_live = false;
    }
    if (v->arch.debug.loaded) {
        vdebug_put(&v->arch.debug);
    }
    vtimer_put(v);
    vpmu_put(v);
    write_sysreg(0, vttbr_el2);
    isb();
    v->last_pcpu = c->id;
    v->ran_before = true;
    c->loaded = 0;
}

void vcpu_request(struct vcpu *v, unsigned req)
{
    __atomic_fetch_or(&v->requests, req, __ATOMIC_RELEASE);
    sched_wake(&v->sched); /* a blocked vCPU must run to see it; a running one is kicked */
}

void vcpu_wake(struct vcpu *v)
{
    sched_wake(&v->sched);
}

/* An exit trap_exit() left to the run loop: the vGIC's list registers first. */
static void handle_exit(struct vcpu *v, unsigned long kind)
{
    if (v->vgic.used_lrs != 0) {
        vgic_hw_fold(&v->vgic);
    }
    v->exits++;
    if (kind == EXIT_SYNC) {
        (void)trap_sync(v); /* always v: no handler switches vCPUs */
    } else if (kind == EXIT_IRQ) {
        irq_dispatch();
        sched_irq_exit();
    } else {
        trap_async(v, kind);
    }
}

/*
 * Runs the guest until something needs the run loop's attention. A trap
 * that trap_exit() handled and that left nothing to do here never comes
 * back from guest_enter() (vcpu/entry.S); EXIT_HANDLED is one that did.
 */
static void run_guest(struct vcpu *v)
{
    for (;;) {
        /*
         * Cleared before the flush: a change after this store is either seen
         * by the flush or leaves the flag set for trap_exit(), and a change
         * from another CPU also kicks. Nothing queued and no list register
         * in use: the vGIC has nothing to do.
         */
        __atomic_store_n(&v->vgic.changed, 0U, __ATOMIC_RELAXED);
        if (!list_empty(&v->vgic.ap_list) || v->vgic.used_lrs != 0) {
            vgic_hw_flush(&v->vgic);
        }
        unsigned long kind = guest_enter(&v->arch.regs);
        if (kind != EXIT_HANDLED) {
            handle_exit(v, kind);
        }
        unsigned req = __atomic_load_n(&v->requests, __ATOMIC_ACQUIRE);
        if (req != 0) {
            /*
             * Woken while still loaded: no put, pick, load. Unless the wait
             * ended on another request (a stop, a reschedule...): its kick
             * was taken by the wait, so the guest would run on with it
             * pending until some later exit, which a lone vCPU on its
             * tickless CPU may never take.
             */
            if (req == VCPU_REQ_BLOCK && sched_halt_in_place(&v->sched) &&
                __atomic_load_n(&v->requests, __ATOMIC_ACQUIRE) == 0) {
                continue;
            }
            v->sched.left_at = counter_read();
            return;
        }
    }
}

/* Requests that change the vCPU's life, kept until acted on; the rest are scheduling hints. */
#define VCPU_REQ_LIFECYCLE (VCPU_REQ_STOP | VCPU_REQ_OFF)

static void handle_lifecycle(struct vcpu *v, unsigned req)
{
    if ((req & VCPU_REQ_OFF) && !(req & VCPU_REQ_STOP)) {
        struct vm *vm = v->vm;
        spin_lock(&vm->lock);
        /*
         * A SYSTEM_OFF/RESET that ran while this vCPU was still on counted it
         * among the vCPUs that must stop: its CPU_OFF is then its stop.
         */
        bool stopping = vm->state == VM_STOPPING;
        if (!stopping) {
            v->power = VCPU_OFF;
        }
        spin_unlock(&vm->lock);
        if (!stopping) {
            return;
        }
        __atomic_fetch_and(&v->requests, ~VCPU_REQ_STOP, __ATOMIC_ACQ_REL);
        req |= VCPU_REQ_STOP;
    }
    if (req & VCPU_REQ_STOP) {
        vm_vcpu_stopped(v);
    }
}

unsigned vcpu_run(struct vcpu *v)
{
    /* Hints from before it was picked are stale: it is about to run anyway. */
    __atomic_fetch_and(&v->requests, VCPU_REQ_LIFECYCLE, __ATOMIC_ACQ_REL);
    if (v->power == VCPU_ON && v->requests == 0) {
        bool moved = v->ran_before && v->last_pcpu != this_cpu_id();
        vcpu_load(v);
        sched_account_switch(&v->sched, moved);
        run_guest(v);
        vcpu_put(v);
    }
    unsigned req = __atomic_exchange_n(&v->requests, 0, __ATOMIC_ACQ_REL);
    handle_lifecycle(v, req);
    return req;
}
