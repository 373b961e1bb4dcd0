/* Test checks and the summary line (see test.h). */
#include "guests/lib/test.h"

#include <stdarg.h>

#include "guests/lib/console.h"
#include "kernel/format.h"

static unsigned passed;
static unsigned failed;

static void count(bool ok)
{
    __atomic_fetch_add(ok ? &passed : &failed, 1, __ATOMIC_RELAXED);
}

/* The description, formatted. */
static void describe(char *buf, const char *fmt, va_list ap)
{
    if (fmt_vsnprintf(buf, CONSOLE_LINE_MAX / 2, fmt, ap) < 0) {
        buf[0] = '\0';
    }
}

bool test_check(bool ok, const char *file, int line, const char *fmt, ...)
{
    char desc[CONSOLE_LINE_MAX / 2];
    va_list ap;

    va_start(ap, fmt);
    describe(desc, fmt, ap);
    va_end(ap);
    count(ok);
    if (ok) {
        printf("ok - %s\n", desc);
    } else {
        printf("FAIL - %s (%s:%d)\n", desc, file, line);
    }
    return ok;
}

bool test_check_eq(uint64_t got, uint64_t expected, const char *file, int line, const char *fmt,
                   ...)
{
    char desc[CONSOLE_LINE_MAX / 2];
    va_list ap;
    bool ok = got == expected;

    va_start(ap, fmt);
    describe(desc, fmt, ap);
    va_end(ap);
    count(ok);
    if (ok) {
        printf("ok - %s\n", desc);
    } else {
        printf("FAIL - %s (%s:%d): got 0x%lx (%ld), expected 0x%lx (%ld)\n", desc, file, line, got,
               (long)got, expected, (long)expected);
    }
    return ok;
}

void test_skip(const char *reason, const char *fmt, ...)
{
    char desc[CONSOLE_LINE_MAX / 2];
    va_list ap;

    va_start(ap, fmt);
    describe(desc, fmt, ap);
    va_end(ap);
    printf("skip - %s: %s\n", desc, reason);
}

void test_summary(void)
{
    printf("%u passed, %u failed\n", test_passed(), test_failed());
}

unsigned test_passed(void)
{
    return __atomic_load_n(&passed, __ATOMIC_RELAXED);
}

unsigned test_failed(void)
{
    return __atomic_load_n(&failed, __ATOMIC_RELAXED);
}
