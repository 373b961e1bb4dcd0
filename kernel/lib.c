/*
 * Freestanding string and memory routines (the compiler may emit calls to
 * memcpy/memset itself). Byte loops, correct for any alignment, which matters
 * while the MMU is off and all memory is Device; large word-aligned blocks go
 * 64 bits at a time.
 */
#include "kernel/lib.h"

#include <stdbool.h>
#include <stdint.h>

/* 64-bit words that may alias anything (the word loops below run over any object). */
typedef uint64_t __attribute__((may_alias)) word_t;

#define WORD_LOOP_MIN 64 /* below this the byte loop is as fast */

static bool word_aligned(const void *p)
{
    return ((uintptr_t)p & (sizeof(word_t) - 1)) == 0;
}

/*
 * Aligned 64-bit accesses are allowed on Device memory too, so when both ends
 * are word-aligned the bulk moves 32 bytes (memset) or 64 bytes (memcpy) per
 * iteration: a 33 MB Linux Image is copied on every boot and reset (a VM's
 * RAM is cleared with zero_memory(), mm/cache.h, DC ZVA once the MMU is on).
 */
__attribute__((used)) void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    if (n >= WORD_LOOP_MIN && word_aligned(d)) {
        word_t v = 0x0101010101010101ULL * (unsigned char)c;
        word_t *w = (word_t *)d;
        for (; n >= 32; n -= 32, w += 4) {
            w[0] = v;
            w[1] = v;
            w[2] = v;
            w[3] = v;
        }
        d = (unsigned char *)w;
    }
    while (n--) {
        *d++ = (unsigned char)c;
    }
    return dst;
}

__attribute__((used)) void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (n >= WORD_LOOP_MIN && word_aligned(d) && word_aligned(s)) {
        word_t *w = (word_t *)d;
        const word_t *r = (const word_t *)s;
        /* 64 bytes a turn: four LDP/STP pairs for one loop's add, compare and branch */
        for (; n >= 64; n -= 64, w += 8, r += 8) {
            word_t a = r[0], b = r[1], e = r[2], f = r[3], g = r[4], h = r[5], i = r[6], j = r[7];
            w[0] = a;
            w[1] = b;
            w[2] = e;
            w[3] = f;
            w[4] = g;
            w[5] = h;
            w[6] = i;
            w[7] = j;
        }
        d = (unsigned char *)w;
        s = (const unsigned char *)r;
    }
    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

__attribute__((used)) void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        return memcpy(dst, src, n);
    }
    while (n--) {
        d[n] = s[n];
    }
    return dst;
}

__attribute__((used)) int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i];
        unsigned char y = (unsigned char)b[i];
        if (x != y) {
            return x < y ? -1 : 1;
        }
        if (x == '\0') {
            return 0;
        }
    }
    return 0;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}
