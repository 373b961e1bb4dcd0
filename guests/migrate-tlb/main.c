/*
 * migrate-tlb: a guest's local TLB maintenance while its vCPU moves between
 * physical CPUs (shrike runs it pinned to CPUs 0 and 1 with
 * sched.migrate_ms=5, next to a second VM running the same image). GVA
 * 0x8000_0000 maps one of two RAM pages of this guest. Each round: read it on
 * the CPU it is on (that CPU's TLB caches the translation), wait until
 * SHRIKE_HC_PCPU reports another CPU, read it there, remap the GVA onto the
 * other page with local invalidation only (TLBI VALE1, DSB NSH: no broadcast),
 * read the new page, wait until back on the first CPU and read again: a stale
 * translation left on that CPU would show the old page. The GVA is read again
 * and again while waiting; every read must give the page mapped now, never
 * the previous one and never anything else (the other VM's pages hold other
 * values at the same IPAs).
 *
 * Page contents come from /chosen/bootargs: `tlb=cd` gives 0xCCCCCCCC and
 * 0xDDDDDDDD, anything else 0xAAAAAAAA and 0xBBBBBBBB (`tlb=ab`).
 */
#include "guests/lib/guest.h"

#define TEST_GVA           0x80000000UL
#define ROUNDS             6U
#define MIGRATE_TIMEOUT_MS 1000
#define ALLOWED_PCPUS      0x3UL /* the configs' affinity */
#define DESC_TABLE         3UL
#define DESC_ADDR          0x0000FFFFFFFFF000UL

static uint32_t pages[2][PAGE_SIZE / 4] __attribute__((aligned(PAGE_SIZE)));
static uint32_t values[2];
static unsigned cur; /* the page TEST_GVA maps now */
static volatile uint64_t *pte;

static uint64_t reads;
static uint64_t stale;   /* the page mapped before */
static uint64_t foreign; /* neither of this VM's values */
static uint32_t last_bad;
static uint64_t pcpus_seen;

/* The level-3 entry of va in the runtime's tables, or NULL. */
static volatile uint64_t *pte_of(uint64_t va)
{
    uint64_t *table = guest_pgd;

    for (unsigned level = 1; level < 3; level++) {
        uint64_t e = table[(va >> (39 - 9 * level)) % 512];
        if ((e & DESC_TABLE) != DESC_TABLE) {
            return NULL;
        }
        table = (uint64_t *)(uintptr_t)(e & DESC_ADDR);
    }
    return &table[(va >> 12) % 512];
}

/* Points TEST_GVA at page `to`, invalidating this CPU's TLB only (break-before-make). */
static void remap_local(unsigned to)
{
    uint64_t desc = (*pte & ~DESC_ADDR) | (uint64_t)(uintptr_t)pages[to];

    *pte = 0;
    __asm__ __volatile__("dsb nshst\n\t"
                         "tlbi vale1, %0\n\t"
                         "dsb nsh\n\t"
                         "isb"
                         :
                         : "r"(TEST_GVA >> 12)
                         : "memory");
    *pte = desc;
    __asm__ __volatile__("dsb nshst\n\tisb" : : : "memory");
    cur = to;
}

static void observe(void)
{
    uint32_t v = *(volatile uint32_t *)TEST_GVA;

    reads++;
    if (v == values[cur]) {
        return;
    }
    if (v == values[cur ^ 1]) {
        stale++;
    } else {
        foreign++;
    }
    last_bad = v;
}

static int64_t pcpu(void)
{
    int64_t p = guest_pcpu();

    if (p >= 0 && p < 64) {
        pcpus_seen |= 1ULL << p;
    }
    return p;
}

/* Reads TEST_GVA until the vCPU runs on CPU `on` (want_on) or off it; the CPU, or -1. */
static int64_t wait_pcpu(int64_t on, bool want_on)
{
    uint64_t deadline = deadline_after_ms(MIGRATE_TIMEOUT_MS);

    for (;;) {
        /* The deadline before the look: a host stall between the two is no timeout. */
        bool late = deadline_passed(deadline);
        int64_t p = pcpu();
        observe();
        if ((p == on) == want_on) {
            return p;
        }
        if (late) {
            return -1;
        }
    }
}

static void rounds_migrating(void)
{
    unsigned moved = 0, back = 0;

    for (unsigned r = 0; r < ROUNDS; r++) {
        int64_t home = pcpu();
        int64_t away;

        observe();
        away = wait_pcpu(home, false);
        if (away < 0) {
            break;
        }
        moved++;
        observe();
        remap_local(cur ^ 1);
        observe();
        if (wait_pcpu(home, true) < 0) {
            break;
        }
        back++;
        for (unsigned i = 0; i < 16; i++) {
            observe();
        }
        printf("migrate-tlb: round %u: CPU %ld -> %ld (remapped to 0x%x) -> %ld\n", r, home, away,
               values[cur], home);
    }
    CHECK_EQ(moved, ROUNDS, "migrated to the other CPU in each of %u rounds", ROUNDS);
    CHECK_EQ(back, ROUNDS, "migrated back to the first CPU in each of %u rounds", ROUNDS);
    CHECK((pcpus_seen & ~ALLOWED_PCPUS) == 0 && pcpus_seen != 0,
          "ran only on CPUs 0 and 1, its affinity (0x%lx)", pcpus_seen);
}

static void rounds_local(void)
{
    for (unsigned r = 0; r < ROUNDS; r++) {
        observe();
        remap_local(cur ^ 1);
        for (unsigned i = 0; i < 16; i++) {
            observe();
        }
    }
    test_skip("not on shrike", "migrated between CPUs in each of %u rounds", ROUNDS);
}

void guest_main(void)
{
    bool cd = dtb_bootargs_have("tlb=cd");

    values[0] = cd ? 0xCCCCCCCCU : 0xAAAAAAAAU;
    values[1] = cd ? 0xDDDDDDDDU : 0xBBBBBBBBU;
    printf("migrate-tlb: pages 0x%x and 0x%x at IPA 0x%lx and 0x%lx\n", values[0], values[1],
           (uint64_t)(uintptr_t)pages[0], (uint64_t)(uintptr_t)pages[1]);
    for (unsigned p = 0; p < 2; p++) {
        for (unsigned i = 0; i < PAGE_SIZE / 4; i++) {
            pages[p][i] = values[p];
        }
    }
    dsb_ish();
    if (!CHECK_EQ(mmu_map(TEST_GVA, (uint64_t)(uintptr_t)pages[0], PAGE_SIZE, MMU_XN), 0,
                  "stage 1 maps GVA 0x80000000 onto the first page")) {
        return;
    }
    pte = pte_of(TEST_GVA);
    if (!CHECK(pte != NULL && (*pte & DESC_ADDR) == (uint64_t)(uintptr_t)pages[0],
               "GVA 0x80000000 has a level-3 entry")) {
        return;
    }
    cur = 0;
    CHECK_EQ(*(volatile uint32_t *)TEST_GVA, values[0], "GVA 0x80000000 reads 0x%x", values[0]);

    if (guest_on_shrike()) {
        rounds_migrating();
    } else {
        rounds_local();
    }
    printf("migrate-tlb: %lu reads, %lu stale, %lu foreign\n", reads, stale, foreign);
    CHECK_EQ(stale, 0, "no read saw the page mapped before a local remap (last bad 0x%x)",
             last_bad);
    CHECK_EQ(foreign, 0, "every read saw one of this VM's values (last bad 0x%x)", last_bad);
    CHECK(reads > 4 * ROUNDS, "GVA 0x80000000 read %lu times", reads);
}
