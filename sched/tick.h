/*
 * The periodic tick: the EL2 physical timer re-armed every 1/CONFIG_TICK_HZ
 * seconds (config/sched.h) on each CPU, from absolute deadlines so that the
 * rate does not drift when a tick is handled late.
 */
#ifndef SHRIKE_SCHED_TICK_H
#define SHRIKE_SCHED_TICK_H

#include <stdint.h>

struct tick_stats {
    uint64_t ticks;    /* tick interrupts handled */
    uint64_t early;    /* handler entries before the deadline: must stay 0 */
    uint64_t max_late; /* worst lateness, in counter ticks */
    uint64_t period;   /* counter ticks per tick */
    uint64_t stop_at;  /* no deadline at or past this counter value (0 = never stop) */
    uint64_t deadline; /* next deadline */
    uint64_t first;    /* first deadline */
};

/* Starts this CPU's tick; with stop_after non-zero, the tick stops after that many counter ticks.
 */
void tick_start(uint64_t stop_after);

/* This CPU's tick statistics. */
const struct tick_stats *tick_stats(unsigned cpu);

#endif
