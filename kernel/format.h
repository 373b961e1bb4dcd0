/*
 * Freestanding printf-family formatter: snprintf/vsnprintf for the subset
 * d i u o x X c s p % with flags, width, precision and length modifiers,
 * no floating point and no %n. Semantics follow C11 (and glibc for %p).
 */
#ifndef SHRIKE_KERNEL_FORMAT_H
#define SHRIKE_KERNEL_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Format into buf, writing at most size - 1 characters plus a terminating
 * NUL (nothing at all when size is 0, in which case buf may be NULL).
 * Returns the length the full output would have had, or -1 if that length
 * does not fit in an int.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
