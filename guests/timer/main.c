/*
 * timer: the virtual timer (CNTV_*, PPI 11 = INTID 27) on every vCPU:
 * periodic interrupts never early, TVAL, the GIC pending state following the
 * timer condition, and WFI waking with IRQs masked (guests/timer/timer_test.c).
 */
#include "guests/lib/guest.h"
#include "guests/timer/timer_test.h"

void guest_main(void)
{
    timer_test_main(TIMER_VIRT);
}
