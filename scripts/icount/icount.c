/*
 * icount.c: a QEMU 7.2 TCG plugin that counts the instructions each emulated
 * CPU executes, split into shrike at EL2, a guest's kernel (upper VA half) and
 * the rest (guest user space, and a guest's code before its MMU is on), for
 * scripts/bench.py's Linux figures (docs/performance.md, "Linux boot").
 *
 *   qemu-system-aarch64 ... -plugin build/icount-plugin.so,out=FILE[,el2=LO-HI]
 *
 * el2=LO-HI is shrike's text (virtual = physical at its load address); an
 * instruction is shrike's when its host address lies in the host copy of that
 * range (found at the first instruction fetched at LO), so a guest running at
 * the same IPA with its MMU off is not mistaken for shrike. Without el2= every
 * instruction is a guest's (bare QEMU).
 *
 * FILE gets one line per event, each with every CPU's counts at that moment:
 *   first cpu=N ...   CPU N's first guest instruction
 *   mark cpu=N ...    CPU N executed HINT #0x7f (a NOP; guests/linux/mark.c)
 *   end ...           QEMU exits
 * and each CPU as cN=EL2/KERNEL/OTHER. A count is taken per translation block
 * as it starts, so an exception in the middle of a block counts the rest of it
 * too (a few instructions an exit). "warps=" is QEMU's icount bias in counter
 * ticks (the virtual time added while every CPU slept), read from QEMU 7.2's
 * TimersState; "warps=?" where its layout is not the one expected (at "end",
 * also where QEMU's own instruction count disagrees with this plugin's).
 */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include "qemu-plugin-7.2.h"

#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

enum { C_EL2, C_KERNEL, C_OTHER, C_N };
#define MAX_CPUS      8
#define MARK_INSN     0xd5032fffu /* HINT #0x7f */
/*
 * QEMU 7.2's TimersState (softmmu/timers-state.h): int16_t icount_time_shift at
 * 26, then int64_t last_delta, qemu_icount_bias (ns) at 40, vm_clock_warp_start,
 * cpu_clock_offset and qemu_icount (instructions) at 64. The layout is trusted
 * only if the shift reads 4 at start and qemu_icount agrees with this plugin's
 * own count at exit.
 */
#define TS_SHIFT_OFF  26
#define TS_BIAS_OFF   40
#define TS_ICOUNT_OFF 64
#define NS_PER_TICK   16 /* -icount shift=4, the counter's 62.5 MHz */

struct tb_counts {
    uint32_t n[C_N];
    uint64_t vaddr;             /* first instruction's, for prof= */
    uint64_t runs;              /* times run after the first guest instruction (prof= only) */
    struct tb_counts *next;     /* all EL2 blocks, for prof= */
};

static uint64_t counts[MAX_CPUS][C_N];
static bool started[MAX_CPUS];
static uint64_t el2_lo, el2_hi;
static uintptr_t el2_host;
static const volatile int64_t *bias_ns, *qemu_icount;
static FILE *out, *prof;
static struct tb_counts *el2_blocks;
static bool any_started;

static void event(const char *what, int cpu)
{
    uint64_t total = 0;
    for (int c = 0; c < MAX_CPUS; c++)
        total += counts[c][C_EL2] + counts[c][C_KERNEL] + counts[c][C_OTHER];
    fprintf(out, "%s", what);
    if (cpu >= 0)
        fprintf(out, " cpu=%d", cpu);
    fprintf(out, " total=%" PRIu64, total);
    if (bias_ns && cpu < 0) {
        /*
         * At exit (no CPU running, so qemu_icount is up to date) QEMU's count must be
         * this plugin's within 0.1% (blocks are counted as they start, not as they end).
         */
        uint64_t qi = (uint64_t)*qemu_icount;
        if (qi > total + total / 1000 || qi + total / 1000 < total)
            bias_ns = NULL;
    }
    if (bias_ns)
        fprintf(out, " warps=%" PRId64, *bias_ns / NS_PER_TICK);
    else
        fprintf(out, " warps=?");
    for (int c = 0; c < MAX_CPUS; c++) {
        if (counts[c][C_EL2] + counts[c][C_KERNEL] + counts[c][C_OTHER])
            fprintf(out, " c%d=%" PRIu64 "/%" PRIu64 "/%" PRIu64, c, counts[c][C_EL2],
                    counts[c][C_KERNEL], counts[c][C_OTHER]);
    }
    fprintf(out, "\n");
}

static void tb_exec(unsigned int cpu_index, void *udata)
{
    struct tb_counts *t = udata; /* -icount runs one CPU at a time: plain increments */
    unsigned int cpu = cpu_index % MAX_CPUS;

    if (!started[cpu] && t->n[C_KERNEL] + t->n[C_OTHER]) {
        started[cpu] = true;
        any_started = true;
        event("first", (int)cpu);
    }
    if (prof && t->n[C_EL2] && any_started)
        t->runs++;
    for (int k = 0; k < C_N; k++)
        counts[cpu][k] += t->n[k];
}

static void mark_exec(unsigned int cpu_index, void *udata)
{
    (void)udata;
    event("mark", (int)(cpu_index % MAX_CPUS));
}

static bool is_el2(const struct qemu_plugin_insn *insn, uint64_t va)
{
    uintptr_t host = (uintptr_t)qemu_plugin_insn_haddr(insn);

    if (!el2_hi)
        return false;
    if (!el2_host && va == el2_lo)
        el2_host = host;
    return el2_host && host >= el2_host && host - el2_host < el2_hi - el2_lo;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    struct tb_counts *t = calloc(1, sizeof(*t)); /* lives as long as QEMU may run the block */

    (void)id;
    if (!t)
        abort();
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t va = qemu_plugin_insn_vaddr(insn);
        uint32_t word;

        if (is_el2(insn, va)) {
            t->n[C_EL2]++;
            continue;
        }
        t->n[va >> 63 ? C_KERNEL : C_OTHER]++;
        if (qemu_plugin_insn_size(insn) == 4) {
            memcpy(&word, qemu_plugin_insn_data(insn), 4);
            if (word == MARK_INSN)
                qemu_plugin_register_vcpu_insn_exec_cb(insn, mark_exec, QEMU_PLUGIN_CB_NO_REGS,
                                                       NULL);
        }
    }
    if (t->n[C_EL2]) {
        t->vaddr = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, 0));
        t->next = el2_blocks;
        el2_blocks = t;
    }
    qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS, t);
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
    (void)id;
    (void)udata;
    event("end", -1);
    fclose(out);
    if (prof) {
        for (const struct tb_counts *t = el2_blocks; t; t = t->next)
            if (t->runs)
                fprintf(prof, "%" PRIx64 " %" PRIu32 " %" PRIu64 "\n", t->vaddr, t->n[C_EL2],
                        t->runs);
        fclose(prof);
    }
}

static void find_bias(void)
{
    const char *ts = dlsym(RTLD_DEFAULT, "timers_state");
    int16_t shift;

    if (!ts)
        return;
    memcpy(&shift, ts + TS_SHIFT_OFF, sizeof(shift));
    if (shift == 4) {
        bias_ns = (const volatile int64_t *)(const volatile void *)(ts + TS_BIAS_OFF);
        qemu_icount = (const volatile int64_t *)(const volatile void *)(ts + TS_ICOUNT_OFF);
    }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv)
{
    const char *path = NULL;

    (void)info;
    for (int i = 0; i < argc; i++) {
        if (!strncmp(argv[i], "out=", 4))
            path = argv[i] + 4;
        else if (!strncmp(argv[i], "prof=", 5) && !(prof = fopen(argv[i] + 5, "w"))) {
            fprintf(stderr, "icount plugin: prof=%s not writable\n", argv[i] + 5);
            return 1;
        }
        else if (!strncmp(argv[i], "el2=", 4) &&
                 sscanf(argv[i] + 4, "%" SCNx64 "-%" SCNx64, &el2_lo, &el2_hi) != 2) {
            fprintf(stderr, "icount plugin: el2=LO-HI in hex, not %s\n", argv[i] + 4);
            return 1;
        }
    }
    if (!path || !(out = fopen(path, "w"))) {
        fprintf(stderr, "icount plugin: out=FILE missing or not writable\n");
        return 1;
    }
    setvbuf(out, NULL, _IOLBF, 0);
    find_bias();
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
