/*
 * The guest's view of the ID registers. With HCR_EL2.TID3 set, every guest
 * read of an ID register in the group op0=3, op1=0, CRn=0, CRm=1..7,
 * op2=0..7 (the AArch32 ID registers in CRm 1-3, the AArch64 ones in CRm
 * 4-7) traps to EL2. The trap handler answers from a table built once at
 * boot: the hardware value with the fields of features shrike does not
 * virtualize or context-switch cleared.
 */
#ifndef SHRIKE_VCPU_IDREGS_H
#define SHRIKE_VCPU_IDREGS_H

#include <stdbool.h>
#include <stdint.h>

/* The TID3 group: CRm 1..7, op2 0..7. */
#define IDREG_CRM_FIRST 1U
#define IDREG_CRM_LAST  7U
#define IDREG_OP2_LAST  7U
#define IDREG_COUNT     ((IDREG_CRM_LAST - IDREG_CRM_FIRST + 1) * (IDREG_OP2_LAST + 1))

/* Pure: the value a guest sees for ID register (crm, op2) given the hardware value. */
uint64_t idreg_sanitize(unsigned crm, unsigned op2, uint64_t hw);

/*
 * Boot, once, before any guest runs: reads all IDREG_COUNT registers of the
 * group on this CPU and stores their sanitized values. Host unit-test builds
 * read them through the function given to idregs_set_host_reader() (all zero
 * without one).
 */
void idregs_init(void);

#ifdef SHRIKE_HOST_TEST
void idregs_set_host_reader(uint64_t (*read)(unsigned crm, unsigned op2));
void idregs_set_host_gic_v2(bool v2); /* idregs_init() as on a GICv2 host */
#endif

/* Trap-handler lookup: the sanitized value, or 0 for (crm, op2) outside the group. */
uint64_t idregs_guest_value(unsigned crm, unsigned op2);

#endif
