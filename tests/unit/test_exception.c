/* Host tests: where an injected exception lands and its ESR_EL1 (Arm ARM D1.10). */
#include "unit.h"
#include "vcpu/exception_model.h"

UNIT_STATE;

#define VBAR 0xFFFF800010000800ULL

static void test_vectors(void)
{
    /* EL1h -> current EL with SP_ELx (+0x200); EL1t -> +0x000; EL0 -> +0x400; AArch32 -> +0x600. */
    EXPECT_EQ(exc_sync_entry(VBAR, 0x3C5).pc, VBAR + 0x200);
    EXPECT_EQ(exc_sync_entry(VBAR, 0x005).pc, VBAR + 0x200);
    EXPECT_EQ(exc_sync_entry(VBAR, 0x004).pc, VBAR + 0x000);
    EXPECT_EQ(exc_sync_entry(VBAR, 0x000).pc, VBAR + 0x400);
    EXPECT_EQ(exc_sync_entry(VBAR, 0x010).pc, VBAR + 0x600);         /* AArch32 User */
    EXPECT_EQ(exc_sync_entry(VBAR, 0x80000000ULL).pc, VBAR + 0x400); /* EL0 with N set */
    /* VBAR_EL1[10:0] are RES0: ignored. */
    EXPECT_EQ(exc_sync_entry(VBAR | 0x7FF, 0x3C5).pc, VBAR + 0x200);
    /* Always EL1h with D, A, I, F masked. */
    EXPECT_EQ(exc_sync_entry(VBAR, 0x000).pstate, 0x3C5);
    EXPECT_EQ(exc_sync_entry(VBAR, 0x20000005ULL).pstate, 0x3C5);
    EXPECT(exc_from_el0(0x000));
    EXPECT(exc_from_el0(0x010));
    EXPECT(!exc_from_el0(0x3C5));
    EXPECT(!exc_from_el0(0x004));
}

static void test_esr(void)
{
    EXPECT_EQ(exc_esr_undef(), 0x02000000); /* EC 0, IL */
    /* Data abort, synchronous external (DFSC 0x10), from EL1 (EC 0x25) / EL0 (0x24), WnR bit 6. */
    EXPECT_EQ(exc_esr_data_abort(false, false), 0x96000010);
    EXPECT_EQ(exc_esr_data_abort(false, true), 0x96000050);
    EXPECT_EQ(exc_esr_data_abort(true, true), 0x92000050);
    /* Instruction abort, synchronous external, from EL1 (EC 0x21) / EL0 (0x20). */
    EXPECT_EQ(exc_esr_insn_abort(false), 0x86000010);
    EXPECT_EQ(exc_esr_insn_abort(true), 0x82000010);
}

int main(void)
{
    test_vectors();
    test_esr();
    return unit_report("exception");
}
