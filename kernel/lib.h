/*
 * The few C library routines the hypervisor needs. In host unit tests the
 * host's libc provides them.
 */
#ifndef SHRIKE_KERNEL_LIB_H
#define SHRIKE_KERNEL_LIB_H

#include <stddef.h>

#ifdef SHRIKE_HOST_TEST
#include <string.h>
#else
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
#endif

/*
 * A relaxed load or store of a shared, naturally aligned scalar (Linux's
 * READ_ONCE/WRITE_ONCE): one single-copy-atomic access, as
 * __atomic_load_n/__atomic_store_n(..., __ATOMIC_RELAXED) make, but which GCC
 * can address with an offset from the base register (its atomics take an
 * address register of their own). No ordering: the callers' locks, barriers
 * and acquire/release accesses order them.
 */
#define load_relaxed(x)     (*(const volatile __typeof__(x) *)&(x))
#define store_relaxed(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/*
 * Makes the compiler forget how the value of p was computed (Linux's
 * OPTIMIZER_HIDE_VAR), so that a pointer derived from an index stays in a
 * register rather than being recomputed from the index at each use, which
 * GCC does across inline assembly such as a lock's. Costs no instruction.
 */
#define hide_value(p) __asm__("" : "+r"(p))

#endif
