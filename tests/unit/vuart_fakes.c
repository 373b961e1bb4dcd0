/* Kernel fakes and vuart helpers for the host tests (see vuart_fakes.h). */
#include "vuart_fakes.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/gic.h"
#include "kernel/softtimer.h"
#include "kernel/timer.h"
#include "unit.h"

/* --- fakes of the kernel ------------------------------------------------- */

static char out[16384];
static size_t out_len;
unsigned console_depth;
unsigned unlocked_writes; /* output written without the console lock */

static void out_append(const char *s, size_t n)
{
    if (console_depth == 0) {
        unlocked_writes++;
    }
    if (n > sizeof(out) - 1 - out_len) {
        n = sizeof(out) - 1 - out_len;
    }
    memcpy(out + out_len, s, n);
    out_len += n;
    out[out_len] = '\0';
}

/* The console's unfinished-line contract (kernel/console.h), as console.c keeps it. */
static const void *open_line;
static bool keep_open;

static bool lock_fresh(void)
{
    if (console_depth++ > 0) {
        return false;
    }
    keep_open = false;
    return true;
}

void console_lock(void)
{
    if (lock_fresh() && open_line != NULL) {
        out_append("\n", 1);
        open_line = NULL;
    }
}

bool console_lock_as(const void *who)
{
    if (lock_fresh() && open_line != NULL && open_line != who) {
        out_append("\n", 1);
        open_line = NULL;
    }
    return open_line == who;
}

void console_keep_open_locked(const void *who)
{
    open_line = who;
    keep_open = true;
}

void console_unlock(void)
{
    if (--console_depth == 0 && !keep_open) {
        open_line = NULL;
    }
}

int kvprintf_locked(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    if (n > 0) {
        out_append(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    }
    return n;
}

int kprintf_locked(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf_locked(fmt, ap);
    va_end(ap);
    return n;
}

void console_write_locked(const char *s, size_t n)
{
    out_append(s, n);
}

const char *fake_input;
bool rx_irq_enabled;

int console_getc(void)
{
    if (!fake_input || !*fake_input) {
        return -1;
    }
    return (unsigned char)*fake_input++;
}

void console_enable_rx_irq(void)
{
    rx_irq_enabled = true;
}

irq_handler_t fake_handler;
void *fake_handler_ctx;
unsigned fake_intid;
unsigned gic_enabled_intid;
unsigned gic_enabled_prio;

bool irq_register(unsigned intid, irq_handler_t handler, void *ctx)
{
    if (fake_handler) {
        return false;
    }
    fake_handler = handler;
    fake_handler_ctx = ctx;
    fake_intid = intid;
    return true;
}

void gic_enable_irq(unsigned intid, uint8_t prio)
{
    gic_enabled_intid = intid;
    gic_enabled_prio = prio;
}

/* --- helpers --------------------------------------------------------------- */

/* The captured output so far, then forgotten. */
const char *take(void)
{
    static char copy[sizeof(out)];
    memcpy(copy, out, out_len + 1);
    out_len = 0;
    out[0] = '\0';
    return copy;
}

uint64_t rd(struct vuart *u, uint64_t off, unsigned size)
{
    uint64_t v = 0xDEADBEEF;
    EXPECT(vuart_mmio_ops.read(u, NULL, off, size, &v));
    return v;
}

uint32_t rd32(struct vuart *u, uint64_t off)
{
    return (uint32_t)rd(u, off, 4);
}

unsigned fake_wfi_traps;

void vcpu_trap_next_wfi(struct vcpu *v)
{
    (void)v;
    fake_wfi_traps++;
}

unsigned fake_wfi_untraps;

void vcpu_wfi_native_again(struct vcpu *v)
{
    (void)v;
    fake_wfi_untraps++;
}

void wr_as(struct vuart *u, struct vcpu *v, uint64_t off, unsigned size, uint64_t val)
{
    EXPECT(vuart_mmio_ops.write(u, v, off, size, val));
}

void wr(struct vuart *u, uint64_t off, unsigned size, uint64_t v)
{
    EXPECT(vuart_mmio_ops.write(u, NULL, off, size, v));
}

void wr32(struct vuart *u, uint64_t off, uint32_t v)
{
    wr(u, off, 4, v);
}

void send(struct vuart *u, const char *s)
{
    while (*s) {
        wr32(u, VUART_DR, (uint8_t)*s++);
    }
}

void push(struct vuart *u, unsigned n, uint8_t first)
{
    for (unsigned i = 0; i < n; i++) {
        vuart_rx_push(u, (uint8_t)(first + i));
    }
}

void drain(struct vuart *u)
{
    while (!(rd32(u, VUART_FR) & VUART_FR_RXFE)) {
        rd32(u, VUART_DR);
    }
}

void enable_fifo(struct vuart *u)
{
    wr32(u, VUART_LCR_H, VUART_LCR_H_FEN | 0x60); /* 8 bits, FIFO on: what Linux writes */
}

/* Soft timers and time: armed timers are only recorded; a test fires them with fire(). */
uint64_t fake_now = 1000;
unsigned fake_arms;

void softtimer_arm(struct soft_timer *t, uint64_t deadline)
{
    fake_arms++;
    t->deadline = deadline;
    t->armed = true;
}

void softtimer_cancel(struct soft_timer *t)
{
    t->armed = false;
}

uint64_t timer_now(void)
{
    return fake_now;
}

uint64_t timer_freq(void)
{
    return 62500000;
}

bool fire(struct soft_timer *t)
{
    if (!t->armed) {
        return false;
    }
    t->armed = false;
    if (t->deadline > fake_now) {
        fake_now = t->deadline;
    }
    t->fn(t, t->deadline);
    return true;
}
