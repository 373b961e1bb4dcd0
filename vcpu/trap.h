/* Guest exits: dispatch by exception class (see trap.c). */
#ifndef SHRIKE_VCPU_TRAP_H
#define SHRIKE_VCPU_TRAP_H

#include <stdint.h>

#include "vcpu/vcpu.h"

/* Boot: reads what the trap handlers need from the hardware (ID registers, PMU size). */
void trap_init(void);

/* A synchronous exit; returns the vCPU to run next. */
struct vcpu *trap_sync(struct vcpu *v);

/*
 * Called by vcpu/entry.S on every synchronous exit, before guest_enter()
 * returns. With no list register in use it handles the trap (trap_sync) and
 * returns EXIT_RESUME when the guest can be re-entered at once (no request,
 * nothing queued for the vGIC), else EXIT_HANDLED; with list registers in use
 * it returns EXIT_SYNC without doing anything (the run loop folds them first).
 */
unsigned long trap_exit(struct vcpu_regs *regs);

/* FIQ or SError exit. */
void trap_async(struct vcpu *v, unsigned long kind);

/* MDCR_EL2.HPMN: the hardware's PMCR_EL0.N (HPMN must not exceed it). */
uint64_t trap_pmu_hpmn(void);

/* HCR_EL2.TLOR and TERR where the CPU has LORegions and RAS (the rest is vcpu.c's HCR_GUEST). */
uint64_t trap_hcr_features(void);

/* Advances the guest PC past the trapped 32-bit instruction. */
static inline void vcpu_skip_insn(struct vcpu *v)
{
    v->arch.regs.pc += 4;
}

#endif
