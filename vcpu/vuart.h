/*
 * The emulated PL011 UART, one per VM, at GUEST_UART_BASE on the VM's MMIO
 * bus (dev = struct vuart *). Enough of the PL011 for Linux's amba-pl011
 * driver and for bare-metal guests: the register file, a 32-byte RX FIFO fed
 * by vconsole (the physical keyboard), an instant transmitter whose bytes are
 * gathered into lines and printed as "[NAME] text" by vconsole, and the
 * combined interrupt line (MIS != 0) reported through a hook that the vGIC
 * plugs in. Plain C, unit-tested on the host (tests/unit/test_vuart.c).
 * Model and limits: docs/console.md.
 */
#ifndef SHRIKE_VCPU_VUART_H
#define SHRIKE_VCPU_VUART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/vm_config.h"
#include "kernel/softtimer.h"
#include "kernel/spinlock.h"
#include "vcpu/mmio.h"

/* Register offsets. */
#define VUART_DR    0x000
#define VUART_RSR   0x004 /* RSR on read, ECR on write */
#define VUART_FR    0x018
#define VUART_ILPR  0x020
#define VUART_IBRD  0x024
#define VUART_FBRD  0x028
#define VUART_LCR_H 0x02C
#define VUART_CR    0x030
#define VUART_IFLS  0x034
#define VUART_IMSC  0x038
#define VUART_RIS   0x03C
#define VUART_MIS   0x040
#define VUART_ICR   0x044
#define VUART_DMACR 0x048
#define VUART_ID0   0xFE0 /* eight ID registers, 0xFE0..0xFFC */

/* FR bits. */
#define VUART_FR_BUSY (1U << 3)
#define VUART_FR_RXFE (1U << 4)
#define VUART_FR_TXFF (1U << 5)
#define VUART_FR_RXFF (1U << 6)
#define VUART_FR_TXFE (1U << 7)

/* Interrupt bits (RIS, MIS, IMSC, ICR). */
#define VUART_INT_RX (1U << 4)
#define VUART_INT_TX (1U << 5)
#define VUART_INT_RT (1U << 6)

#define VUART_LCR_H_FEN (1U << 4)

#define VUART_RX_FIFO_SIZE 32   /* bytes; a power of two */
#define VUART_RX_BACKLOG   4096 /* typed bytes waiting for room in the RX FIFO */
#define VUART_LINE_MAX     160  /* longer lines are printed in pieces of this many bytes */

/* The plain read/write registers, stored by slot (vuart.c has their offsets and masks). */
enum vuart_rw_slot {
    VUART_SLOT_ILPR,
    VUART_SLOT_IBRD,
    VUART_SLOT_FBRD,
    VUART_SLOT_LCR_H,
    VUART_SLOT_CR,
    VUART_SLOT_IFLS,
    VUART_SLOT_IMSC,
    VUART_SLOT_DMACR,
    VUART_NR_SLOTS,
};

/*
 * Private to vuart.c except the statistics, which may be read without the
 * lock. The transmit path's fields come first (small offsets).
 */
struct vuart {
    spinlock_t lock;
    size_t line_len;
    size_t
        tx_room; /* VUART_LINE_MAX while TX is latched and the line begun, else 0 (vuart_write) */
    bool idle_armed; /* idle_timer armed (or firing), watching the output since idle_tx */
    char line[VUART_LINE_MAX];
    uint32_t ris_latched; /* interrupt status bits set by events (TX); RX and RT follow the FIFO */
    uint32_t regs[VUART_NR_SLOTS];
    bool irq_level; /* last level reported: (RIS & IMSC) != 0 */
    bool focused;   /* has the console's input focus (set by vconsole, read atomically) */
    void (*irq_set)(void *ctx, bool level);
    void *irq_ctx;
    char name[VM_NAME_MAX];
    struct soft_timer idle_timer; /* shows the unfinished line once the VM stops writing */
    uint64_t idle_tx;             /* vuart_tx_bytes() when it was armed */
    uint8_t rx_fifo[VUART_RX_FIFO_SIZE];
    unsigned rx_head;
    unsigned rx_count;
    unsigned backlog_head;
    unsigned backlog_count;
    uint8_t rx_backlog[VUART_RX_BACKLOG]; /* behind the FIFO, in order: a paste is not lost */
    /* Statistics. */
    uint64_t rx_dropped; /* input bytes that fitted neither in the RX FIFO nor in the backlog */
    uint64_t tx_done;    /* bytes written to DR, but those still in line[] (vuart_tx_bytes) */
};

/* Bytes written to DR (a statistic: without the lock, a racy sum). */
static inline uint64_t vuart_tx_bytes(const struct vuart *u)
{
    return __atomic_load_n(&u->tx_done, __ATOMIC_RELAXED) +
           __atomic_load_n(&u->line_len, __ATOMIC_RELAXED);
}

/* Sets up u for the VM called vm_name (truncated to VM_NAME_MAX - 1 chars), in its reset state. */
void vuart_init(struct vuart *u, const char *vm_name);

/* VM reset or power-off: prints a partial line, registers to reset values, RX FIFO and backlog
 * emptied. */
void vuart_reset(struct vuart *u);

/*
 * Plugs in the interrupt line (either may be NULL). The hook is called at once
 * with the current level, then on every change of it, with the vuart lock
 * held (lock order vuart -> vGIC), so it must not call back into this vuart.
 */
void vuart_set_irq_hook(struct vuart *u, void (*irq_set)(void *ctx, bool level), void *ctx);

/*
 * A received byte, from any CPU and any context. It goes into the RX FIFO, or
 * while that is full (or bytes already wait) into the backlog, from which the
 * FIFO refills as the guest reads; dropped (and counted) only when the
 * backlog is full too. Arms the idle timer on this CPU, so that the VM's
 * answer shows (VUART_IDLE_SHOW_MS below).
 */
void vuart_rx_push(struct vuart *u, uint8_t c);

/* Prints the partial output line, if any. */
void vuart_flush(struct vuart *u);

/*
 * The unfinished output line of the VM with the focus is shown
 * (vconsole_show_partial()) once the VM has written nothing for
 * VUART_IDLE_SHOW_MS (at most twice that after its last byte): a shell
 * prompt, or the echo of what was just typed. The idle timer is armed by
 * input (vuart_rx_push: the answer to a keystroke shows without any WFI
 * trap) and by vuart_idle; never by output, so that a VM's output puts no
 * timer interrupt on its CPU. A line that is merely being written (a vCPU
 * waiting for the TX interrupt) completes long before, so logs keep whole
 * lines.
 */
#define VUART_IDLE_SHOW_MS 80

/*
 * The VM is idle (a vCPU is about to wait in a trapped WFI): if this console
 * has the focus and an unfinished line, arms the idle timer unless it is
 * armed. Without it (WFI not trapped) a line no input answered, such as the
 * first prompt after boot, shows at the first keystroke.
 */
void vuart_idle(struct vuart *u);

/*
 * Provided by vcpu/vcpu.c (faked by the host tests): the vCPU that writes the
 * first byte of a focused line traps its next WFI once, if it waits in its
 * own (VM_WFI_AUTO), so that the WFI's vuart_idle() shows the line if it is
 * left unfinished: a prompt shows without the WFI trap being on for good.
 * A line that ends before a WFI takes the request back.
 */
struct vcpu;
void vcpu_trap_next_wfi(struct vcpu *v);
void vcpu_wfi_native_again(struct vcpu *v); /* the line ended first: no trap needed */

extern const struct mmio_ops vuart_mmio_ops;

/*
 * IRQ masking around the vuart and vconsole locks: both are taken from the
 * physical UART's interrupt handler, so a CPU must not be interrupted while
 * holding one. No-ops in host unit tests.
 */
#ifdef SHRIKE_HOST_TEST
static inline uint64_t vuart_irq_save(void)
{
    return 0;
}

static inline void vuart_irq_restore(uint64_t flags)
{
    (void)flags;
}

static inline bool vuart_irqs_masked(void)
{
    return true;
}
#else
#include "kernel/sysreg.h"

/* PSTATE.I: set on every exception entry to EL2, and shrike's trap paths never clear it. */
static inline bool vuart_irqs_masked(void)
{
    return (read_sysreg(daif) & (1U << 7)) != 0;
}

static inline uint64_t vuart_irq_save(void)
{
    return local_irq_save();
}

static inline void vuart_irq_restore(uint64_t flags)
{
    local_irq_restore(flags);
}
#endif

#endif
