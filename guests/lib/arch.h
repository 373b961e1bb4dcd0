/*
 * AArch64 definitions the guest runtime shares between C and assembly: stack
 * and vCPU limits, the stage-1 MMU register values, system-register access,
 * barriers and the generic timer. Plain numbers only in the __ASSEMBLER__ part.
 */
#ifndef SHRIKE_GUESTS_LIB_ARCH_H
#define SHRIKE_GUESTS_LIB_ARCH_H

#define GUEST_MAX_VCPUS  8
#define GUEST_STACK_SIZE 16384

/* SCTLR_EL1: the RES1 bits of ARMv8.0 (MMU and caches off), then M, C, SA, I. */
#define SCTLR_EL1_RES1 0x30D00800
#define SCTLR_EL1_M    (1 << 0)
#define SCTLR_EL1_C    (1 << 2)
#define SCTLR_EL1_SA   (1 << 3)
#define SCTLR_EL1_I    (1 << 12)
#define SCTLR_EL1_ON   (SCTLR_EL1_RES1 | SCTLR_EL1_M | SCTLR_EL1_C | SCTLR_EL1_SA | SCTLR_EL1_I)

/* MAIR_EL1 attribute indexes: 0 Device-nGnRE, 1 Normal write-back, 2 Normal non-cacheable. */
#define MAIR_IDX_DEVICE 0
#define MAIR_IDX_NORMAL 1
#define MAIR_IDX_NC     2
#define MAIR_EL1_VALUE  0x44FF04

/*
 * TCR_EL1: 39-bit VA through TTBR0 (T0SZ 25, walk starts at level 1), 4 KiB
 * granule, inner-shareable write-back walks, TTBR1 walks disabled (EPD1).
 * IPS is filled in at run time from ID_AA64MMFR0_EL1.PARange.
 */
#define TCR_EL1_VALUE 0x993519
#define TCR_IPS_SHIFT 32

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stdint.h>

#define read_sysreg(reg)                                    \
    ({                                                      \
        uint64_t val_;                                      \
        __asm__ __volatile__("mrs %0, " #reg : "=r"(val_)); \
        val_;                                               \
    })

#define write_sysreg(reg, val)                                             \
    do {                                                                   \
        uint64_t val_ = (val);                                             \
        __asm__ __volatile__("msr " #reg ", %0" : : "r"(val_) : "memory"); \
    } while (0)

static inline void isb(void)
{
    __asm__ __volatile__("isb" : : : "memory");
}

static inline void dsb_ish(void)
{
    __asm__ __volatile__("dsb ish" : : : "memory");
}

static inline void cpu_relax(void)
{
    __asm__ __volatile__("yield" : : : "memory");
}

/* Aff0 of MPIDR_EL1: shrike gives vCPU i Aff0 = i. */
static inline unsigned guest_vcpu_index(void)
{
    return (unsigned)(read_sysreg(mpidr_el1) & 0xFF);
}

/* The virtual count, with an ISB on both sides so that it is not reordered. */
static inline uint64_t read_cntvct(void)
{
    uint64_t v;

    __asm__ __volatile__("isb\n\tmrs %0, cntvct_el0\n\tisb" : "=r"(v) : : "memory");
    return v;
}

static inline uint64_t read_cntfrq(void)
{
    return read_sysreg(cntfrq_el0);
}

/* A CNTVCT value ms milliseconds from now, and whether it has passed. */
static inline uint64_t deadline_after_ms(uint64_t ms)
{
    return read_cntvct() + read_cntfrq() / 1000 * ms;
}

static inline int deadline_passed(uint64_t deadline)
{
    return read_cntvct() >= deadline;
}

/*
 * Spins (cpu_relax) until cond holds or the deadline passes, and yields cond
 * as read once more after the deadline was seen: the host may stall QEMU
 * between a read of cond and the deadline test, and that stall must not read
 * as a timeout (tests must not depend on host speed). cond is evaluated many
 * times, so it must have no side effects.
 */
#define SPIN_UNTIL(cond, deadline)                                  \
    __extension__({                                                 \
        uint64_t spin_until_deadline_ = (deadline);                 \
        while (!(cond) && !deadline_passed(spin_until_deadline_)) { \
            cpu_relax();                                            \
        }                                                           \
        (bool)(cond);                                               \
    })

static inline unsigned load_acquire(const unsigned *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void store_release(unsigned *p, unsigned v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

#endif /* !__ASSEMBLER__ */

#endif
