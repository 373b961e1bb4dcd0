/*
 * The physical console shared by the VMs. Output: each VM's lines are
 * printed whole as "[NAME] text", never mixed with another VM's or shrike's
 * own lines. Input: bytes typed on the physical UART go to the VM that has
 * the input focus; Ctrl-\ moves the focus to the next VM, Ctrl-T prints
 * statistics. The model is described in docs/console.md.
 */
#ifndef SHRIKE_VCPU_VCONSOLE_H
#define SHRIKE_VCPU_VCONSOLE_H

#include <stdbool.h>
#include <stddef.h>

struct vuart;

#define VCONSOLE_MAX_VMS   16
#define VCONSOLE_KEY_NEXT  0x1C /* Ctrl-\: focus the next VM */
#define VCONSOLE_KEY_STAT  0x14 /* Ctrl-T: statistics */
#define VCONSOLE_KEY_TRACE 0x19 /* Ctrl-Y: scheduling trace */

/*
 * Prints "[name] text\n" atomically (just "[name]\n" when len is 0) for the
 * VM console who. If the screen ends with who's unfinished line (shown by
 * vconsole_show_partial() and not interrupted since), only the rest of the
 * text is written, completing it; otherwise the whole line.
 */
void vconsole_emit_line(const void *who, const char *name, const char *text, size_t len);

/*
 * Shows the unfinished line text (len > 0) of the VM console who, which has
 * the focus and waits for input (a shell prompt, typed characters echoed):
 * "[name] text" without a newline, or just what was added since the last call
 * if nothing else was printed in between. Any other output ends it with a
 * newline first, and the line is then printed whole when it is complete.
 */
void vconsole_show_partial(const void *who, const char *name, const char *text, size_t len);

/*
 * Adds a VM console to the focus ring; the first one registered gets the
 * focus. False if the ring is full or u is already in it.
 */
bool vconsole_register(struct vuart *u);

/*
 * Removes u from the ring (the focus, if it was u's, moves to the next VM).
 * Once this returns, no more input is pushed to u.
 */
void vconsole_unregister(struct vuart *u);

/* The VM console with the focus, or NULL (for statistics; may change at once). */
struct vuart *vconsole_focus(void);

/* One byte typed on the physical console: an escape key, or input for the focused VM. */
void vconsole_input(int c);

/* What Ctrl-T runs (in the physical UART's interrupt handler); NULL for none. */
void vconsole_set_stats_hook(void (*fn)(void));

/* What Ctrl-Y runs (the scheduling trace dump); without one, Ctrl-Y is typed to the VM. */
void vconsole_set_trace_hook(void (*fn)(void));

/*
 * Hardware part: claims the physical UART's interrupt (INTID uart_intid, an
 * SPI, routed to the calling CPU), turns on its receive interrupts and feeds
 * what arrives to vconsole_input(). False if the INTID is already claimed.
 */
bool vconsole_start_input(unsigned uart_intid);

#endif
