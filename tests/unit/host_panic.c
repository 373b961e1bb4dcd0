/* panic() for host unit tests: print and abort, so a broken CHECK() fails the test. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/check.h"

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("PANIC: ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    fflush(stdout);
    abort();
}
