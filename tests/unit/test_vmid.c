/*
 * Host unit test for mm/vmid.c: the VMID width from ID_AA64MMFR1_EL1, the
 * pool sizes (255 and 65535 VMIDs, VMID 0 never handed out), round-robin
 * order and wrap-around, the flush hook (once per free, before the VMID can
 * come back), double and bogus frees (aborting children), and a concurrent
 * smoke test of the lock.
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/check.h"
#include "kernel/errno.h"
#include "mm/vmid.h"
#include "unit.h"

UNIT_STATE;

#define VMIDS_8  255U
#define VMIDS_16 65535U

/* Event log: flushes (from the hook) and allocations (from alloc_logged()), in order. */
enum event_kind {
    EV_FLUSH,
    EV_ALLOC,
};

struct event {
    enum event_kind kind;
    uint16_t vmid;
};

#define MAX_EVENTS 64

static struct event events[MAX_EVENTS];
static unsigned nevents;
static unsigned nflushes;
static unsigned flush_count[1U << 16];

static void log_event(enum event_kind kind, uint16_t vmid)
{
    if (nevents < MAX_EVENTS) {
        events[nevents] = (struct event){kind, vmid};
    }
    nevents++;
}

static void test_flush(uint16_t vmid)
{
    flush_count[vmid]++;
    nflushes++;
    log_event(EV_FLUSH, vmid);
}

static void reset(unsigned bits)
{
    memset(flush_count, 0, sizeof(flush_count));
    nflushes = 0;
    nevents = 0;
    vmid_init(bits, test_flush);
}

/* vmid_alloc() that expects success, logs the allocation and returns the VMID. */
static uint16_t alloc_ok(void)
{
    uint16_t vmid = 0;
    EXPECT_EQ(vmid_alloc(&vmid), 0);
    log_event(EV_ALLOC, vmid);
    return vmid;
}

static void expect_full(void)
{
    uint16_t vmid = 0xabcd;
    EXPECT_EQ(vmid_alloc(&vmid), -ENOSPC);
    EXPECT_EQ(vmid, 0xabcd);
}

static void expect_event(unsigned i, enum event_kind kind, uint16_t vmid)
{
    EXPECT(i < nevents);
    if (i < nevents && i < MAX_EVENTS) {
        EXPECT_EQ(events[i].kind, kind);
        EXPECT_EQ(events[i].vmid, vmid);
    }
}

static void test_bits_from_mmfr1(void)
{
    EXPECT_EQ(vmid_bits_from_mmfr1(0), 8);
    EXPECT_EQ(vmid_bits_from_mmfr1(0x20), 16);
    for (uint64_t field = 0; field < 16; field++) {
        if (field != 2) {
            EXPECT_EQ(vmid_bits_from_mmfr1(field << 4), 8);
        }
    }
    /* Only bits [7:4] count. */
    EXPECT_EQ(vmid_bits_from_mmfr1(~0xF0ULL | 0x20), 16);
    EXPECT_EQ(vmid_bits_from_mmfr1(~0ULL), 8);
    EXPECT_EQ(vmid_bits_from_mmfr1(0x2), 8);
    EXPECT_EQ(vmid_bits_from_mmfr1(0x200), 8);
    /* A QEMU "max" CPU: VMIDBits = 2, other fields set. */
    EXPECT_EQ(vmid_bits_from_mmfr1(0x0000000011212120ULL), 16);
}

/* 8-bit: VMIDs 1..255 in order, then -ENOSPC; VMID 0 never appears. */
static void test_exhaust_8bit(void)
{
    reset(8);
    EXPECT_EQ(vmid_in_use(), 0);
    bool ordered = true;
    for (unsigned i = 1; i <= VMIDS_8; i++) {
        uint16_t vmid = 0;
        if (vmid_alloc(&vmid) != 0 || vmid != i) {
            ordered = false;
        }
    }
    EXPECT(ordered);
    EXPECT_EQ(vmid_in_use(), VMIDS_8);
    expect_full();
    expect_full();
    EXPECT_EQ(vmid_in_use(), VMIDS_8);
    EXPECT_EQ(nflushes, 0);
}

static void fill(unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint16_t vmid;
        EXPECT_EQ(vmid_alloc(&vmid), 0);
    }
}

/* A full pool: a freed VMID is flushed once, then is the only one to hand out. */
static void test_free_then_alloc(void)
{
    reset(8);
    fill(VMIDS_8);
    vmid_free(100);
    EXPECT_EQ(nflushes, 1);
    EXPECT_EQ(flush_count[100], 1);
    EXPECT_EQ(vmid_in_use(), VMIDS_8 - 1);
    EXPECT_EQ(alloc_ok(), 100);
    EXPECT_EQ(vmid_in_use(), VMIDS_8);
    expect_full();

    vmid_free(1);
    vmid_free(VMIDS_8);
    EXPECT_EQ(flush_count[1], 1);
    EXPECT_EQ(flush_count[VMIDS_8], 1);
    EXPECT_EQ(nflushes, 3);
    EXPECT_EQ(alloc_ok(), VMIDS_8); /* above the last one handed out (100) */
    EXPECT_EQ(alloc_ok(), 1);       /* wrapped */
    expect_full();
    EXPECT_EQ(nflushes, 3); /* allocation never flushes */
}

/* The flush for a VMID happens inside vmid_free(), before that VMID is handed out again. */
static void test_flush_order(void)
{
    reset(8);
    fill(VMIDS_8);
    nevents = 0;
    vmid_free(7);
    EXPECT_EQ(nevents, 1);
    expect_event(0, EV_FLUSH, 7);
    EXPECT_EQ(alloc_ok(), 7);
    expect_event(1, EV_ALLOC, 7);

    vmid_free(7);
    vmid_free(9);
    EXPECT_EQ(alloc_ok(), 9);
    EXPECT_EQ(alloc_ok(), 7);
    EXPECT_EQ(nevents, 6);
    expect_event(2, EV_FLUSH, 7);
    expect_event(3, EV_FLUSH, 9);
    expect_event(4, EV_ALLOC, 9);
    expect_event(5, EV_ALLOC, 7);
    EXPECT_EQ(flush_count[7], 2);
    EXPECT_EQ(flush_count[9], 1);
    EXPECT_EQ(nflushes, 3);
}

static void test_round_robin(void)
{
    reset(8);
    EXPECT_EQ(alloc_ok(), 1);
    EXPECT_EQ(alloc_ok(), 2);
    EXPECT_EQ(alloc_ok(), 3);
    vmid_free(2);
    EXPECT_EQ(alloc_ok(), 4); /* not the just-freed 2 */
    vmid_free(1);
    EXPECT_EQ(alloc_ok(), 5);
    vmid_free(5);
    EXPECT_EQ(alloc_ok(), 6); /* not 5 either, though it was the last handed out */

    fill(VMIDS_8 - 6); /* 7..255 */
    EXPECT_EQ(vmid_in_use(), VMIDS_8 - 3);
    EXPECT_EQ(alloc_ok(), 1); /* wraps to the lowest free */
    EXPECT_EQ(alloc_ok(), 2);
    EXPECT_EQ(alloc_ok(), 5);
    expect_full();

    /* After wrapping the search starts above the last one handed out (5). */
    vmid_free(3);
    vmid_free(200);
    vmid_free(10);
    EXPECT_EQ(alloc_ok(), 10);
    EXPECT_EQ(alloc_ok(), 200);
    EXPECT_EQ(alloc_ok(), 3);
    expect_full();
}

/* Word boundaries of the bitmap: 63, 64, 127, 128 in the middle of a full pool. */
static void test_word_boundaries(void)
{
    static const uint16_t holes[] = {63, 64, 127, 128, 191, 192};
    reset(8);
    fill(VMIDS_8);
    for (unsigned i = 0; i < ARRAY_SIZE(holes); i++) {
        vmid_free(holes[ARRAY_SIZE(holes) - 1 - i]);
    }
    for (unsigned i = 0; i < ARRAY_SIZE(holes); i++) {
        EXPECT_EQ(alloc_ok(), holes[i]);
    }
    expect_full();
}

/* 16-bit: VMIDs 1..65535 in order, then -ENOSPC; freeing all flushes each exactly once. */
static void test_exhaust_16bit(void)
{
    reset(16);
    bool ordered = true;
    for (unsigned i = 1; i <= VMIDS_16; i++) {
        uint16_t vmid = 0;
        if (vmid_alloc(&vmid) != 0 || vmid != i) {
            ordered = false;
        }
    }
    EXPECT(ordered);
    EXPECT_EQ(vmid_in_use(), VMIDS_16);
    expect_full();

    for (unsigned i = VMIDS_16; i >= 1; i--) {
        vmid_free((uint16_t)i);
    }
    EXPECT_EQ(vmid_in_use(), 0);
    EXPECT_EQ(nflushes, VMIDS_16);
    bool once = flush_count[0] == 0;
    for (unsigned i = 1; i <= VMIDS_16; i++) {
        once = once && flush_count[i] == 1;
    }
    EXPECT(once);
    EXPECT_EQ(alloc_ok(), 1); /* the last handed out was 65535: wraps */
    EXPECT_EQ(alloc_ok(), 2);
}

/* vmid_init() resets a used pool, also to another width. */
static void test_reinit(void)
{
    reset(16);
    fill(1000);
    reset(8);
    EXPECT_EQ(vmid_in_use(), 0);
    EXPECT_EQ(alloc_ok(), 1);
    fill(VMIDS_8 - 1);
    expect_full();
    EXPECT_EQ(nflushes, 0);
}

/* Runs fn in a child; true if the child died of SIGABRT (a failed CHECK() in the host build). */
static bool aborts(void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return false;
    }
    if (pid == 0) {
        /* The expected panic message would only clutter the test output. */
        if (freopen("/dev/null", "w", stdout) == NULL) {
            _exit(2);
        }
        fn();
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) {
        return false;
    }
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void double_free(void)
{
    reset(8);
    uint16_t vmid = alloc_ok();
    vmid_free(vmid);
    vmid_free(vmid);
}

static void free_never_allocated(void)
{
    reset(8);
    (void)alloc_ok();
    vmid_free(2);
}

static void free_zero(void)
{
    reset(8);
    fill(3);
    vmid_free(0);
}

static void free_out_of_range(void)
{
    reset(8);
    fill(VMIDS_8);
    vmid_free(256);
}

static void clean_run(void)
{
    reset(8);
    vmid_free(alloc_ok()); /* control: a clean run must not abort */
}

static void bad_width(void)
{
    vmid_init(12, test_flush);
}

static void test_bad_calls_abort(void)
{
    EXPECT(aborts(double_free));
    EXPECT(aborts(free_never_allocated));
    EXPECT(aborts(free_zero));
    EXPECT(aborts(free_out_of_range));
    EXPECT(aborts(bad_width));
    EXPECT(!aborts(clean_run));
    /* The parent's pool is untouched by the children. */
    reset(8);
    EXPECT_EQ(alloc_ok(), 1);
}

/* Concurrency smoke test: threads allocate and free; no VMID is ever held twice. */
#define THREADS    4
#define ITERATIONS 20000
#define HOLD       8

static unsigned owner[1U << 16];
static unsigned conflicts;
static unsigned alloc_failures;
static unsigned stale_flushes;
static unsigned concurrent_flushes;

static void concurrent_flush(uint16_t vmid)
{
    if (__atomic_load_n(&owner[vmid], __ATOMIC_RELAXED) != 0) {
        __atomic_fetch_add(&stale_flushes, 1, __ATOMIC_RELAXED);
    }
    __atomic_fetch_add(&concurrent_flushes, 1, __ATOMIC_RELAXED);
}

static void *worker(void *arg)
{
    unsigned id = (unsigned)(uintptr_t)arg;
    uint16_t held[HOLD];
    for (unsigned i = 0; i < ITERATIONS; i++) {
        unsigned slot = i % HOLD;
        if (i >= HOLD) {
            __atomic_store_n(&owner[held[slot]], 0, __ATOMIC_RELAXED);
            vmid_free(held[slot]);
        }
        if (vmid_alloc(&held[slot]) != 0) {
            __atomic_fetch_add(&alloc_failures, 1, __ATOMIC_RELAXED);
            return NULL;
        }
        unsigned expected = 0;
        if (!__atomic_compare_exchange_n(&owner[held[slot]], &expected, id, false, __ATOMIC_RELAXED,
                                         __ATOMIC_RELAXED)) {
            __atomic_fetch_add(&conflicts, 1, __ATOMIC_RELAXED);
        }
    }
    return NULL;
}

static void test_concurrent(void)
{
    vmid_init(8, concurrent_flush);
    pthread_t threads[THREADS];
    unsigned started = 0;
    for (unsigned t = 0; t < THREADS; t++) {
        if (pthread_create(&threads[t], NULL, worker, (void *)(uintptr_t)(t + 1)) == 0) {
            started++;
        }
    }
    EXPECT_EQ(started, THREADS);
    for (unsigned t = 0; t < started; t++) {
        pthread_join(threads[t], NULL);
    }
    EXPECT_EQ(conflicts, 0);
    EXPECT_EQ(alloc_failures, 0);
    EXPECT_EQ(stale_flushes, 0);
    EXPECT_EQ(concurrent_flushes, started * (ITERATIONS - HOLD));
    EXPECT_EQ(vmid_in_use(), started * HOLD);
}

int main(void)
{
    test_bits_from_mmfr1();
    test_exhaust_8bit();
    test_free_then_alloc();
    test_flush_order();
    test_round_robin();
    test_word_boundaries();
    test_exhaust_16bit();
    test_reinit();
    test_bad_calls_abort();
    test_concurrent();
    return unit_report("vmid");
}
