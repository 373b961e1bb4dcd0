/*
 * migrate-timer: virtual-timer interrupts and the virtual counter while
 * vCPUs move between physical CPUs (shrike runs it with sched.migrate_ms=15).
 * Every vCPU takes 60 periodic virtual-timer interrupts 4 ms apart
 * (timer_periodic_*) while it busy-loops with IRQs unmasked, and in that loop
 *   - samples SHRIKE_HC_PCPU: the set of physical CPUs it ran on;
 *   - reads CNTVCT: it never goes backwards on this vCPU;
 *   - compares with the other vCPUs: g = load-acquire of a shared `latest`,
 *     r = CNTVCT (ordered after the load), r >= g, then latest = max(latest, r).
 *     A CNTVCT read after another vCPU's read was seen must not be smaller.
 * Checks per vCPU: exactly 60 interrupts, none before CVAL, CNTVCT monotonic,
 * no cross-vCPU violation, at least 2 physical CPUs (shrike only).
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define PERIOD_MS      4U
#define N_IRQS         60U
#define TIMER_PRIO     0x80
#define PCPU_EVERY     8    /* loop iterations between two SHRIKE_HC_PCPU samples */
#define QUIET_MS       12   /* after the last interrupt: time for an extra one to show */
#define READY_MS       3000 /* for every vCPU to come up */
#define RUN_TIMEOUT_MS 3000 /* for the 60 interrupts (240 ms nominal) */

struct vcpu_state {
    uint64_t last;       /* this vCPU's previous CNTVCT reading */
    uint64_t samples;    /* CNTVCT readings */
    uint64_t backwards;  /* readings below the previous one */
    uint64_t cross;      /* cross-vCPU comparisons */
    uint64_t violations; /* readings below a value another vCPU had read before */
    uint64_t pcpus;      /* bit n: seen on physical CPU n */
    unsigned pcpu_reads;
};

static unsigned nr_vcpus;
static unsigned ready;
static uint64_t latest; /* the largest CNTVCT any vCPU has read and published */
static struct vcpu_state state[GUEST_MAX_VCPUS];
static unsigned done[GUEST_MAX_VCPUS];

/*
 * g = load-acquire(latest), then CNTVCT. A counter read is not ordered by the
 * acquire alone; the branch on g followed by an ISB keeps the MRS from being
 * executed before the load has completed.
 */
static void sample(struct vcpu_state *s)
{
    uint64_t g, r, cur;

    __asm__ __volatile__("ldar %0, [%2]\n\t"
                         "cmp %0, %0\n\t"
                         "b.ne 1f\n"
                         "1:\tisb\n\t"
                         "mrs %1, cntvct_el0\n\t"
                         "isb"
                         : "=&r"(g), "=&r"(r)
                         : "r"(&latest)
                         : "cc", "memory");
    s->cross++;
    s->violations += r < g ? 1 : 0;
    s->backwards += s->samples > 0 && r < s->last ? 1 : 0;
    s->last = r;
    s->samples++;
    cur = g;
    while (cur < r && !__atomic_compare_exchange_n(&latest, &cur, r, true, __ATOMIC_RELEASE,
                                                   __ATOMIC_RELAXED)) {
    }
}

static void sample_pcpu(struct vcpu_state *s)
{
    int64_t p = guest_pcpu();

    if (p >= 0 && p < 64) {
        s->pcpus |= 1ULL << p;
        s->pcpu_reads++;
    }
}

static unsigned popcount(uint64_t x)
{
    unsigned n = 0;

    for (; x != 0; x &= x - 1) {
        n++;
    }
    return n;
}

static void check(unsigned idx, const struct vcpu_state *s, const struct timer_periodic_result *r)
{
    printf("migrate-timer: vcpu %u: CPUs 0x%lx, %lu counter reads, worst lateness %lu us\n", idx,
           s->pcpus, s->samples, r->max_late * 1000 / timer_ticks_per_ms());
    CHECK_EQ(r->count, N_IRQS, "vcpu %u: exactly %u virtual-timer interrupts, %u ms apart", idx,
             N_IRQS, PERIOD_MS);
    CHECK_EQ(r->early, 0, "vcpu %u: none taken before CVAL", idx);
    CHECK(s->backwards == 0 && r->mono.backwards == 0 && s->samples > 0,
          "vcpu %u: CNTVCT never went backwards on this vCPU (%lu + %u samples)", idx, s->samples,
          r->mono.samples);
    CHECK_EQ(s->violations, 0,
             "vcpu %u: CNTVCT never below a reading another vCPU published before (%lu checks)",
             idx, s->cross);
    if (guest_on_shrike()) {
        CHECK(popcount(s->pcpus) >= 2, "vcpu %u: ran on at least 2 physical CPUs (0x%lx)", idx,
              s->pcpus);
    } else {
        test_skip("not on shrike", "vcpu %u: ran on at least 2 physical CPUs", idx);
    }
    CHECK_EQ(gic_unhandled_count(idx), 0, "vcpu %u: no unexpected interrupt", idx);
}

static void run(unsigned idx)
{
    struct vcpu_state *s = &state[idx];
    struct timer_periodic_result r;
    uint64_t deadline;

    if (idx != 0) {
        CHECK_EQ(gic_cpu_init(), 0, "vcpu %u: redistributor and CPU interface up", idx);
    }
    __atomic_fetch_add(&ready, 1, __ATOMIC_ACQ_REL);
    deadline = deadline_after_ms(READY_MS);
    while (load_acquire(&ready) < nr_vcpus && !deadline_passed(deadline)) {
        cpu_relax();
    }

    irq_local_enable();
    timer_periodic_start(TIMER_VIRT, PERIOD_MS * timer_ticks_per_ms(), N_IRQS, false, TIMER_PRIO);
    deadline = deadline_after_ms(RUN_TIMEOUT_MS);
    for (unsigned i = 0;; i++) {
        if (i % PCPU_EVERY == 0) {
            sample_pcpu(s);
        }
        sample(s);
        if (timer_periodic_result(TIMER_VIRT).count >= N_IRQS || deadline_passed(deadline)) {
            break;
        }
    }
    deadline = deadline_after_ms(QUIET_MS);
    while (!deadline_passed(deadline)) {
        sample(s);
    }
    sample_pcpu(s);
    irq_local_disable();
    r = timer_periodic_result(TIMER_VIRT);
    check(idx, s, &r);
    store_release(&done[idx], 1);
}

void guest_main(void)
{
    uint64_t deadline;

    nr_vcpus = guest_vcpu_count();
    if (nr_vcpus > GUEST_MAX_VCPUS) {
        nr_vcpus = GUEST_MAX_VCPUS;
    }
    if (!CHECK_EQ(gic_init(), 0, "vcpu 0: GIC distributor, redistributor and CPU interface up")) {
        return;
    }
    for (unsigned i = 1; i < nr_vcpus; i++) {
        CHECK_EQ(guest_cpu_on(i, run), PSCI_RET_SUCCESS, "CPU_ON(%u)", i);
    }
    run(0);
    deadline = deadline_after_ms(RUN_TIMEOUT_MS);
    for (unsigned i = 1; i < nr_vcpus; i++) {
        while (!load_acquire(&done[i]) && !deadline_passed(deadline)) {
            cpu_relax();
        }
        CHECK(load_acquire(&done[i]), "vcpu %u finished", i);
    }
}
