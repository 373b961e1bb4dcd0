/*
 * yield: two vCPUs that take turns, for measuring the vCPU switch. Each waits
 * in WFI for its turn; its turn comes with an SGI from the other, which then
 * waits. With both vCPUs on one CPU every turn is a switch (block one, wake
 * and run the other); shrike's statistics report the switch cost. (QEMU 7.2
 * never traps WFE, so WFE cannot be what drives the switches here.)
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"

#define TURNS    1000
#define SGI_TURN 1

static volatile unsigned turn_of = 0; /* whose turn it is */
static volatile unsigned turns_done[2];

static void on_turn(unsigned intid)
{
    (void)intid;
}

static void play(unsigned me)
{
    if (me != 0) {
        gic_cpu_init();
    }
    gic_set_handler(SGI_TURN, on_turn);
    gic_enable(SGI_TURN);
    irq_local_enable();
    for (unsigned i = 0; i < TURNS; i++) {
        while (turn_of != me) {
            __asm__ __volatile__("wfi");
        }
        turns_done[me] = turns_done[me] + 1;
        turn_of = 1 - me;
        __asm__ __volatile__("dsb ish" : : : "memory");
        gic_send_sgi(SGI_TURN, 1 - me);
    }
}

void guest_main(void)
{
    if (!CHECK_EQ(gic_init(), 0, "GIC up")) {
        return;
    }
    CHECK_EQ(guest_cpu_on(1, play), 0, "vCPU 1 started");
    play(0);
    while (turns_done[1] < TURNS) {
        __asm__ __volatile__("wfi");
    }
    CHECK_EQ(turns_done[0] + turns_done[1], 2 * TURNS, "%u turns taken", 2 * TURNS);
}
