/*
 * worker: the stress runner's well-behaved guest (docs/stress.md). Every vCPU
 * runs fixed units of CPU work until stress.ms of counter time have passed
 * (virtual time under -icount) and checks, all the while:
 *   - its virtual timer, re-armed every stress.timer_us: every interrupt
 *     arrives (none lost), none before its CVAL, and how late (over
 *     stress.late_ms counts as late);
 *   - SGI 1 around a ring of its vCPUs, one outstanding at a time (an SGI
 *     sent while the last one is pending would merge with it): every SGI
 *     sent arrives;
 *   - the UART's SPI (INTID 33, vCPU 0): after each progress line, a TX
 *     interrupt;
 *   - the virtual counter, read on every unit and compared with the latest
 *     value any vCPU of the VM published: it never goes backwards;
 *   - a canary over all its RAM but the DTB and the image (each vCPU owns a
 *     slice, fills it, and re-reads a chunk per unit, then all of it at the end).
 * Then each vCPU prints one "worker: vcpu ..." line with its figures, and
 * vCPU 0 "worker: result ..." with the violations, and the VM powers off.
 * stress.break=1 corrupts one canary word on purpose (the runner must fail).
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"
#include "guests/stress/params.h"

#define SGI_RING     1
#define UART_INTID   33
#define UART_IMSC    0x38
#define UART_ICR     0x44
#define UART_TXIM    (1U << 5)
#define WORK_ROUNDS  256 /* xorshift steps per unit of progress */
#define CANARY_CHUNK 64  /* words re-checked per unit */
#define END_GRACE_MS 500 /* give-up bound of the final waits */
#define TIMER_PRIO   0x80
#define SGI_PRIO     0x90
#define UART_PRIO    0xA0

struct vstat {
    uint64_t progress;
    unsigned timer_armed;
    unsigned timer_got;
    unsigned timer_late;
    unsigned timer_early;
    uint64_t timer_cval;
    uint64_t max_late;
    unsigned sgi_sent; /* by this vCPU, to the next one */
    unsigned sgi_got;  /* by this vCPU, from the previous one */
    uint64_t vt_samples;
    unsigned vt_back;
    uint64_t canary_checked;
    unsigned canary_bad;
    uint64_t canary_first_bad;
    uint64_t *slice;
    uint64_t slice_words;
    uint64_t cursor;
    unsigned uart_expected;
    unsigned uart_got;
    unsigned uart_irqs;
    unsigned done;
} __attribute__((aligned(64)));

static struct vstat st[GUEST_MAX_VCPUS];
static unsigned nr_vcpus;
static unsigned started;
static unsigned stopped;
static uint64_t vt_last;
static uint64_t seed;
static uint64_t period;     /* timer period in ticks */
static uint64_t late_ticks; /* an interrupt later than this is late */
static uint64_t run_ticks;
static uint64_t start_time;
static uint64_t start_pct;

static uint64_t canary(const uint64_t *p)
{
    return ((uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ULL) ^ seed;
}

static void arm_timer(struct vstat *s)
{
    s->timer_cval = timer_count(TIMER_VIRT) + period;
    s->timer_armed++;
    timer_arm_at(TIMER_VIRT, s->timer_cval);
}

static void timer_handler(unsigned intid)
{
    struct vstat *s = &st[guest_vcpu_index()];
    uint64_t now = timer_count(TIMER_VIRT);

    (void)intid;
    if (now < s->timer_cval || !timer_fired(TIMER_VIRT)) {
        s->timer_early++;
    } else if (now - s->timer_cval > s->max_late) {
        s->max_late = now - s->timer_cval;
    }
    if (now >= s->timer_cval && now - s->timer_cval > late_ticks) {
        s->timer_late++;
    }
    s->timer_got++;
    arm_timer(s); /* a new CVAL ends the old condition (level) before the EOI */
}

static void sgi_handler(unsigned intid)
{
    struct vstat *s = &st[guest_vcpu_index()];

    (void)intid;
    __atomic_store_n(&s->sgi_got, s->sgi_got + 1, __ATOMIC_RELEASE);
}

static void uart_handler(unsigned intid)
{
    (void)intid;
    mmio_write32(GUEST_UART_BASE + UART_ICR, UART_TXIM);
    __atomic_store_n(&st[0].uart_irqs, st[0].uart_irqs + 1, __ATOMIC_RELEASE);
}

/* The counter, against the latest value any vCPU of this VM published before. */
static void vt_sample(struct vstat *s)
{
    uint64_t seen = __atomic_load_n(&vt_last, __ATOMIC_ACQUIRE);
    uint64_t now = read_cntvct(); /* ISBs: not read before the load above */

    s->vt_samples++;
    if (now < seen) {
        s->vt_back++;
        return;
    }
    while (seen < now && !__atomic_compare_exchange_n(&vt_last, &seen, now, true, __ATOMIC_RELEASE,
                                                      __ATOMIC_ACQUIRE)) {
    }
}

static void canary_check(struct vstat *s, uint64_t words)
{
    for (uint64_t i = 0; i < words && s->slice_words > 0; i++) {
        const uint64_t *p = &s->slice[s->cursor];
        if (*(const volatile uint64_t *)p != canary(p)) {
            if (s->canary_bad++ == 0) {
                s->canary_first_bad = (uint64_t)(uintptr_t)p;
            }
        }
        s->canary_checked++;
        s->cursor = s->cursor + 1 == s->slice_words ? 0 : s->cursor + 1;
    }
}

static void canary_fill(unsigned me)
{
    uint64_t base = ((uint64_t)(uintptr_t)__image_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    uint64_t end = guest_ram_base() + guest_ram_size();
    uint64_t words = end > base ? (end - base) / 8 : 0;
    uint64_t per = words / nr_vcpus;
    struct vstat *s = &st[me];

    s->slice = (uint64_t *)(uintptr_t)(base + 8 * per * me);
    s->slice_words = me + 1 == nr_vcpus ? words - per * me : per;
    for (uint64_t i = 0; i < s->slice_words; i++) {
        s->slice[i] = canary(&s->slice[i]);
    }
}

static uint64_t work(uint64_t x)
{
    for (unsigned i = 0; i < WORK_ROUNDS; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

/* WFI until *p reaches target or the give-up bound passes (the periodic timer wakes us). */
static void wait_for(const unsigned *p, unsigned target)
{
    uint64_t deadline = deadline_after_ms(END_GRACE_MS);

    while (load_acquire(p) < target && !deadline_passed(deadline)) {
        wfi();
    }
}

static void report_progress(uint64_t now)
{
    uint64_t total = 0;
    struct vstat *s = &st[0];

    for (unsigned i = 0; i < nr_vcpus; i++) {
        total += __atomic_load_n(&st[i].progress, __ATOMIC_RELAXED);
    }
    unsigned before = load_acquire(&s->uart_irqs);
    printf("worker: t=%lums progress=%lu\n", (now - start_time) / timer_ticks_per_ms(), total);
    s->uart_expected++;
    wait_for(&s->uart_irqs, before + 1);
    s->uart_got += load_acquire(&s->uart_irqs) > before;
}

static void run(unsigned me)
{
    struct vstat *s = &st[me];
    unsigned next = (me + 1) % nr_vcpus;
    uint64_t x = stress_mix(seed + me);
    uint64_t report_every = stress_param("report_ms", 1000) * timer_ticks_per_ms();
    uint64_t next_report;
    bool broken = false;

    if (me != 0) {
        CHECK_EQ(gic_cpu_init(), 0, "vcpu %u: GIC CPU interface up", me);
    }
    gic_set_handler(SGI_RING, sgi_handler);
    gic_set_priority(SGI_RING, SGI_PRIO);
    gic_enable(SGI_RING);
    timer_set_handler(TIMER_VIRT, timer_handler, TIMER_PRIO);
    canary_fill(me);
    __atomic_fetch_add(&started, 1, __ATOMIC_ACQ_REL);
    while (load_acquire(&started) < nr_vcpus) {
        cpu_relax();
    }
    if (me == 0) {
        start_time = read_cntvct();
        start_pct = read_cntpct();
        __atomic_store_n(&vt_last, start_time, __ATOMIC_RELEASE);
        store_release(&started, nr_vcpus + 1);
    }
    while (load_acquire(&started) <= nr_vcpus) {
        cpu_relax();
    }
    next_report = start_time + report_every;
    arm_timer(s);
    irq_local_enable();
    for (;;) {
        uint64_t now = read_cntvct();
        if (now - start_time >= run_ticks) {
            break;
        }
        x = work(x);
        __atomic_store_n(&s->progress, s->progress + 1, __ATOMIC_RELAXED);
        vt_sample(s);
        canary_check(s, CANARY_CHUNK);
        if (load_acquire(&st[next].sgi_got) == s->sgi_sent) {
            s->sgi_sent++;
            gic_send_sgi(SGI_RING, next);
        }
        if (me == 0 && now >= next_report) {
            report_progress(now);
            next_report += report_every;
        }
        if (me == 0 && !broken && stress_param("break", 0) != 0 &&
            now - start_time >= run_ticks / 2 && s->slice_words > 0) {
            s->slice[s->slice_words / 2] ^= 1; /* the deliberate violation */
            broken = true;
        }
    }
    /* Everyone stops sending, then waits for what is still on its way. */
    __atomic_fetch_add(&stopped, 1, __ATOMIC_ACQ_REL);
    wait_for(&stopped, nr_vcpus);
    unsigned prev = (me + nr_vcpus - 1) % nr_vcpus;
    wait_for(&s->sgi_got, load_acquire(&st[prev].sgi_sent));
    irq_local_disable();
    timer_stop(TIMER_VIRT);
    uint64_t now = timer_count(TIMER_VIRT);
    if (s->timer_got < s->timer_armed && now < s->timer_cval + late_ticks) {
        s->timer_armed--; /* the last one was still due: cancelled, not lost */
    }
    canary_check(s, s->slice_words);
    (void)x;
}

static unsigned report(unsigned me)
{
    struct vstat *s = &st[me];
    unsigned prev = (me + nr_vcpus - 1) % nr_vcpus;
    unsigned sgi_expected = st[prev].sgi_sent;
    uint64_t tpus = timer_ticks_per_ms() / 1000 ? timer_ticks_per_ms() / 1000 : 1;
    unsigned bad = 0;

    printf("worker: vcpu %u progress=%lu timer=%u/%u late=%u early=%u max_late_us=%lu sgi=%u/%u "
           "vt=%lu back=%u canary=%lu bad=%u uart=%u/%u\n",
           me, s->progress, s->timer_got, s->timer_armed, s->timer_late, s->timer_early,
           s->max_late / tpus, s->sgi_got, sgi_expected, s->vt_samples, s->vt_back,
           s->canary_checked, s->canary_bad, s->uart_got, s->uart_expected);
    bad += !CHECK(s->progress > 0, "vcpu %u progressed", me);
    bad += !CHECK_EQ(s->timer_got, s->timer_armed, "vcpu %u: no timer interrupt lost", me);
    bad += !CHECK_EQ(s->timer_early, 0, "vcpu %u: no timer interrupt early", me);
    bad += !CHECK_EQ(s->timer_late, 0, "vcpu %u: no timer interrupt late", me);
    bad +=
        !CHECK_EQ(s->sgi_got, sgi_expected, "vcpu %u: every SGI from vcpu %u received", me, prev);
    bad += !CHECK_EQ(s->vt_back, 0, "vcpu %u: virtual time monotonic across the VM", me);
    bad += !CHECK_EQ(s->canary_bad, 0, "vcpu %u: canary intact (first bad word 0x%lx)", me,
                     s->canary_first_bad);
    bad += !CHECK_EQ(s->uart_got, s->uart_expected, "vcpu %u: every UART interrupt received", me);
    return bad;
}

static void secondary(unsigned me)
{
    run(me);
    store_release(&st[me].done, 1);
}

void guest_main(void)
{
    unsigned bad = 0;

    nr_vcpus = guest_vcpu_count() > GUEST_MAX_VCPUS ? GUEST_MAX_VCPUS : guest_vcpu_count();
    seed = stress_mix(stress_param("seed", 1));
    period = stress_param("timer_us", 2000) * timer_ticks_per_ms() / 1000;
    late_ticks = stress_param("late_ms", 200) * timer_ticks_per_ms();
    run_ticks = stress_param("ms", 5000) * timer_ticks_per_ms();
    printf(
        "worker: %u vCPU(s), %lu ms, timer every %lu us, late after %lu ms, seed %lu, counter at "
        "%lu ms\n",
        nr_vcpus, stress_param("ms", 5000), stress_param("timer_us", 2000),
        stress_param("late_ms", 200), stress_param("seed", 1),
        read_cntvct() / timer_ticks_per_ms());
    if (!CHECK_EQ(gic_init(), 0, "GIC up")) {
        return;
    }
    gic_set_handler(UART_INTID, uart_handler);
    gic_set_priority(UART_INTID, UART_PRIO);
    gic_enable(UART_INTID);
    mmio_write32(GUEST_UART_BASE + UART_IMSC, UART_TXIM);
    for (unsigned i = 1; i < nr_vcpus; i++) {
        CHECK_EQ(guest_cpu_on(i, secondary), PSCI_RET_SUCCESS, "CPU_ON(%u)", i);
    }
    run(0);
    mmio_write32(GUEST_UART_BASE + UART_IMSC, 0);
    for (unsigned i = 1; i < nr_vcpus; i++) {
        uint64_t deadline = deadline_after_ms(END_GRACE_MS * 4);
        while (!load_acquire(&st[i].done) && !deadline_passed(deadline)) {
            cpu_relax();
        }
        bad += !CHECK(load_acquire(&st[i].done), "vcpu %u finished", i);
    }
    for (unsigned i = 0; i < nr_vcpus; i++) {
        bad += report(i);
    }
    printf("worker: result %s violations=%u vt_ms=%lu pt_ms=%lu\n", bad ? "FAIL" : "ok", bad,
           (read_cntvct() - start_time) / timer_ticks_per_ms(),
           (read_cntpct() - start_pct) / timer_ticks_per_ms());
}
