/*
 * echo: the interactive demo guest. It stays up and echoes every line typed
 * to it (give it input focus with Ctrl-\), reading its PL011 when its receive
 * interrupt ends a WFI (IRQs stay masked: the pending interrupt wakes it). Typing "off" powers the
 * VM off.
 *
 * A byte it cannot print as itself (a control character, NUL, DEL or above)
 * is echoed as \xNN, so that a byte the input path invented or damaged shows.
 * At "off" it prints how many bytes and lines it received. With more than one
 * vCPU (the echo-load VM, system.console-input) the others spin until "off",
 * reading the counter now and then, so that the echo vCPU shares its CPU,
 * migrates and takes its interrupts beside a busy VM.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"

#define UART_DR          0x000
#define UART_FR          0x018
#define UART_LCR_H       0x02C
#define UART_IMSC        0x038
#define UART_ICR         0x044
#define UART_INT_RX      (1U << 4)
#define UART_INT_RT      (1U << 6)
#define UART_FR_RXFE     (1U << 4)
#define UART_LCR_H_FEN   (1U << 4) /* FIFOs on: without it the receiver holds one byte */
#define UART_LCR_H_WLEN8 (3U << 5)
#define LINE_MAX         80

static volatile bool done;
static volatile uint64_t spun[GUEST_MAX_VCPUS];

static volatile uint32_t *uart_reg(unsigned off)
{
    return (volatile uint32_t *)(uintptr_t)(GUEST_UART_BASE + off);
}

static int read_char(void)
{
    if (*uart_reg(UART_FR) & UART_FR_RXFE) {
        return -1;
    }
    return (int)(*uart_reg(UART_DR) & 0xFF);
}

static bool line_is(const char *line, size_t len, const char *word)
{
    size_t i = 0;
    while (i < len && word[i] != '\0' && line[i] == word[i]) {
        i++;
    }
    return i == len && word[i] == '\0';
}

/* The line as typed, a byte that is not printable ASCII as \xNN (4 bytes each at most). */
static void echo_line(const char *line, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    char out[4 * LINE_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c >= 0x20 && c < 0x7F && c != '\\') {
            out[n++] = (char)c;
        } else {
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 0xF];
        }
    }
    out[n] = '\0';
    printf("echo: %s\n", out);
}

static void spinner(unsigned idx)
{
    while (!done) {
        for (unsigned i = 0; i < 4096; i++) {
            spun[idx]++;
        }
        (void)read_cntvct();
    }
}

void guest_main(void)
{
    char line[LINE_MAX];
    size_t len = 0;
    uint64_t bytes = 0, lines = 0;
    *uart_reg(UART_LCR_H) = UART_LCR_H_FEN | UART_LCR_H_WLEN8;
    gic_init();
    gic_route(GUEST_UART_SPI + 32, 0);
    gic_enable(GUEST_UART_SPI + 32);
    *uart_reg(UART_IMSC) = UART_INT_RX | UART_INT_RT;
    unsigned others = guest_vcpu_count() - 1;
    for (unsigned i = 1; i <= others; i++) {
        CHECK_EQ(guest_cpu_on(i, spinner), 0, "vCPU %u on to spin", i);
    }
    printf("echo: ready; give me input focus with Ctrl-\\ and type a line (\"off\" powers off)\n");
    for (;;) {
        int c = read_char();
        if (c < 0) {
            __asm__ __volatile__("wfi");
            continue;
        }
        bytes++;
        if (c == '\r' || c == '\n') {
            lines++;
            echo_line(line, len);
            if (line_is(line, len, "off")) {
                break;
            }
            len = 0;
        } else if (len < sizeof(line)) {
            line[len++] = (char)c;
        }
    }
    done = true;
    printf("echo: received %lu bytes in %lu lines\n", (unsigned long)bytes, (unsigned long)lines);
}
