/*
 * Host unit test for kernel/format.c: every case is formatted by both
 * fmt_snprintf and the host libc snprintf with the same literal format and
 * arguments, then compared (output and return value) at the full buffer size
 * and at truncating sizes, with a canary checking nothing is written past
 * the given size.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernel/format.h"
#include "unit.h"

UNIT_STATE;

#define CASE_BUF 256
#define CANARY   0xa5

/* State of one CHECK: the libc reference and the size being tried. */
struct check_ctx {
    int line;
    const char *what;
    char want[CASE_BUF];
    int want_ret;
    char got[CASE_BUF + 16];
    int got_ret;
    size_t sizes[8];
    unsigned nsizes;
    unsigned next;
    size_t size;
    bool null_buf;
};

/* A NULL the compiler cannot see through (avoids -Wformat-overflow). */
static const char *volatile null_str;
static void *volatile null_ptr;

static void add_size(struct check_ctx *c, size_t size)
{
    c->sizes[c->nsizes++] = size;
}

/* Called once the reference output is in c->want: plan the sizes to try. */
static void check_plan(struct check_ctx *c, int line, const char *what)
{
    size_t len;

    c->line = line;
    c->what = what;
    c->nsizes = 0;
    c->next = 0;
    if (c->want_ret < 0 || c->want_ret >= CASE_BUF) {
        printf("  line %d: reference output does not fit: %s\n", line, what);
        EXPECT(false);
        return;
    }
    len = (size_t)c->want_ret;
    add_size(c, CASE_BUF); /* roomy */
    add_size(c, 0);        /* nothing at all, NULL buffer */
    add_size(c, 0);        /* nothing at all, real buffer */
    add_size(c, 1);        /* NUL only */
    add_size(c, len + 1);  /* exact fit */
    add_size(c, len);      /* one short */
    if (len >= 2) {
        add_size(c, len - 1);
    }
    if (len >= 4) {
        add_size(c, len / 2);
    }
}

/* Set up the next size to try; returns false when all have been tried. */
static bool check_next(struct check_ctx *c)
{
    if (c->next >= c->nsizes) {
        return false;
    }
    c->null_buf = c->next == 1;
    c->size = c->sizes[c->next++];
    memset(c->got, CANARY, sizeof(c->got));
    return true;
}

static char *check_buf(struct check_ctx *c)
{
    return c->null_buf ? NULL : c->got;
}

static bool canary_intact(const struct check_ctx *c, size_t from)
{
    for (size_t i = from; i < sizeof(c->got); i++) {
        if ((unsigned char)c->got[i] != CANARY) {
            return false;
        }
    }
    return true;
}

/* Compare the output for c->size with the libc reference truncated to it. */
static void check_result(struct check_ctx *c)
{
    size_t len = (size_t)c->want_ret;
    size_t kept = c->size == 0 ? 0 : (len < c->size - 1 ? len : c->size - 1);
    bool ok_ret = c->got_ret == c->want_ret;
    bool ok_text = c->size == 0 || (memcmp(c->got, c->want, kept) == 0 && c->got[kept] == '\0');
    bool ok_canary = canary_intact(c, c->size);

    if (!(ok_ret && ok_text && ok_canary)) {
        printf("  line %d, size %zu: %s\n", c->line, c->size, c->what);
        printf("    ret %d want %d; got \"%.*s\" want \"%.*s\"; canary %s\n", c->got_ret,
               c->want_ret, (int)kept, c->got, (int)kept, c->want, ok_canary ? "ok" : "HIT");
    }
    EXPECT(ok_ret);
    EXPECT(ok_text);
    EXPECT(ok_canary);
}

/* Format with libc and with fmt_snprintf at several sizes and compare. */
#define CHECK(...)                                                                 \
    do {                                                                           \
        struct check_ctx ctx_;                                                     \
        ctx_.want_ret = snprintf(ctx_.want, sizeof(ctx_.want), __VA_ARGS__);       \
        check_plan(&ctx_, __LINE__, #__VA_ARGS__);                                 \
        while (check_next(&ctx_)) {                                                \
            ctx_.got_ret = fmt_snprintf(check_buf(&ctx_), ctx_.size, __VA_ARGS__); \
            check_result(&ctx_);                                                   \
        }                                                                          \
    } while (0)

static void test_plain(void)
{
    CHECK("%s", "");
    CHECK("hello, world");
    CHECK("%%");
    CHECK("a%%b%%%%c");
    CHECK("%s%s%s", "a", "", "bc");
    CHECK("%d %s %x %c %% %u", -5, "mid", 0xbeefu, 'z', 7u);
}

static void test_signed(void)
{
    static const int vals[] = {0, 1, -1, 7, -7, 42, 1000, -99999, INT_MAX, INT_MIN};

    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        int v = vals[i];
        CHECK("%d", v);
        CHECK("%i", v);
        CHECK("[%8d]", v);
        CHECK("[%-8d]", v);
        CHECK("[%08d]", v);
        CHECK("[%+d]", v);
        CHECK("[% d]", v);
        CHECK("[%+8d]", v);
        CHECK("[%-+8d]", v);
        CHECK("[%+08d]", v);
        CHECK("[% 08d]", v);
        CHECK("[%.0d]", v);
        CHECK("[%.3d]", v);
        CHECK("[%.12d]", v);
        CHECK("[%8.3d]", v);
        CHECK("[%-8.3d]", v);
        CHECK("[%+.0d]", v);
        CHECK("[% .0d]", v);
        CHECK("[%5.0d]", v);
        CHECK("[%+012i]", v);
        CHECK("[%1d]", v);
    }
}

static void test_unsigned(void)
{
    static const unsigned vals[] = {0,  1,   7,   8,       9,           15,
                                    16, 255, 256, 0x8000u, 0xdeadbeefu, UINT_MAX};

    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        unsigned v = vals[i];
        CHECK("%u %o %x %X", v, v, v, v);
        CHECK("[%#o] [%#x] [%#X]", v, v, v);
        CHECK("[%.0u] [%.0o] [%.0x] [%.0X]", v, v, v, v);
        CHECK("[%#.0o] [%#.0x] [%#.0X]", v, v, v);
        CHECK("[%#.3o] [%#.4x] [%#.4X]", v, v, v);
        CHECK("[%#5o] [%#05o] [%#-5o]", v, v, v);
        CHECK("[%#12x] [%#012x] [%#-12x]", v, v, v);
        CHECK("[%#12.6x] [%#-12.6x]", v, v);
        CHECK("[%10u] [%-10u] [%010u] [%10.5u]", v, v, v, v);
        CHECK("[%08o] [%-8o] [%8.4o]", v, v, v);
        CHECK("[%.11o] [%#.11o] [%#.12o]", v, v, v);
    }
}

static void test_lengths(void)
{
    CHECK("%hhd %hhd %hhd %hhd", (signed char)INT8_MIN, (signed char)INT8_MAX, (signed char)-1,
          (signed char)0);
    CHECK("%hhu %hhx %hho %hhX", (unsigned char)UINT8_MAX, (unsigned char)UINT8_MAX,
          (unsigned char)UINT8_MAX, (unsigned char)0xab);
    CHECK("%hd %hd %hu %hx", (short)SHRT_MIN, (short)SHRT_MAX, (unsigned short)USHRT_MAX,
          (unsigned short)0x1234);
    CHECK("%" PRId8 " %" PRIu8 " %" PRIx8, (int8_t)INT8_MIN, (uint8_t)UINT8_MAX, (uint8_t)0x7f);
    CHECK("%" PRId16 " %" PRIu16, (int16_t)INT16_MIN, (uint16_t)UINT16_MAX);
    CHECK("%" PRId32 " %" PRIu32 " %" PRIx32, INT32_MIN, UINT32_MAX, UINT32_MAX);
    CHECK("%" PRId64 " %" PRIu64 " %" PRIx64, INT64_MIN, UINT64_MAX, UINT64_MAX);
    CHECK("%ld %ld %lu %lx %lo", LONG_MIN, LONG_MAX, ULONG_MAX, ULONG_MAX, ULONG_MAX);
    CHECK("%lld %lld %llu", LLONG_MIN, LLONG_MAX, ULLONG_MAX);
    CHECK("%llx %llX %llo %#llo", ULLONG_MAX, ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
    CHECK("[%+30lld] [%-30lld] [%030lld]", LLONG_MIN, LLONG_MAX, LLONG_MIN);
    CHECK("[%#30llx] [%#.20llx] [%.25llu]", ULLONG_MAX, 1ull, ULLONG_MAX);
    CHECK("%li %lli %lli", -123456789L, LLONG_MIN + 1, 0LL);
    CHECK("%zu %zx %zo %zd %zd", SIZE_MAX, SIZE_MAX, (size_t)8, (ptrdiff_t)-1, PTRDIFF_MAX);
    CHECK("%td %td %ti", PTRDIFF_MIN, PTRDIFF_MAX, (ptrdiff_t)-42);
    CHECK("%tu %tx", (size_t)PTRDIFF_MAX, (size_t)SIZE_MAX);
    CHECK("%jd %jd %ju %jx", INTMAX_MIN, INTMAX_MAX, UINTMAX_MAX, UINTMAX_MAX);
    CHECK("%hhd|%lld|%hd|%zu|%d|%jd", (signed char)-5, LLONG_MIN, (short)-300, (size_t)99, -1,
          (intmax_t)7);
}

static void test_char(void)
{
    CHECK("%c", 'a');
    CHECK("[%5c] [%-5c] [%1c]", 'x', 'y', 'z');
    CHECK("a%cb", 0); /* embedded NUL */
    CHECK("%c%c%c", 'f', 'o', 'o');
    CHECK("%c", 0xe9); /* high byte */
    CHECK("[%*c] [%-*c]", 4, 'q', 4, 'r');
}

static void test_string(void)
{
    static const char unterminated[3] = {'a', 'b', 'c'};

    CHECK("%s", "abc");
    CHECK("[%8s] [%-8s] [%1s]", "abc", "abc", "abc");
    CHECK("[%.2s] [%5.2s] [%-5.2s] [%.0s] [%.10s]", "abcdef", "abcdef", "abcdef", "abc", "abc");
    CHECK("[%.3s]", unterminated); /* must not read past the precision */
    CHECK("[%8.0s] [%-3.0s]", "x", "x");
    CHECK("[%s]", null_str);
    CHECK("[%10s] [%-10s]", null_str, null_str);
    CHECK("[%.3s] [%.5s] [%.6s] [%.7s]", null_str, null_str, null_str, null_str);
    CHECK("[%8.3s] [%-8.6s]", null_str, null_str);
    CHECK("[%.*s] [%.*s] [%.*s]", 2, "abcdef", -1, "abc", 0, "abc");
    CHECK("[%*s] [%*s]", 6, "ab", -6, "ab");
}

static void test_pointer(void)
{
    int local = 0;
    static int global;

    CHECK("%p", (void *)&local);
    CHECK("%p", (void *)&global);
    CHECK("%p", null_ptr);
    CHECK("%p %p", (void *)1, (void *)UINTPTR_MAX);
    CHECK("[%20p] [%-20p]", (void *)&global, (void *)&global);
    CHECK("[%3p] [%-3p]", (void *)0x1234, (void *)0x1234);
    CHECK("[%10p] [%-10p] [%2p]", null_ptr, null_ptr, null_ptr);
    CHECK("[%*p] [%*p]", 12, (void *)0xabc, -12, (void *)0xabc);
}

static void test_star(void)
{
    CHECK("[%*d]", 5, 42);
    CHECK("[%*d]", -5, 42);
    CHECK("[%-*d]", 5, 42);
    CHECK("[%-*d]", -5, 42);
    CHECK("[%*d]", 0, 42);
    CHECK("[%0*d]", 6, -42);
    CHECK("[%0*d]", -6, -42);
    CHECK("[%.*d]", 4, 7);
    CHECK("[%.*d]", -1, 7);
    CHECK("[%.*d]", 0, 0);
    CHECK("[%.*d]", -3, 0);
    CHECK("[%*.*d]", 8, 3, -7);
    CHECK("[%*.*d]", -8, 3, -7);
    CHECK("[%#*.*x]", 10, 4, 0xabu);
    CHECK("[%*.*s]", 6, 2, "abcdef");
    CHECK("[%*u] [%*lld] [%*hhx]", 12, UINT_MAX, -25, LLONG_MIN, 4, (unsigned char)0xff);
    CHECK("[%*d%*d]", 3, 1, -3, 2);
}

/* Flags that cancel others: gcc warns about these, but they are valid C. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
static void test_flag_conflicts(void)
{
    static const int vals[] = {0, 5, -5, INT_MAX, INT_MIN};

    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        int v = vals[i];
        CHECK("[%+ d] [% +d] [%+ 8d]", v, v, v);
        CHECK("[%0-8d] [%-08d] [%0-8x]", v, v, (unsigned)v);
        CHECK("[%08.3d] [%08.0d] [%012.6X] [%#012.6x]", v, v, (unsigned)v, (unsigned)v);
        CHECK("[%0.*d] [%0*.*d] [%0*.*d]", -1, v, 8, -1, v, 8, 3, v);
        CHECK("[%0*.*d] [%-0*.*d]", -8, -1, v, 8, 2, v);
        CHECK("[%+u] [% x] [%+o]", (unsigned)v, (unsigned)v, (unsigned)v);
    }
    CHECK("[%05s] [%05c] [%-05s]", "ab", 'c', "ab");
    CHECK("[%+s] [% c] [%#s]", "ab", 'c', "ab");
    CHECK("[%#d] [%#i] [%#u] [%#c]", 5, -5, 5u, 'c');
    CHECK("[%.3c]", 'c');
    /* An int passed for hh/h is converted to char/short first. */
    CHECK("%hhd %hhu %hhx %hhd", 200, 300, 0x1234, -129);
    CHECK("%hd %hu %hx %hd", 70000, -1, 0x12345, -32769);
    CHECK("[%+p] [% p] [%020p] [%.8p] [%#p]", (void *)0x10, (void *)0x10, (void *)0x10,
          (void *)0x10, (void *)0x10);
    CHECK("[%+p] [% p] [%020p] [%.8p] [%.2p]", null_ptr, null_ptr, null_ptr, null_ptr, null_ptr);
}
#pragma GCC diagnostic pop

static void test_wide(void)
{
    CHECK("[%100d]", -1);
    CHECK("[%-200s]", "wide");
    CHECK("[%.120d]", 123);
    CHECK("[%#120.110llo]", ULLONG_MAX);
    CHECK("%0200u", 1u);
}

/* Rules of our own that libc does not share or gcc would not accept. */
static void test_own_rules(void)
{
    char buf[32];
    volatile int big = INT_MAX; /* hidden from gcc's -Wformat-overflow */

    /* An unknown conversion comes out as '%' and the character. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
    EXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "a%kb"), 4);
    EXPECT_STREQ(buf, "a%kb");
    EXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "[%-5y]%d", 3), 5);
    EXPECT_STREQ(buf, "[%y]3");
    EXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "%lq%d", 9), 3);
    EXPECT_STREQ(buf, "%q9");
    EXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "%n|%d", 5), 4);
    EXPECT_STREQ(buf, "%n|5");
    EXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "%f"), 2);
    EXPECT_STREQ(buf, "%f");
    /* A lone '%' at the end of the format is emitted as is. */
    EXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "abc%"), 4);
    EXPECT_STREQ(buf, "abc%");
    EXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "x%-08"), 2);
    EXPECT_STREQ(buf, "x%");
    /* Flags on %% are ignored. */
    EXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "[%5%]"), 3);
    EXPECT_STREQ(buf, "[%]");
    /* As glibc, '+' and ' ' apply to a non-NULL %p. */
    EXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "%+p % p", (void *)0x10, (void *)0x10), 11);
    EXPECT_STREQ(buf, "+0x10  0x10");
#pragma GCC diagnostic pop

    /* "(null)" for a NULL string, "(nil)" for a NULL pointer. */
    EXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "%s|%p", null_str, null_ptr), 12);
    EXPECT_STREQ(buf, "(null)|(nil)");

    /* size 0 with a NULL buffer only measures. */
    EXPECT_EQ(fmt_snprintf(NULL, 0, "%d-%s", 12345, "abc"), 9);

    /* A total beyond INT_MAX is reported as -1, without writing past size. */
    memset(buf, CANARY, sizeof(buf));
    EXPECT_EQ(fmt_snprintf(buf, 8, "%*d%*d", big, 1, big, 1), -1);
    EXPECT_STREQ(buf, "       ");
    EXPECT_EQ((unsigned char)buf[8], CANARY);
    EXPECT_EQ(fmt_snprintf(buf, 8, "%*d", big, 1), INT_MAX);
}

static int via_vsnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int via_vsnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return ret;
}

static void test_vsnprintf(void)
{
    char buf[32];

    EXPECT_EQ(via_vsnprintf(buf, sizeof(buf), "%s=%#x", "reg", 0x40u), 8);
    EXPECT_STREQ(buf, "reg=0x40");
    EXPECT_EQ(via_vsnprintf(buf, 4, "%d", -123456), 7);
    EXPECT_STREQ(buf, "-12");
}

int main(void)
{
    test_plain();
    test_signed();
    test_unsigned();
    test_lengths();
    test_char();
    test_string();
    test_pointer();
    test_star();
    test_flag_conflicts();
    test_wide();
    test_own_rules();
    test_vsnprintf();
    return unit_report("format");
}
