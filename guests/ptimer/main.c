/*
 * ptimer: the EL1 physical timer (CNTP_*, PPI 14 = INTID 30; trapped and
 * emulated by shrike) on every vCPU, with the timer guest's checks
 * (guests/timer/timer_test.c); every other periodic interrupt is programmed
 * with a TVAL write.
 */
#include "guests/lib/guest.h"
#include "guests/timer/timer_test.h"

void guest_main(void)
{
    timer_test_main(TIMER_PHYS);
}
