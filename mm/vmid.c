/*
 * VMID allocator (see vmid.h): one bitmap of every VMID (8 KiB for 16-bit
 * VMIDs) under one lock. Bit 0 stays set, so VMID 0 is never found free.
 * Allocation and release are rare (VM creation and teardown), so a linear
 * scan a word at a time is enough.
 */
#include "mm/vmid.h"

#include <stdbool.h>

#include "kernel/check.h"
#include "kernel/errno.h"
#include "kernel/lib.h"
#include "kernel/spinlock.h"

#define VMID_MAX_COUNT       (1U << 16)
#define MMFR1_VMIDBITS_SHIFT 4
#define MMFR1_VMIDBITS_MASK  0xFULL
#define MMFR1_VMIDBITS_16    0x2U

static struct {
    spinlock_t lock;
    void (*flush)(uint16_t vmid);
    uint32_t count;  /* VMIDs that exist: 256 or 65536, VMID 0 included; 0 before vmid_init() */
    uint32_t last;   /* the VMID handed out last, where the next search starts */
    unsigned in_use; /* allocated VMIDs, VMID 0 not counted */
    uint64_t bitmap[VMID_MAX_COUNT / 64]; /* bit set = in use (or reserved, for VMID 0) */
} vmids = {.lock = SPINLOCK_INIT};

static bool vmid_used(uint32_t vmid)
{
    return (vmids.bitmap[vmid / 64] >> (vmid % 64)) & 1U;
}

static void vmid_mark(uint32_t vmid, bool used)
{
    uint64_t bit = 1ULL << (vmid % 64);
    if (used) {
        vmids.bitmap[vmid / 64] |= bit;
    } else {
        vmids.bitmap[vmid / 64] &= ~bit;
    }
}

/* The lowest free VMID in [from, vmids.count), or vmids.count if there is none. */
static uint32_t find_free(uint32_t from)
{
    uint32_t i = from;
    while (i < vmids.count) {
        uint64_t free = ~vmids.bitmap[i / 64] >> (i % 64);
        if (free != 0) {
            uint32_t found = i + (uint32_t)__builtin_ctzll(free);
            return found < vmids.count ? found : vmids.count;
        }
        i = (i / 64 + 1) * 64;
    }
    return vmids.count;
}

void vmid_init(unsigned bits, void (*flush)(uint16_t vmid))
{
    CHECK(bits == 8 || bits == 16);
    CHECK(flush != 0);

    spin_lock(&vmids.lock);
    memset(vmids.bitmap, 0, sizeof(vmids.bitmap));
    vmids.flush = flush;
    vmids.count = 1U << bits;
    vmids.last = 0;
    vmids.in_use = 0;
    vmid_mark(0, true);
    spin_unlock(&vmids.lock);
}

unsigned vmid_bits_from_mmfr1(uint64_t id_aa64mmfr1)
{
    uint64_t field = (id_aa64mmfr1 >> MMFR1_VMIDBITS_SHIFT) & MMFR1_VMIDBITS_MASK;
    return field == MMFR1_VMIDBITS_16 ? 16 : 8;
}

int vmid_alloc(uint16_t *out)
{
    spin_lock(&vmids.lock);
    CHECK(vmids.count != 0);
    if (vmids.in_use == vmids.count - 1) {
        spin_unlock(&vmids.lock);
        return -ENOSPC;
    }
    uint32_t vmid = find_free(vmids.last + 1);
    if (vmid == vmids.count) {
        vmid = find_free(1); /* wrap around: something below the last one is free */
    }
    CHECK(vmid != 0 && vmid < vmids.count);
    vmid_mark(vmid, true);
    vmids.last = vmid;
    vmids.in_use++;
    spin_unlock(&vmids.lock);

    *out = (uint16_t)vmid;
    return 0;
}

void vmid_free(uint16_t vmid)
{
    spin_lock(&vmids.lock);
    CHECK(vmid != 0 && vmid < vmids.count && vmid_used(vmid));
    /* Stale translations of the old VM must be gone before a new VM can get this VMID. */
    vmids.flush(vmid);
    vmid_mark(vmid, false);
    vmids.in_use--;
    spin_unlock(&vmids.lock);
}

unsigned vmid_in_use(void)
{
    spin_lock(&vmids.lock);
    unsigned n = vmids.in_use;
    spin_unlock(&vmids.lock);
    return n;
}
