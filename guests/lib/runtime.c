/*
 * The test-guest runtime's C entry (see guest.h): boot on vCPU 0 with the MMU
 * off, MMU on, shrike detection, guest_main(), summary and SYSTEM_OFF; and the
 * secondary vCPUs' side of guest_cpu_on().
 */
#include "guests/lib/guest.h"

/* guest.ld links at this address. */
_Static_assert(GUEST_RAM_BASE + GUEST_IMAGE_OFFSET == 0x40080000UL, "guest.ld link address");

/* Mapped when the DTB gives no usable RAM: the 2 MiB holding the image. */
#define FALLBACK_RAM_SIZE 0x200000UL

/* Per-vCPU stacks, used by start.S. */
char guest_stacks[GUEST_MAX_VCPUS][GUEST_STACK_SIZE] __attribute__((aligned(16)));

static guest_secondary_fn secondary_fn[GUEST_MAX_VCPUS];
static uint64_t boot_x0;
static bool on_shrike;
static unsigned vcpu_count;
static bool ram_known;
static uint64_t ram_base;
static uint64_t ram_size;

uint64_t guest_boot_x0(void)
{
    return boot_x0;
}

bool guest_on_shrike(void)
{
    return on_shrike;
}

int64_t guest_pcpu(void)
{
    return on_shrike ? hvc_call(SHRIKE_HC_PCPU, 0, 0, 0) : -1;
}

unsigned guest_vcpu_count(void)
{
    return vcpu_count;
}

bool guest_ram_known(void)
{
    return ram_known;
}

uint64_t guest_ram_base(void)
{
    return ram_base;
}

uint64_t guest_ram_size(void)
{
    return ram_size;
}

/* MMU off: only plain loads and stores here (no atomics, no console). */
static void read_dtb(uint64_t x0)
{
    int cpus;

    dtb_init(x0);
    cpus = dtb_cpu_count();
    vcpu_count = cpus > 0 ? (unsigned)cpus : 1;
    if (dtb_memory(&ram_base, &ram_size) == 0 && ram_base == GUEST_RAM_BASE && ram_size > 0 &&
        (ram_size & (PAGE_SIZE - 1)) == 0) {
        ram_known = true;
    } else {
        ram_base = GUEST_RAM_BASE;
        ram_size = FALLBACK_RAM_SIZE;
    }
}

static bool probe_shrike(void)
{
    struct fault_record rec;
    int64_t id;

    fault_expect(&rec);
    id = hvc_call(SHRIKE_HC_VCPU_ID, 0, 0, 0);
    fault_expect_end();
    return rec.count == 0 && id >= 0;
}

void guest_main_entry(uint64_t x0)
{
    boot_x0 = x0;
    read_dtb(x0);
    if (mmu_init(ram_base, ram_size) != 0) {
        /* Nothing is mapped that we could report through; stop. */
        psci_system_off();
    }
    guest_mmu_enable();

    on_shrike = probe_shrike();
    if (!ram_known) {
        printf("guest runtime: no usable /memory in the DTB at 0x%lx; mapped 2 MiB of RAM\n",
               (uint64_t)(uintptr_t)dtb_blob());
    }
    guest_main();
    test_summary();
    psci_system_off();
}

int64_t guest_cpu_on(unsigned idx, guest_secondary_fn fn)
{
    if (idx < GUEST_MAX_VCPUS) {
        __atomic_store_n(&secondary_fn[idx], fn, __ATOMIC_RELEASE);
    }
    return psci_cpu_on(idx, (uint64_t)(uintptr_t)guest_secondary_entry, idx);
}

void guest_secondary_main(unsigned idx)
{
    guest_secondary_fn fn = __atomic_load_n(&secondary_fn[idx], __ATOMIC_ACQUIRE);

    if (idx != guest_vcpu_index()) {
        console_emergency("guest runtime: context id %u on the vCPU with MPIDR Aff0 %u\n", idx,
                          guest_vcpu_index());
        psci_system_off();
    }
    if (fn == NULL) {
        console_emergency("guest runtime: vcpu %u started with no function\n", idx);
        psci_system_off();
    }
    fn(idx);
    psci_cpu_off();
}
