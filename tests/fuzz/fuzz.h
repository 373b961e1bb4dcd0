/*
 * Shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c): a reader that
 * takes fixed-width values from the fuzzer's input (zeros once it runs out,
 * so every input is a valid program), and FUZZ_CHECK, which aborts with the
 * failed invariant so that libFuzzer records the input as a crash.
 */
#ifndef SHRIKE_TESTS_FUZZ_FUZZ_H
#define SHRIKE_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_in {
    const uint8_t *p;
    size_t n;
};

static inline int fuzz_done(const struct fuzz_in *in)
{
    return in->n == 0;
}

static inline uint64_t fuzz_take(struct fuzz_in *in, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        uint64_t b = 0;
        if (in->n != 0) {
            b = *in->p++;
            in->n--;
        }
        v |= b << (8 * i);
    }
    return v;
}

#define FUZZ_U8(in)  ((uint8_t)fuzz_take((in), 1))
#define FUZZ_U16(in) ((uint16_t)fuzz_take((in), 2))
#define FUZZ_U32(in) ((uint32_t)fuzz_take((in), 4))
#define FUZZ_U64(in) fuzz_take((in), 8)

/*
 * For invariant checks that run after every step: no coverage feedback (their
 * comparisons are not input decoding, and tracing them costs most of the
 * time), and FUZZ_PLAIN also no sanitizer checks (reads of state only).
 */
#define FUZZ_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#define FUZZ_PLAIN       __attribute__((no_sanitize("coverage", "address", "undefined")))

#define FUZZ_CHECK(cond)                                                                 \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                     \
        }                                                                                \
    } while (0)

#endif
