/*
 * The emulated PL011 (vcpu/vuart.c) as a guest and the console drive it:
 * register accesses of any offset and width, received bytes, reset, the idle
 * timer. The kernel around it is tests/unit/vuart_fakes.c. Checked after
 * each step: the interrupt line the vGIC was told equals (RIS & IMSC) != 0
 * and MIS reads RIS & IMSC; FR's RXFE/RXFF agree with what DR returns; the
 * received bytes come out of DR in the order they were pushed, none lost but
 * those counted in rx_dropped; the output line never overflows.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "unit.h"
#include "vuart_fakes.h"

UNIT_STATE;

static struct vuart uart;
static bool line;
static unsigned line_calls;

/* What the guest should read next: the bytes pushed and not yet read. */
static uint8_t expect[VUART_RX_FIFO_SIZE + VUART_RX_BACKLOG + 1];
static unsigned exp_head, exp_count;

static void irq_set(void *ctx, bool level)
{
    FUZZ_CHECK(ctx == &uart);
    line = level;
    line_calls++;
}

static bool mread(uint64_t off, unsigned size, uint64_t *v)
{
    *v = 0xDEADBEEF;
    return vuart_mmio_ops.read(&uart, NULL, off, size, v);
}

static uint32_t reg(uint64_t off)
{
    uint64_t v;
    FUZZ_CHECK(mread(off, 4, &v));
    FUZZ_CHECK((v >> 32) == 0);
    return (uint32_t)v;
}

static void check(void)
{
    uint32_t ris = reg(VUART_RIS);
    uint32_t imsc = reg(VUART_IMSC);
    FUZZ_CHECK(reg(VUART_MIS) == (ris & imsc));
    FUZZ_CHECK(line == ((ris & imsc) != 0));
    FUZZ_CHECK(uart.rx_count <= VUART_RX_FIFO_SIZE && uart.rx_head < VUART_RX_FIFO_SIZE);
    FUZZ_CHECK(uart.backlog_count <= VUART_RX_BACKLOG && uart.backlog_head < VUART_RX_BACKLOG);
    FUZZ_CHECK(uart.line_len <= VUART_LINE_MAX);
    FUZZ_CHECK(exp_count == uart.rx_count + uart.backlog_count);
    uint32_t fr = reg(VUART_FR);
    FUZZ_CHECK(((fr & VUART_FR_RXFE) != 0) == (uart.rx_count == 0));
}

static void read_dr(unsigned size)
{
    bool empty = (reg(VUART_FR) & VUART_FR_RXFE) != 0;
    uint64_t v;
    if (!mread(VUART_DR, size, &v)) {
        return;
    }
    if (!empty) {
        FUZZ_CHECK(exp_count != 0);
        FUZZ_CHECK((v & 0xFF) == expect[exp_head]);
        exp_head = (exp_head + 1) % (unsigned)sizeof(expect);
        exp_count--;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size};
    vuart_init(&uart, "fuzz");
    line = false;
    line_calls = 0;
    exp_head = exp_count = 0;
    vuart_set_irq_hook(&uart, irq_set, &uart);
    FUZZ_CHECK(line_calls == 1);
    (void)take();
    check();
    while (!fuzz_done(&in)) {
        uint8_t op = FUZZ_U8(&in);
        unsigned width = 1U << ((op >> 4) & 3);
        switch (op % 8) {
        case 0: { /* a register read: mostly the implemented ones */
            uint16_t off = FUZZ_U16(&in);
            uint64_t o = (op & 0x80) ? (off & 0xFFF) : (off & 0x4C);
            if (o == VUART_DR) {
                read_dr(width);
            } else {
                uint64_t v;
                (void)mread(o, width, &v);
            }
            break;
        }
        case 1: { /* a register write */
            uint16_t off = FUZZ_U16(&in);
            uint64_t o = (op & 0x80) ? (off & 0xFFF) : (off & 0x4C);
            (void)vuart_mmio_ops.write(&uart, NULL, o, width, FUZZ_U32(&in));
            break;
        }
        case 2: /* typed input, a burst of it */
        case 3: {
            uint8_t b = FUZZ_U8(&in);
            unsigned n = (op & 0x80) ? 1 + (FUZZ_U8(&in) * 32U) : 1;
            for (unsigned i = 0; i < n; i++) {
                uint64_t dropped = uart.rx_dropped;
                uint8_t c = (uint8_t)(b + i);
                vuart_rx_push(&uart, c);
                if (uart.rx_dropped == dropped) {
                    FUZZ_CHECK(exp_count < sizeof(expect));
                    expect[(exp_head + exp_count) % sizeof(expect)] = c;
                    exp_count++;
                } else {
                    FUZZ_CHECK(uart.rx_dropped == dropped + 1);
                }
            }
            break;
        }
        case 4: /* the guest transmits */
            (void)vuart_mmio_ops.write(&uart, NULL, VUART_DR, 4, FUZZ_U8(&in));
            break;
        case 5:
            read_dr(4);
            break;
        case 6: /* idle, and time passing */
            vuart_idle(&uart);
            fake_now += FUZZ_U16(&in) * 1000ULL;
            (void)fire(&uart.idle_timer);
            break;
        default:
            if (op & 0x80) {
                vuart_reset(&uart);
                exp_head = exp_count = 0;
            } else {
                vuart_flush(&uart);
            }
            break;
        }
        (void)take();
        check();
    }
    vuart_reset(&uart);
    (void)take();
    return 0;
}
