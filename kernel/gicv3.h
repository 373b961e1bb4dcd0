/*
 * The physical GICv3 as shrike uses it: affinity routing, Group 1 for all of
 * shrike's interrupts, the CPU interface through ICC_* system registers with
 * EOImode 1 (priority drop and deactivation are separate, so that a hardware-
 * mapped virtual interrupt can be deactivated by its guest).
 */
#ifndef SHRIKE_KERNEL_GICV3_H
#define SHRIKE_KERNEL_GICV3_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/fdt.h"

#define GIC_INTID_SPURIOUS 1020
#define GIC_PRIO_DEFAULT   0xA0
#define GIC_PRIO_IPI       0x80

/* Distributor setup, once, on the boot CPU. Returns false if the DTB lacks a usable GICv3. */
bool gic_init(const struct fdt_platform *plat);

/* This CPU's redistributor (wake-up) and CPU interface. */
bool gic_cpu_init(void);

bool gic_ready(void);

/* SGIs and PPIs act on this CPU's redistributor; SPIs on the distributor, routed to this CPU. */
void gic_enable_irq(unsigned intid, uint8_t prio);
void gic_disable_irq(unsigned intid);

/* Active state of an SGI/PPI at this CPU's redistributor (for forwarded interrupts). */
bool gic_ppi_active(unsigned intid);
void gic_ppi_set_active(unsigned intid, bool active);

void gic_send_sgi(unsigned sgi, uint64_t target_mpidr);

/* Acknowledge (ICC_IAR1), priority drop (ICC_EOIR1), deactivate (ICC_DIR). */
unsigned gic_ack(void);
void gic_eoi(unsigned intid);
void gic_deactivate(unsigned intid);

#endif
