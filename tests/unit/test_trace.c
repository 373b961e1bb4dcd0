/*
 * Host unit test for sched/trace.c: event sequences on several CPUs dumped
 * through the callback, the output parsed by a small strict JSON parser
 * (below) and checked: line structure (commas, '[' and ']'), B/E balanced
 * and named "vm:vcpu" per CPU, timestamps monotonic per CPU and exact in
 * microseconds, instant events and their args, wrap-around (exactly the
 * newest CONFIG_TRACE_EVENTS), a ring starting inside a run, the run open at
 * the end, escaped VM names, bounds, and a dump racing a writer thread.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/kernel.h"
#include "config/sched.h"
#include "kernel/format.h"
#include "sched/trace.h"
#include "unit.h"

UNIT_STATE;

_Static_assert(CONFIG_TRACE_EVENTS >= 16 && CONFIG_TRACE_EVENTS % 2 == 0,
               "the expectations below assume an even ring of 16 events or more");

#define N         ((unsigned)CONFIG_TRACE_EVENTS)
#define MAX_LINE  200
#define FREQ_1GHZ 1000000000ULL

/* ---- Capturing the dump ---- */

struct capture {
    char *text; /* all lines, each followed by '\n' */
    size_t len, cap;
    unsigned lines;
    size_t max_line;
    bool commas_ok; /* every line but '[', ']' and the last event ends with ',' */
    char prev[256];
};

static void capture_emit(const char *line, void *ctx)
{
    struct capture *c = ctx;
    size_t n = strlen(line);
    if (c->len + n + 2 > c->cap) {
        c->cap = (c->len + n + 2) * 2;
        c->text = realloc(c->text, c->cap);
        if (c->text == NULL) {
            abort();
        }
    }
    memcpy(c->text + c->len, line, n);
    c->len += n;
    c->text[c->len++] = '\n';
    c->text[c->len] = 0;
    if (n > c->max_line) {
        c->max_line = n;
    }
    if (c->lines == 0) {
        c->commas_ok = strcmp(line, "[") == 0;
    } else if (strcmp(line, "]") == 0) {
        c->commas_ok = c->commas_ok && c->prev[0] == '{' && c->prev[strlen(c->prev) - 1] == '}';
    } else if (c->lines > 1) {
        c->commas_ok = c->commas_ok && c->prev[strlen(c->prev) - 1] == ',';
    }
    snprintf(c->prev, sizeof(c->prev), "%s", line);
    c->lines++;
}

/* ---- A strict JSON parser keeping the fields of each top-level event ---- */

struct ev {
    char name[80], ph[4], cat[16], scope[4];
    long pid, tid;
    bool has_tid;
    uint64_t ts_ns; /* "ts" in nanoseconds: microseconds with 3 decimals */
    bool has_ts, ts_3dec;
    char why[32], vcpu[80], start[32], arg_name[32];
    long from, waker, sort_index;
};

#define MAX_EVENTS (CONFIG_MAX_CPUS * (CONFIG_TRACE_EVENTS + 8) + 16)

static struct ev events[MAX_EVENTS];
static unsigned nevents;

struct jp {
    const char *s;
    bool err;
};

static void ws(struct jp *p)
{
    while (*p->s == ' ' || *p->s == '\n' || *p->s == '\r' || *p->s == '\t') {
        p->s++;
    }
}

static bool expect_char(struct jp *p, char c)
{
    ws(p);
    if (*p->s != c) {
        p->err = true;
        return false;
    }
    p->s++;
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* A string into out (decoded; \u escapes below 0x80 only, others become '?'). */
static void parse_string(struct jp *p, char *out, size_t size)
{
    size_t n = 0;
    if (!expect_char(p, '"')) {
        return;
    }
    for (;;) {
        unsigned char c = (unsigned char)*p->s++;
        if (c == '"') {
            break;
        }
        if (c < 0x20) {
            p->err = true;
            return;
        }
        if (c == '\\') {
            char e = *p->s++;
            const char *simple = strchr("\"\\/bfnrt", e);
            if (e == 'u') {
                unsigned v = 0;
                for (int i = 0; i < 4; i++) {
                    int h = hexval(*p->s++);
                    if (h < 0) {
                        p->err = true;
                        return;
                    }
                    v = v * 16 + (unsigned)h;
                }
                c = v < 0x80 ? (unsigned char)v : '?';
            } else if (e != 0 && simple != NULL) {
                c = (unsigned char)"\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
            } else {
                p->err = true;
                return;
            }
        }
        if (out != NULL && n + 1 < size) {
            out[n++] = (char)c;
        }
    }
    if (out != NULL) {
        out[n] = 0;
    }
}

/* A number per the JSON grammar; its text into out. */
static void parse_number(struct jp *p, char *out, size_t size)
{
    const char *b = p->s;
    if (*p->s == '-') {
        p->s++;
    }
    if (*p->s == '0') {
        p->s++;
    } else if (*p->s >= '1' && *p->s <= '9') {
        while (*p->s >= '0' && *p->s <= '9') {
            p->s++;
        }
    } else {
        p->err = true;
        return;
    }
    if (*p->s == '.') {
        p->s++;
        if (!(*p->s >= '0' && *p->s <= '9')) {
            p->err = true;
            return;
        }
        while (*p->s >= '0' && *p->s <= '9') {
            p->s++;
        }
    }
    if (*p->s == 'e' || *p->s == 'E') {
        p->s++;
        if (*p->s == '+' || *p->s == '-') {
            p->s++;
        }
        if (!(*p->s >= '0' && *p->s <= '9')) {
            p->err = true;
            return;
        }
        while (*p->s >= '0' && *p->s <= '9') {
            p->s++;
        }
    }
    snprintf(out, size, "%.*s", (int)(p->s - b), b);
}

/* "12.345" (microseconds) in nanoseconds; *exact if it had exactly 3 decimals. */
static uint64_t ts_to_ns(const char *t, bool *exact)
{
    uint64_t us = 0, frac = 0;
    unsigned digits = 0;
    for (; *t >= '0' && *t <= '9'; t++) {
        us = us * 10 + (uint64_t)(*t - '0');
    }
    if (*t == '.') {
        for (t++; *t >= '0' && *t <= '9'; t++, digits++) {
            frac = frac * 10 + (uint64_t)(*t - '0');
        }
    }
    *exact = digits == 3 && *t == 0;
    return us * 1000 + frac;
}

static void store(struct ev *e, const char *path, const char *str, const char *num)
{
    const char *v = str != NULL ? str : num;
#define STR_FIELD(key, field)                          \
    if (strcmp(path, key) == 0 && str != NULL) {       \
        snprintf(e->field, sizeof(e->field), "%s", v); \
        return;                                        \
    }
#define NUM_FIELD(key, field)                    \
    if (strcmp(path, key) == 0 && num != NULL) { \
        e->field = strtol(v, NULL, 10);          \
        return;                                  \
    }
    STR_FIELD("name", name)
    STR_FIELD("ph", ph)
    STR_FIELD("cat", cat)
    STR_FIELD("s", scope)
    STR_FIELD("args.why", why)
    STR_FIELD("args.vcpu", vcpu)
    STR_FIELD("args.start", start)
    STR_FIELD("args.name", arg_name)
    NUM_FIELD("pid", pid)
    NUM_FIELD("args.from", from)
    NUM_FIELD("args.waker", waker)
    NUM_FIELD("args.sort_index", sort_index)
#undef STR_FIELD
#undef NUM_FIELD
    if (strcmp(path, "tid") == 0 && num != NULL) {
        e->tid = strtol(v, NULL, 10);
        e->has_tid = true;
    } else if (strcmp(path, "ts") == 0 && num != NULL) {
        e->ts_ns = ts_to_ns(v, &e->ts_3dec);
        e->has_ts = true;
    }
}

/* Any value; scalars at depth 1 (event) or 2 (args) stored into e under path. */
static void parse_value(struct jp *p, struct ev *e, const char *path, int depth)
{
    char buf[128];
    ws(p);
    if (p->err || depth > 16) {
        p->err = true;
        return;
    }
    if (*p->s == '{' || *p->s == '[') {
        char close = *p->s == '{' ? '}' : ']';
        bool obj = close == '}';
        p->s++;
        ws(p);
        if (*p->s == close) {
            p->s++;
            return;
        }
        do {
            char key[64] = "", sub[160];
            if (obj) {
                ws(p);
                parse_string(p, key, sizeof(key));
                expect_char(p, ':');
            }
            snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
            parse_value(p, e, sub, depth + 1);
            ws(p);
        } while (!p->err && *p->s == ',' && p->s++);
        expect_char(p, close);
    } else if (*p->s == '"') {
        parse_string(p, buf, sizeof(buf));
        if (e != NULL && !p->err) {
            store(e, path, buf, NULL);
        }
    } else if (strncmp(p->s, "true", 4) == 0 || strncmp(p->s, "null", 4) == 0) {
        p->s += 4;
    } else if (strncmp(p->s, "false", 5) == 0) {
        p->s += 5;
    } else {
        parse_number(p, buf, sizeof(buf));
        if (e != NULL && !p->err) {
            store(e, path, NULL, buf);
        }
    }
}

/* Parses the whole dump as one JSON array of objects into events[]; false if invalid. */
static bool parse_dump(const char *text)
{
    struct jp p = {text, false};
    nevents = 0;
    memset(events, 0, sizeof(events));
    if (!expect_char(&p, '[')) {
        return false;
    }
    ws(&p);
    if (*p.s == ']') {
        p.s++;
    } else {
        do {
            ws(&p);
            if (*p.s != '{' || nevents == MAX_EVENTS) {
                return false;
            }
            parse_value(&p, &events[nevents++], "", 0);
            ws(&p);
        } while (!p.err && *p.s == ',' && p.s++);
        expect_char(&p, ']');
    }
    ws(&p);
    return !p.err && *p.s == 0;
}

/* ---- Helpers ---- */

static const char *test_vm_name(unsigned vm)
{
    static const char *const names[] = {"fair", "batch", "a\"b\\c\n", NULL};
    return vm < 4 ? names[vm] : "vm-with-a-rather-long-name-that-goes-on-and-on-and-on-and-on";
}

static struct capture cap;

/* Dumps ncpus CPUs at freq into cap and parses it; false if not valid JSON. */
static bool dump(unsigned ncpus, uint64_t freq)
{
    free(cap.text);
    memset(&cap, 0, sizeof(cap));
    trace_dump(ncpus, freq, test_vm_name, capture_emit, &cap);
    return cap.text != NULL && parse_dump(cap.text);
}

static void at(uint64_t ts, unsigned cpu, enum trace_type type, unsigned vm, unsigned vcpu,
               unsigned arg)
{
    trace_set_host_clock(ts);
    trace_event(cpu, type, vm, vcpu, arg);
}

static unsigned count_ph(const char *ph, long tid)
{
    unsigned n = 0;
    for (unsigned i = 0; i < nevents; i++) {
        if (strcmp(events[i].ph, ph) == 0 && (tid < 0 || events[i].tid == tid)) {
            n++;
        }
    }
    return n;
}

/* The k-th event of phase ph on tid (or NULL). */
static const struct ev *nth(const char *ph, long tid, unsigned k)
{
    for (unsigned i = 0; i < nevents; i++) {
        if (strcmp(events[i].ph, ph) == 0 && events[i].tid == tid && k-- == 0) {
            return &events[i];
        }
    }
    return NULL;
}

/* The structural invariants every dump must keep. */
static void check_invariants(unsigned ncpus)
{
    EXPECT(cap.commas_ok);
    EXPECT(cap.max_line < MAX_LINE);
    if (nevents == 0) {
        EXPECT(nevents > 0);
        return;
    }
    EXPECT_STREQ(events[nevents - 1].name, "process_name");
    EXPECT_STREQ(events[nevents - 1].arg_name, "shrike");
    for (long tid = 0; tid < (long)ncpus; tid++) {
        int depth = 0;
        bool ok = true, mono = true, named = true, meta = false;
        uint64_t last = 0;
        char open[80] = "";
        for (unsigned i = 0; i < nevents; i++) {
            const struct ev *e = &events[i];
            if (!e->has_tid || e->tid != tid) {
                continue;
            }
            ok = ok && e->pid == 0;
            if (strcmp(e->ph, "M") == 0) {
                char want[32];
                snprintf(want, sizeof(want), "CPU %ld", tid);
                meta =
                    meta || (strcmp(e->name, "thread_name") == 0 && strcmp(e->arg_name, want) == 0);
                continue;
            }
            ok = ok && e->has_ts && e->ts_3dec;
            mono = mono && e->ts_ns >= last;
            last = e->ts_ns;
            if (strcmp(e->ph, "B") == 0) {
                ok = ok && depth == 0 && strcmp(e->cat, "vcpu") == 0;
                depth++;
                snprintf(open, sizeof(open), "%s", e->name);
                const char *colon = strrchr(e->name, ':');
                named = named && colon != NULL && colon != e->name && colon[1] >= '0' &&
                        colon[1] <= '9';
            } else if (strcmp(e->ph, "E") == 0) {
                ok = ok && depth == 1 && strcmp(e->name, open) == 0 && e->why[0] != 0;
                depth--;
            } else {
                ok = ok && strcmp(e->ph, "i") == 0 && strcmp(e->scope, "t") == 0;
            }
        }
        EXPECT(ok);
        EXPECT(mono);
        EXPECT(named);
        EXPECT(meta);
        EXPECT_EQ(depth, 0);
    }
}

/* ---- Tests ---- */

static void test_empty(void)
{
    trace_reset();
    EXPECT(dump(3, FREQ_1GHZ));
    EXPECT_EQ(cap.lines, 1 + 3 * 2 + 1 + 1);
    EXPECT_EQ(nevents, 3 * 2 + 1);
    check_invariants(3);
    EXPECT(dump(0, FREQ_1GHZ));
    EXPECT_EQ(nevents, 1);
    EXPECT_EQ(trace_count(0), 0);
}

static void test_sequence(void)
{
    trace_reset();
    /* CPU 0: fair:0 runs, blocks; idle; woken by CPU 1; runs; preempted by batch:2 (open) */
    at(1000, 0, TRACE_SWITCH_IN, 0, 0, 0);
    at(1500, 0, TRACE_SWITCH_OUT, 0, 0, TRACE_OUT_BLOCK); /* shown with a block instant */
    at(1600, 0, TRACE_IDLE, 0, 0, 0);
    /* CPU 1: batch:1 yields, migrates fair:1 away from CPU 1 */
    at(1700, 1, TRACE_SWITCH_IN, 1, 1, 0);
    at(2000, 1, TRACE_WAKE, 0, 0, 1);
    at(2100, 1, TRACE_SWITCH_OUT, 1, 1, TRACE_OUT_YIELD);
    at(2200, 1, TRACE_MIGRATE, 0, 1, 1);
    at(3000, 0, TRACE_SWITCH_IN, 0, 0, 0);
    at(4000, 0, TRACE_SWITCH_OUT, 0, 0, TRACE_OUT_PREEMPT);
    at(4000, 0, TRACE_SWITCH_IN, 1, 2, 0);
    at(6789, 0, TRACE_WAKE, 3, 0, 0); /* vm_name NULL -> "vm3" */
    /* CPU 2: nothing; CPU 3 (not dumped): one event */
    at(9999, 3, TRACE_IDLE, 0, 0, 0);

    EXPECT_EQ(trace_count(0), 7);
    EXPECT_EQ(trace_count(1), 4);
    EXPECT_EQ(trace_count(2), 0);
    EXPECT_EQ(trace_count(3), 1);
    EXPECT(dump(3, FREQ_1GHZ));
    check_invariants(3);
    /* 6 metadata, CPU 0: 3 B, 3 E, 3 i; CPU 1: 1 B, 1 E, 2 i; process_name */
    EXPECT_EQ(nevents, 6 + 9 + 4 + 1);
    EXPECT_EQ(count_ph("B", 0), 3);
    EXPECT_EQ(count_ph("E", 0), 3);
    EXPECT_EQ(count_ph("i", 0), 3);
    EXPECT_EQ(count_ph("B", 1), 1);
    EXPECT_EQ(count_ph("i", 1), 2);
    EXPECT_EQ(count_ph("B", 2) + count_ph("i", 2), 0);

    const struct ev *e = nth("B", 0, 0);
    EXPECT(e != NULL && strcmp(e->name, "fair:0") == 0 && e->ts_ns == 0); /* base 1000 */
    e = nth("E", 0, 0);
    EXPECT(e != NULL && strcmp(e->why, "block") == 0 && e->ts_ns == 500);
    e = nth("i", 0, 0);
    EXPECT(e != NULL && strcmp(e->name, "block") == 0 && strcmp(e->vcpu, "fair:0") == 0);
    e = nth("i", 0, 1);
    EXPECT(e != NULL && strcmp(e->name, "idle") == 0 && e->ts_ns == 600);
    e = nth("E", 0, 1);
    EXPECT(e != NULL && strcmp(e->why, "preempt") == 0 && e->ts_ns == 3000);
    e = nth("B", 0, 2);
    EXPECT(e != NULL && strcmp(e->name, "batch:2") == 0 && e->ts_ns == 3000);
    e = nth("i", 0, 2);
    EXPECT(e != NULL && strcmp(e->name, "wake") == 0 && strcmp(e->vcpu, "vm3:0") == 0);
    e = nth("E", 0, 2); /* the open run, closed at CPU 0's last timestamp */
    EXPECT(e != NULL && strcmp(e->why, "running") == 0 && e->ts_ns == 5789);
    EXPECT(e != NULL && strcmp(e->name, "batch:2") == 0);
    e = nth("i", 1, 0);
    EXPECT(e != NULL && strcmp(e->name, "wake") == 0 && e->waker == 1 && e->ts_ns == 1000);
    e = nth("E", 1, 0);
    EXPECT(e != NULL && strcmp(e->why, "yield") == 0 && strcmp(e->name, "batch:1") == 0);
    e = nth("i", 1, 1);
    EXPECT(e != NULL && strcmp(e->name, "migrate") == 0 && e->from == 1 &&
           strcmp(e->vcpu, "fair:1") == 0);
    EXPECT(strstr(cap.text, "\"ts\":5.789,") != NULL); /* 5789 ns = 5.789 us, printed so */
    EXPECT(strstr(cap.text, "\"sort_index\":2") != NULL);

    /* ncpus beyond CONFIG_MAX_CPUS is clamped; events for such CPUs ignored */
    trace_event(CONFIG_MAX_CPUS, TRACE_IDLE, 0, 0, 0);
    EXPECT_EQ(trace_count(CONFIG_MAX_CPUS), 0);
    EXPECT(dump(CONFIG_MAX_CPUS + 5, FREQ_1GHZ));
    EXPECT_EQ(nevents, 2 * CONFIG_MAX_CPUS + 9 + 4 + 1 + 1);
    check_invariants(CONFIG_MAX_CPUS);
}

static void test_timestamps(void)
{
    trace_reset();
    /* QEMU's 62.5 MHz counter: 16 ns a tick */
    at(5, 0, TRACE_IDLE, 0, 0, 0);
    at(6, 0, TRACE_IDLE, 0, 0, 0);
    at(5 + 62500000ULL * 3 + 62, 0, TRACE_IDLE, 0, 0, 0);
    at(5 + 62500000ULL * 100000, 0, TRACE_IDLE, 0, 0, 0); /* 100000 s */
    EXPECT(dump(1, 62500000));
    check_invariants(1);
    EXPECT(strstr(cap.text, "\"ts\":0.000}") != NULL);
    EXPECT(strstr(cap.text, "\"ts\":0.016}") != NULL);
    EXPECT(strstr(cap.text, "\"ts\":3000000.992}") != NULL);
    EXPECT(strstr(cap.text, "\"ts\":100000000000.000}") != NULL);
    /* the base is the oldest event across CPUs */
    at(1, 1, TRACE_IDLE, 0, 0, 0);
    EXPECT(dump(2, 1000000));
    EXPECT(strstr(cap.text, "\"tid\":0,\"ts\":4.000}") != NULL);
    /* freq 0: raw ticks as microseconds, no division by zero */
    EXPECT(dump(2, 0));
    EXPECT(strstr(cap.text, "\"tid\":0,\"ts\":4.000}") != NULL);
    check_invariants(2);
}

static void test_wrap(void)
{
    /* 2N + 10 events on CPU 0 (pairs), N + 7 on CPU 1 (odd: starts inside a run) */
    trace_reset();
    uint64_t t = 100;
    for (unsigned i = 0; i < N + 5; i++, t += 10) {
        at(t, 0, TRACE_SWITCH_IN, i % 2, i % 256, 0);
        at(t + 5, 0, TRACE_SWITCH_OUT, i % 2, i % 256, TRACE_OUT_PREEMPT);
    }
    uint64_t t1 = 1000000;
    for (unsigned i = 0; i < N + 7; i++) {
        at(t1 + i, 1, i % 2 ? TRACE_SWITCH_OUT : TRACE_SWITCH_IN, 0, 7, TRACE_OUT_YIELD);
    }
    EXPECT_EQ(trace_count(0), 2ULL * N + 10);
    EXPECT_EQ(trace_count(1), N + 7ULL);
    EXPECT(dump(2, FREQ_1GHZ));
    check_invariants(2);
    EXPECT_EQ(count_ph("B", 0), N / 2);
    EXPECT_EQ(count_ph("E", 0), N / 2);
    /* the oldest kept pair is number (2N + 10 - N) / 2 = N / 2 + 5 */
    const struct ev *e = nth("B", 0, 0);
    char want[32];
    unsigned first = N / 2 + 5;
    snprintf(want, sizeof(want), "%s:%u", first % 2 ? "batch" : "fair", first % 256);
    EXPECT(e != NULL && strcmp(e->name, want) == 0 && e->ts_ns == 0);
    e = nth("E", 0, N / 2 - 1);
    EXPECT(e != NULL && e->ts_ns == (uint64_t)(N / 2 - 1) * 10 + 5);

    /* CPU 1 kept records 7 .. N + 6: an E first, so a B at its time opens that run */
    e = nth("B", 1, 0);
    EXPECT(e != NULL && strcmp(e->start, "before trace") == 0 && strcmp(e->name, "fair:7") == 0);
    EXPECT_EQ(count_ph("B", 1), N / 2 + 1);
    EXPECT_EQ(count_ph("E", 1), N / 2 + 1);
    /* N odd ends on an E; N even leaves the last run open, closed as "running" */
    e = nth("E", 1, N / 2);
    EXPECT(e != NULL && strcmp(e->why, N % 2 ? "yield" : "running") == 0);
    EXPECT_EQ(nevents, 4 + 2 * (N / 2) + 2 * (N / 2 + 1) + 1);
}

static void test_robustness(void)
{
    trace_reset();
    /* E first with no run before the ring: opened at the oldest record (an instant) */
    at(10, 0, TRACE_WAKE, 0, 0, 2);
    at(20, 0, TRACE_SWITCH_OUT, 2, 1, 99);             /* unknown reason */
    at(30, 0, TRACE_SWITCH_OUT, 0, 0, 0);              /* unmatched: dropped */
    at(40, 0, TRACE_SWITCH_IN, 4, 0, 0);               /* long name, cut */
    at(50, 0, TRACE_SWITCH_IN, 0, 3, 0);               /* no OUT before: "untraced" */
    at(45, 0, TRACE_SWITCH_OUT, 0, 3, TRACE_OUT_STOP); /* clock went back: clamped */
    at(60, 0, TRACE_SWITCH_IN, 1, 0, 0);
    at(70, 0, TRACE_SWITCH_OUT, 1, 1, TRACE_OUT_MIGRATE); /* mismatched vCPU: closes batch:0 */
    EXPECT(dump(1, FREQ_1GHZ));
    check_invariants(1);
    EXPECT_EQ(count_ph("B", 0), 4);
    EXPECT_EQ(count_ph("E", 0), 4);
    const struct ev *e = nth("B", 0, 0);
    EXPECT(e != NULL && strcmp(e->name, "a\"b\\c\n:1") == 0 && e->ts_ns == 0);
    e = nth("E", 0, 0);
    EXPECT(e != NULL && strcmp(e->why, "unknown") == 0 && e->ts_ns == 10);
    e = nth("B", 0, 1);
    EXPECT(e != NULL && strlen(e->name) < 60 && strncmp(e->name, "vm-with-a-rather", 16) == 0);
    e = nth("E", 0, 1);
    EXPECT(e != NULL && strcmp(e->why, "untraced") == 0 && e->ts_ns == 40);
    e = nth("E", 0, 2);
    EXPECT(e != NULL && strcmp(e->why, "stop") == 0 && e->ts_ns == 40);
    e = nth("E", 0, 3);
    EXPECT(e != NULL && strcmp(e->why, "migrate") == 0 && strcmp(e->name, "batch:0") == 0);

    /* vm_name may be NULL */
    free(cap.text);
    memset(&cap, 0, sizeof(cap));
    trace_dump(1, FREQ_1GHZ, NULL, capture_emit, &cap);
    EXPECT(parse_dump(cap.text));
    EXPECT(nth("B", 0, 3) != NULL && strcmp(nth("B", 0, 3)->name, "vm1:0") == 0);
    trace_dump(1, FREQ_1GHZ, test_vm_name, NULL, NULL); /* no emit: nothing happens */
}

/* ---- A dump racing a writer: always valid, balanced and monotonic ---- */

static volatile bool writer_stop;

static void *writer(void *arg)
{
    (void)arg;
    uint64_t t = 1;
    for (unsigned i = 0; !__atomic_load_n(&writer_stop, __ATOMIC_ACQUIRE); i++) {
        trace_set_host_clock(t++);
        if (i % 3 == 2) {
            /* a switch: its E and B share the record's time */
            trace_event_switch(2, i % 3, i % 5, TRACE_OUT_PREEMPT, (i + 1) % 3, (i + 2) % 5);
        } else {
            trace_event(2, i % 2 ? TRACE_SWITCH_OUT : TRACE_SWITCH_IN, i % 3, i % 5, 0);
        }
        if (i % 7 == 0) {
            trace_set_host_clock(t++);
            trace_event(2, TRACE_WAKE, 0, 0, 1);
        }
    }
    return NULL;
}

/*
 * Every record of the writer has a timestamp of its own, so on its CPU they
 * only repeat for the events the dump makes up: the B of a run begun before
 * the ring, and the E closing a run ("untraced", "running"); and within a
 * SWITCH record, whose B follows its E at the same time. A torn or
 * overwritten record read as if valid would show as a step back (clamped).
 */
static bool strictly_increasing(long tid)
{
    bool ok = true, first = true, after_e = false;
    uint64_t last = 0;
    for (unsigned i = 0; i < nevents; i++) {
        const struct ev *e = &events[i];
        if (!e->has_ts || e->tid != tid) {
            continue;
        }
        bool made_up =
            e->start[0] != 0 || strcmp(e->why, "untraced") == 0 || strcmp(e->why, "running") == 0;
        bool switch_b = after_e && strcmp(e->ph, "B") == 0 && e->ts_ns == last;
        ok = ok && (first || e->ts_ns > last || made_up || switch_b);
        first = made_up; /* the next event may share its time */
        after_e = strcmp(e->ph, "E") == 0;
        last = e->ts_ns;
    }
    return ok;
}

static void test_concurrent(void)
{
    pthread_t th;
    trace_reset();
    writer_stop = false;
    EXPECT_EQ(pthread_create(&th, NULL, writer, NULL), 0);
    while (trace_count(2) < 2ULL * N) {
        /* let the writer lap its ring at least once */
    }
    unsigned valid = 0;
    for (int round = 0; round < 20; round++) {
        bool ok = dump(3, FREQ_1GHZ);
        valid += ok;
        if (ok) {
            check_invariants(3);
            EXPECT(strictly_increasing(2));
        }
    }
    __atomic_store_n(&writer_stop, true, __ATOMIC_RELEASE);
    pthread_join(th, NULL);
    EXPECT_EQ(valid, 20);
}

/* The real-time events: a throttle and a deadline miss, instants named for the vCPU. */
static void test_rt_events(void)
{
    trace_reset();
    at(1000, 0, TRACE_SWITCH_IN, 0, 0, 0);
    at(3200, 0, TRACE_RT_THROTTLE, 0, 0, 0);
    at(3200, 0, TRACE_SWITCH_OUT, 0, 0, TRACE_OUT_PREEMPT);
    at(9000, 0, TRACE_RT_MISS, 1, 1, 0);
    EXPECT(dump(1, FREQ_1GHZ));
    check_invariants(1);
    EXPECT_EQ(count_ph("i", 0), 2);
    const struct ev *e = nth("i", 0, 0);
    EXPECT(e != NULL && strcmp(e->name, "rt-throttle") == 0 && strcmp(e->vcpu, "fair:0") == 0 &&
           e->ts_ns == 2200);
    e = nth("i", 0, 1);
    EXPECT(e != NULL && strcmp(e->name, "rt-miss") == 0 && strcmp(e->vcpu, "batch:1") == 0 &&
           e->ts_ns == 8000);
}

/* trace=off: nothing recorded, the arguments not evaluated; on again, recording resumes. */
static unsigned evaluated;

static unsigned arg_seen(unsigned x)
{
    evaluated++;
    return x;
}

static void test_off(void)
{
    trace_reset();
    at(1000, 0, TRACE_SWITCH_IN, 0, 0, 0);
    trace_set_enabled(false);
    evaluated = 0;
    at(2000, 0, TRACE_SWITCH_OUT, 0, 0, TRACE_OUT_YIELD);
    trace_event(arg_seen(0), TRACE_IDLE, arg_seen(0), arg_seen(0), arg_seen(0));
    EXPECT_EQ(trace_count(0), 1);
    EXPECT_EQ(evaluated, 0);
    trace_set_enabled(true);
    at(3000, 0, TRACE_SWITCH_OUT, 0, 0, TRACE_OUT_PREEMPT);
    EXPECT_EQ(trace_count(0), 2);
    EXPECT(dump(1, FREQ_1GHZ));
    check_invariants(1);
    const struct ev *e = nth("E", 0, 0);
    EXPECT(e != NULL && strcmp(e->why, "preempt") == 0 && e->ts_ns == 2000);
}

/* A switch's (SWITCH_OUT and SWITCH_IN at once) one record, dumped as the two events would be. */
static void switch_at(uint64_t ts, unsigned cpu, unsigned out_vm, unsigned out_vcpu, unsigned why,
                      unsigned in_vm, unsigned in_vcpu)
{
    trace_set_host_clock(ts);
    trace_event_switch(cpu, out_vm, out_vcpu, why, in_vm, in_vcpu);
}

static void test_switch(void)
{
    trace_reset();
    at(1000, 0, TRACE_SWITCH_IN, 0, 1, 0);
    switch_at(1500, 0, 0, 1, TRACE_OUT_BLOCK, 1, 2); /* fair:1 blocks, batch:2 runs */
    switch_at(2000, 0, 1, 2, TRACE_OUT_YIELD, 0, 1); /* batch:2 yields to fair:1 */
    at(2500, 0, TRACE_SWITCH_OUT, 0, 1, TRACE_OUT_PREEMPT);
    at(2600, 0, TRACE_IDLE, 0, 0, 0);
    switch_at(3000, CONFIG_MAX_CPUS, 0, 1, TRACE_OUT_BLOCK, 1, 2); /* no such CPU: nothing */
    EXPECT_EQ(trace_count(0), 5);
    EXPECT(dump(1, FREQ_1GHZ));
    check_invariants(1);
    /* metadata 2, B 3, E 3, i 2 (block, idle), process_name */
    EXPECT_EQ(nevents, 2 + 3 + 3 + 2 + 1);
    const struct ev *e = nth("E", 0, 0);
    EXPECT(e != NULL && strcmp(e->name, "fair:1") == 0 && strcmp(e->why, "block") == 0 &&
           e->ts_ns == 500);
    e = nth("i", 0, 0);
    EXPECT(e != NULL && strcmp(e->name, "block") == 0 && strcmp(e->vcpu, "fair:1") == 0 &&
           e->ts_ns == 500);
    e = nth("B", 0, 1);
    EXPECT(e != NULL && strcmp(e->name, "batch:2") == 0 && e->ts_ns == 500);
    e = nth("E", 0, 1);
    EXPECT(e != NULL && strcmp(e->name, "batch:2") == 0 && strcmp(e->why, "yield") == 0 &&
           e->ts_ns == 1000);
    e = nth("B", 0, 2);
    EXPECT(e != NULL && strcmp(e->name, "fair:1") == 0 && e->ts_ns == 1000);
    e = nth("E", 0, 2);
    EXPECT(e != NULL && strcmp(e->name, "fair:1") == 0 && strcmp(e->why, "preempt") == 0 &&
           e->ts_ns == 1500);
    e = nth("i", 0, 1);
    EXPECT(e != NULL && strcmp(e->name, "idle") == 0 && e->ts_ns == 1600);
    /*
     * The ring wraps through switches: the oldest record left is a SWITCH,
     * whose outgoing vCPU's run is opened at its time ("before trace").
     */
    for (unsigned i = 0; i < N + 1; i++) {
        switch_at(4000 + i, 0, i % 2, 0, TRACE_OUT_PREEMPT, (i + 1) % 2, 0);
    }
    EXPECT_EQ(trace_count(0), 5 + N + 1ULL);
    EXPECT(dump(1, FREQ_1GHZ));
    check_invariants(1);
    EXPECT_EQ(count_ph("B", 0), N + 1);
    EXPECT_EQ(count_ph("E", 0), N + 1);
    EXPECT_EQ(count_ph("i", 0), 0);
    e = nth("B", 0, 0);
    EXPECT(e != NULL && e->ts_ns == 0 && strcmp(e->start, "before trace") == 0);
}

int main(void)
{
    test_empty();
    test_off();
    test_sequence();
    test_rt_events();
    test_timestamps();
    test_wrap();
    test_robustness();
    test_concurrent();
    test_switch();
    free(cap.text);
    return unit_report("trace");
}
