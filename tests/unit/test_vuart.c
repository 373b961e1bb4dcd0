/*
 * Host unit tests of the emulated PL011 (vcpu/vuart.c): registers, receive
 * FIFO and backlog, transmit lines, interrupts. The kernel fakes and MMIO
 * helpers are in vuart_fakes.c; the console multiplexer's tests are in
 * test_vconsole.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "vcpu/vconsole.h"
#include "vcpu/vuart.h"
#include "vuart_fakes.h"

UNIT_STATE;

struct hook_log {
    unsigned calls;
    unsigned highs;
    bool level;
};

static void hook(void *ctx, bool level)
{
    struct hook_log *h = ctx;
    h->calls++;
    h->highs += level;
    h->level = level;
}

/* --- registers --------------------------------------------------------- */

static void test_reset_values(void)
{
    struct vuart u;
    vuart_init(&u, "vm");
    EXPECT_EQ(rd32(&u, VUART_DR), 0);
    EXPECT_EQ(rd32(&u, VUART_RSR), 0);
    EXPECT_EQ(rd32(&u, VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
    EXPECT_EQ(rd32(&u, VUART_ILPR), 0);
    EXPECT_EQ(rd32(&u, VUART_IBRD), 0);
    EXPECT_EQ(rd32(&u, VUART_FBRD), 0);
    EXPECT_EQ(rd32(&u, VUART_LCR_H), 0);
    EXPECT_EQ(rd32(&u, VUART_CR), 0x300);
    EXPECT_EQ(rd32(&u, VUART_IFLS), 0x12);
    EXPECT_EQ(rd32(&u, VUART_IMSC), 0);
    EXPECT_EQ(rd32(&u, VUART_RIS), 0);
    EXPECT_EQ(rd32(&u, VUART_MIS), 0);
    EXPECT_EQ(rd32(&u, VUART_ICR), 0);
    EXPECT_EQ(rd32(&u, VUART_DMACR), 0);
    /* Unimplemented offsets read 0 and ignore writes. */
    static const uint64_t holes[] = {0x008, 0x00C, 0x014, 0x01C, 0x04C, 0x080, 0x800, 0xFDC};
    for (size_t i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
        wr32(&u, holes[i], 0xFFFFFFFF);
        EXPECT_EQ(rd32(&u, holes[i]), 0);
    }
    EXPECT_STREQ(take(), "");
}

static void test_id_registers(void)
{
    static const uint32_t ids[8] = {0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1};
    struct vuart u;
    vuart_init(&u, "vm");
    uint32_t periphid = 0, cellid = 0;
    for (unsigned i = 0; i < 8; i++) {
        EXPECT_EQ(rd32(&u, VUART_ID0 + 4 * i), ids[i]);
        wr32(&u, VUART_ID0 + 4 * i, 0); /* read-only */
        EXPECT_EQ(rd32(&u, VUART_ID0 + 4 * i), ids[i]);
        if (i < 4) {
            periphid |= rd32(&u, VUART_ID0 + 4 * i) << (8 * i);
        } else {
            cellid |= rd32(&u, VUART_ID0 + 4 * i) << (8 * (i - 4));
        }
    }
    EXPECT_EQ(periphid, 0x00141011);              /* revision 1 */
    EXPECT_EQ(periphid & 0x000FFFFF, 0x00041011); /* Linux's amba-pl011 id and mask */
    EXPECT_EQ(cellid, 0xB105F00D);                /* the PrimeCell cell ID */
}

static void test_register_masks(void)
{
    static const struct {
        uint64_t off;
        uint32_t mask;
    } rw[] = {
        {VUART_ILPR, 0xFF}, {VUART_IBRD, 0xFFFF}, {VUART_FBRD, 0x3F},  {VUART_LCR_H, 0xFF},
        {VUART_CR, 0xFF87}, {VUART_IFLS, 0x3F},   {VUART_IMSC, 0x7FF}, {VUART_DMACR, 0x7},
    };
    struct vuart u;
    vuart_init(&u, "vm");
    for (size_t i = 0; i < sizeof(rw) / sizeof(rw[0]); i++) {
        wr32(&u, rw[i].off, 0xFFFFFFFF);
        EXPECT_EQ(rd32(&u, rw[i].off), rw[i].mask);
        wr32(&u, rw[i].off, 0);
        EXPECT_EQ(rd32(&u, rw[i].off), 0);
    }
    /* Read-only registers ignore writes. */
    wr32(&u, VUART_FR, 0);
    EXPECT_EQ(rd32(&u, VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
    wr32(&u, VUART_RIS, 0x7FF);
    wr32(&u, VUART_MIS, 0x7FF);
    EXPECT_EQ(rd32(&u, VUART_RIS), 0);
    EXPECT_EQ(rd32(&u, VUART_MIS), 0);
    wr32(&u, VUART_RSR, 0xF); /* ECR */
    EXPECT_EQ(rd32(&u, VUART_RSR), 0);
    /* Reset restores them all. */
    wr32(&u, VUART_CR, 0x301);
    wr32(&u, VUART_IBRD, 13);
    wr32(&u, VUART_IFLS, 0);
    vuart_reset(&u);
    EXPECT_EQ(rd32(&u, VUART_CR), 0x300);
    EXPECT_EQ(rd32(&u, VUART_IBRD), 0);
    EXPECT_EQ(rd32(&u, VUART_IFLS), 0x12);
}

static void test_access_sizes(void)
{
    struct vuart u;
    vuart_init(&u, "vm");
    uint64_t v;
    /* 16-bit, as Linux does. */
    wr(&u, VUART_IBRD, 2, 0x1234);
    EXPECT_EQ(rd(&u, VUART_IBRD, 2), 0x1234);
    EXPECT_EQ(rd32(&u, VUART_IBRD), 0x1234);
    EXPECT_EQ(rd(&u, VUART_CR, 2), 0x300);
    EXPECT_EQ(rd(&u, VUART_CR + 2, 2), 0); /* upper half */
    wr(&u, VUART_CR + 2, 2, 0xFFFF);
    EXPECT_EQ(rd32(&u, VUART_CR), 0x300);
    EXPECT_EQ(rd(&u, VUART_ID0, 2), 0x11);
    /* 8-bit: each byte lane of a register. */
    EXPECT_EQ(rd(&u, VUART_CR + 1, 1), 0x03);
    EXPECT_EQ(rd(&u, VUART_CR, 1), 0x00);
    wr(&u, VUART_CR, 1, 0x01);
    EXPECT_EQ(rd32(&u, VUART_CR), 0x301);
    wr(&u, VUART_IBRD + 1, 1, 0xAB);
    EXPECT_EQ(rd32(&u, VUART_IBRD), 0xAB34);
    EXPECT_EQ(rd(&u, VUART_FR, 1), VUART_FR_TXFE | VUART_FR_RXFE);
    /* DR: 8- and 16-bit transmit and receive; a read of DR's upper byte pops nothing. */
    wr(&u, VUART_DR, 1, 'h');
    wr(&u, VUART_DR, 2, 'i');
    wr(&u, VUART_DR + 1, 1, 'X'); /* not the data byte: ignored */
    wr(&u, VUART_DR, 1, '\n');
    EXPECT_STREQ(take(), "[vm] hi\n");
    enable_fifo(&u);
    vuart_rx_push(&u, 'a');
    vuart_rx_push(&u, 'b');
    EXPECT_EQ(rd(&u, VUART_DR + 1, 1), 0);
    EXPECT_EQ(rd(&u, VUART_DR, 2), 'a');
    EXPECT_EQ(rd(&u, VUART_DR, 1), 'b');
    EXPECT_EQ(rd(&u, VUART_DR, 1), 0);
    /* 8-byte, unaligned and odd sizes are refused. */
    EXPECT(!vuart_mmio_ops.read(&u, NULL, VUART_DR, 8, &v));
    EXPECT(!vuart_mmio_ops.write(&u, NULL, VUART_DR, 8, 'z'));
    EXPECT(!vuart_mmio_ops.read(&u, NULL, VUART_IBRD + 1, 2, &v));
    EXPECT(!vuart_mmio_ops.write(&u, NULL, VUART_IBRD + 1, 2, 0));
    EXPECT(!vuart_mmio_ops.read(&u, NULL, VUART_CR + 2, 4, &v));
    EXPECT(!vuart_mmio_ops.write(&u, NULL, VUART_DR + 2, 4, 'z'));
    EXPECT(!vuart_mmio_ops.read(&u, NULL, VUART_DR, 3, &v));
    EXPECT(!vuart_mmio_ops.read(&u, NULL, VUART_DR, 0, &v));
    EXPECT(!vuart_mmio_ops.read(&u, NULL, 0x1000, 4, &v));
    EXPECT_EQ(rd32(&u, VUART_IBRD), 0xAB34);
    EXPECT_EQ(vuart_tx_bytes(&u), 3);
    EXPECT_STREQ(take(), "");
}

/* --- receive ------------------------------------------------------------ */

static void test_rx_fifo(void)
{
    struct vuart u;
    vuart_init(&u, "vm");
    enable_fifo(&u);
    EXPECT_EQ(rd32(&u, VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
    vuart_rx_push(&u, 0);
    EXPECT_EQ(rd32(&u, VUART_FR), VUART_FR_TXFE);
    push(&u, VUART_RX_FIFO_SIZE - 2, 1);
    EXPECT_EQ(rd32(&u, VUART_FR), VUART_FR_TXFE);
    vuart_rx_push(&u, VUART_RX_FIFO_SIZE - 1);
    EXPECT_EQ(rd32(&u, VUART_FR), VUART_FR_TXFE | VUART_FR_RXFF);
    push(&u, 3, 0xF0); /* do not fit: they wait in the backlog */
    EXPECT_EQ(u.rx_dropped, 0);
    EXPECT_EQ(u.backlog_count, 3);
    /* each read makes room for one waiting byte: the FIFO stays full until the backlog is empty */
    for (unsigned i = 0; i < 3; i++) {
        EXPECT_EQ(rd32(&u, VUART_DR), i);
        EXPECT_EQ(rd32(&u, VUART_FR) & VUART_FR_RXFF, VUART_FR_RXFF);
    }
    for (unsigned i = 3; i < VUART_RX_FIFO_SIZE; i++) {
        EXPECT_EQ(rd32(&u, VUART_DR), i);
        EXPECT_EQ(rd32(&u, VUART_FR) & VUART_FR_RXFF, 0);
    }
    for (unsigned i = 0; i < 3; i++) {
        EXPECT_EQ(rd32(&u, VUART_DR), 0xF0 + i);
    }
    EXPECT_EQ(rd32(&u, VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
    EXPECT_EQ(rd32(&u, VUART_DR), 0);
    /* The ring wraps around. */
    for (unsigned round = 0; round < 3; round++) {
        push(&u, 20, (uint8_t)(round * 20));
        for (unsigned i = 0; i < 20; i++) {
            EXPECT_EQ(rd32(&u, VUART_DR), round * 20 + i);
        }
    }
    /* FIFO disabled (LCR_H reset value): a one-byte holding register. */
    wr32(&u, VUART_LCR_H, 0x60);
    vuart_rx_push(&u, 'x');
    EXPECT_EQ(rd32(&u, VUART_FR), VUART_FR_TXFE | VUART_FR_RXFF);
    vuart_rx_push(&u, 'y');
    vuart_rx_push(&u, 'z');
    EXPECT_EQ(u.rx_dropped, 0);
    EXPECT_EQ(rd32(&u, VUART_DR), 'x');
    EXPECT_EQ(rd32(&u, VUART_FR), VUART_FR_TXFE | VUART_FR_RXFF); /* 'y' moved up */
    /* enabling the FIFO takes in everything waiting, in order */
    vuart_rx_push(&u, '!');
    enable_fifo(&u);
    EXPECT_EQ(u.backlog_count, 0);
    EXPECT_EQ(rd32(&u, VUART_DR), 'y');
    EXPECT_EQ(rd32(&u, VUART_DR), 'z');
    EXPECT_EQ(rd32(&u, VUART_DR), '!');
    EXPECT_EQ(rd32(&u, VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
    /* A full backlog drops (and counts) what does not fit; the rest comes out in order. */
    for (unsigned i = 0; i < VUART_RX_FIFO_SIZE + VUART_RX_BACKLOG + 5; i++) {
        vuart_rx_push(&u, (uint8_t)i);
    }
    EXPECT_EQ(u.rx_dropped, 5);
    unsigned out_of_order = 0;
    for (unsigned i = 0; i < VUART_RX_FIFO_SIZE + VUART_RX_BACKLOG; i++) {
        out_of_order += rd32(&u, VUART_DR) != (uint8_t)i;
    }
    EXPECT_EQ(out_of_order, 0);
    EXPECT_EQ(rd32(&u, VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
    /* Reset empties the FIFO and the backlog but keeps the statistics. */
    push(&u, VUART_RX_FIFO_SIZE + 5, 'a');
    vuart_reset(&u);
    EXPECT_EQ(rd32(&u, VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
    EXPECT_EQ(u.backlog_count, 0);
    enable_fifo(&u);
    EXPECT_EQ(rd32(&u, VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
    EXPECT_EQ(u.rx_dropped, 5);
}

/* --- transmit ------------------------------------------------------------ */

static void test_tx_lines(void)
{
    struct vuart a, b;
    vuart_init(&a, "alpha");
    vuart_init(&b, "b");
    send(&a, "hello, world\r\n");
    EXPECT_STREQ(take(), "[alpha] hello, world\n");
    send(&a, "\n");
    EXPECT_STREQ(take(), "[alpha]\n");
    send(&a, "no newline yet");
    EXPECT_STREQ(take(), "");
    send(&a, "\r\r\n");
    EXPECT_STREQ(take(), "[alpha] no newline yet\n");
    /* Two VMs writing byte by byte, interleaved: whole lines, in newline order. */
    const char *sa = "first line of a\nsecond of a\n";
    const char *sb = "b says hi\nand bye\n";
    while (*sa || *sb) {
        if (*sa) {
            wr32(&a, VUART_DR, (uint8_t)*sa++);
        }
        if (*sb) {
            wr32(&b, VUART_DR, (uint8_t)*sb++);
        }
    }
    EXPECT_STREQ(take(), "[b] b says hi\n[alpha] first line of a\n[b] and bye\n"
                         "[alpha] second of a\n");
    /* Control characters but TAB and ESC show as '?'; bytes >= 0x80 (UTF-8) pass. */
    send(&a, "a\x01"
             "b\tc\x1b[31mred\x1b[0m\x7f\x08\x07\xc3\xa9\n");
    EXPECT_STREQ(take(), "[alpha] a?b\tc\x1b[31mred\x1b[0m???\xc3\xa9\n");
    /* A 32-bit write transmits its low byte only. */
    wr32(&a, VUART_DR, 0xFFFFFF00 | 'z');
    send(&a, "\n");
    EXPECT_STREQ(take(), "[alpha] z\n");
    /* Long names are truncated to VM_NAME_MAX - 1. */
    struct vuart c;
    vuart_init(&c, "a-very-long-vm-name-indeed");
    send(&c, "x\n");
    EXPECT_STREQ(take(), "[a-very-long-vm-] x\n");
}

static void test_tx_long_lines(void)
{
    struct vuart u;
    vuart_init(&u, "vm");
    char text[3 * VUART_LINE_MAX + 41];
    for (size_t i = 0; i < sizeof(text) - 1; i++) {
        text[i] = (char)('!' + i % 90);
    }
    text[sizeof(text) - 1] = '\0';
    send(&u, text);
    send(&u, "\n");
    /* Pieces of VUART_LINE_MAX bytes, each a line of its own, nothing lost. */
    const char *o = take();
    char joined[sizeof(text)];
    size_t jl = 0;
    unsigned lines = 0;
    while (*o) {
        EXPECT(strncmp(o, "[vm] ", 5) == 0);
        o += 5;
        const char *nl = strchr(o, '\n');
        EXPECT(nl != NULL);
        if (!nl) {
            break;
        }
        size_t n = (size_t)(nl - o);
        EXPECT(n <= VUART_LINE_MAX);
        EXPECT(jl + n < sizeof(joined));
        if (jl + n < sizeof(joined)) {
            memcpy(joined + jl, o, n);
            jl += n;
        }
        lines++;
        o = nl + 1;
    }
    joined[jl] = '\0';
    EXPECT_EQ(lines, 4);
    EXPECT_STREQ(joined, text);
    /* Exactly VUART_LINE_MAX bytes then a newline: one line, no empty one after it. */
    memset(text, 'y', VUART_LINE_MAX);
    text[VUART_LINE_MAX] = '\0';
    send(&u, text);
    send(&u, "\n");
    char expect[VUART_LINE_MAX + 8] = "[vm] ";
    memcpy(expect + 5, text, VUART_LINE_MAX);
    memcpy(expect + 5 + VUART_LINE_MAX, "\n", 2);
    EXPECT_STREQ(take(), expect);
}

static void test_flush_and_reset(void)
{
    struct vuart u;
    vuart_init(&u, "vm");
    send(&u, "partial");
    vuart_flush(&u);
    EXPECT_STREQ(take(), "[vm] partial\n");
    vuart_flush(&u);
    EXPECT_STREQ(take(), "");
    send(&u, "cut short");
    vuart_reset(&u);
    EXPECT_STREQ(take(), "[vm] cut short\n");
    send(&u, "next\n");
    EXPECT_STREQ(take(), "[vm] next\n");
}

/* --- the unfinished line shown when the VM goes quiet, without a WFI trap ---- */

#define IDLE_TICKS (62500000ULL / 1000 * VUART_IDLE_SHOW_MS)

/* Bytes written `gap` ticks apart (fake time), as a guest writing at its own pace. */
static void send_paced(struct vuart *u, const char *s, uint64_t gap)
{
    while (*s) {
        fake_now += gap;
        wr32(u, VUART_DR, (uint8_t)*s++);
    }
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

/*
 * The answer to a keystroke (its echo, a command's output, the next prompt
 * "# " without a newline) shows with no vuart_idle() call: a vCPU alone on
 * its CPU executes WFI natively, so no WFI trap announces the idleness. The
 * input arms the idle timer, once, and the unfinished line shows when the
 * VM has written nothing for VUART_IDLE_SHOW_MS: never earlier, at most
 * twice that after its last byte. Output alone arms nothing, so it puts no
 * timer interrupt on the VM's CPU.
 */
static void test_idle_prompt_without_wfi(void)
{
    struct vuart u;
    vuart_init(&u, "vm");
    enable_fifo(&u);
    u.focused = true; /* as vconsole_register() sets it for the first VM */
    unsigned arms = fake_arms;
    send_paced(&u, "booted\n# ", 1000);
    EXPECT_EQ(fake_arms - arms, 0);
    EXPECT(!u.idle_timer.armed);
    EXPECT_STREQ(take(), "[vm] booted\n");
    /* A keystroke, and its echo. */
    vuart_rx_push(&u, 'l');
    EXPECT_EQ(fake_arms - arms, 1);
    EXPECT_EQ(u.idle_timer.deadline, fake_now + IDLE_TICKS);
    send_paced(&u, "l", 1000);
    uint64_t last = fake_now;
    EXPECT(fire(&u.idle_timer)); /* the echo came after the arm: one more period */
    EXPECT_STREQ(take(), "");
    EXPECT(fake_now - last < IDLE_TICKS);
    EXPECT(fire(&u.idle_timer));
    EXPECT_STREQ(take(), "[vm] # l");
    EXPECT(fake_now - last >= IDLE_TICKS);
    EXPECT(fake_now - last <= 2 * IDLE_TICKS);
    EXPECT(!u.idle_timer.armed); /* disarmed until the next input */
    EXPECT_EQ(fake_arms - arms, 2);

    /* Enter: 20 lines of output and the next prompt, one arm for all of it, none per byte. */
    arms = fake_arms;
    vuart_rx_push(&u, '\r');
    for (unsigned i = 0; i < 20; i++) {
        send_paced(&u, "a line of output\n", 100);
    }
    send_paced(&u, "# ", 100);
    last = fake_now;
    EXPECT_EQ(fake_arms - arms, 1);
    EXPECT(take()[0] != '\0');
    EXPECT_EQ(settle(&u), 2); /* one more period: the output came after the arm */
    EXPECT(fake_now - last >= IDLE_TICKS);
    EXPECT_STREQ(take(), "[vm] # ");
    EXPECT_EQ(fake_arms - arms, 2);

    /* Output that outlasts a period keeps it waiting, one re-arm per period, not per byte. */
    arms = fake_arms;
    vuart_rx_push(&u, 'x');
    send_paced(&u, "x", 10);
    EXPECT(fire(&u.idle_timer));
    send_paced(&u, "yz", 10);
    EXPECT(fire(&u.idle_timer));
    EXPECT_STREQ(take(), "");
    last = fake_now;
    EXPECT(fire(&u.idle_timer));
    EXPECT_EQ(fake_now - last, IDLE_TICKS);
    EXPECT_STREQ(take(), "xyz");
    EXPECT_EQ(fake_arms - arms, 3);

    /* Without the focus nothing shows; a reset disarms the timer. */
    u.focused = false;
    vuart_rx_push(&u, 'w');
    send_paced(&u, "w", 10);
    EXPECT_EQ(settle(&u), 2);
    EXPECT_STREQ(take(), "");
    send_paced(&u, "\n", 10);
    EXPECT_STREQ(take(), "w\n"); /* completes the shown "[vm] # xyz" in place */
    vuart_rx_push(&u, 'v');
    send_paced(&u, "v", 10);
    vuart_reset(&u);
    EXPECT(!u.idle_timer.armed);
    EXPECT_STREQ(take(), "[vm] v\n");
}

/*
 * The first prompt, which no input answers: a focused line begun asks its
 * vCPU to trap its next WFI once (vcpu_trap_next_wfi), so that the WFI's
 * vuart_idle() shows it; once per line, never per byte, and not unfocused.
 */
static void test_line_begun_traps_next_wfi(void)
{
    struct vuart u;
    struct vcpu *me = (struct vcpu *)&u; /* only compared with NULL */
    vuart_init(&u, "vm");
    enable_fifo(&u);
    u.focused = true;
    unsigned traps = fake_wfi_traps, untraps = fake_wfi_untraps;
    const char *out = "booted\n# ";
    for (const char *p = out; *p != '\0'; p++) {
        wr_as(&u, me, 0x000, 4, (uint8_t)*p);
    }
    EXPECT_EQ(fake_wfi_traps - traps, 2);     /* "b" of "booted", then "#" */
    EXPECT_EQ(fake_wfi_untraps - untraps, 1); /* "booted" ended: taken back */
    EXPECT_STREQ(take(), "[vm] booted\n");
    vuart_idle(&u); /* the WFI that trapped */
    EXPECT(u.idle_timer.armed);
    EXPECT(fire(&u.idle_timer));
    EXPECT_STREQ(take(), "[vm] # ");
    u.focused = false;
    traps = fake_wfi_traps;
    wr_as(&u, me, 0x000, 4, '\n');
    wr_as(&u, me, 0x000, 4, 'x');
    EXPECT_EQ(fake_wfi_traps - traps, 0);
    vuart_reset(&u);
    (void)take();
}

/* --- interrupts ------------------------------------------------------------ */

static void test_tx_interrupt(void)
{
    struct vuart u;
    struct hook_log h = {0};
    vuart_init(&u, "vm");
    vuart_set_irq_hook(&u, hook, &h);
    EXPECT_EQ(h.calls, 1); /* the current level, at once */
    EXPECT_EQ(h.level, false);
    /* Masked: RIS.TX set by a DR write, MIS clear, line low. */
    send(&u, "a");
    EXPECT_EQ(rd32(&u, VUART_RIS), VUART_INT_TX);
    EXPECT_EQ(rd32(&u, VUART_MIS), 0);
    EXPECT_EQ(h.calls, 1);
    /* Unmasking a pending TX raises the line; masking lowers it. */
    wr32(&u, VUART_IMSC, VUART_INT_TX);
    EXPECT_EQ(rd32(&u, VUART_MIS), VUART_INT_TX);
    EXPECT_EQ(h.calls, 2);
    EXPECT_EQ(h.level, true);
    wr32(&u, VUART_IMSC, 0);
    EXPECT_EQ(h.calls, 3);
    EXPECT_EQ(h.level, false);
    wr32(&u, VUART_IMSC, VUART_INT_TX);
    EXPECT_EQ(h.calls, 4);
    /* More writes while high: no new call. ICR lowers it. */
    send(&u, "bc");
    EXPECT_EQ(h.calls, 4);
    wr32(&u, VUART_ICR, VUART_INT_RX); /* other bits: no effect */
    EXPECT_EQ(rd32(&u, VUART_RIS), VUART_INT_TX);
    EXPECT_EQ(h.calls, 4);
    wr32(&u, VUART_ICR, VUART_INT_TX);
    EXPECT_EQ(rd32(&u, VUART_RIS), 0);
    EXPECT_EQ(rd32(&u, VUART_MIS), 0);
    EXPECT_EQ(h.calls, 5);
    EXPECT_EQ(h.level, false);
    /* Enabling TXIM with nothing written does not raise TX (QEMU's model). */
    wr32(&u, VUART_IMSC, 0);
    wr32(&u, VUART_IMSC, VUART_INT_TX);
    EXPECT_EQ(h.calls, 5);
    /* The next DR write raises it again; an 8-bit ICR write clears it too. */
    send(&u, "\n");
    EXPECT_EQ(h.calls, 6);
    EXPECT_EQ(h.level, true);
    wr(&u, VUART_ICR, 1, VUART_INT_TX);
    EXPECT_EQ(h.calls, 7);
    EXPECT_EQ(h.level, false);
    /* Reset with the line high lowers it. */
    send(&u, "x");
    EXPECT_EQ(h.calls, 8);
    vuart_reset(&u);
    EXPECT_EQ(h.calls, 9);
    EXPECT_EQ(h.level, false);
    EXPECT_EQ(h.highs, 4);
    take();
}

static void test_rx_interrupts(void)
{
    struct vuart u;
    struct hook_log h = {0};
    vuart_init(&u, "vm");
    vuart_set_irq_hook(&u, hook, &h);
    enable_fifo(&u); /* IFLS reset value 0x12: RX at 16 bytes */
    wr32(&u, VUART_IMSC, VUART_INT_RX);
    push(&u, 15, 'a');
    EXPECT_EQ(rd32(&u, VUART_RIS), VUART_INT_RT);
    EXPECT_EQ(rd32(&u, VUART_MIS), 0);
    EXPECT_EQ(h.calls, 1);
    vuart_rx_push(&u, 'p');
    EXPECT_EQ(rd32(&u, VUART_RIS), VUART_INT_RT | VUART_INT_RX);
    EXPECT_EQ(rd32(&u, VUART_MIS), VUART_INT_RX);
    EXPECT_EQ(h.calls, 2);
    EXPECT_EQ(h.level, true);
    push(&u, 5, 'q'); /* still above the trigger: no call */
    EXPECT_EQ(h.calls, 2);
    /* RX and RT follow the FIFO: ICR cannot clear them while bytes wait. */
    wr32(&u, VUART_ICR, 0x7FF);
    EXPECT_EQ(rd32(&u, VUART_RIS), VUART_INT_RT | VUART_INT_RX);
    EXPECT_EQ(h.calls, 2);
    for (unsigned i = 0; i < 5; i++) {
        rd32(&u, VUART_DR);
    }
    EXPECT_EQ(h.calls, 2); /* 16 left */
    rd32(&u, VUART_DR);
    EXPECT_EQ(rd32(&u, VUART_RIS), VUART_INT_RT);
    EXPECT_EQ(h.calls, 3);
    EXPECT_EQ(h.level, false);
    /* RT while the FIFO is not empty; draining lowers it. */
    wr32(&u, VUART_IMSC, VUART_INT_RX | VUART_INT_RT);
    EXPECT_EQ(h.calls, 4);
    EXPECT_EQ(h.level, true);
    drain(&u);
    EXPECT_EQ(rd32(&u, VUART_RIS), 0);
    EXPECT_EQ(h.calls, 5);
    EXPECT_EQ(h.level, false);
    vuart_rx_push(&u, '!');
    EXPECT_EQ(h.calls, 6);
    EXPECT_EQ(h.level, true);
    rd32(&u, VUART_DR);
    EXPECT_EQ(h.calls, 7);
    EXPECT_EQ(h.level, false);
    /* Input while masked does not touch the line, nor do bytes that go to the backlog. */
    wr32(&u, VUART_IMSC, 0);
    push(&u, VUART_RX_FIFO_SIZE + 4, 0);
    EXPECT_EQ(h.calls, 7);
    EXPECT_EQ(u.rx_dropped, 0);
    EXPECT_EQ(u.backlog_count, 4);
    vuart_reset(&u);
    EXPECT_EQ(h.calls, 7);
    /* A NULL hook is fine. */
    vuart_set_irq_hook(&u, NULL, NULL);
    wr32(&u, VUART_IMSC, VUART_INT_RT);
    vuart_rx_push(&u, 'z');
    EXPECT_EQ(rd32(&u, VUART_MIS), VUART_INT_RT);
    EXPECT_EQ(h.calls, 7);
    /* Plugging a hook in while the line is high tells it at once. */
    vuart_set_irq_hook(&u, hook, &h);
    EXPECT_EQ(h.calls, 8);
    EXPECT_EQ(h.level, true);
}

static void test_ifls_levels(void)
{
    static const unsigned trigger[8] = {4, 8, 16, 24, 28, 28, 28, 28};
    for (unsigned sel = 0; sel < 8; sel++) {
        struct vuart u;
        struct hook_log h = {0};
        vuart_init(&u, "vm");
        enable_fifo(&u);
        wr32(&u, VUART_IFLS, sel << 3 | 2);
        wr32(&u, VUART_IMSC, VUART_INT_RX);
        vuart_set_irq_hook(&u, hook, &h);
        push(&u, trigger[sel] - 1, 0);
        EXPECT_EQ(rd32(&u, VUART_RIS) & VUART_INT_RX, 0);
        vuart_rx_push(&u, 0);
        EXPECT_EQ(rd32(&u, VUART_RIS) & VUART_INT_RX, VUART_INT_RX);
        EXPECT_EQ(h.calls, 2);
        EXPECT_EQ(h.level, true);
        /* Lowering the trigger level in place: the level follows. */
        drain(&u);
        EXPECT_EQ(h.level, false);
    }
    /* FIFO disabled: RX at any byte, whatever IFLS says. */
    struct vuart u;
    struct hook_log h = {0};
    vuart_init(&u, "vm");
    wr32(&u, VUART_IFLS, 4 << 3);
    wr32(&u, VUART_IMSC, VUART_INT_RX);
    vuart_set_irq_hook(&u, hook, &h);
    vuart_rx_push(&u, 'k');
    EXPECT_EQ(rd32(&u, VUART_RIS), VUART_INT_RX | VUART_INT_RT);
    EXPECT_EQ(h.calls, 2);
    EXPECT_EQ(h.level, true);
    /* Turning the FIFO on raises the trigger (28): the line drops, the byte stays. */
    enable_fifo(&u);
    EXPECT_EQ(rd32(&u, VUART_RIS), VUART_INT_RT);
    EXPECT_EQ(h.calls, 3);
    EXPECT_EQ(h.level, false);
    EXPECT_EQ(rd32(&u, VUART_DR), 'k');
}

int main(void)
{
    test_reset_values();
    test_id_registers();
    test_register_masks();
    test_access_sizes();
    test_rx_fifo();
    test_tx_lines();
    test_tx_long_lines();
    test_flush_and_reset();
    test_idle_prompt_without_wfi();
    test_line_begun_traps_next_wfi();
    test_tx_interrupt();
    test_rx_interrupts();
    test_ifls_levels();
    /* Every byte of output was written under the console lock, and the lock was balanced. */
    EXPECT_EQ(unlocked_writes, 0);
    EXPECT_EQ(console_depth, 0);
    return unit_report("vuart");
}
