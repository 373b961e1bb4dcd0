/*
 * vtime: the second virtual-time scheme (CONFIG_VTIME_STOPS = 1, the image
 * shrike-vtime-stops.elf; issue 13).
 *
 * A single-vCPU VM's virtual counter stops while the vCPU waits for a CPU
 * (runnable, not running) and runs while it runs or blocks in WFI: its
 * CNTVCT is physical time minus the time other vCPUs took from it. Modes, by
 * a word in /chosen/bootargs:
 *
 *   vtime=solo  1 vCPU sharing its CPU with a hog (the vtime-solo VM):
 *     A. a loop reading CNTVCT and CNTPCT: a gap of a whole slice shows in
 *        CNTPCT (the vCPU was preempted) but never in CNTVCT, and over the
 *        run the virtual counter advances clearly less than the physical one;
 *     B. a virtual-timer interrupt armed 30 ms ahead, spinning: not before
 *        CVAL in virtual time and at most 2 ms after it;
 *     C. the same, waiting in WFI: time runs while the vCPU blocks, so the
 *        timer ends the WFI (an EL1 physical-timer watchdog gives up at 2 s).
 *   vtime=steal 1 vCPU sharing its CPU with a hog, on shrike.elf (virtual
 *     time follows physical time; vtime-steal): SMCCC paravirtualised time
 *     (PV_TIME_FEATURES, PV_TIME_ST) is offered, and the stolen time in its
 *     record grows by the gaps the vCPU sees in its counter (its preemptions)
 *     to within 5%.
 *   vtime=hog   1 CPU-bound vCPU for 1.5 s of physical time (vtime-hog).
 *   vtime=pair  2 vCPUs (vtime-pair): a multi-vCPU VM keeps the one fixed
 *     offset (CNTVCT = CNTPCT - 0), and a value read on one vCPU is never
 *     ahead of one read later on the other.
 */
#include "guests/lib/dtb.h"
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/mmu.h"
#include "guests/lib/smccc.h"
#include "guests/lib/timer.h"
#include "vcpu/abi.h"

#define RUN_MS       200 /* phase A, physical time */
#define HOG_MS       1500
#define TIMER_MS     30
#define WFI_TIMER_MS 50
#define PAIR_SAMPLES 200000

static uint64_t ticks_per_ms;
static volatile unsigned vtimer_irqs;
static volatile uint64_t vtimer_at;

static uint64_t read_pct(void)
{
    return read_cntpct();
}

static void vtimer_handler(unsigned intid)
{
    (void)intid;
    vtimer_at = read_cntvct();
    timer_stop(TIMER_VIRT);
    vtimer_irqs = vtimer_irqs + 1;
}

/* A: preempted time does not show in the virtual counter. */
static void phase_preempted(void)
{
    uint64_t v0 = read_cntvct();
    uint64_t p0 = read_pct();
    uint64_t lastv = v0;
    uint64_t lastp = p0;
    uint64_t gapv = 0;
    uint64_t gapp = 0;
    unsigned backwards = 0;

    while (lastp - p0 < RUN_MS * ticks_per_ms) {
        uint64_t v = read_cntvct();
        uint64_t p = read_pct();
        if (v < lastv) {
            backwards++;
        }
        if (v - lastv > gapv) {
            gapv = v - lastv;
        }
        if (p - lastp > gapp) {
            gapp = p - lastp;
        }
        lastv = v;
        lastp = p;
    }
    uint64_t dv = lastv - v0;
    uint64_t dp = lastp - p0;
    printf("vtime: solo: %llu ms physical, %llu ms virtual, largest gap %llu us physical, "
           "%llu us virtual\n",
           (unsigned long long)(dp / ticks_per_ms), (unsigned long long)(dv / ticks_per_ms),
           (unsigned long long)(gapp * 1000 / ticks_per_ms),
           (unsigned long long)(gapv * 1000 / ticks_per_ms));
    CHECK_EQ(backwards, 0, "solo: the virtual counter never went backwards");
    CHECK(gapp >= 5 * ticks_per_ms,
          "solo: preempted at least once (a gap of 5 ms or more in CNTPCT)");
    CHECK(gapv < ticks_per_ms, "solo: no gap of 1 ms or more in CNTVCT (time stopped meanwhile)");
    CHECK(dv * 4 <= dp * 3, "solo: virtual time advanced at most 3/4 of physical time");
    CHECK(dv > 0, "solo: virtual time advanced");
}

/* B and C: the virtual timer counts virtual time; blocking does not stop it. */
static void phase_timer(bool in_wfi)
{
    const char *how = in_wfi ? "in WFI" : "spinning";
    uint64_t ms = in_wfi ? WFI_TIMER_MS : TIMER_MS;
    unsigned before = vtimer_irqs;
    uint64_t cval = read_cntvct() + ms * ticks_per_ms;
    uint64_t p0 = read_pct();

    timer_watchdog_arm(TIMER_PHYS, 2000);
    timer_arm_at(TIMER_VIRT, cval);
    while (vtimer_irqs == before && timer_watchdog_count() == 0) {
        if (in_wfi) {
            wfi();
        } else {
            cpu_relax();
        }
    }
    timer_watchdog_cancel(TIMER_PHYS);
    timer_stop(TIMER_VIRT);
    uint64_t dp = read_pct() - p0;
    if (!CHECK_EQ(vtimer_irqs - before, 1, "solo: %s: the virtual timer fired once", how)) {
        return;
    }
    printf("vtime: solo: timer %s: %llu us late in virtual time, %llu ms physical for %llu ms\n",
           how, (unsigned long long)((vtimer_at - cval) * 1000 / ticks_per_ms),
           (unsigned long long)(dp / ticks_per_ms), (unsigned long long)ms);
    CHECK(vtimer_at >= cval, "solo: %s: not before CVAL in virtual time", how);
    CHECK(vtimer_at - cval < 2 * ticks_per_ms, "solo: %s: less than 2 ms after CVAL", how);
    CHECK(dp >= ms * ticks_per_ms, "solo: %s: at least %llu ms of physical time", how,
          (unsigned long long)ms);
}

static void solo(void)
{
    CHECK_EQ(gic_init(), 0, "GIC up");
    timer_set_handler(TIMER_VIRT, vtimer_handler, 0x80);
    irq_local_enable();
    phase_preempted();
    phase_timer(false);
    phase_timer(true);
    irq_local_disable();
}

#define PV_TIME_FEATURES 0xC5000020U
#define PV_TIME_ST       0xC5000021U

struct pvtime_record {
    uint32_t revision;
    uint32_t attributes;
    uint64_t stolen_time;
};

static uint64_t stolen_ns(const volatile struct pvtime_record *r)
{
    return r->stolen_time;
}

static void steal(void)
{
    CHECK_EQ(hvc_call(SMCCC_ARCH_FEATURES, PV_TIME_FEATURES, 0, 0), 0,
             "steal: ARCH_FEATURES(PV_TIME_FEATURES) = 0");
    CHECK_EQ(hvc_call(PV_TIME_FEATURES, PV_TIME_ST, 0, 0), 0,
             "steal: PV_TIME_FEATURES(PV_TIME_ST) = 0");
    CHECK_EQ(hvc_call(PV_TIME_FEATURES, 0xC5000022U, 0, 0), -1,
             "steal: PV_TIME_FEATURES(an unknown ID) = NOT_SUPPORTED");
    int64_t ipa = hvc_call(PV_TIME_ST, 0, 0, 0);
    if (!CHECK_EQ(ipa, GUEST_PVTIME_IPA, "steal: PV_TIME_ST = the IPA of vCPU 0's record")) {
        return;
    }
    /* Normal write-back, read-only, as Linux maps it (memremap(MEMREMAP_WB)). */
    if (!CHECK_EQ(mmu_map(GUEST_PVTIME_IPA, GUEST_PVTIME_IPA, GUEST_PVTIME_SIZE, MMU_RO | MMU_XN),
                  0, "steal: stage 1 maps the record page")) {
        return;
    }
    const volatile struct pvtime_record *r = (const volatile struct pvtime_record *)ipa;
    CHECK_EQ(r->revision, 0, "steal: revision 0");
    CHECK_EQ(r->attributes, 0, "steal: attributes 0");

    /* Preemptions show as gaps in the counter (1 ms or more; exits take microseconds). */
    uint64_t s0 = stolen_ns(r);
    uint64_t p0 = read_pct();
    uint64_t last = p0;
    uint64_t gaps = 0;
    unsigned preemptions = 0;
    while (last - p0 < RUN_MS * ticks_per_ms) {
        uint64_t p = read_pct();
        if (p - last >= ticks_per_ms) {
            gaps += p - last;
            preemptions++;
        }
        last = p;
    }
    (void)hvc_call(SMCCC_VERSION, 0, 0,
                   0); /* an exit: the record is current as of the last entry */
    uint64_t ds = stolen_ns(r) - s0;
    uint64_t gaps_ns = gaps * 1000000 / ticks_per_ms;
    printf("vtime: steal: %u preemptions, %llu us in counter gaps, %llu us stolen by the record\n",
           preemptions, (unsigned long long)(gaps_ns / 1000), (unsigned long long)(ds / 1000));
    CHECK(preemptions > 0 && gaps_ns >= 20000000, "steal: preempted (20 ms or more in gaps)");
    CHECK(ds * 100 >= gaps_ns * 95 && ds * 100 <= gaps_ns * 105,
          "steal: stolen time within 5%% of the gaps");
}

static void hog(void)
{
    uint64_t p0 = read_pct();
    printf("vtime: hog start\n");
    while (read_pct() - p0 < HOG_MS * ticks_per_ms) {
    }
    printf("vtime: hog done\n");
}

static uint64_t latest; /* the largest CNTVCT value either vCPU of the pair has published */
static unsigned pair_backwards[2];
static unsigned pair_done;

static void pair_sample(unsigned me)
{
    for (unsigned i = 0; i < PAIR_SAMPLES; i++) {
        uint64_t seen = __atomic_load_n(&latest, __ATOMIC_ACQUIRE);
        uint64_t v = read_cntvct();
        if (v < seen) {
            pair_backwards[me]++;
        }
        while (seen < v && !__atomic_compare_exchange_n(&latest, &seen, v, false, __ATOMIC_ACQ_REL,
                                                        __ATOMIC_ACQUIRE)) {
        }
    }
}

static void pair_secondary(unsigned me)
{
    pair_sample(me);
    __atomic_fetch_add(&pair_done, 1, __ATOMIC_ACQ_REL);
}

static void pair(void)
{
    uint64_t v = read_cntvct();
    uint64_t p = read_pct();
    CHECK(p >= v && p - v < ticks_per_ms, "pair: CNTVCT is CNTPCT (offset 0 for a 2-vCPU VM)");
    CHECK_EQ(guest_cpu_on(1, pair_secondary), PSCI_RET_SUCCESS, "pair: CPU_ON(1)");
    pair_sample(0);
    uint64_t end = deadline_after_ms(5000);
    while (load_acquire(&pair_done) == 0 && !deadline_passed(end)) {
        cpu_relax();
    }
    CHECK_EQ(load_acquire(&pair_done), 1, "pair: vcpu 1 finished");
    CHECK_EQ(pair_backwards[0] + pair_backwards[1], 0,
             "pair: no value read on one vCPU behind one published by the other (%u samples)",
             2 * PAIR_SAMPLES);
    v = read_cntvct();
    p = read_pct();
    CHECK(p >= v && p - v < ticks_per_ms, "pair: CNTVCT still CNTPCT at the end");
}

void guest_main(void)
{
    ticks_per_ms = timer_ticks_per_ms();
    if (dtb_bootargs_have("vtime=hog")) {
        hog();
    } else if (dtb_bootargs_have("vtime=steal")) {
        steal();
    } else if (dtb_bootargs_have("vtime=pair")) {
        pair();
    } else {
        solo();
    }
}
