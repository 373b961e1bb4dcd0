/*
 * Test device: a scratch register, a constant for sign-extension checks, an
 * ID and an access counter. A store of any size replaces SCRATCH with the
 * zero-extended value; a load of any size returns the low bytes.
 */
#include "vcpu/testdev.h"

#include "vcpu/abi.h"

static bool testdev_read(void *dev, struct vcpu *vcpu, uint64_t off, unsigned size, uint64_t *val)
{
    struct testdev *t = dev;
    (void)vcpu;
    (void)size;
    t->count++;
    switch (off) {
    case TESTDEV_ID:
        *val = TESTDEV_ID_VALUE;
        return true;
    case TESTDEV_SCRATCH:
        *val = t->scratch;
        return true;
    case TESTDEV_NEG:
        *val = 0xFFFFFFFFFFFFFF80ULL;
        return true;
    case TESTDEV_COUNT:
        *val = t->count;
        return true;
    default:
        return false;
    }
}

static bool testdev_write(void *dev, struct vcpu *vcpu, uint64_t off, unsigned size, uint64_t val)
{
    struct testdev *t = dev;
    (void)vcpu;
    (void)size;
    t->count++;
    if (off != TESTDEV_SCRATCH) {
        return false;
    }
    t->scratch = val;
    return true;
}

const struct mmio_ops testdev_mmio_ops = {
    .read = testdev_read,
    .write = testdev_write,
};
