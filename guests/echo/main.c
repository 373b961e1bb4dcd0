/*
 * echo: the interactive demo guest. It stays up and echoes every line typed
 * to it (give it input focus with Ctrl-\), reading its PL011 when its receive
 * interrupt ends a WFI (IRQs stay masked: the pending interrupt wakes it). Typing "off" powers the
 * VM off.
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

void guest_main(void)
{
    char line[80];
    size_t len = 0;
    *uart_reg(UART_LCR_H) = UART_LCR_H_FEN | UART_LCR_H_WLEN8;
    gic_init();
    gic_route(GUEST_UART_SPI + 32, 0);
    gic_enable(GUEST_UART_SPI + 32);
    *uart_reg(UART_IMSC) = UART_INT_RX | UART_INT_RT;
    printf("echo: ready; give me input focus with Ctrl-\\ and type a line (\"off\" powers off)\n");
    for (;;) {
        int c = read_char();
        if (c < 0) {
            __asm__ __volatile__("wfi");
            continue;
        }
        if (c == '\r' || c == '\n') {
            printf("echo: %.*s\n", (int)len, line);
            if (line_is(line, len, "off")) {
                return;
            }
            len = 0;
        } else if (len < sizeof(line)) {
            line[len++] = (char)c;
        }
    }
}
