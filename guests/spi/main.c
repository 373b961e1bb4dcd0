/*
 * spi: the PL011's interrupt (SPI 1 = INTID 33, level) on 2 vCPUs.
 *   - TX: routed to vCPU 0, with the UART's TX interrupt enabled (IMSC bit
 *     5) a line is printed; the handler runs on vCPU 0 (MPIDR), sees MIS bit
 *     5 and clears it through ICR. Then GICD_IROUTER moves INTID 33 to vCPU
 *     1 and the same happens there, and not on vCPU 0.
 *   - RX (on shrike, or bare with "spi-rx" in /chosen/bootargs, e.g. QEMU's
 *     -append spi-rx and the input piped in): with the FIFOs on
 *     (LCR_H.FEN) and IMSC bits 4 and 6, the guest prints "spi: type now" and
 *     waits up to 5 s; the test harness types "abc\r". The handler drains DR
 *     and counts; the main loop only waits in WFI and never polls the UART.
 * The handler prints nothing (the vCPU it interrupts may hold the console lock).
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define UART_DR     0x000
#define UART_FR     0x018
#define UART_LCR_H  0x02C
#define UART_IMSC   0x038
#define UART_RIS    0x03C
#define UART_MIS    0x040
#define UART_ICR    0x044
#define FR_RXFE     (1U << 4)
#define LCR_H_FEN   (1U << 4)
#define LCR_H_WLEN8 (3U << 5)
#define INT_RX      (1U << 4)
#define INT_TX      (1U << 5)
#define INT_RT      (1U << 6)
#define INT_ALL     0x7FFU

#define UART_INTID  GIC_SPI(GUEST_UART_SPI)
#define UART_PRIO   0x80
#define TX_WAIT_MS  500
#define RX_WAIT_MS  5000
#define RX_WANT     4
#define RX_BUF      32
#define RUN_TIMEOUT 10000

static unsigned tx_irqs[GUEST_MAX_VCPUS];
static unsigned tx_mis_seen[GUEST_MAX_VCPUS];
static unsigned empty_irqs[GUEST_MAX_VCPUS]; /* handler ran with MIS = 0 (line already dropped) */
static unsigned rx_irqs;
static unsigned rx_count;
static char rx_buf[RX_BUF];
static unsigned vcpu1_ready;
static unsigned finish;
static unsigned vcpu1_done;

static uint32_t uart_read(unsigned off)
{
    return mmio_read32(GUEST_UART_BASE + off);
}

static void uart_write(unsigned off, uint32_t v)
{
    mmio_write32(GUEST_UART_BASE + off, v);
}

static void drain_rx(void)
{
    while ((uart_read(UART_FR) & FR_RXFE) == 0) {
        char c = (char)(uart_read(UART_DR) & 0xFF);
        if (rx_count < RX_BUF) {
            rx_buf[rx_count] = c;
        }
        __atomic_store_n(&rx_count, rx_count + 1, __ATOMIC_RELEASE);
    }
}

static void uart_handler(unsigned intid)
{
    unsigned me = guest_vcpu_index() % GUEST_MAX_VCPUS;
    uint32_t mis = uart_read(UART_MIS);

    (void)intid;
    if (mis & INT_TX) {
        tx_mis_seen[me] = 1;
        uart_write(UART_ICR, INT_TX);
        __atomic_store_n(&tx_irqs[me], tx_irqs[me] + 1, __ATOMIC_RELEASE);
    }
    if (mis & (INT_RX | INT_RT)) {
        uart_write(UART_ICR,
                   INT_RX | INT_RT); /* first: a byte arriving after the drain re-raises */
        drain_rx();
        rx_irqs++;
    }
    if ((mis & (INT_TX | INT_RX | INT_RT)) == 0) {
        empty_irqs[me]++;
    }
}

static void reset_counts(void)
{
    for (unsigned i = 0; i < GUEST_MAX_VCPUS; i++) {
        __atomic_store_n(&tx_irqs[i], 0, __ATOMIC_RELEASE);
        tx_mis_seen[i] = 0;
    }
}

/* One TX round with INTID 33 routed to target: the line printed raises it for every byte. */
static void tx_round(unsigned target)
{
    unsigned other = 1 - target;
    uint64_t deadline;

    reset_counts();
    uart_write(UART_ICR, INT_ALL);
    uart_write(UART_IMSC, INT_TX);
    printf("spi: TX interrupts to vcpu %u\n", target);
    deadline = deadline_after_ms(TX_WAIT_MS);
    while (load_acquire(&tx_irqs[target]) == 0 && !deadline_passed(deadline)) {
        cpu_relax();
    }
    uart_write(UART_IMSC, 0);
    uart_write(UART_ICR, INT_TX);
    CHECK(load_acquire(&tx_irqs[target]) > 0,
          "TX interrupt handled on vcpu %u (MPIDR Aff0) while routed there (%u times)", target,
          load_acquire(&tx_irqs[target]));
    CHECK(tx_mis_seen[target], "vcpu %u's handler saw UARTMIS bit 5 and cleared it with UARTICR",
          target);
    CHECK_EQ(load_acquire(&tx_irqs[other]), 0, "no TX interrupt on vcpu %u", other);
    CHECK_EQ(uart_read(UART_MIS), 0, "UARTMIS reads 0 with IMSC 0 after UARTICR");
}

static void check_tx(void)
{
    gic_set_handler_on(0, UART_INTID, uart_handler);
    gic_set_handler_on(1, UART_INTID, uart_handler);
    gic_set_priority(UART_INTID, UART_PRIO);
    gic_route(UART_INTID, 0);
    gic_enable(UART_INTID);
    irq_local_enable();
    tx_round(0);
    gic_route(UART_INTID, 1);
    CHECK_EQ(gic_route_get(UART_INTID), 1, "GICD_IROUTER33 reads back vcpu 1");
    tx_round(1);
    gic_route(UART_INTID, 0);
}

static bool rx_matches(void)
{
    return rx_count == RX_WANT && rx_buf[0] == 'a' && rx_buf[1] == 'b' && rx_buf[2] == 'c' &&
           (rx_buf[3] == '\r' || rx_buf[3] == '\n');
}

static void check_rx(void)
{
    uint64_t deadline;

    if (!guest_on_shrike() && !dtb_bootargs_have("spi-rx")) {
        test_skip("not on shrike and no spi-rx in bootargs (nobody types)",
                  "4 bytes typed arrive by RX interrupts");
        return;
    }
    irq_local_disable();
    uart_write(UART_LCR_H, uart_read(UART_LCR_H) | LCR_H_FEN | LCR_H_WLEN8);
    while ((uart_read(UART_FR) & FR_RXFE) == 0) {
        (void)uart_read(UART_DR); /* anything typed before we were ready */
    }
    uart_write(UART_ICR, INT_ALL);
    uart_write(UART_IMSC, INT_RX | INT_RT);
    printf("spi: type now\n");

    /* WFI until the bytes are in; the watchdog ends a WFI that no byte ends. */
    timer_watchdog_arm(TIMER_VIRT, RX_WAIT_MS);
    deadline = deadline_after_ms(RX_WAIT_MS);
    while (load_acquire(&rx_count) < RX_WANT && !deadline_passed(deadline)) {
        wfi();
        irq_local_enable();
        irq_local_disable();
    }
    timer_watchdog_cancel(TIMER_VIRT);
    uart_write(UART_IMSC, 0);
    irq_local_enable();

    printf("spi: received %u bytes by interrupt in %u interrupts\n", rx_count, rx_irqs);
    CHECK(rx_irqs > 0, "RX interrupts taken on vcpu 0");
    CHECK(rx_matches(), "the 4 bytes typed (\"abc\\r\") arrived by RX interrupts");
}

static void vcpu1(unsigned idx)
{
    CHECK_EQ(gic_cpu_init(), 0, "vcpu %u: redistributor and CPU interface up", idx);
    irq_local_enable();
    store_release(&vcpu1_ready, 1);
    while (!load_acquire(&finish)) {
        cpu_relax();
    }
    irq_local_disable();
    store_release(&vcpu1_done, 1);
}

void guest_main(void)
{
    uint64_t deadline = deadline_after_ms(RUN_TIMEOUT);

    if (!CHECK_EQ(gic_init(), 0, "vcpu 0: GIC distributor, redistributor and CPU interface up")) {
        return;
    }
    if (guest_vcpu_count() < 2) {
        test_skip("1 vCPU", "the UART interrupt on two vCPUs");
        return;
    }
    CHECK_EQ(guest_cpu_on(1, vcpu1), PSCI_RET_SUCCESS, "CPU_ON(1)");
    while (!load_acquire(&vcpu1_ready) && !deadline_passed(deadline)) {
        cpu_relax();
    }
    check_tx();
    check_rx();
    store_release(&finish, 1);
    while (!load_acquire(&vcpu1_done) && !deadline_passed(deadline)) {
        cpu_relax();
    }
    CHECK(load_acquire(&vcpu1_done), "vcpu 1 finished");
    CHECK_EQ(gic_unhandled_count(0) + gic_unhandled_count(1), 0, "no unexpected interrupt");
}
