/*
 * smp: PSCI CPU_ON/CPU_OFF/AFFINITY_INFO across all the VM's vCPUs (2..8, from
 * the DTB's /cpus). Round 1 starts every secondary ("vcpu N up"), round 2
 * starts them again after they switched themselves off ("vcpu N up again"),
 * round 3 races: with vCPU 1 off, every other vCPU calls CPU_ON(1) at once;
 * exactly one call succeeds and the others get ALREADY_ON.
 */
#include "guests/lib/guest.h"

#define WAIT_MS 5000

enum { ROUND_FIRST = 1, ROUND_AGAIN = 2, ROUND_RACE = 3 };

static unsigned nvcpus;
static unsigned round_now;                 /* the round secondaries are started for */
static unsigned up_round[GUEST_MAX_VCPUS]; /* set by vCPU i: the round it came up in */
static unsigned off_round;                 /* secondaries of rounds <= this switch off */
static unsigned racer_ready[GUEST_MAX_VCPUS];
static unsigned race_go;
static unsigned race_done[GUEST_MAX_VCPUS];
static int64_t race_result[GUEST_MAX_VCPUS];

/* Waits until *p == value; false after WAIT_MS. */
static bool wait_for(const unsigned *p, unsigned value)
{
    return SPIN_UNTIL(load_acquire(p) == value, deadline_after_ms(WAIT_MS));
}

/* Polls AFFINITY_INFO(idx) until it reads state; false after WAIT_MS. */
static bool wait_affinity(unsigned idx, int64_t state)
{
    return SPIN_UNTIL(psci_affinity_info(idx, 0) == state, deadline_after_ms(WAIT_MS));
}

/* A secondary of any round: report, then wait to be told to switch off (the runtime's CPU_OFF). */
static void secondary(unsigned idx)
{
    unsigned r = load_acquire(&round_now);

    if (r == ROUND_FIRST) {
        printf("vcpu %u up\n", idx);
    } else if (r == ROUND_AGAIN) {
        printf("vcpu %u up again\n", idx);
    } else {
        printf("vcpu %u up after the race\n", idx);
    }
    store_release(&up_round[idx], r);
    while (load_acquire(&off_round) < r) {
        cpu_relax();
    }
}

/* Round 3, vCPUs 2..n-1: wait for the start flag, then CPU_ON(1) with everyone else. */
static void racer(unsigned idx)
{
    store_release(&racer_ready[idx], 1);
    while (load_acquire(&race_go) == 0) {
    }
    race_result[idx] = guest_cpu_on(1, secondary);
    store_release(&race_done[idx], 1);
    while (load_acquire(&off_round) < ROUND_RACE) {
        cpu_relax();
    }
}

/* Tells round r's secondaries to switch off and checks that each one did. */
static void switch_off(unsigned r, unsigned first, unsigned last)
{
    store_release(&off_round, r);
    for (unsigned i = first; i <= last; i++) {
        CHECK(wait_affinity(i, PSCI_AFFINITY_OFF), "round %u: vcpu %u off (AFFINITY_INFO 1)", r, i);
    }
}

/* Rounds 1 and 2: start every secondary, check it came up and is ON. */
static void start_all(unsigned r)
{
    store_release(&round_now, r);
    for (unsigned i = 1; i < nvcpus; i++) {
        CHECK_EQ(guest_cpu_on(i, secondary), PSCI_RET_SUCCESS, "round %u: CPU_ON(%u)", r, i);
    }
    for (unsigned i = 1; i < nvcpus; i++) {
        CHECK(wait_for(&up_round[i], r), "round %u: vcpu %u flag set", r, i);
        CHECK_EQ(psci_affinity_info(i, 0), PSCI_AFFINITY_ON, "round %u: AFFINITY_INFO(%u) is ON", r,
                 i);
    }
    switch_off(r, 1, nvcpus - 1);
}

static void race(void)
{
    unsigned successes = 0, already_on = 0;

    store_release(&round_now, ROUND_RACE);
    for (unsigned i = 2; i < nvcpus; i++) {
        CHECK_EQ(guest_cpu_on(i, racer), PSCI_RET_SUCCESS, "race: CPU_ON(%u) for a racer", i);
        CHECK(wait_for(&racer_ready[i], 1), "race: vcpu %u ready", i);
    }
    CHECK_EQ(psci_affinity_info(1, 0), PSCI_AFFINITY_OFF, "race: vcpu 1 is off before the race");

    store_release(&race_go, 1);
    race_result[0] = guest_cpu_on(1, secondary);
    for (unsigned i = 2; i < nvcpus; i++) {
        CHECK(wait_for(&race_done[i], 1), "race: vcpu %u made its call", i);
    }
    for (unsigned i = 0; i < nvcpus; i++) {
        if (i == 1) {
            continue;
        }
        printf("race: vcpu %u got %ld\n", i, race_result[i]);
        successes += race_result[i] == PSCI_RET_SUCCESS;
        already_on += race_result[i] == PSCI_RET_ALREADY_ON;
    }
    CHECK_EQ(successes, 1, "race: exactly one CPU_ON(1) succeeded");
    CHECK_EQ(already_on, nvcpus - 2, "race: the other %u got ALREADY_ON", nvcpus - 2);
    CHECK(wait_for(&up_round[1], ROUND_RACE), "race: vcpu 1 came up");
    switch_off(ROUND_RACE, 1, nvcpus - 1);
}

void guest_main(void)
{
    int cpus = dtb_cpu_count();

    CHECK(cpus >= 2 && cpus <= GUEST_MAX_VCPUS, "DTB lists 2..%d vCPUs (%d)", GUEST_MAX_VCPUS,
          cpus);
    if (cpus < 2) {
        return;
    }
    nvcpus = cpus > GUEST_MAX_VCPUS ? GUEST_MAX_VCPUS : (unsigned)cpus;
    start_all(ROUND_FIRST);
    start_all(ROUND_AGAIN);
    race();
}
