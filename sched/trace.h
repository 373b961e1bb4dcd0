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

#include "config/kernel.h"
#include "config/sched.h"

enum trace_type {
    TRACE_SWITCH_IN,   /* vCPU starts running on this CPU */
    TRACE_SWITCH_OUT,  /* vCPU stops running (arg: why, enum trace_out; block: it blocked in WFI) */
    TRACE_WAKE,        /* vCPU woken (arg: waking CPU) */
    TRACE_MIGRATE,     /* vCPU moved to this CPU (arg: from CPU) */
    TRACE_IDLE,        /* CPU has nothing to run */
    TRACE_RT_THROTTLE, /* real-time vCPU used up its budget: throttled until its deadline */
    TRACE_RT_MISS,     /* real-time vCPU passed its server deadline with budget left */
    TRACE_SWITCH,      /* SWITCH_OUT of vm/vcpu (arg: why) and SWITCH_IN of in_vm/in_vcpu at once */
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
            uint8_t in_vm;   /* TRACE_SWITCH: the vCPU that starts; 0 otherwise */
            uint8_t in_vcpu; /* TRACE_SWITCH */
            uint16_t reserved;
        };
        uint64_t what; /* the bytes above, written and read as one */
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

/*
 * The rings (trace.c describes the protocol with a dump): per CPU a head of
 * two counters and CONFIG_TRACE_EVENTS records, a power of two so that a
 * slot is a mask away. A record is written inline at its call site, about 20
 * instructions: the raw counter as its stamp (converted at dump time), no
 * lock (only its own CPU writes a ring, IRQs masked), no division.
 */
_Static_assert(CONFIG_TRACE_EVENTS > 0 && (CONFIG_TRACE_EVENTS & (CONFIG_TRACE_EVENTS - 1)) == 0,
               "CONFIG_TRACE_EVENTS must be a power of two");

struct trace_head {
    uint64_t claimed; /* records started */
    uint64_t count;   /* records complete */
} __attribute__((aligned(64)));

extern struct trace_head trace_heads[CONFIG_MAX_CPUS];
extern struct trace_record trace_recs[CONFIG_MAX_CPUS][CONFIG_TRACE_EVENTS];

#ifdef SHRIKE_HOST_TEST
extern uint64_t trace_host_clock;

static inline uint64_t trace_stamp(void)
{
    return trace_host_clock;
}
#endif

/* A record's word (struct trace_record): type, arg, vm, vcpu, and for TRACE_SWITCH the incoming. */
static inline uint64_t trace_what(enum trace_type type, unsigned vm, unsigned vcpu, unsigned arg)
{
    return ((uint64_t)type & 0xFF) | (uint64_t)(arg & 0xFF) << 8 | (uint64_t)(vm & 0xFF) << 16 |
           (uint64_t)(vcpu & 0xFF) << 24;
}

/*
 * Records one event on cpu's ring, unconditionally (a cpu out of range:
 * nothing). The stamp is CNTPCT_EL0 read without an ISB: it may be read a
 * few instructions early, which a trace does not mind (the dump keeps each
 * CPU's times from going back).
 */
static inline void trace_record_what(unsigned cpu, uint64_t what)
{
    if (cpu >= CONFIG_MAX_CPUS) {
        return;
    }
    struct trace_head *h = &trace_heads[cpu];
    uint64_t n = __atomic_load_n(&h->count, __ATOMIC_RELAXED);
    struct trace_record *rec = &trace_recs[cpu][n & (CONFIG_TRACE_EVENTS - 1)];
    __atomic_store_n(&h->claimed, n + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE); /* the claim is seen before the slot changes */
#ifdef SHRIKE_HOST_TEST
    __atomic_store_n(&rec->ts, trace_stamp(), __ATOMIC_RELAXED);
    __atomic_store_n(&rec->what, what, __ATOMIC_RELAXED);
#else
    /* ts and what in one STP: each word single-copy atomic */
    uint64_t ts;
    __asm__ __volatile__("mrs %0, cntpct_el0\n\tstp %0, %1, [%2]"
                         : "=&r"(ts)
                         : "r"(what), "r"(rec)
                         : "memory");
#endif
    __atomic_store_n(&h->count, n + 1, __ATOMIC_RELEASE);
}

/* trace_event() without the test. */
static inline void trace_record(unsigned cpu, enum trace_type type, unsigned vm, unsigned vcpu,
                                unsigned arg)
{
    trace_record_what(cpu, trace_what(type, vm, vcpu, arg));
}

/*
 * A vCPU switch on this CPU: out_vm/out_vcpu stopped (why: enum trace_out)
 * and in_vm/in_vcpu starts. One record where SWITCH_OUT and SWITCH_IN would
 * be two (the dump shows both, and a block's instant for why = block): the
 * switch is the scheduler's most frequent event.
 */
#define trace_event_switch(cpu, out_vm, out_vcpu, why, in_vm, in_vcpu)                       \
    do {                                                                                     \
        if (trace_on) {                                                                      \
            trace_record_what((cpu), trace_what(TRACE_SWITCH, (out_vm), (out_vcpu), (why)) | \
                                         (uint64_t)((in_vm)&0xFF) << 32 |                    \
                                         (uint64_t)((in_vcpu)&0xFF) << 40);                  \
        }                                                                                    \
    } while (0)

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
