/*
 * The test-guest runtime (guestlib): everything a guest in guests/NAME/main.c
 * needs. A guest defines guest_main(); the runtime has by then cleared BSS,
 * found the DTB, mapped RAM/UART/test device and turned the MMU on. When
 * guest_main() returns the runtime prints the test summary and powers the VM
 * off (PSCI SYSTEM_OFF). See docs/guests.md.
 */
#ifndef SHRIKE_GUESTS_LIB_GUEST_H
#define SHRIKE_GUESTS_LIB_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guests/lib/arch.h"
#include "guests/lib/console.h"
#include "guests/lib/dtb.h"
#include "guests/lib/fault.h"
#include "guests/lib/mmu.h"
#include "guests/lib/smccc.h"
#include "guests/lib/test.h"
#include "vcpu/abi.h"

/* Each guest's main function, run on vCPU 0. */
void guest_main(void);

/* Function a secondary vCPU runs (idx = its index); when it returns the vCPU does CPU_OFF. */
typedef void (*guest_secondary_fn)(unsigned idx);

/*
 * PSCI CPU_ON of vCPU idx (MPIDR Aff0 = idx) at guest_secondary_entry with
 * context id idx; the vCPU comes up on its own stack with the MMU on and runs
 * fn. Returns the PSCI result.
 */
int64_t guest_cpu_on(unsigned idx, guest_secondary_fn fn);

/* start.S: the CPU_ON entry point (x0 = vCPU index). */
void guest_secondary_entry(void);

/* x0 as vCPU 0 found it at entry (the DTB address under shrike; 0 for QEMU's ELF boot). */
uint64_t guest_boot_x0(void);

/*
 * Whether shrike runs this guest: SHRIKE_HC_VCPU_ID answered >= 0 at boot. On
 * bare QEMU that call is not PSCI, so it UNDEFs (recorded, not fatal).
 */
bool guest_on_shrike(void);

/*
 * The physical CPU running this vCPU right now (SHRIKE_HC_PCPU, a test aid;
 * it may have changed by the time the caller looks), or -1 off shrike.
 */
int64_t guest_pcpu(void);

/* vCPUs in the DTB's /cpus (at least 1), and RAM from its /memory node. */
unsigned guest_vcpu_count(void);
bool guest_ram_known(void); /* false: the DTB gave no RAM; a 2 MiB fallback is mapped */
uint64_t guest_ram_base(void);
uint64_t guest_ram_size(void);

/* The image as linked; __image_end is page-aligned and includes BSS (stacks, tables). */
extern char __image_start[];
extern char __image_end[];

/* Runs on vCPU 0 from start.S (MMU off); secondaries enter at guest_secondary_main. */
void guest_main_entry(uint64_t x0);
void guest_secondary_main(unsigned idx);

#endif
