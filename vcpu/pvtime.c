/*
 * SMCCC paravirtualised time (vcpu/pvtime.h). The arithmetic and the feature
 * answers are plain C, tested on the host (tests/unit/test_pvtime.c); the
 * page and its updates follow.
 */
#include "vcpu/pvtime.h"

#include "vcpu/abi.h"

_Static_assert(sizeof(struct pvtime_record) == 64, "DEN0057A: a 64-byte record per vCPU");

uint64_t pvtime_ticks_to_ns(uint64_t ticks, uint64_t freq)
{
    if (freq == 0) {
        return 0;
    }
    /* Whole seconds and the remainder apart: ticks * 10^9 would overflow after 2^64 / 10^9 ticks.
     */
    return ticks / freq * 1000000000ULL + ticks % freq * 1000000000ULL / freq;
}

bool pvtime_arch_features(uint32_t fid, int64_t *ret)
{
    if (fid != PV_TIME_FEATURES && fid != PV_TIME_ST) {
        return false;
    }
    /* DEN0057A: ARCH_FEATURES answers 0 for PV_TIME_FEATURES; PV_TIME_ST is asked of
     * PV_TIME_FEATURES. */
    *ret = fid == PV_TIME_FEATURES ? 0 : SMCCC_NOT_SUPPORTED;
    return true;
}

int64_t pvtime_features(uint64_t fid)
{
    return (uint32_t)fid == PV_TIME_FEATURES || (uint32_t)fid == PV_TIME_ST ? 0
                                                                            : SMCCC_NOT_SUPPORTED;
}

uint64_t pvtime_record_ipa(unsigned i)
{
    return GUEST_PVTIME_IPA + (uint64_t)i * sizeof(struct pvtime_record);
}

#ifndef SHRIKE_HOST_TEST
#include "kernel/errno.h"
#include "kernel/lib.h"
#include "kernel/timer.h"
#include "mm/cache.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "vcpu/vm.h"

_Static_assert(VM_MAX_VCPUS * sizeof(struct pvtime_record) <= GUEST_PVTIME_SIZE,
               "every vCPU's record fits the PV-time page");

static struct pvtime_record *record(struct vcpu *v)
{
    return (struct pvtime_record *)pa_to_ptr(v->vm->pvtime_page) + v->id;
}

int pvtime_map(struct vm *vm)
{
    if (!page_alloc(1, 1, &vm->pvtime_page)) {
        return -ENOMEM;
    }
    void *p = pa_to_ptr(vm->pvtime_page);
    memset(p, 0, PAGE_SIZE);
    /*
     * Both sides map the page Normal Write-Back Inner Shareable (Linux's
     * memremap(MEMREMAP_WB); stage 2 Normal), so later updates need no
     * maintenance; the zeros are cleaned to PoC in case the guest reads them
     * with its caches still off.
     */
    dcache_clean_inval_poc(p, PAGE_SIZE);
    return pt_map(&vm->s2, GUEST_PVTIME_IPA, pa_addr(vm->pvtime_page), PAGE_SIZE, PT_READ);
}

void pvtime_release(struct vm *vm)
{
    if (vm->pvtime_page.pa != 0) {
        page_free(vm->pvtime_page, 1);
        vm->pvtime_page.pa = 0;
    }
}

void pvtime_reset(struct vm *vm)
{
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        v->steal_base = v->sched.stats.wait_ticks;
        v->steal_seen = v->sched.stats.wait_ticks;
        v->steal_asked = false;
        __atomic_store_n(&record(v)->stolen_time, 0, __ATOMIC_RELAXED);
    }
}

void pvtime_publish(struct vcpu *v)
{
    uint64_t wait = v->sched.stats.wait_ticks;
    v->steal_seen = wait;
    /* One 64-bit store: the guest reads the field with a single load (single-copy atomic). */
    uint64_t ns = pvtime_ticks_to_ns(wait - v->steal_base, timer_freq());
    __atomic_store_n(&record(v)->stolen_time, ns, __ATOMIC_RELAXED);
}
void pvtime_update(struct vcpu *v)
{
    if (v->steal_asked && v->sched.stats.wait_ticks != v->steal_seen) {
        pvtime_publish(v);
    }
}
#endif
