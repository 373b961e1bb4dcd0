/*
 * Freestanding printf-family formatter. One loop walks the format string and
 * writes through a bounded sink; each conversion is parsed into a spec and
 * handed to a small emitter. No floating point, no libc, no recursion.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/format.h"

/* Widths and precisions saturate here; the result must fit an int anyway. */
#define FMT_FIELD_MAX ((size_t)INT32_MAX)

/* Enough for a 64-bit value in octal (22 digits). */
#define FMT_NUM_BUF 24

enum fmt_flag {
    FMT_LEFT = 1u << 0,  /* '-' */
    FMT_ZERO = 1u << 1,  /* '0' */
    FMT_PLUS = 1u << 2,  /* '+' */
    FMT_SPACE = 1u << 3, /* ' ' */
    FMT_ALT = 1u << 4,   /* '#' */
};

enum fmt_len {
    FMT_LEN_NONE,
    FMT_LEN_HH,
    FMT_LEN_H,
    FMT_LEN_L,
    FMT_LEN_LL,
    FMT_LEN_Z,
    FMT_LEN_T,
    FMT_LEN_J,
};

struct fmt_sink {
    char *buf;
    size_t size;
    size_t pos;
};

struct fmt_spec {
    unsigned flags;
    size_t width;
    bool has_prec;
    size_t prec;
    enum fmt_len len;
    char conv;
};

static void sink_putc(struct fmt_sink *s, char c)
{
    if (s->pos + 1 < s->size) {
        s->buf[s->pos] = c;
    }
    s->pos++;
}

static void sink_repeat(struct fmt_sink *s, char c, size_t n)
{
    while (n > 0 && s->pos + 1 < s->size) {
        s->buf[s->pos++] = c;
        n--;
    }
    s->pos += n;
}

static void sink_write(struct fmt_sink *s, const char *str, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sink_putc(s, str[i]);
    }
}

/* ---- Parsing ---------------------------------------------------------- */

static const char *parse_flags(const char *fmt, unsigned *flags)
{
    for (;; fmt++) {
        switch (*fmt) {
        case '-':
            *flags |= FMT_LEFT;
            break;
        case '0':
            *flags |= FMT_ZERO;
            break;
        case '+':
            *flags |= FMT_PLUS;
            break;
        case ' ':
            *flags |= FMT_SPACE;
            break;
        case '#':
            *flags |= FMT_ALT;
            break;
        default:
            return fmt;
        }
    }
}

static const char *parse_digits(const char *fmt, size_t *out)
{
    size_t v = 0;

    while (*fmt >= '0' && *fmt <= '9') {
        size_t d = (size_t)(*fmt - '0');

        v = v > (FMT_FIELD_MAX - d) / 10 ? FMT_FIELD_MAX : v * 10 + d;
        fmt++;
    }
    *out = v;
    return fmt;
}

/* Magnitude of an int as size_t, without overflowing on INT_MIN. */
static size_t int_magnitude(int v)
{
    return v < 0 ? (size_t)(0u - (unsigned)v) : (size_t)v;
}

static const char *parse_width(const char *fmt, struct fmt_spec *spec, va_list *ap)
{
    if (*fmt != '*') {
        return parse_digits(fmt, &spec->width);
    }
    int w = va_arg(*ap, int);
    if (w < 0) {
        spec->flags |= FMT_LEFT;
    }
    spec->width = int_magnitude(w);
    return fmt + 1;
}

static const char *parse_precision(const char *fmt, struct fmt_spec *spec, va_list *ap)
{
    if (*fmt != '.') {
        return fmt;
    }
    fmt++;
    if (*fmt != '*') {
        spec->has_prec = true;
        return parse_digits(fmt, &spec->prec);
    }
    int p = va_arg(*ap, int);
    if (p >= 0) {
        spec->has_prec = true;
        spec->prec = (size_t)p;
    }
    return fmt + 1;
}

static const char *parse_length(const char *fmt, enum fmt_len *len)
{
    switch (*fmt) {
    case 'h':
        *len = fmt[1] == 'h' ? FMT_LEN_HH : FMT_LEN_H;
        return *len == FMT_LEN_HH ? fmt + 2 : fmt + 1;
    case 'l':
        *len = fmt[1] == 'l' ? FMT_LEN_LL : FMT_LEN_L;
        return *len == FMT_LEN_LL ? fmt + 2 : fmt + 1;
    case 'z':
        *len = FMT_LEN_Z;
        return fmt + 1;
    case 't':
        *len = FMT_LEN_T;
        return fmt + 1;
    case 'j':
        *len = FMT_LEN_J;
        return fmt + 1;
    default:
        *len = FMT_LEN_NONE;
        return fmt;
    }
}

/* Parse everything after '%' up to (not including) the conversion char. */
static const char *parse_spec(const char *fmt, struct fmt_spec *spec, va_list *ap)
{
    spec->flags = 0;
    spec->width = 0;
    spec->has_prec = false;
    spec->prec = 0;
    fmt = parse_flags(fmt, &spec->flags);
    fmt = parse_width(fmt, spec, ap);
    fmt = parse_precision(fmt, spec, ap);
    fmt = parse_length(fmt, &spec->len);
    spec->conv = *fmt;
    return fmt;
}

/* ---- Argument fetching ------------------------------------------------ */

static intmax_t fetch_signed(va_list *ap, enum fmt_len len)
{
    switch (len) {
    case FMT_LEN_HH:
        return (signed char)va_arg(*ap, int);
    case FMT_LEN_H:
        return (short)va_arg(*ap, int);
    case FMT_LEN_L:
        return va_arg(*ap, long);
    case FMT_LEN_LL:
        return va_arg(*ap, long long);
    case FMT_LEN_Z: /* signed size_t: ptrdiff_t has the same width */
    case FMT_LEN_T:
        return va_arg(*ap, ptrdiff_t);
    case FMT_LEN_J:
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

static uintmax_t fetch_unsigned(va_list *ap, enum fmt_len len)
{
    switch (len) {
    case FMT_LEN_HH:
        return (unsigned char)va_arg(*ap, unsigned int);
    case FMT_LEN_H:
        return (unsigned short)va_arg(*ap, unsigned int);
    case FMT_LEN_L:
        return va_arg(*ap, unsigned long);
    case FMT_LEN_LL:
        return va_arg(*ap, unsigned long long);
    case FMT_LEN_Z:
    case FMT_LEN_T: /* unsigned ptrdiff_t: size_t has the same width */
        return va_arg(*ap, size_t);
    case FMT_LEN_J:
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

/* ---- Emitters --------------------------------------------------------- */

/* Write v in base into the bytes ending at end; returns the digit count. */
static size_t to_digits(char *end, uintmax_t v, unsigned base, bool upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t n = 0;

    do {
        *--end = set[v % base];
        v /= base;
        n++;
    } while (v != 0);
    return n;
}

static char sign_char(unsigned flags, bool negative)
{
    if (negative) {
        return '-';
    }
    if (flags & FMT_PLUS) {
        return '+';
    }
    return (flags & FMT_SPACE) ? ' ' : '\0';
}

/* "0x"/"0X" for '#' with hex and a non-zero value, else "". */
static const char *alt_prefix(const struct fmt_spec *spec, unsigned base, uintmax_t v)
{
    if (!(spec->flags & FMT_ALT) || base != 16 || v == 0) {
        return "";
    }
    return spec->conv == 'X' ? "0X" : "0x";
}

/* Spaces needed to widen len characters to the field width. */
static size_t field_pad(size_t width, size_t len)
{
    return width > len ? width - len : 0;
}

/* The pieces of a formatted integer, before field padding. */
struct fmt_num {
    char sign;          /* '-', '+', ' ' or '\0' for none */
    const char *prefix; /* "", "0x" or "0X" */
    size_t zeros;       /* zeros demanded by the precision or by '#' octal */
    const char *digits;
    size_t n;
};

static size_t num_zeros(const struct fmt_spec *spec, unsigned base, const struct fmt_num *num)
{
    size_t prec = spec->has_prec ? spec->prec : 1;

    if (prec > num->n) {
        return prec - num->n;
    }
    /* '#' with octal: force a leading zero digit. */
    if ((spec->flags & FMT_ALT) && base == 8 && (num->n == 0 || num->digits[0] != '0')) {
        return 1;
    }
    return 0;
}

/* Emit [pad][sign][prefix][zeros][digits][pad]. */
static void emit_num_parts(struct fmt_sink *s, const struct fmt_spec *spec,
                           const struct fmt_num *num)
{
    size_t prefix_n = num->prefix[0] == '\0' ? 0 : 2;
    size_t zeros = num->zeros;
    size_t pad = field_pad(spec->width, (num->sign ? 1u : 0u) + prefix_n + zeros + num->n);

    if ((spec->flags & (FMT_ZERO | FMT_LEFT)) == FMT_ZERO && !spec->has_prec) {
        zeros += pad;
        pad = 0;
    }
    if (!(spec->flags & FMT_LEFT)) {
        sink_repeat(s, ' ', pad);
    }
    if (num->sign) {
        sink_putc(s, num->sign);
    }
    sink_write(s, num->prefix, prefix_n);
    sink_repeat(s, '0', zeros);
    sink_write(s, num->digits, num->n);
    if (spec->flags & FMT_LEFT) {
        sink_repeat(s, ' ', pad);
    }
}

static void emit_number(struct fmt_sink *s, const struct fmt_spec *spec, uintmax_t v, char sign,
                        unsigned base)
{
    char buf[FMT_NUM_BUF];
    char *end = buf + sizeof(buf);
    struct fmt_num num = {.sign = sign, .prefix = alt_prefix(spec, base, v)};

    /* An explicit zero precision prints no digits for zero. */
    num.n = (spec->has_prec && spec->prec == 0 && v == 0)
                ? 0
                : to_digits(end, v, base, spec->conv == 'X');
    num.digits = end - num.n;
    num.zeros = num_zeros(spec, base, &num);
    emit_num_parts(s, spec, &num);
}

/* Emit n bytes of str padded with spaces to the field width. */
static void emit_padded(struct fmt_sink *s, const struct fmt_spec *spec, const char *str, size_t n)
{
    size_t pad = field_pad(spec->width, n);

    if (!(spec->flags & FMT_LEFT)) {
        sink_repeat(s, ' ', pad);
    }
    sink_write(s, str, n);
    if (spec->flags & FMT_LEFT) {
        sink_repeat(s, ' ', pad);
    }
}

static void emit_signed(struct fmt_sink *s, const struct fmt_spec *spec, va_list *ap)
{
    intmax_t v = fetch_signed(ap, spec->len);
    uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;

    emit_number(s, spec, mag, sign_char(spec->flags, v < 0), 10);
}

static void emit_unsigned(struct fmt_sink *s, const struct fmt_spec *spec, va_list *ap)
{
    uintmax_t v = fetch_unsigned(ap, spec->len);
    unsigned base = 16;

    if (spec->conv == 'u') {
        base = 10;
    } else if (spec->conv == 'o') {
        base = 8;
    }
    emit_number(s, spec, v, '\0', base);
}

static void emit_char(struct fmt_sink *s, const struct fmt_spec *spec, va_list *ap)
{
    char c = (char)va_arg(*ap, int);

    emit_padded(s, spec, &c, 1);
}

static void emit_string(struct fmt_sink *s, const struct fmt_spec *spec, va_list *ap)
{
    const char *str = va_arg(*ap, const char *);
    size_t n = 0;

    if (str == NULL) {
        /* As glibc: "(null)" only if the precision leaves room for all of it. */
        str = (!spec->has_prec || spec->prec >= 6) ? "(null)" : "";
    }
    while ((!spec->has_prec || n < spec->prec) && str[n] != '\0') {
        n++;
    }
    emit_padded(s, spec, str, n);
}

/* As glibc: "(nil)" for NULL, otherwise like "%#lx" (flags still apply). */
static void emit_pointer(struct fmt_sink *s, const struct fmt_spec *spec, va_list *ap)
{
    uintptr_t v = (uintptr_t)va_arg(*ap, void *);
    struct fmt_spec hex = *spec;

    if (v == 0) {
        emit_padded(s, spec, "(nil)", 5);
        return;
    }
    hex.flags |= FMT_ALT;
    hex.conv = 'x';
    emit_number(s, &hex, v, sign_char(spec->flags, false), 16);
}

static void emit_conversion(struct fmt_sink *s, const struct fmt_spec *spec, va_list *ap)
{
    switch (spec->conv) {
    case 'd':
    case 'i':
        emit_signed(s, spec, ap);
        break;
    case 'u':
    case 'o':
    case 'x':
    case 'X':
        emit_unsigned(s, spec, ap);
        break;
    case 'c':
        emit_char(s, spec, ap);
        break;
    case 's':
        emit_string(s, spec, ap);
        break;
    case 'p':
        emit_pointer(s, spec, ap);
        break;
    case '%':
        sink_putc(s, '%');
        break;
    default: /* unknown: emit it verbatim */
        sink_putc(s, '%');
        sink_putc(s, spec->conv);
        break;
    }
}

/* ---- Entry points ----------------------------------------------------- */

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fmt_sink s = {.buf = buf, .size = size, .pos = 0};
    struct fmt_spec spec;
    va_list args;

    va_copy(args, ap);
    while (*fmt != '\0') {
        if (*fmt != '%') {
            sink_putc(&s, *fmt++);
            continue;
        }
        fmt = parse_spec(fmt + 1, &spec, &args);
        if (*fmt == '\0') {
            sink_putc(&s, '%'); /* lone '%' at the end */
            break;
        }
        emit_conversion(&s, &spec, &args);
        fmt++;
    }
    va_end(args);

    if (size > 0) {
        buf[s.pos < size ? s.pos : size - 1] = '\0';
    }
    return s.pos > FMT_FIELD_MAX ? -1 : (int)s.pos;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return ret;
}
