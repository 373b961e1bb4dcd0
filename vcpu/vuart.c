/*
 * The emulated PL011 (see vuart.h and docs/console.md). Interrupt semantics
 * follow QEMU's PL011: TX is latched by every DR write and cleared only by
 * ICR; RX and RT are levels that follow the RX FIFO (RX at the IFLS trigger
 * level, or at one byte with the FIFO disabled; RT while it is not empty), so
 * draining the FIFO clears them and ICR cannot clear them while bytes wait.
 *
 * Locking. Each vuart has a spinlock, held with IRQs masked, around every
 * access to its state (the physical UART's interrupt handler takes it too, to
 * push input). A DR write comes from a trap handler, where IRQs are already
 * masked (an exception to EL2 sets PSTATE.I, vcpu/entry.S and the run loop
 * never clear it), so that path and the FR read take the lock alone, without
 * saving and masking them again. Lock order: vconsole ring -> vuart -> { console, vGIC,
 * soft timer }.
 * With the vuart lock held this file calls vconsole_emit_line() (which takes
 * the console lock) and the irq hook (which takes the vGIC's lock), so that
 * lines and level changes reach the console and the vGIC in the order they
 * happened; neither may call back into the vuart.
 */
#include "vcpu/vuart.h"

#include "kernel/check.h"
#include "kernel/lib.h"
#include "kernel/timer.h"
#include "vcpu/abi.h"
#include "vcpu/vconsole.h"

#define ESC 0x1B

/*
 * The DR path's tail calls pass its arguments on in the same registers:
 * keep GCC from changing the callees' signatures (a constant or unused
 * argument dropped costs register moves on the hot path).
 */
#if defined(__GNUC__) && !defined(__clang__)
#define VUART_NOIPA __attribute__((noipa))
#else
#define VUART_NOIPA
#endif

enum reg_kind {
    REG_DR,  /* read pops the RX FIFO, write transmits */
    REG_ECR, /* RSR: reads 0; ECR: writes clear (nothing to clear) */
    REG_FR,  /* read-only, computed */
    REG_RW,  /* plain storage in regs[slot], bits outside mask read 0 */
    REG_RIS, /* read-only */
    REG_MIS, /* read-only */
    REG_ICR, /* write-only: clears latched interrupt bits */
};

struct reg_desc {
    uint16_t offset;
    uint8_t kind;
    uint8_t slot;
    uint32_t mask;
    uint32_t reset;
};

static const struct reg_desc reg_table[] = {
    {VUART_DR, REG_DR, 0, 0, 0},
    {VUART_RSR, REG_ECR, 0, 0, 0},
    {VUART_FR, REG_FR, 0, 0, 0},
    {VUART_ILPR, REG_RW, VUART_SLOT_ILPR, 0xFF, 0},
    {VUART_IBRD, REG_RW, VUART_SLOT_IBRD, 0xFFFF, 0},
    {VUART_FBRD, REG_RW, VUART_SLOT_FBRD, 0x3F, 0},
    {VUART_LCR_H, REG_RW, VUART_SLOT_LCR_H, 0xFF, 0},
    {VUART_CR, REG_RW, VUART_SLOT_CR, 0xFF87, 0x300},
    {VUART_IFLS, REG_RW, VUART_SLOT_IFLS, 0x3F, 0x12},
    {VUART_IMSC, REG_RW, VUART_SLOT_IMSC, 0x7FF, 0},
    {VUART_RIS, REG_RIS, 0, 0, 0},
    {VUART_MIS, REG_MIS, 0, 0, 0},
    {VUART_ICR, REG_ICR, 0, 0, 0},
    {VUART_DMACR, REG_RW, VUART_SLOT_DMACR, 0x7, 0},
};

/*
 * PrimeCell peripheral and cell IDs, as QEMU's PL011: periphid 0x00141011 (PL011
 * revision 1, which Linux's amba-pl011 matches as 0x00041011 under mask 0x000FFFFF,
 * and to which it attributes a 16-byte FIFO), cellid 0xB105F00D.
 */
static const uint8_t id_regs[8] = {0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

/* RX trigger level by IFLS.RXIFLSEL (bits 5:3): 1/8, 1/4, 1/2, 3/4, 7/8; reserved values as 7/8. */
static const uint8_t rx_trigger_table[8] = {4, 8, 16, 24, 28, 28, 28, 28};

static const struct reg_desc *find_reg(uint64_t offset)
{
    for (size_t i = 0; i < ARRAY_SIZE(reg_table); i++) {
        if (reg_table[i].offset == offset) {
            return &reg_table[i];
        }
    }
    return 0;
}

static void lock(struct vuart *u, uint64_t *flags)
{
    *flags = vuart_irq_save();
    spin_lock(&u->lock);
}

static void unlock(struct vuart *u, uint64_t flags)
{
    spin_unlock(&u->lock);
    vuart_irq_restore(flags);
}

/* --- RX FIFO and interrupt state (lock held) ------------------------------ */

static bool fifo_enabled(const struct vuart *u)
{
    return (u->regs[VUART_SLOT_LCR_H] & VUART_LCR_H_FEN) != 0;
}

/* With the FIFO disabled the PL011 has a one-byte holding register. */
static unsigned rx_depth(const struct vuart *u)
{
    return fifo_enabled(u) ? VUART_RX_FIFO_SIZE : 1;
}

static unsigned rx_trigger(const struct vuart *u)
{
    if (!fifo_enabled(u)) {
        return 1;
    }
    return rx_trigger_table[(u->regs[VUART_SLOT_IFLS] >> 3) & 7];
}

static uint32_t ris(const struct vuart *u)
{
    uint32_t r = u->ris_latched;
    if (u->rx_count >= rx_trigger(u)) {
        r |= VUART_INT_RX;
    }
    if (u->rx_count > 0) {
        r |= VUART_INT_RT;
    }
    return r;
}

static uint32_t mis(const struct vuart *u)
{
    return ris(u) & u->regs[VUART_SLOT_IMSC];
}

static uint32_t fr(const struct vuart *u)
{
    uint32_t f = VUART_FR_TXFE;
    if (u->rx_count == 0) {
        f |= VUART_FR_RXFE;
    }
    if (u->rx_count >= rx_depth(u)) {
        f |= VUART_FR_RXFF;
    }
    return f;
}

/* Reports the interrupt line to the hook if its level changed. */
static void update_irq(struct vuart *u)
{
    bool level = mis(u) != 0;
    if (level == u->irq_level) {
        return;
    }
    u->irq_level = level;
    if (u->irq_set) {
        u->irq_set(u->irq_ctx, level);
    }
}

/* Moves waiting bytes from the backlog into the FIFO while it has room. */
static void rx_refill(struct vuart *u)
{
    while (u->backlog_count > 0 && u->rx_count < rx_depth(u)) {
        u->rx_fifo[(u->rx_head + u->rx_count) % VUART_RX_FIFO_SIZE] =
            u->rx_backlog[u->backlog_head];
        u->rx_count++;
        u->backlog_head = (u->backlog_head + 1) % VUART_RX_BACKLOG;
        u->backlog_count--;
    }
}

static uint8_t rx_pop(struct vuart *u)
{
    if (u->rx_count == 0) {
        return 0;
    }
    uint8_t c = u->rx_fifo[u->rx_head];
    u->rx_head = (u->rx_head + 1) % VUART_RX_FIFO_SIZE;
    u->rx_count--;
    rx_refill(u);
    return c;
}

/* --- the idle timer and transmit: bytes to lines (lock held) -------------- */

/*
 * The idle timer (VUART_IDLE_SHOW_MS, vuart.h) is armed by input to this
 * console (vuart_rx_push, on the CPU that took the physical UART's
 * interrupt) and by a trapped blocking WFI (vuart_idle), not by the transmit
 * path: a VM's output alone never puts a timer interrupt on its CPU (a
 * dedicated CPU takes none). When it fires it looks whether the VM wrote
 * since (vuart_tx_bytes() moved): then it waits one more period; else it
 * shows the unfinished line (if this console has the focus) and is disarmed.
 * So the answer to a keystroke (its echo, a command's output and the next
 * prompt) shows once the VM has been quiet for one period, at most two
 * periods after its last byte, with no WFI trap and no timer per byte.
 */
static void idle_arm(struct vuart *u)
{
    u->idle_armed = true;
    u->idle_tx = vuart_tx_bytes(u);
    softtimer_arm(&u->idle_timer,
                  timer_now() + timer_ms_to_ticks(timer_freq(), VUART_IDLE_SHOW_MS));
}

/* The line as it is (even empty), and `extra` bytes written to DR besides (its newline). */
static void line_emit(struct vuart *u, unsigned extra)
{
    vconsole_emit_line(u, u->name, u->line, u->line_len);
    u->tx_done += u->line_len + extra;
    u->line_len = 0;
}

static void line_flush(struct vuart *u)
{
    if (u->line_len > 0) {
        line_emit(u, 0);
    }
}

/* What a transmitted byte shows as: control characters but TAB and ESC become '?'. */
static char printable(uint8_t c)
{
    if ((c < 0x20 && c != '\t' && c != ESC) || c == 0x7F) {
        return '?';
    }
    return (char)c;
}

/* A byte to the line: '\r' dropped, '\n' ends the line, a full one is printed as a piece. */
static void line_put(struct vuart *u, uint8_t c)
{
    if (c == '\r') {
        u->tx_done++;
    } else if (c == '\n') {
        line_emit(u, 1);
    } else {
        if (u->line_len == VUART_LINE_MAX) {
            line_emit(u, 0); /* c starts the next piece */
        }
        u->line[u->line_len++] = printable(c);
    }
}

/*
 * Every DR write but the plain case (vuart_write): the byte, then TX
 * latched (every DR write sets it, ICR alone clears it) and the line's level
 * asked again. Unlocks.
 */
/*
 * A DR write found the line empty: if it began a focused line and its vCPU
 * waits in its own WFI (VM_WFI_AUTO), that vCPU's next WFI traps once, so
 * that vuart_idle() shows the line if it is left unfinished (a prompt that
 * no input answers, such as a shell's first). Once per line, not per byte.
 */
static bool __attribute__((noinline)) line_begun(struct vuart *u, struct vcpu *vcpu)
{
    if (vcpu != 0 && __atomic_load_n(&u->focused, __ATOMIC_RELAXED)) {
        vcpu_trap_next_wfi(vcpu);
    }
    return true; /* vuart_write's answer: the write was taken */
}

/* vcpu: the writer (NULL from the host tests' plain writes). */
static bool __attribute__((noinline)) VUART_NOIPA transmit_unlock(struct vuart *u, uint8_t c,
                                                                  struct vcpu *vcpu)
{
    bool was_empty = u->line_len == 0;
    line_put(u, c);
    u->ris_latched |= VUART_INT_TX;
    update_irq(u);
    /*
     * TX latched: the next printable bytes only need storing (vuart_write's
     * plain case), but for an empty line, whose first byte comes here so
     * that line_begun() sees it.
     */
    u->tx_room = u->line_len == 0 ? 0 : VUART_LINE_MAX;
    bool begun = was_empty && u->line_len != 0;
    bool ended = !was_empty && u->line_len == 0;
    spin_unlock(&u->lock);
    if (ended && vcpu != 0 && __atomic_load_n(&u->focused, __ATOMIC_RELAXED)) {
        vcpu_wfi_native_again(vcpu); /* shown whole: its WFI need not trap */
    }
    return !begun || line_begun(u, vcpu);
}

/* --- registers (lock held) ----------------------------------------------- */

static void reset_locked(struct vuart *u)
{
    line_flush(u);
    u->tx_room = 0;
    u->idle_armed = false;
    for (size_t i = 0; i < ARRAY_SIZE(reg_table); i++) {
        if (reg_table[i].kind == REG_RW) {
            u->regs[reg_table[i].slot] = reg_table[i].reset;
        }
    }
    softtimer_cancel(&u->idle_timer);
    u->ris_latched = 0;
    u->rx_head = 0;
    u->rx_count = 0;
    u->backlog_head = 0;
    u->backlog_count = 0;
    update_irq(u);
}

/* The 32-bit register at offset (4-aligned); pop says whether a DR read consumes a byte. */
static uint32_t reg_read(struct vuart *u, uint64_t offset, bool pop)
{
    if (offset >= VUART_ID0 && offset < VUART_ID0 + 4 * sizeof(id_regs)) {
        return id_regs[(offset - VUART_ID0) / 4];
    }
    const struct reg_desc *r = find_reg(offset);
    if (!r) {
        return 0;
    }
    switch (r->kind) {
    case REG_DR: {
        if (!pop) {
            return 0; /* the error flags, never set */
        }
        uint32_t c = rx_pop(u);
        update_irq(u);
        return c;
    }
    case REG_FR:
        return fr(u);
    case REG_RW:
        return u->regs[r->slot];
    case REG_RIS:
        return ris(u);
    case REG_MIS:
        return mis(u);
    default: /* RSR (no errors are ever recorded), ICR */
        return 0;
    }
}

/* Writes the bits of value selected by lanes (both already shifted to the access's bytes). */
static void reg_write(struct vuart *u, uint64_t offset, uint32_t value, uint32_t lanes)
{
    const struct reg_desc *r = find_reg(offset);
    if (!r) {
        return;
    }
    switch (r->kind) {
    case REG_DR: /* not its byte lane (the data byte takes vuart_write's DR path) */
        return;
    case REG_RW:
        u->regs[r->slot] = ((u->regs[r->slot] & ~lanes) | (value & lanes)) & r->mask;
        rx_refill(u); /* enabling the FIFO (LCR_H.FEN) makes room */
        break;
    case REG_ICR:
        u->ris_latched &= ~(value & lanes);
        u->tx_room = 0; /* the next byte latches TX again */
        break;
    default: /* ECR, FR, RIS, MIS: nothing to do */
        return;
    }
    update_irq(u);
}

/* --- MMIO callbacks ------------------------------------------------------- */

/* 1, 2 and 4-byte naturally aligned accesses; the lanes they cover in the 32-bit register. */
static bool access_lanes(uint64_t offset, unsigned size, uint32_t *lanes, unsigned *shift)
{
    if ((size != 1 && size != 2 && size != 4) || (offset & (size - 1)) != 0 ||
        offset >= GUEST_UART_SIZE) {
        return false;
    }
    *shift = (unsigned)(offset & 3) * 8;
    *lanes = (uint32_t)(0xFFFFFFFFULL >> (32 - 8 * size)) << *shift;
    return true;
}

/* Every register read but FR's. */
static bool __attribute__((noinline)) VUART_NOIPA
reg_access_read(void *dev, struct vcpu *vcpu, uint64_t offset, unsigned size, uint64_t *value)
{
    (void)vcpu;
    struct vuart *u = dev;
    uint32_t lanes;
    unsigned shift;
    uint64_t flags;
    if (!access_lanes(offset, size, &lanes, &shift)) {
        return false;
    }
    lock(u, &flags);
    uint32_t v = reg_read(u, offset & ~3ULL, (lanes & 0xFF) != 0);
    unlock(u, flags);
    *value = (v & lanes) >> shift;
    return true;
}

static bool vuart_read(void *dev, struct vcpu *vcpu, uint64_t offset, unsigned size,
                       uint64_t *value)
{
    struct vuart *u = dev;
    if (offset != VUART_FR || (size != 2 && size != 4)) {
        return reg_access_read(dev, vcpu, offset, size, value);
    }
    /*
     * The flags, polled before every console character (Linux's putchar):
     * no register lookup, and the lock without masking IRQs, as for DR.
     */
    DEBUG_ASSERT(vuart_irqs_masked());
    spin_lock(&u->lock);
    uint32_t f = fr(u);
    spin_unlock(&u->lock);
    *value = f;
    return true;
}

/* Every register write but DR's data byte. */
static bool __attribute__((noinline)) VUART_NOIPA
reg_access_write(void *dev, struct vcpu *vcpu, uint64_t offset, unsigned size, uint64_t value)
{
    (void)vcpu;
    struct vuart *u = dev;
    uint32_t lanes;
    unsigned shift;
    uint64_t flags;
    if (!access_lanes(offset, size, &lanes, &shift)) {
        return false;
    }
    lock(u, &flags);
    reg_write(u, offset & ~3ULL, (uint32_t)(value << shift), lanes);
    unlock(u, flags);
    return true;
}

/* DR's data byte: an 8-, 16- or 32-bit access at offset 0 (size 1, 2 or 4: bits of 0x16). */
static inline bool dr_data(uint64_t offset, unsigned size)
{
    return offset == VUART_DR && ((0x16U >> (size & 31)) & 1) != 0;
}

static bool vuart_write(void *dev, struct vcpu *vcpu, uint64_t offset, unsigned size,
                        uint64_t value)
{
    struct vuart *u = dev;
    if (!dr_data(offset, size)) {
        return reg_access_write(dev, vcpu, offset, size, value);
    }
    /*
     * A console character, the hot case: no register lookup, and the lock
     * without masking IRQs (a trap handler's: see the top). A printable
     * byte into a begun line with room, with TX latched already (tx_room is then
     * VUART_LINE_MAX, else 0), changes nothing but the line: stored, done.
     * Anything else takes transmit_unlock.
     */
    DEBUG_ASSERT(vuart_irqs_masked());
    uint8_t c = (uint8_t)value;
    spin_lock(&u->lock);
    size_t len = u->line_len;
    if (len < u->tx_room && c - 0x20U < 0x5FU) { /* ' ' to '~': printable() keeps them */
        u->line[len] = (char)c;
        u->line_len = len + 1;
        spin_unlock(&u->lock);
        return true;
    }
    return transmit_unlock(u, c, vcpu);
}

const struct mmio_ops vuart_mmio_ops = {
    .read = vuart_read,
    .write = vuart_write,
    .lines_only = true, /* its only interrupt effect is its line (the irq hook) */
};

/* --- API ------------------------------------------------------------------ */

static void idle_fire(struct soft_timer *t, uint64_t now);

void vuart_init(struct vuart *u, const char *vm_name)
{
    memset(u, 0, sizeof(*u));
    size_t n = 0;
    while (vm_name && vm_name[n] && n < sizeof(u->name) - 1) {
        u->name[n] = vm_name[n];
        n++;
    }
    u->idle_timer.fn = idle_fire;
    reset_locked(u);
}

void vuart_reset(struct vuart *u)
{
    uint64_t flags;
    lock(u, &flags);
    reset_locked(u);
    unlock(u, flags);
}

void vuart_set_irq_hook(struct vuart *u, void (*irq_set)(void *ctx, bool level), void *ctx)
{
    uint64_t flags;
    lock(u, &flags);
    u->irq_set = irq_set;
    u->irq_ctx = ctx;
    u->irq_level = mis(u) != 0;
    if (irq_set) {
        irq_set(ctx, u->irq_level);
    }
    unlock(u, flags);
}

void vuart_rx_push(struct vuart *u, uint8_t c)
{
    uint64_t flags;
    lock(u, &flags);
    if (u->backlog_count == 0 && u->rx_count < rx_depth(u)) {
        u->rx_fifo[(u->rx_head + u->rx_count) % VUART_RX_FIFO_SIZE] = c;
        u->rx_count++;
        update_irq(u);
    } else if (u->backlog_count < VUART_RX_BACKLOG) {
        u->rx_backlog[(u->backlog_head + u->backlog_count) % VUART_RX_BACKLOG] = c;
        u->backlog_count++;
    } else {
        u->rx_dropped++;
    }
    if (!u->idle_armed) {
        idle_arm(u); /* its answer (an echo, a prompt) shows once the VM is quiet */
    }
    unlock(u, flags);
}

/*
 * The idle timer (see "transmit" above): the VM wrote since it was armed:
 * one more period; else the unfinished line shows, if this console has the
 * focus, and the timer stays disarmed until the next byte.
 */
static void idle_fire(struct soft_timer *t, uint64_t now)
{
    (void)now;
    struct vuart *u = list_entry(t, struct vuart, idle_timer);
    uint64_t flags;
    lock(u, &flags);
    if (!u->idle_armed) {
        /* cancelled meanwhile (reset, flush): nothing to show */
    } else if (vuart_tx_bytes(u) != u->idle_tx) {
        idle_arm(u); /* still writing: one more period */
    } else {
        if (u->line_len > 0 && __atomic_load_n(&u->focused, __ATOMIC_RELAXED)) {
            vconsole_show_partial(u, u->name, u->line, u->line_len);
        }
        u->idle_armed = false;
    }
    unlock(u, flags);
}

void vuart_idle(struct vuart *u)
{
    /* On every trapped blocking WFI: a racy look first, the lock only if there may be a line. */
    if (!__atomic_load_n(&u->focused, __ATOMIC_RELAXED) ||
        __atomic_load_n(&u->line_len, __ATOMIC_RELAXED) == 0) {
        return;
    }
    uint64_t flags;
    lock(u, &flags);
    if (u->line_len > 0 && !u->idle_armed) {
        idle_arm(u); /* shown again if other output ended it on the screen meanwhile */
    }
    unlock(u, flags);
}

void vuart_flush(struct vuart *u)
{
    uint64_t flags;
    lock(u, &flags);
    softtimer_cancel(&u->idle_timer);
    u->idle_armed = false;
    line_flush(u);
    unlock(u, flags);
}
