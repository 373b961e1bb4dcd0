/*
 * Invariant checks. CHECK() is always on and panics with file and line; use it
 * for broken hypervisor invariants, never for a guest's mistake (that becomes
 * an injected exception, an error code or a stopped VM). DEBUG_ASSERT() is
 * compiled only into debug builds.
 */
#ifndef SHRIKE_KERNEL_CHECK_H
#define SHRIKE_KERNEL_CHECK_H

_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(cond)                                                      \
    do {                                                                 \
        if (__builtin_expect(!(cond), 0)) {                              \
            panic("%s:%d: CHECK(%s) failed", __FILE__, __LINE__, #cond); \
        }                                                                \
    } while (0)

#ifdef SHRIKE_DEBUG
#define DEBUG_ASSERT(cond) CHECK(cond)
#else
#define DEBUG_ASSERT(cond)  \
    do {                    \
        (void)sizeof(cond); \
    } while (0)
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
