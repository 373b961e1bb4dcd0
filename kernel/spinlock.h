/*
 * Fair ticket spinlock: waiters sleep in WFE, the unlocker signals with SEV.
 * Built on compiler atomics so that host unit tests can link code that locks.
 */
#ifndef SHRIKE_KERNEL_SPINLOCK_H
#define SHRIKE_KERNEL_SPINLOCK_H

#include <stdint.h>

#ifdef SHRIKE_HOST_TEST
#include <sched.h>
#endif

typedef struct {
    uint16_t owner;
    uint16_t next;
} spinlock_t;

#define SPINLOCK_INIT \
    {                 \
        0, 0          \
    }

static inline void cpu_relax_wait(void)
{
#if defined(SHRIKE_HOST_TEST)
    /* Host threads can be descheduled while next in line: let the holder run. */
    sched_yield();
#elif defined(__aarch64__)
    __asm__ __volatile__("wfe" : : : "memory");
#endif
}

static inline void cpu_wake_waiters(void)
{
#ifdef __aarch64__
    __asm__ __volatile__("dsb ishst\n\tsev" : : : "memory");
#endif
}

static inline void spin_lock(spinlock_t *lock)
{
    uint16_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);
    /* Free at once, the usual case, falls through (no branch into the wait loop). */
    if (__builtin_expect(__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) == ticket, 1)) {
        return;
    }
    do {
        cpu_relax_wait();
    } while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket);
}

static inline void spin_unlock(spinlock_t *lock)
{
    uint16_t owner = __atomic_load_n(&lock->owner, __ATOMIC_RELAXED);
    __atomic_store_n(&lock->owner, (uint16_t)(owner + 1), __ATOMIC_RELEASE);
    cpu_wake_waiters();
}

/* Takes two locks of the same kind in address order, so no pair can deadlock. */
static inline void spin_lock_both(spinlock_t *a, spinlock_t *b)
{
    if (a == b) {
        spin_lock(a);
    } else if (a < b) {
        spin_lock(a);
        spin_lock(b);
    } else {
        spin_lock(b);
        spin_lock(a);
    }
}

static inline void spin_unlock_both(spinlock_t *a, spinlock_t *b)
{
    spin_unlock(a);
    if (a != b) {
        spin_unlock(b);
    }
}

#endif
