/*
 * Test checks: one output line each, counted on every vCPU.
 *   ok - DESCRIPTION
 *   FAIL - DESCRIPTION (FILE:LINE)            CHECK
 *   FAIL - DESCRIPTION (FILE:LINE): got 0x.. (..), expected 0x.. (..)   CHECK_EQ
 *   skip - DESCRIPTION: REASON                test_skip (not counted)
 * and test_summary() prints "N passed, M failed" alone on its line. The
 * description is a printf format with its arguments.
 */
#ifndef SHRIKE_GUESTS_LIB_TEST_H
#define SHRIKE_GUESTS_LIB_TEST_H

#include <stdbool.h>
#include <stdint.h>

#define CHECK(cond, ...) test_check((cond) ? true : false, __FILE__, __LINE__, __VA_ARGS__)

/* Compares as 64-bit values (signed operands are converted: -1 is 0xffff...). */
#define CHECK_EQ(got, expected, ...) \
    test_check_eq((uint64_t)(got), (uint64_t)(expected), __FILE__, __LINE__, __VA_ARGS__)

bool test_check(bool ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool test_check_eq(uint64_t got, uint64_t expected, const char *file, int line, const char *fmt,
                   ...) __attribute__((format(printf, 5, 6)));
void test_skip(const char *reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void test_summary(void);
unsigned test_passed(void);
unsigned test_failed(void);

#endif
