/*
 * Fatal errors: panic() for broken invariants and el2_fatal_exception() for
 * any exception EL2 did not expect. One CPU wins the right to report; it
 * prints the decoded report under the console lock, asks every other online
 * CPU to stop (IPI_STOP), waits a bounded time for them, then parks or powers
 * the machine off (bootarg panic=poweroff, used by the tests).
 */
#include "kernel/panic.h"

#include <stdarg.h>

#include "kernel/check.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/esr.h"
#include "kernel/exception.h"
#include "kernel/gic.h"
#include "smp/ipi.h"
#include "smp/psci.h"

#define NO_CPU 0xFFFFFFFFU

static unsigned panic_owner = NO_CPU;
static bool poweroff_on_panic;

static const char *const vector_names[VEC_KIND_COUNT] = {
    [VEC_CUR_SP0_SYNC] = "synchronous, current EL with SP_EL0",
    [VEC_CUR_SP0_IRQ] = "IRQ, current EL with SP_EL0",
    [VEC_CUR_SP0_FIQ] = "FIQ, current EL with SP_EL0",
    [VEC_CUR_SP0_SERROR] = "SError, current EL with SP_EL0",
    [VEC_CUR_SPX_SYNC] = "synchronous, current EL with SP_EL2",
    [VEC_CUR_SPX_IRQ] = "IRQ, current EL with SP_EL2",
    [VEC_CUR_SPX_FIQ] = "FIQ, current EL with SP_EL2",
    [VEC_CUR_SPX_SERROR] = "SError, current EL with SP_EL2",
    [VEC_LOW64_SYNC] = "synchronous, lower EL AArch64",
    [VEC_LOW64_IRQ] = "IRQ, lower EL AArch64",
    [VEC_LOW64_FIQ] = "FIQ, lower EL AArch64",
    [VEC_LOW64_SERROR] = "SError, lower EL AArch64",
    [VEC_LOW32_SYNC] = "synchronous, lower EL AArch32",
    [VEC_LOW32_IRQ] = "IRQ, lower EL AArch32",
    [VEC_LOW32_FIQ] = "FIQ, lower EL AArch32",
    [VEC_LOW32_SERROR] = "SError, lower EL AArch32",
};

void panic_set_poweroff(bool poweroff)
{
    poweroff_on_panic = poweroff;
}

static _Noreturn void park(void)
{
    local_irq_disable();
    for (;;) {
        wfi();
    }
}

/* The first CPU to fail reports; a second one (or a recursive fault) just parks. */
static void claim_panic(void)
{
    unsigned me = this_cpu_id();
    unsigned expected = NO_CPU;
    local_irq_disable();
    if (!__atomic_compare_exchange_n(&panic_owner, &expected, me, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        this_cpu()->stopped = true;
        park();
    }
    console_panic_takeover();
}

static unsigned stop_other_cpus(void)
{
    unsigned me = this_cpu_id();
    unsigned asked = 0;
    for (unsigned i = 0; i < cpu_count; i++) {
        if (i != me && cpus[i].online && gic_ready()) {
            gic_send_sgi(IPI_STOP, cpus[i].mpidr);
            asked++;
        }
    }
    /*
     * A give-up bound, not an expected time: a CPU answers IPI_STOP within
     * microseconds on silicon, but under emulation on a loaded host its thread
     * can wait for the host's scheduler far longer (100 ms once let the report
     * count 2 of 3 stopped). Two seconds delays nothing when all answer.
     */
    uint64_t deadline = counter_read() + read_sysreg(cntfrq_el0) * 2;
    unsigned stopped = 0;
    while (counter_read() < deadline) {
        stopped = 0;
        for (unsigned i = 0; i < cpu_count; i++) {
            stopped += (i != me && __atomic_load_n(&cpus[i].stopped, __ATOMIC_ACQUIRE)) ? 1 : 0;
        }
        if (stopped == asked) {
            break;
        }
    }
    return stopped;
}

static _Noreturn void finish_panic(void)
{
    unsigned me = this_cpu_id();
    console_unlock(); /* let the others print their stop line */
    unsigned stopped = stop_other_cpus();
    console_lock();
    kprintf_locked("*** shrike: CPU %u halted; %u other CPU(s) stopped\n", me, stopped);
    if (poweroff_on_panic) {
        kprintf_locked("*** shrike: powering off\n");
        console_unlock();
        psci_system_off();
    }
    park();
}

_Noreturn void panic_stop_this_cpu(void)
{
    local_irq_disable();
    kprintf("shrike/%u: stopping: CPU %u reported a fatal error\n", this_cpu_id(),
            __atomic_load_n(&panic_owner, __ATOMIC_ACQUIRE));
    __atomic_store_n(&this_cpu()->stopped, true, __ATOMIC_RELEASE);
    park();
}

static void print_backtrace(uint64_t fp)
{
    kprintf_locked("  backtrace:");
    for (unsigned depth = 0; depth < 16 && fp != 0 && (fp & 15) == 0; depth++) {
        const uint64_t *frame = (const uint64_t *)(uintptr_t)fp;
        if (frame[1] == 0) {
            break;
        }
        kprintf_locked(" %#lx", frame[1]);
        fp = frame[0];
    }
    kprintf_locked("\n");
}

_Noreturn void panic(const char *fmt, ...)
{
    va_list ap;
    claim_panic();
    kprintf_locked("*** shrike PANIC on CPU %u (MPIDR %#lx): ", this_cpu_id(), read_mpidr());
    va_start(ap, fmt);
    kvprintf_locked(fmt, ap);
    va_end(ap);
    kprintf_locked("\n");
    print_backtrace((uint64_t)(uintptr_t)__builtin_frame_address(0));
    finish_panic();
}

static void print_syndrome(uint64_t esr)
{
    unsigned ec = esr_ec(esr);
    struct esr_field fields[16];
    unsigned n = esr_iss_fields(esr, fields, 16);
    kprintf_locked("  ESR_EL2 %#010lx: EC %#04x %s (%s), IL %u\n", esr, ec, esr_class_name(ec),
                   esr_class_desc(ec), esr_il(esr) ? 1U : 0U);
    kprintf_locked("  ISS %#09x:", esr_iss(esr));
    for (unsigned i = 0; i < n; i++) {
        kprintf_locked(" %s=%#x", fields[i].name, fields[i].value);
    }
    kprintf_locked("\n");
    if (ec == ESR_EC_DABT_CUR || ec == ESR_EC_DABT_LOW) {
        kprintf_locked("  fault: %s\n", esr_fsc_name(esr_decode_dabt(esr).dfsc));
    } else if (ec == ESR_EC_IABT_CUR || ec == ESR_EC_IABT_LOW) {
        kprintf_locked("  fault: %s\n", esr_fsc_name(esr_decode_iabt(esr).ifsc));
    }
}

/* Names the stack whose guard page holds addr, if any: the usual cause is an overflow. */
static void print_guard_hint(uint64_t far)
{
    for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++) {
        uint64_t g = (uint64_t)(uintptr_t)cpu_stacks[i].guard;
        uint64_t pg = (uint64_t)(uintptr_t)cpu_stacks[i].panic_guard;
        if (far - g < PAGE_SIZE || far - pg < PAGE_SIZE) {
            kprintf_locked("  FAR is in CPU %u's %s guard page: stack overflow\n", i,
                           far - g < PAGE_SIZE ? "stack" : "panic stack");
        }
    }
}

static void print_registers(const struct el2_frame *f)
{
    for (unsigned i = 0; i < 30; i += 3) {
        kprintf_locked("  x%-2u %016lx  x%-2u %016lx  x%-2u %016lx\n", i, f->x[i], i + 1,
                       f->x[i + 1], i + 2, f->x[i + 2]);
    }
    kprintf_locked("  x30 %016lx  sp  %016lx\n", f->x[30], f->sp);
}

_Noreturn void el2_fatal_exception(struct el2_frame *frame, unsigned kind)
{
    claim_panic();
    kprintf_locked("*** shrike: unexpected exception on CPU %u (MPIDR %#lx): %s\n", this_cpu_id(),
                   read_mpidr(), kind < VEC_KIND_COUNT ? vector_names[kind] : "?");
    print_syndrome(frame->esr);
    kprintf_locked("  ELR_EL2 %#018lx  FAR_EL2 %#018lx  SPSR_EL2 %#010lx\n", frame->elr, frame->far,
                   frame->spsr);
    print_guard_hint(frame->far);
    print_registers(frame);
    print_backtrace(frame->x[29]);
    finish_panic();
}
