/*
 * PL011 output for test guests (see console.h): polled writes to DR, waiting
 * while FR.TXFF is set, under a ticket lock so that vCPUs never interleave.
 */
#include "guests/lib/console.h"

#include <stdint.h>

#include "guests/lib/arch.h"
#include "kernel/format.h"
#include "vcpu/abi.h"

#define UART_DR      0x00
#define UART_FR      0x18
#define UART_FR_TXFF (1U << 5)

#define NO_OWNER 0xFFFFFFFFU

static struct {
    unsigned next;
    unsigned serving;
    unsigned owner;
} lock = {0, 0, NO_OWNER};

static void uart_putc(char c)
{
    volatile uint32_t *uart = (volatile uint32_t *)GUEST_UART_BASE;

    while (uart[UART_FR / 4] & UART_FR_TXFF) {
    }
    uart[UART_DR / 4] = (uint8_t)c;
}

static void uart_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uart_putc(s[i]);
    }
}

static void console_lock(void)
{
    unsigned ticket = __atomic_fetch_add(&lock.next, 1, __ATOMIC_RELAXED);

    while (__atomic_load_n(&lock.serving, __ATOMIC_ACQUIRE) != ticket) {
        cpu_relax();
    }
    __atomic_store_n(&lock.owner, guest_vcpu_index(), __ATOMIC_RELAXED);
}

static void console_unlock(void)
{
    __atomic_store_n(&lock.owner, NO_OWNER, __ATOMIC_RELAXED);
    __atomic_store_n(&lock.serving, lock.serving + 1, __ATOMIC_RELEASE);
}

static void write_locked(const char *s, size_t n)
{
    console_lock();
    uart_write(s, n);
    console_unlock();
}

int putchar(int c)
{
    char ch = (char)c;

    write_locked(&ch, 1);
    return (uint8_t)ch;
}

int puts(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0') {
        n++;
    }
    console_lock();
    uart_write(s, n);
    uart_putc('\n');
    console_unlock();
    return 0;
}

/* Formats into buf; the length actually in buf. */
static size_t format(char *buf, const char *fmt, va_list ap)
{
    int n = fmt_vsnprintf(buf, CONSOLE_LINE_MAX, fmt, ap);

    if (n < 0) {
        return 0;
    }
    return (size_t)n < CONSOLE_LINE_MAX ? (size_t)n : CONSOLE_LINE_MAX - 1;
}

int vprintf(const char *fmt, va_list ap)
{
    char buf[CONSOLE_LINE_MAX];
    size_t n = format(buf, fmt, ap);

    write_locked(buf, n);
    return (int)n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

void console_emergency(const char *fmt, ...)
{
    char buf[CONSOLE_LINE_MAX];
    va_list ap;
    size_t n;
    uint64_t deadline = deadline_after_ms(100);
    unsigned ticket;

    va_start(ap, fmt);
    n = format(buf, fmt, ap);
    va_end(ap);

    /* Take the lock unless this vCPU holds it; give up waiting after 100 ms. */
    if (__atomic_load_n(&lock.owner, __ATOMIC_RELAXED) == guest_vcpu_index()) {
        uart_write(buf, n);
        return;
    }
    ticket = __atomic_fetch_add(&lock.next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&lock.serving, __ATOMIC_ACQUIRE) != ticket &&
           !deadline_passed(deadline)) {
        cpu_relax();
    }
    uart_write(buf, n);
    __atomic_store_n(&lock.serving, ticket + 1, __ATOMIC_RELEASE);
}
