/*
 * The GICv2 half of the guest GIC driver (gic.h is the API; gic.c calls
 * these when the VM's DTB names a GICv2, "arm,cortex-a15-gic" or
 * "arm,gic-400"). Not for test guests: they call gic_*().
 *
 * GICv2 (IHI 0048B) as a guest sees it: one distributor whose registers for
 * INTIDs 0-31 are banked per CPU interface (so the per-interrupt offsets of
 * gic.h apply at GICD for private INTIDs too), GICD_ITARGETSR for SPI
 * routing (a byte per INTID, a bit per CPU interface, at most 8), SGIs
 * through GICD_SGIR, and a memory-mapped CPU interface (GICC; under a
 * hypervisor, the GICV frame that stage 2 maps there). Without the Security
 * Extensions every interrupt this driver uses is Group 0, signalled as IRQ
 * (GICC_CTLR.FIQEn = 0) and acknowledged through GICC_IAR.
 */
#ifndef SHRIKE_GUESTS_LIB_GICV2_H
#define SHRIKE_GUESTS_LIB_GICV2_H

#include <stdbool.h>
#include <stdint.h>

/* vCPU 0, once: maps GICD and GICC, sets the distributor up, then gicv2_cpu_init(). */
int gicv2_init(uint64_t gicd, uint64_t gicc, uint64_t gicc_size);
int gicv2_cpu_init(void);
uint64_t gicv2_cpuif_base(void);

/* The CPU interface bit of vCPU vcpu (its banked GICD_ITARGETSR0, once it ran gic_cpu_init). */
uint8_t gicv2_cpu_mask(unsigned vcpu);

void gicv2_set_group(unsigned intid, bool delivered);
void gicv2_set_sgi_pending(unsigned sgi, bool pending);
void gicv2_route(unsigned intid, unsigned vcpu);
void gicv2_route_any(unsigned intid);
uint64_t gicv2_route_get(unsigned intid);

void gicv2_write_sgir(uint32_t value);
void gicv2_send_sgi_set(unsigned sgi, uint32_t vcpus);
void gicv2_send_sgi_others(unsigned sgi);
void gicv2_send_sgi_self(unsigned sgi);

uint32_t gicv2_cpuif_read(unsigned off);
void gicv2_cpuif_write(unsigned off, uint32_t value);

#endif
