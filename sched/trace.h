/*
 * Scheduling trace: a ring of events per CPU (CONFIG_TRACE_EVENTS each,
 * oldest overwritten), written only by its own CPU with IRQs masked, so no
 * lock. Dumped as Chrome trace-event JSON (loadable in Perfetto) through an
 * emit callback, one line at a time; scripts/timeline.py turns a dump into an
 * SVG timeline.
 */
#ifndef SHRIKE_SCHED_TRACE_H
#define SHRIKE_SCHED_TRACE_H

#include <stdbool.h>
#include <stdint.h>

enum trace_type {
    TRACE_SWITCH_IN,   /* vCPU starts running on this CPU */
    TRACE_SWITCH_OUT,  /* vCPU stops running (arg: why, enum trace_out) */
    TRACE_BLOCK,       /* vCPU blocked in WFI */
    TRACE_WAKE,        /* vCPU woken (arg: waking CPU) */
    TRACE_MIGRATE,     /* vCPU moved to this CPU (arg: from CPU) */
    TRACE_IDLE,        /* CPU has nothing to run */
    TRACE_RT_THROTTLE, /* real-time vCPU used up its budget: throttled until its deadline */
    TRACE_RT_MISS,     /* real-time vCPU passed its server deadline with budget left */
};

enum trace_out {
    TRACE_OUT_PREEMPT,
    TRACE_OUT_YIELD,
    TRACE_OUT_BLOCK,
    TRACE_OUT_STOP,
    TRACE_OUT_MIGRATE,
};

struct trace_record {
    uint64_t ts; /* physical counter */
    union {
        struct {
            uint8_t type;
            uint8_t arg;
            uint8_t vm;
            uint8_t vcpu;
        };
        uint32_t what; /* the four above, written and read as one */
    };
};

/*
 * Recording is on unless shrike booted with trace=off (sched_init: the idle
 * CPUs' events from before it stay). Off, an event costs its call site one
 * load and one branch, and its arguments are not evaluated; a dump then holds
 * no event from then on. Other CPUs may be recording as it is turned off: a
 * record that passed the test completes.
 */
extern bool trace_on;
void trace_set_enabled(bool on);

/* Records an event on this CPU's ring (cpu = the caller's CPU), if recording is on. */
#define trace_event(cpu, type, vm, vcpu, arg)                 \
    do {                                                      \
        if (trace_on) {                                       \
            trace_record((cpu), (type), (vm), (vcpu), (arg)); \
        }                                                     \
    } while (0)

/* trace_event() without the test: records unconditionally. */
void trace_record(unsigned cpu, enum trace_type type, unsigned vm, unsigned vcpu, unsigned arg);

/* Events recorded on cpu (total, including overwritten ones). */
uint64_t trace_count(unsigned cpu);

/*
 * Emits the rings of CPUs 0..ncpus-1 as Chrome trace-event JSON: a '[' line,
 * one event object per line (B/E pairs for vCPU runs on tid = CPU, instant
 * events for block/wake/migrate, metadata naming each CPU), a ']' line.
 * Timestamps are microseconds from the oldest event, using freq (Hz).
 * vm_name(vm) names a VM for the event names "VM:vCPU".
 */
void trace_dump(unsigned ncpus, uint64_t freq, const char *(*vm_name)(unsigned vm),
                void (*emit)(const char *line, void *ctx), void *ctx);

#ifdef SHRIKE_HOST_TEST
/* Empties every ring and turns recording on (host tests only). */
void trace_reset(void);
/* Sets the fake clock trace_event() stamps events with (host tests only). */
void trace_set_host_clock(uint64_t now);
#endif

#endif
