/*
 * isolation: a VM reaches nothing but its own RAM and devices. Loads and
 * stores at RAM end, at IPA 0x1000, at 0x8000_0000 and 0xC000_0000 (where
 * shrike and the other VMs live physically) and at 0x10_0000_0000 each come
 * back as a data abort; so does a store to the read-only magic page; a call
 * to RAM end takes an instruction abort and "returns". The guest maps each
 * probe in its own stage 1 first, so every fault is stage 2's. Finally it
 * fills all of its RAM above the image with a pattern and reads it back.
 */
#include "guests/lib/guest.h"

static void data_probe(uint64_t addr, bool write, unsigned *faults)
{
    struct fault_record rec;
    const char *what = write ? "store to" : "load from";

    fault_expect(&rec);
    if (write) {
        __asm__ __volatile__("str %0, [%1]" : : "r"(0x5A5AUL), "r"(addr) : "memory");
    } else {
        uint64_t v;
        __asm__ __volatile__("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
    }
    fault_expect_end();
    *faults += rec.count;
    if (CHECK_EQ(rec.count, 1, "%s 0x%lx aborts", what, addr)) {
        CHECK_EQ(rec.ec, EC_DABT_CUR, "%s 0x%lx: data abort (EC 0x25)", what, addr);
        CHECK_EQ(rec.far, addr, "%s 0x%lx: FAR_EL1 is the address", what, addr);
    }
}

static void outside_ram(uint64_t ram_end)
{
    const uint64_t probes[] = {ram_end, 0x1000, 0x80000000, 0xC0000000, 0x1000000000};
    const unsigned n = sizeof(probes) / sizeof(probes[0]);
    unsigned faults = 0;

    for (unsigned i = 0; i < n; i++) {
        if (!CHECK_EQ(mmu_map(probes[i], probes[i], PAGE_SIZE, MMU_DEVICE), 0, "stage 1 maps 0x%lx",
                      probes[i])) {
            continue;
        }
        data_probe(probes[i], false, &faults);
        data_probe(probes[i], true, &faults);
    }
    CHECK_EQ(faults, 2 * n, "%u aborts for %u probes", 2 * n, n);
}

static void magic_page(void)
{
    struct fault_record rec;
    unsigned faults = 0;
    uint32_t word;

    if (!CHECK_EQ(mmu_map(GUEST_MAGIC_PAGE_IPA, GUEST_MAGIC_PAGE_IPA, PAGE_SIZE, 0), 0,
                  "stage 1 maps the magic page")) {
        return;
    }
    fault_expect(&rec);
    word = *(volatile uint32_t *)GUEST_MAGIC_PAGE_IPA;
    fault_expect_end();
    CHECK_EQ(rec.count, 0, "the magic page can be read");
    CHECK_EQ(word, GUEST_MAGIC_WORD, "the magic page reads 0x12345678");
    data_probe(GUEST_MAGIC_PAGE_IPA, true, &faults);
}

static void call_probe(uint64_t addr)
{
    struct fault_record rec;

    if (!CHECK_EQ(mmu_map(addr, addr, PAGE_SIZE, 0), 0, "stage 1 maps 0x%lx executable", addr)) {
        return;
    }
    fault_expect(&rec);
    __asm__ __volatile__("blr %0" : : "r"(addr) : "x30", "memory");
    fault_expect_end();
    CHECK_EQ(rec.count, 1, "a call to 0x%lx aborts and returns", addr);
    CHECK_EQ(rec.ec, EC_IABT_CUR, "call to 0x%lx: instruction abort (EC 0x21)", addr);
    CHECK_EQ(rec.far, addr, "call to 0x%lx: FAR_EL1 is the address", addr);
}

/* Fills [start, end) with an address-derived pattern; returns the words that read back wrong. */
static uint64_t fill_and_check(uint64_t start, uint64_t end)
{
    uint64_t bad = 0;

    for (uint64_t a = start; a < end; a += 8) {
        *(volatile uint64_t *)(uintptr_t)a = a ^ 0xA5A5A5A5A5A5A5A5UL;
    }
    for (uint64_t a = start; a < end; a += 8) {
        bad += *(volatile uint64_t *)(uintptr_t)a != (a ^ 0xA5A5A5A5A5A5A5A5UL);
    }
    return bad;
}

void guest_main(void)
{
    uint64_t ram_end = guest_ram_base() + guest_ram_size();
    uint64_t start = (uint64_t)(uintptr_t)__image_end;

    if (!CHECK(guest_ram_known(), "the DTB gives RAM at 0x40000000 (size 0x%lx)",
               guest_ram_size())) {
        return;
    }
    outside_ram(ram_end);
    magic_page();
    call_probe(ram_end);
    CHECK_EQ(fill_and_check(start, ram_end), 0, "RAM 0x%lx..0x%lx holds what was written", start,
             ram_end);
}
