/*
 * Guest console output on the (emulated) PL011 at GUEST_UART_BASE. Every call
 * writes whole: printf() formats into a buffer first, so lines from different
 * vCPUs never interleave. Lines end in a bare '\n' (shrike adds its
 * "[vmname] " prefix per line).
 */
#ifndef SHRIKE_GUESTS_LIB_CONSOLE_H
#define SHRIKE_GUESTS_LIB_CONSOLE_H

#include <stdarg.h>

/* Longest single printf() output; anything longer is cut. */
#define CONSOLE_LINE_MAX 512

int putchar(int c);

/* Writes s and a newline, like C's puts(). */
int puts(const char *s);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* For the fatal path: print even if this vCPU holds the console lock (or another never lets go). */
void console_emergency(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
