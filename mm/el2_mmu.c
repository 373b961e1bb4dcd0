/*
 * The EL2 stage-1 map. RAM is mapped 1:1 (hypervisor VA = PA), so that shrike
 * can reach any page it allocates; within it, the image gets per-section
 * permissions:
 *   text            read-only, executable
 *   rodata          read-only, execute-never
 *   data, bss       read-write, execute-never
 *   stacks          read-write, execute-never, with each guard page unmapped
 *   rest of RAM     read-write, execute-never (2 MiB / 1 GiB blocks)
 * The GIC and the UART are Device-nGnRE; nothing else is mapped, so a stray
 * pointer into MMIO space faults. SCTLR_EL2.WXN makes any writable page
 * execute-never as well.
 */
#include "mm/el2_mmu.h"

#include "kernel/check.h"
#include "kernel/cpu.h"
#include "kernel/log.h"
#include "mm/pgtable.h"

#define SCTLR_EL2_M   (1ULL << 0)
#define SCTLR_EL2_C   (1ULL << 2)
#define SCTLR_EL2_SA  (1ULL << 3)
#define SCTLR_EL2_I   (1ULL << 12)
#define SCTLR_EL2_WXN (1ULL << 19)

extern char __image_start[], __image_end[], __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[], __data_start[], __stacks_start[];

static struct pgtable el2_pt;
static uint64_t el2_tcr;

unsigned el2_pa_bits(void)
{
    return pt_parange_bits((unsigned)(read_sysreg(id_aa64mmfr0_el1) & 0xF));
}

static uint64_t addr(const char *sym)
{
    return (uint64_t)(uintptr_t)sym;
}

static void map(uint64_t start, uint64_t end, unsigned attrs, const char *what)
{
    if (end <= start) {
        return;
    }
    int err = pt_map(&el2_pt, start, start, end - start, attrs);
    if (err) {
        panic("EL2 map of %s [%#lx, %#lx) failed: %d", what, start, end, err);
    }
}

static void map_stacks(void)
{
    const unsigned rw = PT_READ | PT_WRITE;
    for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++) {
        struct cpu_stack *s = &cpu_stacks[i];
        map(addr((char *)s->stack), addr((char *)s->stack) + sizeof(s->stack), rw, "stack");
        map(addr((char *)s->panic), addr((char *)s->panic) + sizeof(s->panic), rw, "panic stack");
    }
}

static void map_ram(const struct fdt_platform *plat)
{
    const unsigned rw = PT_READ | PT_WRITE;
    for (unsigned i = 0; i < plat->nmem; i++) {
        uint64_t base = plat->mem[i].base;
        uint64_t end = base + plat->mem[i].size;
        if (addr(__image_start) >= base && addr(__image_end) <= end) {
            map(base, addr(__image_start), rw, "RAM below the image");
            map(addr(__image_end), end, rw, "RAM above the image");
        } else {
            map(base, end, rw, "RAM");
        }
    }
}

static void map_device(const struct fdt_range *r, const char *what)
{
    uint64_t start = r->base & ~(PAGE_SIZE - 1);
    uint64_t end = (r->base + r->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    map(start, end, PT_READ | PT_WRITE | PT_DEVICE, what);
}

void el2_mmu_init(const struct fdt_platform *plat)
{
    unsigned bits = el2_pa_bits();
    CHECK(pt_init(&el2_pt, PT_STAGE1_EL2, bits, bits > 39 ? 0 : 1) == 0);

    map(addr(__text_start), addr(__text_end), PT_READ | PT_EXEC, "text");
    map(addr(__rodata_start), addr(__rodata_end), PT_READ, "rodata");
    map(addr(__data_start), addr(__stacks_start), PT_READ | PT_WRITE, "data");
    map_stacks();
    map_ram(plat);
    for (unsigned i = 0; i < plat->ngic_regs; i++) {
        map_device(&plat->gic_regs[i], "GIC");
    }
    map_device(&plat->uart, "UART");
    el2_tcr = pt_tcr_el2(&el2_pt, bits);
}

void el2_mmu_enable(void)
{
    write_sysreg(MAIR_EL2_VALUE, mair_el2);
    write_sysreg(el2_tcr, tcr_el2);
    write_sysreg(pa_addr(el2_pt.root), ttbr0_el2);
    dsb(ish);
    isb();
    __asm__ __volatile__("tlbi alle2" : : : "memory");
    dsb(ish);
    isb();
    uint64_t sctlr = read_sysreg(sctlr_el2);
    sctlr |= SCTLR_EL2_M | SCTLR_EL2_C | SCTLR_EL2_I | SCTLR_EL2_SA | SCTLR_EL2_WXN;
    write_sysreg(sctlr, sctlr_el2);
    isb();
}
