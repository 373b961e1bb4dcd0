/*
 * The body of the timer and ptimer guests: the same checks for the virtual
 * timer (CNTV_*, INTID 27) and the EL1 physical timer (CNTP_*, INTID 30).
 */
#ifndef SHRIKE_GUESTS_TIMER_TIMER_TEST_H
#define SHRIKE_GUESTS_TIMER_TIMER_TEST_H

#include "guests/lib/timer.h"

/* Runs the checks on every vCPU of the VM for timer t; called from guest_main(). */
void timer_test_main(enum timer_id t);

#endif
