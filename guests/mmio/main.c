/*
 * mmio: shrike's MMIO emulation against the test device (vcpu/abi.h). Every
 * access is one inline-asm instruction, so its form (size, sign extension,
 * W/X register, XZR) is exact. Loads start from a destination register full of
 * ones so that a missing zero- or sign-extension shows. Then the two forms
 * shrike cannot emulate (no ISV: a load pair and a post-indexed load) must
 * come back as data aborts, counted by SHRIKE_HC_MMIO_FAULTS. Shrike only.
 */
#include "guests/lib/guest.h"

#define DEV(off)  (GUEST_TESTDEV_BASE + (off))
#define PATTERN   0x1122334455667788UL
#define NEG_VALUE 0xFFFFFFFFFFFFFF80UL
#define ALL_ONES  0xFFFFFFFFFFFFFFFFUL

/* One load: the destination starts as all ones. */
#define LOAD(insn, reg, addr)                                                            \
    ({                                                                                   \
        uint64_t v_ = ALL_ONES;                                                          \
        __asm__ __volatile__(insn " %" reg "0, [%1]" : "+r"(v_) : "r"(addr) : "memory"); \
        v_;                                                                              \
    })

#define STORE(insn, reg, addr, val) \
    __asm__ __volatile__(insn " %" reg "0, [%1]" : : "r"((uint64_t)(val)), "r"(addr) : "memory")

static uint64_t scratch(void)
{
    return LOAD("ldr", "x", DEV(TESTDEV_SCRATCH));
}

static void set_scratch(uint64_t v)
{
    STORE("str", "x", DEV(TESTDEV_SCRATCH), v);
}

static void loads(void)
{
    uint64_t a = DEV(TESTDEV_SCRATCH);

    set_scratch(PATTERN);
    CHECK_EQ(LOAD("ldrb", "w", a), 0x88, "ldrb: 0x88");
    CHECK_EQ(LOAD("ldrh", "w", a), 0x7788, "ldrh: 0x7788");
    CHECK_EQ(LOAD("ldr", "w", a), 0x55667788, "ldr w: 0x55667788");
    CHECK_EQ(LOAD("ldr", "x", a), PATTERN, "ldr x: 0x1122334455667788");
    CHECK_EQ(LOAD("ldr", "w", DEV(TESTDEV_ID)), TESTDEV_ID_VALUE, "ldr w of ID: 0x5348524b");
}

/* A narrower store replaces the whole register with its zero-extended value. */
static void stores(void)
{
    uint64_t a = DEV(TESTDEV_SCRATCH);

    set_scratch(PATTERN);
    STORE("strb", "w", a, 0xAB);
    CHECK_EQ(scratch(), 0xAB, "strb 0xab: SCRATCH = 0xab");
    set_scratch(PATTERN);
    STORE("strh", "w", a, 0xABCD);
    CHECK_EQ(scratch(), 0xABCD, "strh 0xabcd: SCRATCH = 0xabcd");
    set_scratch(PATTERN);
    STORE("str", "w", a, 0xDEADBEEFU);
    CHECK_EQ(scratch(), 0xDEADBEEFU, "str w 0xdeadbeef: SCRATCH = 0xdeadbeef");

    set_scratch(PATTERN);
    __asm__ __volatile__("str xzr, [%0]" : : "r"(a) : "memory");
    CHECK_EQ(scratch(), 0, "str xzr: SCRATCH = 0");

    set_scratch(PATTERN);
    __asm__ __volatile__("mov w2, %w0\n\tstr w2, [%1]"
                         :
                         : "r"(0xFFFFFFFFU), "r"(a)
                         : "x2", "memory");
    CHECK_EQ(scratch(), 0xFFFFFFFFU, "str w2 of 0xffffffff: SCRATCH = 0xffffffff");
}

static void sign_extension(void)
{
    uint64_t a = DEV(TESTDEV_NEG);

    CHECK_EQ(LOAD("ldr", "x", a), NEG_VALUE, "NEG reads 0xffffffffffffff80");
    CHECK_EQ(LOAD("ldrb", "w", a), 0x80, "ldrb of NEG: 0x80 (zero-extended)");
    CHECK_EQ(LOAD("ldrsb", "x", a), NEG_VALUE, "ldrsb x: 0xffffffffffffff80");
    CHECK_EQ(LOAD("ldrsb", "w", a), 0xFFFFFF80UL, "ldrsb w: 0x00000000ffffff80 in the X view");
    CHECK_EQ(LOAD("ldrsh", "x", a), NEG_VALUE, "ldrsh x: 0xffffffffffffff80");
    CHECK_EQ(LOAD("ldrsh", "w", a), 0xFFFFFF80UL, "ldrsh w: 0x00000000ffffff80 in the X view");
    CHECK_EQ(LOAD("ldrsw", "x", a), NEG_VALUE, "ldrsw: 0xffffffffffffff80");
}

/* A load into XZR is emulated (and counted) but changes no register. */
static void load_xzr(void)
{
    uint64_t before, after;

    set_scratch(PATTERN);
    before = LOAD("ldr", "x", DEV(TESTDEV_COUNT));
    __asm__ __volatile__("ldr xzr, [%0]" : : "r"(DEV(TESTDEV_SCRATCH)) : "memory");
    after = LOAD("ldr", "x", DEV(TESTDEV_COUNT));
    CHECK_EQ(after - before, 2, "ldr xzr is counted: COUNT moves by 2 (it and the COUNT read)");
    CHECK_EQ(scratch(), PATTERN, "ldr xzr leaves SCRATCH alone");
}

/* Forms without a valid ISS (ISV = 0): shrike refuses them with an abort. */
static void no_isv(void)
{
    struct fault_record rec;
    uint64_t a = DEV(TESTDEV_SCRATCH), base = a;

    fault_expect(&rec);
    __asm__ __volatile__("ldp x2, x3, [%0]" : : "r"(a) : "x2", "x3", "memory");
    fault_expect_end();
    CHECK_EQ(rec.count, 1, "ldp from SCRATCH aborts");
    CHECK_EQ(rec.ec, EC_DABT_CUR, "ldp: data abort (EC 0x25)");
    CHECK_EQ(rec.far, a, "ldp: FAR_EL1 is the SCRATCH address");

    fault_expect(&rec);
    __asm__ __volatile__("ldr x2, [%0], #8" : "+r"(base) : : "x2", "memory");
    fault_expect_end();
    CHECK_EQ(rec.count, 1, "post-indexed ldr from SCRATCH aborts");
    CHECK_EQ(rec.ec, EC_DABT_CUR, "post-indexed ldr: data abort (EC 0x25)");
    CHECK_EQ(rec.far, a, "post-indexed ldr: FAR_EL1 is the SCRATCH address");
    CHECK_EQ(base, a, "post-indexed ldr: no base write-back");

    CHECK_EQ(hvc_call(SHRIKE_HC_MMIO_FAULTS, 0, 0, 0), 2, "SHRIKE_HC_MMIO_FAULTS is 2");
}

void guest_main(void)
{
    if (!guest_on_shrike()) {
        CHECK(false, "running on shrike (the mmio guest needs its test device)");
        return;
    }
    loads();
    stores();
    sign_extension();
    load_xzr();
    no_isv();
}
