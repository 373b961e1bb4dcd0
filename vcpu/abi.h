/*
 * The guest-visible ABI: the IPA layout every VM sees and shrike's own
 * hypercalls. Shared by the hypervisor and the guests in guests/; documented
 * in docs/hypercalls.md and docs/vm-config.md.
 */
#ifndef SHRIKE_VCPU_ABI_H
#define SHRIKE_VCPU_ABI_H

/* --- IPA layout (the same for every VM; RAM size varies) ----------------- */
#define GUEST_GICD_BASE      0x08000000UL
#define GUEST_GICD_SIZE      0x00010000UL
#define GUEST_GICC_BASE      0x08010000UL /* GICv2 VMs: the host's GICV frame (stage 2) */
#define GUEST_GICC_SIZE      0x00002000UL /* the DTB's placeholder; vcpu/vm.c writes GICV's size */
#define GUEST_GICC_MAX_SIZE  0x00020000UL /* the largest GICV frame shrike maps there */
#define GUEST_GICR_BASE      0x080A0000UL
#define GUEST_GICR_STRIDE    0x00020000UL
#define GUEST_UART_BASE      0x09000000UL /* emulated PL011, SPI 1 (INTID 33) */
#define GUEST_UART_SIZE      0x00001000UL
#define GUEST_UART_SPI       1
#define GUEST_PVTIME_IPA     0x090A0000UL /* read-only: stolen-time records, 64 B per vCPU */
#define GUEST_PVTIME_SIZE    0x00001000UL
#define GUEST_TESTDEV_BASE   0x0B000000UL /* emulated test device (mmio test guest) */
#define GUEST_TESTDEV_SIZE   0x00001000UL
#define GUEST_MAGIC_PAGE_IPA 0x70000000UL /* read-only page filled with GUEST_MAGIC_WORD */
#define GUEST_MAGIC_WORD     0x12345678U
#define GUEST_RAM_BASE       0x40000000UL
#define GUEST_IMAGE_OFFSET   0x80000UL /* test guests are linked at RAM base + 512 KiB */
#define GUEST_RNG_SEED_BYTES 64        /* /chosen/rng-seed, fresh at every load (if any) */

/*
 * Where the initrd and the DTB go in a VM's RAM (offsets from GUEST_RAM_BASE),
 * as QEMU 7.2 places them for -kernel (hw/arm/boot.c), so that guests which
 * assume it (bare-metal frameworks: "the DTB lies above my image") start:
 * the initrd at half of RAM or 128 MiB, whichever is lower, or just above
 * the image if that is higher (4 KiB aligned); the DTB above the image and
 * the initrd, 2 MiB aligned. vCPU 0 gets the DTB's address in x0.
 * image_end is load offset + footprint (BSS included).
 */
#define GUEST_INITRD_MAX_OFFSET 0x8000000UL /* 128 MiB */
#define GUEST_DTB_ALIGN         0x200000UL
#ifndef __ASSEMBLER__
#include <stdint.h>

static inline uint64_t guest_initrd_offset(uint64_t ram_size, uint64_t image_end)
{
    uint64_t at = ram_size / 2 < GUEST_INITRD_MAX_OFFSET ? ram_size / 2 : GUEST_INITRD_MAX_OFFSET;
    at = image_end > at ? image_end : at;
    return (at + 0xFFFULL) & ~0xFFFULL;
}

static inline uint64_t guest_dtb_offset(uint64_t ram_size, uint64_t image_end, uint64_t initrd_end)
{
    uint64_t at = guest_initrd_offset(ram_size, image_end);
    at = initrd_end > at ? initrd_end : at;
    return (at + GUEST_DTB_ALIGN - 1) & ~(uint64_t)(GUEST_DTB_ALIGN - 1);
}
#endif

/* --- test device registers (offsets in GUEST_TESTDEV) --------------------- */
#define TESTDEV_ID       0x000 /* RO, 32-bit: TESTDEV_ID_VALUE */
#define TESTDEV_SCRATCH  0x008 /* RW, 64-bit; a store of any size replaces it, zero-extended */
#define TESTDEV_NEG      0x010 /* RO: 0xFFFFFFFFFFFFFF80 (for sign-extension checks) */
#define TESTDEV_COUNT    0x018 /* RO: number of accesses the device has seen */
#define TESTDEV_ID_VALUE 0x5348524BU /* "SHRK" */

/* --- SMCCC function IDs shrike answers ------------------------------------ */
#define SMCCC_VERSION       0x80000000U
#define SMCCC_ARCH_FEATURES 0x80000001U
#define SMCCC_VERSION_1_1   0x10001
#define SMCCC_NOT_SUPPORTED (-1)

/*
 * shrike's hypercalls: SMCCC fast calls, SMC64, owner 6 (vendor-specific
 * hypervisor service), issued with HVC #0. Results in x0 (negative = error).
 */
#define SHRIKE_HC_NULL 0xC6000000U /* returns 0; for benchmarks */
#define SHRIKE_HC_CONSOLE_WRITE \
    0xC6000001U /* x1 = IPA of bytes, x2 = length (<= 256): bytes written */
#define SHRIKE_HC_VCPU_ID     0xC6000002U /* returns (vm id << 16) | vcpu index */
#define SHRIKE_HC_MMIO_FAULTS 0xC6000003U /* returns MMIO accesses refused to this VM so far */
#define SHRIKE_HC_PCPU        0xC6000005U /* test aid: the physical CPU running the caller now */
#define SHRIKE_HC_RESET_COUNT 0xC6000004U /* returns how many times this VM was reset */
#define SHRIKE_HC_ERR_INVAL   (-2)

/*
 * The seed lab's numbered hypercall: HVC #N with N != 0 reaches shrike's EL2
 * handler with its number; shrike logs it once per VM and returns N in x0 and
 * the caller's x0 + N in x1.
 */

#endif
