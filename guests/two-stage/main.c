/*
 * two-stage: seed lab 6. The guest maps GVA 0x8000_0000 onto IPA 0x7000_0000
 * (shrike's read-only magic page) in its own stage 1 and reads the magic words
 * through both stages; a write there is refused by stage 2 and comes back as a
 * data abort at FAR 0x8000_0000, after which the guest carries on. Shrike only.
 */
#include "guests/lib/guest.h"

#define MAGIC_GVA 0x80000000UL

static uint32_t read32(uint64_t va)
{
    return *(volatile uint32_t *)(uintptr_t)va;
}

static void reads(void)
{
    unsigned bad = 0;

    CHECK_EQ(read32(MAGIC_GVA), GUEST_MAGIC_WORD, "word 0 of GVA 0x80000000 is 0x12345678");
    CHECK_EQ(read32(MAGIC_GVA + 4), GUEST_MAGIC_WORD, "word 1 is 0x12345678");
    CHECK_EQ(read32(MAGIC_GVA + 0x800), GUEST_MAGIC_WORD, "word 512 is 0x12345678");
    CHECK_EQ(read32(MAGIC_GVA + PAGE_SIZE - 4), GUEST_MAGIC_WORD, "word 1023 is 0x12345678");
    for (uint64_t off = 0; off < PAGE_SIZE; off += 4) {
        bad += read32(MAGIC_GVA + off) != GUEST_MAGIC_WORD;
    }
    CHECK_EQ(bad, 0, "all 1024 words are 0x12345678");
}

static void write_faults(void)
{
    struct fault_record rec;
    uint64_t va = MAGIC_GVA;

    fault_expect(&rec);
    __asm__ __volatile__("str %w0, [%1]" : : "r"(0xDEADBEEFU), "r"(va) : "memory");
    fault_expect_end();
    CHECK_EQ(rec.count, 1, "a write to GVA 0x80000000 faults once");
    CHECK_EQ(rec.ec, EC_DABT_CUR, "it is a data abort (EC 0x25)");
    CHECK_EQ(rec.far, MAGIC_GVA, "FAR_EL1 is 0x80000000");
    CHECK_EQ(read32(MAGIC_GVA), GUEST_MAGIC_WORD, "the page still reads 0x12345678");
}

void guest_main(void)
{
    if (!guest_on_shrike()) {
        CHECK(false, "running on shrike (the two-stage guest needs it)");
        return;
    }
    if (!CHECK_EQ(mmu_map(MAGIC_GVA, GUEST_MAGIC_PAGE_IPA, PAGE_SIZE, 0), 0,
                  "stage 1 maps GVA 0x80000000 -> IPA 0x70000000")) {
        return;
    }
    reads();
    write_faults();
}
