/*
 * The console multiplexer (see vconsole.h and docs/console.md): VM lines out
 * through the shared console, typed bytes in to the VM with the focus.
 *
 * Locking. The ring lock (IRQs masked) protects the focus ring; it is held
 * while input is pushed to the focused vuart, so that vconsole_unregister()
 * waits for a push in flight. Lock order: ring -> vuart -> console. The
 * statistics hook runs with no lock held.
 *
 * The last section is the hardware part (physical UART interrupt); host unit
 * tests provide fakes for the four kernel functions it calls.
 */
#include "vcpu/vconsole.h"

#include "kernel/console.h"
#include "kernel/gic.h"
#include "kernel/irq.h"
#include "kernel/spinlock.h"
#include "vcpu/vuart.h"

static struct {
    spinlock_t lock;
    struct vuart *ring[VCONSOLE_MAX_VMS];
    unsigned count;
    unsigned focus;      /* index in ring; meaningful when count > 0 */
    void (*stats)(void); /* accessed atomically */
    void (*trace)(void); /* accessed atomically */
    size_t open_shown;   /* console lock: bytes shown of the unfinished line on the screen */
} vcon;

/* --- output --------------------------------------------------------------- */

void vconsole_emit_line(const void *who, const char *name, const char *text, size_t len)
{
    size_t shown = 0;
    if (console_lock_as(who)) {
        shown = vcon.open_shown <= len ? vcon.open_shown : len; /* continue the shown part */
    } else {
        kprintf_locked("[%s]%s", name, len > 0 ? " " : "");
    }
    console_write_locked(text + shown, len - shown);
    console_write_locked("\n", 1);
    console_unlock();
}

void vconsole_show_partial(const void *who, const char *name, const char *text, size_t len)
{
    size_t shown = 0;
    if (console_lock_as(who)) {
        shown = vcon.open_shown <= len ? vcon.open_shown : len;
    } else {
        kprintf_locked("[%s] ", name);
    }
    console_write_locked(text + shown, len - shown);
    vcon.open_shown = len;
    console_keep_open_locked(who);
    console_unlock();
}

/* --- focus ring ----------------------------------------------------------- */

static uint64_t ring_lock(void)
{
    uint64_t flags = vuart_irq_save();
    spin_lock(&vcon.lock);
    return flags;
}

static void ring_unlock(uint64_t flags)
{
    spin_unlock(&vcon.lock);
    vuart_irq_restore(flags);
}

/* Index of u in the ring, or count if absent (ring lock held). */
static unsigned ring_find(const struct vuart *u)
{
    unsigned i = 0;
    while (i < vcon.count && vcon.ring[i] != u) {
        i++;
    }
    return i;
}

/* Tells each VM console whether it has the focus (ring lock held). */
static void mark_focus(void)
{
    for (unsigned i = 0; i < vcon.count; i++) {
        __atomic_store_n(&vcon.ring[i]->focused, i == vcon.focus, __ATOMIC_RELAXED);
    }
}

bool vconsole_register(struct vuart *u)
{
    uint64_t flags = ring_lock();
    bool ok = vcon.count < VCONSOLE_MAX_VMS && ring_find(u) == vcon.count;
    if (ok) {
        vcon.ring[vcon.count++] = u;
        mark_focus();
    }
    ring_unlock(flags);
    return ok;
}

void vconsole_unregister(struct vuart *u)
{
    uint64_t flags = ring_lock();
    unsigned i = ring_find(u);
    if (i < vcon.count) {
        for (unsigned j = i; j + 1 < vcon.count; j++) {
            vcon.ring[j] = vcon.ring[j + 1];
        }
        vcon.count--;
        /* Entries after i moved down one: keep the focus on the same VM, or on u's successor. */
        if (vcon.focus > i) {
            vcon.focus--;
        }
        if (vcon.focus >= vcon.count) {
            vcon.focus = 0;
        }
        __atomic_store_n(&u->focused, false, __ATOMIC_RELAXED);
        mark_focus();
    }
    ring_unlock(flags);
}

struct vuart *vconsole_focus(void)
{
    uint64_t flags = ring_lock();
    struct vuart *u = vcon.count > 0 ? vcon.ring[vcon.focus] : 0;
    ring_unlock(flags);
    return u;
}

/* --- input ---------------------------------------------------------------- */

/* One line of shrike's own, atomically. */
static void shrike_line(const char *what, const char *name)
{
    console_lock();
    kprintf_locked("shrike: %s%s\n", what, name);
    console_unlock();
}

static void focus_next(void)
{
    uint64_t flags = ring_lock();
    if (vcon.count == 0) {
        shrike_line("input focus: none (no VM console)", "");
    } else {
        vcon.focus = (vcon.focus + 1) % vcon.count;
        mark_focus();
        shrike_line("input focus: ", vcon.ring[vcon.focus]->name);
    }
    ring_unlock(flags);
}

static void show_stats(void)
{
    void (*fn)(void) = __atomic_load_n(&vcon.stats, __ATOMIC_ACQUIRE);
    if (fn) {
        fn();
    } else {
        shrike_line("no statistics yet", "");
    }
}

/* Typed bytes with no VM console to take them are dropped. */
static void to_focus(uint8_t c)
{
    uint64_t flags = ring_lock();
    if (vcon.count > 0) {
        vuart_rx_push(vcon.ring[vcon.focus], c);
    }
    ring_unlock(flags);
}

static void show_trace(int c)
{
    void (*fn)(void) = __atomic_load_n(&vcon.trace, __ATOMIC_ACQUIRE);
    if (fn) {
        fn();
    } else {
        to_focus((uint8_t)c);
    }
}

void vconsole_input(int c)
{
    switch (c) {
    case VCONSOLE_KEY_NEXT:
        focus_next();
        break;
    case VCONSOLE_KEY_STAT:
        show_stats();
        break;
    case VCONSOLE_KEY_TRACE:
        show_trace(c);
        break;
    default:
        to_focus((uint8_t)c);
        break;
    }
}

void vconsole_set_stats_hook(void (*fn)(void))
{
    __atomic_store_n(&vcon.stats, fn, __ATOMIC_RELEASE);
}

void vconsole_set_trace_hook(void (*fn)(void))
{
    __atomic_store_n(&vcon.trace, fn, __ATOMIC_RELEASE);
}

/* --- hardware: the physical UART's receive interrupt ----------------------- */

static void uart_rx_irq(unsigned intid, void *ctx)
{
    (void)intid;
    (void)ctx;
    int c;
    while ((c = console_getc()) >= 0) {
        vconsole_input(c);
    }
}

bool vconsole_start_input(unsigned uart_intid)
{
    if (!irq_register(uart_intid, uart_rx_irq, 0)) {
        return false;
    }
    gic_enable_irq(uart_intid, GIC_PRIO_DEFAULT);
    console_enable_rx_irq();
    /*
     * Bytes typed before input was on are waiting in the UART: take them now
     * (an interrupt arriving meanwhile pops the later ones, in order).
     */
    uart_rx_irq(uart_intid, 0);
    return true;
}
