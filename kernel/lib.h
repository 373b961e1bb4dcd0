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
 * Makes the compiler forget how the value of p was computed (Linux's
 * OPTIMIZER_HIDE_VAR), so that a pointer derived from an index stays in a
 * register rather than being recomputed from the index at each use, which
 * GCC does across inline assembly such as a lock's. Costs no instruction.
 */
#define hide_value(p) __asm__("" : "+r"(p))

#endif
