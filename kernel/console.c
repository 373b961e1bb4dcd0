/*
 * PL011 console (see console.h). Output is polled: the console is for logs,
 * reports and guest lines, never on a fast path.
 */
#include "kernel/console.h"

#include <stdbool.h>

#include "kernel/cpu.h"
#include "kernel/format.h"
#include "kernel/spinlock.h"

#define UART_DR        0x00
#define UART_FR        0x18
#define UART_CR        0x30
#define UART_IMSC      0x38
#define UART_ICR       0x44
#define UART_INT_RX    (1U << 4)
#define UART_INT_RT    (1U << 6)
#define UART_FR_RXFE   (1U << 4)
#define UART_FR_TXFF   (1U << 5)
#define UART_CR_UARTEN (1U << 0)
#define UART_CR_TXE    (1U << 8)
#define UART_CR_RXE    (1U << 9)

#define NO_OWNER 0xFFFFFFFFU

static struct {
    volatile uint32_t *base;
    spinlock_t lock;
    unsigned owner; /* CPU holding the lock, for panic takeover and recursion */
    unsigned depth;
    uint64_t saved_daif;
    const void *open_line; /* whose unfinished line the screen ends with (NULL: none) */
    bool keep_open;        /* this critical section leaves open_line open */
} con = {
    .base = (volatile uint32_t *)CONFIG_EARLY_UART_BASE,
    .owner = NO_OWNER,
};

static inline uint32_t uart_read(unsigned off)
{
    return con.base[off / 4];
}

static inline void uart_write(unsigned off, uint32_t val)
{
    con.base[off / 4] = val;
}

void console_init(uint64_t uart_base)
{
    con.base = (volatile uint32_t *)(uintptr_t)uart_base;
    uart_write(UART_CR, UART_CR_UARTEN | UART_CR_TXE | UART_CR_RXE);
}

static void uart_putc(char c)
{
    while (uart_read(UART_FR) & UART_FR_TXFF) {
    }
    uart_write(UART_DR, (uint8_t)c);
}

int console_getc(void)
{
    if (uart_read(UART_FR) & UART_FR_RXFE) {
        return -1;
    }
    return (int)(uart_read(UART_DR) & 0xFF);
}

void console_enable_rx_irq(void)
{
    /* Clear stale interrupts, but not RX/RT: a byte already waiting must still raise one. */
    uart_write(UART_ICR, 0x7FF & ~(UART_INT_RX | UART_INT_RT));
    uart_write(UART_IMSC, UART_INT_RX | UART_INT_RT);
}

void console_write_locked(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            uart_putc('\r');
        }
        uart_putc(s[i]);
    }
}

/* Ends the unfinished line on the screen, if any (lock held). */
static void close_open_line(void)
{
    if (con.open_line != NULL) {
        console_write_locked("\n", 1);
        con.open_line = NULL;
    }
}

/* Takes the lock; true if it was free (not a recursive acquisition). */
static bool lock_fresh(void)
{
    uint64_t daif = local_irq_save();
    unsigned me = this_cpu_id();
    if (__atomic_load_n(&con.owner, __ATOMIC_RELAXED) == me) {
        con.depth++;
        return false;
    }
    spin_lock(&con.lock);
    con.owner = me;
    con.depth = 1;
    con.saved_daif = daif;
    con.keep_open = false;
    return true;
}

void console_lock(void)
{
    if (lock_fresh()) {
        close_open_line();
    }
}

bool console_lock_as(const void *who)
{
    if (lock_fresh() && con.open_line != who) {
        close_open_line();
    }
    return con.open_line == who;
}

void console_keep_open_locked(const void *who)
{
    con.open_line = who;
    con.keep_open = true;
}

void console_unlock(void)
{
    if (--con.depth > 0) {
        return;
    }
    if (!con.keep_open) {
        con.open_line = NULL;
    }
    uint64_t daif = con.saved_daif;
    __atomic_store_n(&con.owner, NO_OWNER, __ATOMIC_RELAXED);
    spin_unlock(&con.lock);
    local_irq_restore(daif);
}

void console_panic_takeover(void)
{
    unsigned me = this_cpu_id();
    if (__atomic_load_n(&con.owner, __ATOMIC_RELAXED) == me) {
        return;
    }
    /* Wait a bounded time for the holder, then take the console regardless. */
    uint64_t deadline = counter_read() + read_sysreg(cntfrq_el0) / 20;
    while (__atomic_load_n(&con.owner, __ATOMIC_RELAXED) != NO_OWNER && counter_read() < deadline) {
    }
    con.lock.next = con.lock.owner;
    spin_lock(&con.lock);
    con.owner = me;
    con.depth = 1;
    con.saved_daif = read_sysreg(daif);
    con.keep_open = false;
    close_open_line();
}

int kvprintf_locked(const char *fmt, va_list ap)
{
    char buf[320];
    int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
    if (n < 0) {
        return n;
    }
    size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
    console_write_locked(buf, len);
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

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    console_lock();
    int n = kvprintf_locked(fmt, ap);
    console_unlock();
    va_end(ap);
    return n;
}
