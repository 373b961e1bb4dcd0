/*
 * Host unit tests of the console multiplexer (vcpu/vconsole.c) with the
 * emulated PL011 behind it: the focus ring and escape keys, physical input,
 * whole lines and the focused VM's unfinished line. Kernel fakes and MMIO
 * helpers: vuart_fakes.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kernel/gic.h"
#include "unit.h"
#include "vcpu/vconsole.h"
#include "vcpu/vuart.h"
#include "vuart_fakes.h"

UNIT_STATE;

static unsigned stats_calls;

static void stats(void)
{
    stats_calls++;
}

static unsigned fifo_count(struct vuart *u)
{
    unsigned n = 0;
    while (!(rd32(u, VUART_FR) & VUART_FR_RXFE)) {
        rd32(u, VUART_DR);
        n++;
    }
    return n;
}

static void type(const char *s)
{
    while (*s) {
        vconsole_input((unsigned char)*s++);
    }
}

static void test_focus(void)
{
    struct vuart a, b, c;
    vuart_init(&a, "a");
    vuart_init(&b, "b");
    vuart_init(&c, "c");
    enable_fifo(&a);
    enable_fifo(&b);
    enable_fifo(&c);
    /* No VM console: input is dropped, Ctrl-\ says so. */
    EXPECT(vconsole_focus() == NULL);
    type("lost");
    type("\x1c");
    EXPECT_STREQ(take(), "shrike: input focus: none (no VM console)\n");
    EXPECT(vconsole_register(&a));
    EXPECT(vconsole_register(&b));
    EXPECT(vconsole_register(&c));
    EXPECT(!vconsole_register(&b)); /* already there */
    EXPECT(vconsole_focus() == &a); /* the first one registered */
    type("xy");
    EXPECT_EQ(rd32(&a, VUART_DR), 'x');
    EXPECT_EQ(rd32(&a, VUART_DR), 'y');
    EXPECT_EQ(fifo_count(&b) + fifo_count(&c), 0);
    type("\x1c"
         "b1");
    EXPECT_STREQ(take(), "shrike: input focus: b\n");
    EXPECT(vconsole_focus() == &b);
    EXPECT_EQ(rd32(&b, VUART_DR), 'b');
    EXPECT_EQ(rd32(&b, VUART_DR), '1');
    EXPECT_EQ(fifo_count(&a) + fifo_count(&c), 0);
    type("\x1c\x1c");
    EXPECT_STREQ(take(), "shrike: input focus: c\nshrike: input focus: a\n");
    type("\x1c\x1c\x1c"); /* all the way round */
    EXPECT_STREQ(take(), "shrike: input focus: b\nshrike: input focus: c\n"
                         "shrike: input focus: a\n");
    /* Every other byte goes through, controls included (Ctrl-C, ESC, DEL). */
    type("\x03\x1b\x7f\r");
    EXPECT_EQ(fifo_count(&a), 4);
    /* Ctrl-T: the statistics hook, or a line saying there is none. */
    type("\x14");
    EXPECT_STREQ(take(), "shrike: no statistics yet\n");
    vconsole_set_stats_hook(stats);
    type("\x14");
    EXPECT_EQ(stats_calls, 1);
    EXPECT_STREQ(take(), "");
    EXPECT_EQ(fifo_count(&a), 0);
    vconsole_set_stats_hook(NULL);
    /* Unregistering the focused VM moves the focus to the next one. */
    type("\x1c"); /* b */
    take();
    vconsole_unregister(&b);
    EXPECT(vconsole_focus() == &c);
    type("q");
    EXPECT_EQ(fifo_count(&c), 1);
    EXPECT_EQ(fifo_count(&b), 0);
    vconsole_unregister(&a); /* before the focus: focus stays on c */
    EXPECT(vconsole_focus() == &c);
    type("\x1c");
    EXPECT_STREQ(take(), "shrike: input focus: c\n");
    vconsole_unregister(&a); /* not there: no effect */
    vconsole_unregister(&c);
    EXPECT(vconsole_focus() == NULL);
    type("z");
    EXPECT_EQ(fifo_count(&c), 0);
    /* At most VCONSOLE_MAX_VMS. */
    static struct vuart many[VCONSOLE_MAX_VMS + 1];
    for (unsigned i = 0; i < VCONSOLE_MAX_VMS; i++) {
        vuart_init(&many[i], "m");
        EXPECT(vconsole_register(&many[i]));
    }
    vuart_init(&many[VCONSOLE_MAX_VMS], "m");
    EXPECT(!vconsole_register(&many[VCONSOLE_MAX_VMS]));
    for (unsigned i = 0; i < VCONSOLE_MAX_VMS; i++) {
        vconsole_unregister(&many[i]);
    }
    EXPECT(vconsole_focus() == NULL);
}

static void test_physical_input(void)
{
    struct vuart a, b;
    vuart_init(&a, "a");
    vuart_init(&b, "b");
    enable_fifo(&a);
    enable_fifo(&b);
    EXPECT(vconsole_register(&a));
    EXPECT(vconsole_register(&b));
    EXPECT(vconsole_start_input(33));
    EXPECT_EQ(fake_intid, 33);
    EXPECT_EQ(gic_enabled_intid, 33);
    EXPECT_EQ(gic_enabled_prio, GIC_PRIO_DEFAULT);
    EXPECT(rx_irq_enabled);
    EXPECT(!vconsole_start_input(33)); /* already claimed */
    /* The handler drains the UART into vconsole_input(). */
    fake_input = "hi\x1cyo";
    EXPECT(fake_handler != NULL);
    if (fake_handler) {
        fake_handler(fake_intid, fake_handler_ctx);
    }
    EXPECT_EQ(*fake_input, '\0');
    EXPECT_STREQ(take(), "shrike: input focus: b\n");
    EXPECT_EQ(rd32(&a, VUART_DR), 'h');
    EXPECT_EQ(rd32(&a, VUART_DR), 'i');
    EXPECT_EQ(fifo_count(&a), 0);
    EXPECT_EQ(rd32(&b, VUART_DR), 'y');
    EXPECT_EQ(rd32(&b, VUART_DR), 'o');
    vconsole_unregister(&a);
    vconsole_unregister(&b);
}

static void test_emit_line(void)
{
    int who;
    vconsole_emit_line(&who, "vm7", "some text", 4);
    vconsole_emit_line(&who, "vm7", "", 0);
    EXPECT_STREQ(take(), "[vm7] some\n[vm7]\n");
}

/* Time passes with the VM quiet: the idle timer fires until it is disarmed (at most 10 times). */
static unsigned settle(struct vuart *u)
{
    unsigned n = 0;
    while (n < 10 && fire(&u->idle_timer)) {
        n++;
    }
    return n;
}

/* The focused VM's unfinished line (a prompt) shows once it idles, and is completed in place. */
static void test_partial_lines(void)
{
    struct vuart a, b;
    vuart_init(&a, "a");
    vuart_init(&b, "b");
    EXPECT(vconsole_register(&a));
    EXPECT(vconsole_register(&b)); /* a has the focus */
    send(&a, "/ # ");
    EXPECT_STREQ(take(), "");
    vuart_idle(&a); /* armed for VUART_IDLE_SHOW_MS from now */
    EXPECT_STREQ(take(), "");
    EXPECT_EQ(a.idle_timer.deadline, fake_now + 62500000 / 1000 * VUART_IDLE_SHOW_MS);
    EXPECT(fire(&a.idle_timer));
    EXPECT_STREQ(take(), "[a] / # ");
    vuart_idle(&a);
    EXPECT(fire(&a.idle_timer)); /* nothing new */
    EXPECT_STREQ(take(), "");
    send(&a, "ls");
    vuart_idle(&a);
    EXPECT(fire(&a.idle_timer));
    EXPECT_STREQ(take(), "ls");
    /* A line still being written when the timer fires is not shown: it will end soon. */
    send(&a, " -l");
    vuart_idle(&a);
    send(&a, "a");
    EXPECT(fire(&a.idle_timer)); /* "a" came since: one more period */
    EXPECT_STREQ(take(), "");
    send(&a, "\b");
    EXPECT(fire(&a.idle_timer)); /* and again */
    EXPECT_STREQ(take(), "");
    send(&a, "\n");
    EXPECT_STREQ(take(), " -la?\n"); /* completed in place, the shown part not printed again */
    EXPECT_EQ(settle(&a), 2);        /* the newline came since; then quiet, nothing to show */
    EXPECT_STREQ(take(), "");
    /* Another VM's line ends the unfinished one; the whole line follows when complete. */
    send(&a, "/ # ");
    vuart_idle(&a);
    settle(&a);
    send(&b, "hello\n");
    send(&a, "x");
    vuart_idle(&a);
    settle(&a);
    send(&a, "y\n");
    EXPECT_STREQ(take(), "[a] / # \n[b] hello\n[a] / # xy\n"); /* re-shown whole, then completed */
    /* So does shrike's own output, e.g. a focus change. */
    send(&a, "$ ");
    vuart_idle(&a);
    settle(&a);
    type("\x1c");
    EXPECT_STREQ(take(), "[a] $ \nshrike: input focus: b\n");
    /* Without the focus, a VM's unfinished line waits for its newline. */
    vuart_idle(&a);
    EXPECT(!fire(&a.idle_timer));
    send(&b, "b$ ");
    vuart_idle(&b);
    settle(&b);
    EXPECT_STREQ(take(), "[b] b$ ");
    /* A flush (reset, power-off) completes the shown line. */
    vuart_reset(&b);
    EXPECT_STREQ(take(), "\n");
    send(&a, "\n");
    EXPECT_STREQ(take(), "[a] $ \n");
    /* An empty line shows nothing (and arms nothing). */
    vuart_idle(&b);
    EXPECT(!fire(&b.idle_timer));
    EXPECT_STREQ(take(), "");
    vconsole_unregister(&a);
    vconsole_unregister(&b);
    EXPECT(!a.focused && !b.focused);
}

int main(void)
{
    test_focus();
    test_physical_input();
    test_emit_line();
    test_partial_lines();
    /* Every byte of output was written under the console lock, and the lock was balanced. */
    EXPECT_EQ(unlocked_writes, 0);
    EXPECT_EQ(console_depth, 0);
    return unit_report("vconsole");
}
