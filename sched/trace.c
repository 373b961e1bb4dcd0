/*
 * Scheduling trace (see trace.h): per-CPU rings of events and their dump as
 * Chrome trace-event JSON.
 *
 * Rings: each has two counters, `claimed` (records started) and `count`
 * (records complete). The writer, always the ring's own CPU with IRQs masked,
 * bumps `claimed`, fences, fills the slot, then publishes `count` with
 * release. A dump may run on another CPU while the rings keep filling: it
 * reads records below the `count` it saw and, after copying one, re-reads
 * `claimed`; if a writer has claimed that slot again since, the copy may be
 * torn and is dropped. A dump under load so loses a few of its oldest events
 * but never prints a torn one.
 *
 * Dump: a small state machine per CPU pairs SWITCH_IN/SWITCH_OUT into B/E
 * events (a SWITCH record is an OUT and an IN at once; an OUT whose why is
 * block also shows a "block" instant). A run that began before the ring's oldest record is opened
 * at that record's timestamp, an E with nothing open is dropped, a SWITCH_IN while a run is open
 * closes it first ("untraced"), and the run still open at the end is closed at the CPU's last
 * timestamp ("running"). So B/E always balance per CPU and timestamps never go back. The metadata
 * come first and a "process_name" metadata line closes the array, so every other line can end with
 * a comma and the JSON is valid whatever the rings hold.
 */
#include "sched/trace.h"

#include <stdbool.h>
#include <stddef.h>

#include "config/kernel.h"
#include "config/sched.h"
#include "kernel/format.h"

#define RING_SIZE      ((uint64_t)CONFIG_TRACE_EVENTS)
#define TRACE_LINE_MAX 200                  /* one JSON line; the longest is about 170 bytes */
#define TRACE_NAME_MAX 48                   /* a VM name, JSON-escaped, longer ones are cut */
#define TRACE_LABEL    (TRACE_NAME_MAX + 8) /* "NAME:vcpu" */
#define NS_PER_S       1000000000ULL

struct trace_head trace_heads[CONFIG_MAX_CPUS];
struct trace_record trace_recs[CONFIG_MAX_CPUS][CONFIG_TRACE_EVENTS];

#ifdef SHRIKE_HOST_TEST
uint64_t trace_host_clock;

void trace_set_host_clock(uint64_t now)
{
    trace_host_clock = now;
}

void trace_reset(void)
{
    for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++) {
        trace_heads[i].claimed = 0;
        trace_heads[i].count = 0;
    }
    trace_host_clock = 0;
    trace_on = true;
}
#endif

bool trace_on = true;

void trace_set_enabled(bool on)
{
    __atomic_store_n(&trace_on, on, __ATOMIC_RELAXED);
}

/* A record's bytes as its `what` word holds them (trace_what, trace.h). */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "trace_record's word is little-endian");
_Static_assert(offsetof(struct trace_record, type) == offsetof(struct trace_record, what) &&
                   offsetof(struct trace_record, vcpu) == offsetof(struct trace_record, what) + 3 &&
                   offsetof(struct trace_record, in_vm) ==
                       offsetof(struct trace_record, what) + 4 &&
                   offsetof(struct trace_record, in_vcpu) ==
                       offsetof(struct trace_record, what) + 5,
               "type, arg, vm, vcpu, in_vm, in_vcpu are the bytes of what, in that order");
_Static_assert(sizeof(struct trace_record) == 16 && offsetof(struct trace_record, what) == 8,
               "trace_record_what() stores ts and what as one STP");

uint64_t trace_count(unsigned cpu)
{
    if (cpu >= CONFIG_MAX_CPUS) {
        return 0;
    }
    return __atomic_load_n(&trace_heads[cpu].count, __ATOMIC_ACQUIRE);
}

/* The records of one ring a dump covers: [start, end). */
struct ring_view {
    const struct trace_head *head;
    const struct trace_record *rec;
    uint64_t start;
    uint64_t end;
};

static void view_take(struct ring_view *v, unsigned cpu)
{
    v->head = &trace_heads[cpu];
    v->rec = trace_recs[cpu];
    v->end = __atomic_load_n(&trace_heads[cpu].count, __ATOMIC_ACQUIRE);
    v->start = v->end > RING_SIZE ? v->end - RING_SIZE : 0;
}

/* Copies record i into *out; false if a writer may have overwritten it, or it is bogus. */
static bool view_read(const struct ring_view *v, uint64_t i, struct trace_record *out)
{
    const struct trace_record *rec = &v->rec[i % RING_SIZE];
    out->ts = __atomic_load_n(&rec->ts, __ATOMIC_RELAXED);
    out->what = __atomic_load_n(&rec->what, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (__atomic_load_n(&v->head->claimed, __ATOMIC_RELAXED) > i + RING_SIZE) {
        return false;
    }
    return out->type <= TRACE_SWITCH;
}

/* The first readable record of v at or after *i; false if none. */
static bool view_first(const struct ring_view *v, uint64_t *i, struct trace_record *out)
{
    for (; *i < v->end; (*i)++) {
        if (view_read(v, *i, out)) {
            return true;
        }
    }
    return false;
}

struct dump {
    uint64_t base; /* timestamp 0 of the dump: the oldest record */
    uint64_t freq;
    const char *(*vm_name)(unsigned vm);
    void (*emit)(const char *line, void *ctx);
    void *ctx;
};

/* A CPU's state while its ring is dumped. */
struct cpu_state {
    unsigned cpu;
    bool open; /* a B has been emitted without its E */
    uint8_t vm;
    uint8_t vcpu;
    uint64_t last; /* latest timestamp emitted */
};

/* Microseconds since d->base with three decimals, into buf. */
static void format_ts(const struct dump *d, uint64_t ts, char *buf, size_t size)
{
    uint64_t delta = ts > d->base ? ts - d->base : 0;
    uint64_t us = delta;
    uint64_t ns = 0;
    if (d->freq != 0) {
        uint64_t rem = delta % d->freq;
        /* rem < freq; the second form only for counters faster than 18 GHz */
        uint64_t sub =
            rem < UINT64_MAX / NS_PER_S ? rem * NS_PER_S / d->freq : rem / (d->freq / NS_PER_S);
        us = delta / d->freq * 1000000 + sub / 1000;
        ns = sub % 1000;
    }
    fmt_snprintf(buf, size, "%llu.%03u", (unsigned long long)us, (unsigned)ns);
}

/* Copies s into out (size bytes) escaped for a JSON string, cut at a whole character. */
static void json_escape(const char *s, char *out, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[7] = {(char)c, 0};
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            esc[2] = 0;
        } else if (c < 0x20) {
            fmt_snprintf(esc, sizeof(esc), "\\u00%c%c", hex[c >> 4], hex[c & 15]);
        } else if (c >= 0x7f) {
            esc[0] = '?'; /* keeps the dump ASCII, and a cut never splits UTF-8 */
        }
        size_t len = 0;
        while (esc[len]) {
            len++;
        }
        if (n + len >= size) {
            break;
        }
        for (size_t i = 0; i < len; i++) {
            out[n++] = esc[i];
        }
    }
    out[n] = 0;
}

/* "VM:vCPU" for the event names, the VM named by d->vm_name. */
static void format_label(const struct dump *d, unsigned vm, unsigned vcpu, char *buf, size_t size)
{
    char name[TRACE_NAME_MAX + 1];
    const char *s = d->vm_name ? d->vm_name(vm) : 0;
    if (s) {
        json_escape(s, name, sizeof(name));
    } else {
        fmt_snprintf(name, sizeof(name), "vm%u", vm);
    }
    fmt_snprintf(buf, size, "%s:%u", name, vcpu);
}

/* One event line (with its comma); args is "" or ",\"args\":{...}". */
static void emit_event(const struct dump *d, unsigned cpu, const char *ph, const char *name,
                       const char *cat, uint64_t ts, const char *args)
{
    char t[32];
    char line[TRACE_LINE_MAX];
    format_ts(d, ts, t, sizeof(t));
    fmt_snprintf(line, sizeof(line),
                 "{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"%s\",%s\"pid\":0,\"tid\":%u,"
                 "\"ts\":%s%s},",
                 name, cat, ph, ph[0] == 'i' ? "\"s\":\"t\"," : "", cpu, t, args);
    d->emit(line, d->ctx);
}

static const char *why_name(unsigned why)
{
    static const char *const names[] = {
        [TRACE_OUT_PREEMPT] = "preempt", [TRACE_OUT_YIELD] = "yield",
        [TRACE_OUT_BLOCK] = "block",     [TRACE_OUT_STOP] = "stop",
        [TRACE_OUT_MIGRATE] = "migrate",
    };
    return why < sizeof(names) / sizeof(names[0]) ? names[why] : "unknown";
}

static void run_open(const struct dump *d, struct cpu_state *c, const struct trace_record *r,
                     const char *args)
{
    char label[TRACE_LABEL];
    format_label(d, r->vm, r->vcpu, label, sizeof(label));
    emit_event(d, c->cpu, "B", label, "vcpu", c->last, args);
    c->open = true;
    c->vm = r->vm;
    c->vcpu = r->vcpu;
}

/* Closes the open run at c->last; the E is named as its B (they nest per CPU). */
static void run_close(const struct dump *d, struct cpu_state *c, const char *why)
{
    char label[TRACE_LABEL];
    char args[48];
    format_label(d, c->vm, c->vcpu, label, sizeof(label));
    fmt_snprintf(args, sizeof(args), ",\"args\":{\"why\":\"%s\"}", why);
    emit_event(d, c->cpu, "E", label, "vcpu", c->last, args);
    c->open = false;
}

static void emit_instant(const struct dump *d, const struct cpu_state *c,
                         const struct trace_record *r)
{
    /* A switch's instant is its block (switch_out: why = block); the run itself is B/E. */
    static const char *const names[] = {
        [TRACE_SWITCH_OUT] = "block",
        [TRACE_SWITCH] = "block",
        [TRACE_WAKE] = "wake",
        [TRACE_MIGRATE] = "migrate",
        [TRACE_RT_THROTTLE] = "rt-throttle",
        [TRACE_RT_MISS] = "rt-miss",
    };
    char label[TRACE_LABEL];
    char args[TRACE_LABEL + 48];
    if (r->type == TRACE_IDLE) {
        emit_event(d, c->cpu, "i", "idle", "sched", c->last, "");
        return;
    }
    format_label(d, r->vm, r->vcpu, label, sizeof(label));
    if (r->type == TRACE_WAKE) {
        fmt_snprintf(args, sizeof(args), ",\"args\":{\"vcpu\":\"%s\",\"waker\":%u}", label, r->arg);
    } else if (r->type == TRACE_MIGRATE) {
        fmt_snprintf(args, sizeof(args), ",\"args\":{\"vcpu\":\"%s\",\"from\":%u}", label, r->arg);
    } else {
        fmt_snprintf(args, sizeof(args), ",\"args\":{\"vcpu\":\"%s\"}", label);
    }
    emit_event(d, c->cpu, "i", names[r->type], "sched", c->last, args);
}

/* A SWITCH_OUT (or the first half of a SWITCH): the run ends; a block shows as an instant. */
static void switch_out(const struct dump *d, struct cpu_state *c, const struct trace_record *r)
{
    if (c->open) {
        run_close(d, c, why_name(r->arg));
    }
    if (r->arg == TRACE_OUT_BLOCK) {
        emit_instant(d, c, r);
    }
}

static void dump_record(const struct dump *d, struct cpu_state *c, const struct trace_record *r)
{
    if (r->ts > c->last) {
        c->last = r->ts;
    }
    switch (r->type) {
    case TRACE_SWITCH_IN:
        if (c->open) {
            run_close(d, c, "untraced");
        }
        run_open(d, c, r, "");
        break;
    case TRACE_SWITCH_OUT:
        switch_out(d, c, r);
        break;
    case TRACE_SWITCH: {
        switch_out(d, c, r);
        struct trace_record in = *r;
        in.vm = r->in_vm;
        in.vcpu = r->in_vcpu;
        run_open(d, c, &in, "");
        break;
    }
    default:
        emit_instant(d, c, r);
        break;
    }
}

/*
 * If the first switch of v is a SWITCH_OUT (or a SWITCH), its run began before the oldest
 * record: open it at that record's time (c->last).
 */
static void open_early_run(const struct dump *d, struct cpu_state *c, const struct ring_view *v,
                           uint64_t i)
{
    struct trace_record r;
    for (; view_first(v, &i, &r); i++) {
        if (r.type == TRACE_SWITCH_OUT || r.type == TRACE_SWITCH) {
            run_open(d, c, &r, ",\"args\":{\"start\":\"before trace\"}");
        }
        if (r.type == TRACE_SWITCH_IN || r.type == TRACE_SWITCH_OUT || r.type == TRACE_SWITCH) {
            return;
        }
    }
}

static void dump_cpu(const struct dump *d, unsigned cpu, const struct ring_view *v)
{
    struct cpu_state c = {.cpu = cpu};
    struct trace_record r;
    uint64_t i = v->start;
    if (!view_first(v, &i, &r)) {
        return;
    }
    c.last = r.ts;
    open_early_run(d, &c, v, i);
    for (; view_first(v, &i, &r); i++) {
        dump_record(d, &c, &r);
    }
    if (c.open) {
        run_close(d, &c, "running");
    }
}

static void emit_metadata(const struct dump *d, unsigned cpu)
{
    char line[TRACE_LINE_MAX];
    fmt_snprintf(line, sizeof(line),
                 "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":%u,"
                 "\"args\":{\"name\":\"CPU %u\"}},",
                 cpu, cpu);
    d->emit(line, d->ctx);
    fmt_snprintf(line, sizeof(line),
                 "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":0,\"tid\":%u,"
                 "\"args\":{\"sort_index\":%u}},",
                 cpu, cpu);
    d->emit(line, d->ctx);
}

void trace_dump(unsigned ncpus, uint64_t freq, const char *(*vm_name)(unsigned vm),
                void (*emit)(const char *line, void *ctx), void *ctx)
{
    struct ring_view views[CONFIG_MAX_CPUS];
    struct dump d = {
        .base = UINT64_MAX, .freq = freq, .vm_name = vm_name, .emit = emit, .ctx = ctx};
    if (emit == 0) {
        return;
    }
    if (ncpus > CONFIG_MAX_CPUS) {
        ncpus = CONFIG_MAX_CPUS;
    }
    for (unsigned cpu = 0; cpu < ncpus; cpu++) {
        struct trace_record r;
        uint64_t i;
        view_take(&views[cpu], cpu);
        i = views[cpu].start;
        if (view_first(&views[cpu], &i, &r) && r.ts < d.base) {
            d.base = r.ts;
        }
    }
    emit("[", ctx);
    for (unsigned cpu = 0; cpu < ncpus; cpu++) {
        emit_metadata(&d, cpu);
    }
    for (unsigned cpu = 0; cpu < ncpus; cpu++) {
        dump_cpu(&d, cpu, &views[cpu]);
    }
    emit("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"args\":{\"name\":\"shrike\"}}", ctx);
    emit("]", ctx);
}
