/* Host tests: the MMIO bus and the register-side arithmetic of emulated loads and stores. */
#include "unit.h"
#include "kernel/errno.h"
#include "vcpu/mmio.h"
#include "vcpu/mmio_access.h"

UNIT_STATE;

static bool dummy_read(void *dev, struct vcpu *v, uint64_t off, unsigned size, uint64_t *val)
{
    (void)dev;
    (void)v;
    (void)size;
    *val = off;
    return true;
}

static bool dummy_write(void *dev, struct vcpu *v, uint64_t off, unsigned size, uint64_t val)
{
    (void)dev;
    (void)v;
    (void)off;
    (void)size;
    (void)val;
    return true;
}

static const struct mmio_ops ops = {.read = dummy_read, .write = dummy_write};

static void test_bus(void)
{
    struct mmio_bus bus = {0};
    int a = 1, b = 2;
    EXPECT_EQ(mmio_bus_add(&bus, 0x9000000, 0x1000, &ops, &a), 0);
    EXPECT_EQ(mmio_bus_add(&bus, 0xB000000, 0x1000, &ops, &b), 0);
    /* Overlaps at either end, and containment, are refused. */
    EXPECT_EQ(mmio_bus_add(&bus, 0x8FFF000, 0x2000, &ops, &a), -EEXIST);
    EXPECT_EQ(mmio_bus_add(&bus, 0x9000FFF, 0x10, &ops, &a), -EEXIST);
    EXPECT_EQ(mmio_bus_add(&bus, 0x9000100, 0x10, &ops, &a), -EEXIST);
    EXPECT_EQ(mmio_bus_add(&bus, 0x1000, 0, &ops, &a), -EINVAL);
    EXPECT_EQ(mmio_bus_add(&bus, UINT64_MAX - 0xFFF, 0x2000, &ops, &a), -EINVAL);
    EXPECT_EQ(mmio_bus_add(&bus, 0x1000, 0x10, NULL, &a), -EINVAL);
    /* Adjacent is fine. */
    EXPECT_EQ(mmio_bus_add(&bus, 0x9001000, 0x1000, &ops, &b), 0);
    EXPECT_EQ(bus.count, 3);

    EXPECT(mmio_bus_find(&bus, 0x8FFFFFF) == NULL);
    EXPECT(mmio_bus_find(&bus, 0x9000000)->dev == &a);
    EXPECT(mmio_bus_find(&bus, 0x9000FFF)->dev == &a);
    EXPECT(mmio_bus_find(&bus, 0x9001000)->dev == &b);
    EXPECT(mmio_bus_find(&bus, 0x9002000) == NULL);
    EXPECT(mmio_bus_find(&bus, 0xB000FFF)->dev == &b);
    EXPECT(mmio_bus_find(&bus, 0) == NULL);

    for (uint64_t i = 3; i < MMIO_MAX_REGIONS; i++) {
        EXPECT_EQ(mmio_bus_add(&bus, 0x20000000 + i * 0x1000, 0x1000, &ops, &a), 0);
    }
    EXPECT_EQ(mmio_bus_add(&bus, 0x30000000, 0x1000, &ops, &a), -ENOSPC);
}

static void test_store(void)
{
    EXPECT_EQ(mmio_store_value(0x1122334455667788ULL, 1), 0x88);
    EXPECT_EQ(mmio_store_value(0x1122334455667788ULL, 2), 0x7788);
    EXPECT_EQ(mmio_store_value(0x1122334455667788ULL, 4), 0x55667788);
    EXPECT_EQ(mmio_store_value(0x1122334455667788ULL, 8), 0x1122334455667788ULL);
}

static void test_load(void)
{
    /* Zero extension, X and W destinations. */
    EXPECT_EQ(mmio_load_result(0xFFFFFFFFFFFFFF80ULL, 1, false, true), 0x80);
    EXPECT_EQ(mmio_load_result(0xFFFFFFFFFFFFFF80ULL, 2, false, true), 0xFF80);
    EXPECT_EQ(mmio_load_result(0xFFFFFFFFFFFFFF80ULL, 4, false, false), 0xFFFFFF80ULL);
    EXPECT_EQ(mmio_load_result(0xFFFFFFFFFFFFFF80ULL, 8, false, true), 0xFFFFFFFFFFFFFF80ULL);
    /* LDRSB/LDRSH/LDRSW into X: sign extended to 64 bits. */
    EXPECT_EQ(mmio_load_result(0x80, 1, true, true), 0xFFFFFFFFFFFFFF80ULL);
    EXPECT_EQ(mmio_load_result(0x7F, 1, true, true), 0x7F);
    EXPECT_EQ(mmio_load_result(0x8000, 2, true, true), 0xFFFFFFFFFFFF8000ULL);
    EXPECT_EQ(mmio_load_result(0x80000000, 4, true, true), 0xFFFFFFFF80000000ULL);
    /* LDRSB/LDRSH into W: sign extended to 32 bits, upper half zero. */
    EXPECT_EQ(mmio_load_result(0x80, 1, true, false), 0xFFFFFF80ULL);
    EXPECT_EQ(mmio_load_result(0x8001, 2, true, false), 0xFFFF8001ULL);
    /* Only the accessed bytes count, whatever the device returned above them. */
    EXPECT_EQ(mmio_load_result(0xABCD0012, 1, true, true), 0x12);
    EXPECT_EQ(mmio_load_result(0xABCD0092, 1, true, true), 0xFFFFFFFFFFFFFF92ULL);
}

int main(void)
{
    test_bus();
    test_store();
    test_load();
    return unit_report("mmio");
}
