/*
 * SMCCC paravirtualised time (Arm DEN0057A): stolen time for guests.
 *
 * Each VM gets one read-only page at GUEST_PVTIME_IPA holding one 64-byte
 * record per vCPU; its stolen_time field is the time in nanoseconds the vCPU
 * has waited for a CPU while runnable (the scheduler's wait_ticks) since the
 * VM started or last reset. Linux finds it as under KVM: SMCCC_ARCH_FEATURES
 * (PV_TIME_FEATURES), PV_TIME_FEATURES(PV_TIME_ST), then PV_TIME_ST on each
 * CPU for its record's IPA, and accounts it as steal in /proc/stat.
 */
#ifndef SHRIKE_VCPU_PVTIME_H
#define SHRIKE_VCPU_PVTIME_H

#include <stdbool.h>
#include <stdint.h>

#define PV_TIME_FEATURES 0xC5000020U
#define PV_TIME_ST       0xC5000021U

/* One vCPU's record (DEN0057A table 3): little-endian, 64 bytes. */
struct pvtime_record {
    uint32_t revision;   /* 0 */
    uint32_t attributes; /* 0 */
    uint64_t stolen_time;
    uint8_t pad[48];
};

/* ticks of a counter at freq Hz in nanoseconds, without overflow for any 64-bit tick count below
 * 2^64 ns. */
uint64_t pvtime_ticks_to_ns(uint64_t ticks, uint64_t freq);

/* SMCCC_ARCH_FEATURES(fid) for the PV-time IDs; false if fid is not one of them. */
bool pvtime_arch_features(uint32_t fid, int64_t *ret);

/* PV_TIME_FEATURES(x1): 0 for PV_TIME_FEATURES and PV_TIME_ST, else NOT_SUPPORTED. */
int64_t pvtime_features(uint64_t fid);

/* The IPA of vCPU index i's record. */
uint64_t pvtime_record_ipa(unsigned i);

#ifndef SHRIKE_HOST_TEST
struct vm;
struct vcpu;

int pvtime_map(struct vm *vm);       /* at VM creation: allocate, zero and map the page */
void pvtime_release(struct vm *vm);  /* at VM destruction, after its stage 2 is gone */
void pvtime_reset(struct vm *vm);    /* at VM reset: every vCPU's stolen time restarts at 0 */
void pvtime_publish(struct vcpu *v); /* v's stolen time so far, to its record */

/*
 * At vcpu_load: publish v's stolen time if it changed since the last publish
 * and the guest asked for its record (DEN0057A: PV_TIME_ST gives the
 * address; until then nobody reads it, and the zeros of the reset stand).
 */
void pvtime_update(struct vcpu *v);
#endif

#endif
