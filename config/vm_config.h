/*
 * A VM's configuration, written in C with designated initializers (one file
 * per VM in config/vms/). The same files compile for the host, where
 * scripts/vmgen.c turns each into the VM's device tree at build time, so
 * nothing about a VM is typed twice. Documented in docs/vm-config.md.
 */
#ifndef SHRIKE_CONFIG_VM_CONFIG_H
#define SHRIKE_CONFIG_VM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/admission.h"

#define VM_MAX_VCPUS 8
#define VM_NAME_MAX  16

/* Stage-2 shape: IPA size and start level (4 KiB granule); concatenation is derived. */
struct vm_stage2_config {
    unsigned ipa_bits;    /* 25..48, and no larger than the CPU's PA size */
    unsigned start_level; /* 0, 1 or 2 */
    bool demand;          /* map RAM page by page on stage-2 faults instead of eagerly */
};

/* What a trapped WFI does (.wfi); docs/scheduler.md, "WFI policies". */
enum vm_wfi {
    VM_WFI_AUTO,   /* the default: no trap while nothing else waits for its CPU, else as TRAP */
    VM_WFI_TRAP,   /* always trap, and block until an interrupt (or halt in place, alone) */
    VM_WFI_POLL,   /* trap, poll for .wfi_poll_us (without WFI at EL2), then block as TRAP */
    VM_WFI_NATIVE, /* on a dedicated CPU: no trap (HCR_EL2.TWI clear), the CPU waits itself */
};

struct vm_config {
    const char *name;                /* console prefix, at most VM_NAME_MAX - 1 chars */
    unsigned vcpus;                  /* 1..VM_MAX_VCPUS */
    uint64_t affinity[VM_MAX_VCPUS]; /* per vCPU: mask of physical CPUs it may run on */
    uint64_t ram_size;               /* bytes, a multiple of 2 MiB; RAM starts at GUEST_RAM_BASE */
    struct vm_stage2_config stage2;
    uint64_t load_offset;     /* where the image goes, from the start of RAM */
    uint64_t entry_offset;    /* where vCPU 0 starts, from the start of RAM (0: load_offset) */
    uint64_t image_footprint; /* bytes it occupies running, BSS included (0: its size, or an
                                 arm64 Image header's image_size) */
    const char *bootargs;     /* /chosen/bootargs */
    bool testdev;             /* map the emulated test device */
    bool magic_page;          /* map the read-only page filled with GUEST_MAGIC_WORD */
    bool pmu;                 /* a virtual PMUv3 (vcpu/vpmu.h) and its DTB node; off: none */
    const char *image_file;   /* guest binary: a name in build/guests/ (NAME.bin) or a path */
    const char *initrd_file;  /* optional initial ramdisk (a path), announced in /chosen */
    uint64_t initrd_offset;   /* where it goes, from the start of RAM */
    uint64_t initrd_size;
    /*
     * Scheduling (docs/scheduler.md, "Pools, weights, caps and budgets"); all
     * zero is the default: the first pool of CONFIG_SCHED_POOLS, weight 256,
     * no cap, no real-time budget.
     */
    unsigned pool;                       /* index in CONFIG_SCHED_POOLS */
    unsigned weight;                     /* each vCPU's share of a contended fair pool */
    unsigned cap_pct;                    /* each vCPU at most this % of one CPU (0: no cap) */
    uint32_t rt_budget_us[VM_MAX_VCPUS]; /* per vCPU: EDF budget every rt_period_us (0: none) */
    uint32_t rt_period_us[VM_MAX_VCPUS];
    enum vm_wfi wfi;      /* VM_WFI_NATIVE applies on a dedicated pool only (elsewhere: AUTO) */
    unsigned wfi_poll_us; /* VM_WFI_POLL: how long a WFI polls before it blocks */
    /* Filled by the build: the image and DTB linked into shrike (pristine copies). */
    const uint8_t *image;
    const uint8_t *image_end;
    const uint8_t *dtb;
    const uint8_t *dtb_end;
    const uint8_t *dtb_v2; /* the same VM with a GICv2, loaded on a GICv2 host (vcpu/vm.c) */
    const uint8_t *dtb_v2_end;
    const uint8_t *initrd;
    const uint8_t *initrd_end;
};

/* Every physical CPU. */
#define VM_ANY_CPU (~0ULL)

/* .affinity for a VM whose vCPUs all float over every CPU. */
#define VM_FLOATING                                                                         \
    {                                                                                       \
        VM_ANY_CPU, VM_ANY_CPU, VM_ANY_CPU, VM_ANY_CPU, VM_ANY_CPU, VM_ANY_CPU, VM_ANY_CPU, \
            VM_ANY_CPU                                                                      \
    }

/*
 * VM_CONFIG(sym) defines the VM's configuration object; the build links the
 * image and DTB into shrike as vm_blob_<sym>_{image,dtb}{,_end}, which
 * VM_BLOBS(sym) plugs in. The host tool that writes DTBs compiles the same
 * files with SHRIKE_HOST_TOOL, where the blobs do not exist yet.
 */
#ifdef SHRIKE_HOST_TOOL
#define VM_BLOBS(sym)  .image = 0
#define VM_CONFIG(sym) const struct vm_config vm_config_##sym
#else
#define VM_BLOBS(sym)                                                           \
    .image = vm_blob_##sym##_image, .image_end = vm_blob_##sym##_image_end,     \
    .dtb = vm_blob_##sym##_dtb, .dtb_end = vm_blob_##sym##_dtb_end,             \
    .dtb_v2 = vm_blob_##sym##_dtb_v2, .dtb_v2_end = vm_blob_##sym##_dtb_v2_end, \
    .initrd = vm_blob_##sym##_initrd, .initrd_end = vm_blob_##sym##_initrd_end
#define VM_CONFIG(sym)                                                           \
    extern const uint8_t vm_blob_##sym##_image[], vm_blob_##sym##_image_end[];   \
    extern const uint8_t vm_blob_##sym##_dtb[], vm_blob_##sym##_dtb_end[];       \
    extern const uint8_t vm_blob_##sym##_dtb_v2[], vm_blob_##sym##_dtb_v2_end[]; \
    extern const uint8_t vm_blob_##sym##_initrd[], vm_blob_##sym##_initrd_end[]; \
    const struct vm_config vm_config_##sym
#endif

#define MIB(x) ((uint64_t)(x) << 20)

/*
 * Build-time admission of a VM's real-time vCPUs: VM_RT_ADMIT(sym, ppm) with
 * ppm the sum of SCHED_RT_PPM(budget, period) of the vCPUs sharing one CPU
 * (sched/admission.h) fails the build, naming the VM, above 100%.
 */
#define VM_RT_ADMIT(sym, ppm) SCHED_RT_ADMIT(sym, ppm)

#endif
