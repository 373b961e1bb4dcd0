/*
 * System-register accessors and barriers. Names stay greppable:
 * read_sysreg(vttbr_el2), write_sysreg(val, hcr_el2).
 */
#ifndef SHRIKE_KERNEL_SYSREG_H
#define SHRIKE_KERNEL_SYSREG_H

#include <stdint.h>

#define read_sysreg(reg)                                        \
    __extension__({                                             \
        uint64_t rsr_val_;                                      \
        __asm__ __volatile__("mrs %0, " #reg : "=r"(rsr_val_)); \
        rsr_val_;                                               \
    })

#define write_sysreg(val, reg)                                                 \
    do {                                                                       \
        uint64_t wsr_val_ = (uint64_t)(val);                                   \
        __asm__ __volatile__("msr " #reg ", %0" : : "r"(wsr_val_) : "memory"); \
    } while (0)

#define isb()    __asm__ __volatile__("isb" : : : "memory")
#define dsb(opt) __asm__ __volatile__("dsb " #opt : : : "memory")
#define dmb(opt) __asm__ __volatile__("dmb " #opt : : : "memory")
#define wfi()    __asm__ __volatile__("wfi" : : : "memory")
#define wfe()    __asm__ __volatile__("wfe" : : : "memory")
#define sev()    __asm__ __volatile__("sev" : : : "memory")

static inline void local_irq_enable(void)
{
    __asm__ __volatile__("msr daifclr, #2" : : : "memory");
}

static inline void local_irq_disable(void)
{
    __asm__ __volatile__("msr daifset, #2" : : : "memory");
}

/* Masks IRQs and returns the previous DAIF value for local_irq_restore(). */
static inline uint64_t local_irq_save(void)
{
    uint64_t flags = read_sysreg(daif);
    local_irq_disable();
    return flags;
}

static inline void local_irq_restore(uint64_t flags)
{
    write_sysreg(flags, daif);
}

/* Physical counter, ordered after earlier instructions. */
static inline uint64_t counter_read(void)
{
    isb();
    return read_sysreg(cntpct_el0);
}

#endif
