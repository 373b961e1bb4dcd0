/*
 * Minimal host unit-test support: one line per failed check, a final
 * "<name>: N passed, N failed" line, exit status non-zero on any failure.
 */
#ifndef SHRIKE_TESTS_UNIT_H
#define SHRIKE_TESTS_UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

extern unsigned unit_passed;
extern unsigned unit_failed;

#define UNIT_STATE        \
    unsigned unit_passed; \
    unsigned unit_failed

#define EXPECT(cond)                                               \
    do {                                                           \
        if (cond) {                                                \
            unit_passed++;                                         \
        } else {                                                   \
            unit_failed++;                                         \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
        }                                                          \
    } while (0)

#define EXPECT_EQ(a, b)                                                                     \
    do {                                                                                    \
        unsigned long long unit_a_ = (unsigned long long)(a);                               \
        unsigned long long unit_b_ = (unsigned long long)(b);                               \
        if (unit_a_ == unit_b_) {                                                           \
            unit_passed++;                                                                  \
        } else {                                                                            \
            unit_failed++;                                                                  \
            printf("FAIL %s:%d: %s == %s (0x%llx != 0x%llx)\n", __FILE__, __LINE__, #a, #b, \
                   unit_a_, unit_b_);                                                       \
        }                                                                                   \
    } while (0)

#define EXPECT_STREQ(a, b)                                                                  \
    do {                                                                                    \
        const char *unit_a_ = (a);                                                          \
        const char *unit_b_ = (b);                                                          \
        if (unit_a_ && unit_b_ && strcmp(unit_a_, unit_b_) == 0) {                          \
            unit_passed++;                                                                  \
        } else {                                                                            \
            unit_failed++;                                                                  \
            printf("FAIL %s:%d: %s == %s (\"%s\" != \"%s\")\n", __FILE__, __LINE__, #a, #b, \
                   unit_a_ ? unit_a_ : "(null)", unit_b_ ? unit_b_ : "(null)");             \
        }                                                                                   \
    } while (0)

static inline int unit_report(const char *name)
{
    printf("%s: %u passed, %u failed\n", name, unit_passed, unit_failed);
    return unit_failed == 0 && unit_passed > 0 ? 0 : 1;
}

#endif
