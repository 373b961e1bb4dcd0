/*
 * The physical console: a PL011 shared by every CPU. A message written with
 * kprintf() reaches the line whole: CPUs never interleave inside a message.
 * Multi-line output (reports, tables) holds the lock across the lines with
 * console_lock()/kprintf_locked()/console_unlock().
 */
#ifndef SHRIKE_KERNEL_CONSOLE_H
#define SHRIKE_KERNEL_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void console_init(uint64_t uart_base);

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Takes the console; an unfinished line left on the screen (below) is ended first. */
void console_lock(void);
void console_unlock(void);

/*
 * Unfinished lines (a VM's shell prompt, vcpu/vconsole.c). console_lock_as(who)
 * takes the console like console_lock() but returns true, without ending it,
 * if the screen ends with who's unfinished line, which who may then continue.
 * console_keep_open_locked(who) marks what this critical section wrote as
 * who's unfinished line; any other writer ends it with a newline first.
 */
bool console_lock_as(const void *who);
void console_keep_open_locked(const void *who);
int kprintf_locked(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf_locked(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
void console_write_locked(const char *s, size_t n);

/* For the panic path: take the console even if another CPU holds it and never lets go. */
void console_panic_takeover(void);

/* A received character, or -1 when none is waiting. */
int console_getc(void);

/* Turns on the UART's receive interrupts (RX and RX timeout); the caller routes the SPI. */
void console_enable_rx_irq(void);

#endif
