/*
 * The data-abort path a guest drives: ESR_EL2 syndrome decode (kernel/esr.c),
 * the MMIO bus lookup (vcpu/mmio.c) and the load/store value arithmetic
 * (vcpu/mmio_access.h). Input: up to 8 regions to add, then accesses (ESR,
 * IPA, register value). Checked: decoded fields in range and equal to the
 * architected bit positions, esr_iss_fields bounded, the bus finds exactly
 * the region a linear search finds, load/store values are the ISS-described
 * truncation and extension.
 */
#include <string.h>

#include "fuzz.h"
#include "kernel/esr.h"
#include "vcpu/mmio.h"
#include "vcpu/mmio_access.h"

static bool dev_read(void *dev, struct vcpu *vcpu, uint64_t offset, unsigned size, uint64_t *value)
{
    (void)dev;
    (void)vcpu;
    *value = offset * 0x0101010101010101ULL + size;
    return true;
}

static bool dev_write(void *dev, struct vcpu *vcpu, uint64_t offset, unsigned size, uint64_t value)
{
    (void)dev;
    (void)vcpu;
    (void)offset;
    (void)size;
    (void)value;
    return true;
}

static const struct mmio_ops dev_ops = {.read = dev_read, .write = dev_write};

static void check_dabt(uint64_t esr)
{
    struct esr_dabt d = esr_decode_dabt(esr);
    uint32_t iss = esr_iss(esr);
    FUZZ_CHECK(d.isv == ((iss >> 24) & 1));
    if (d.isv) { /* ISS[23:14] hold the instruction syndrome only when ISV is 1 */
        FUZZ_CHECK(d.size_bytes == 1u << ((iss >> 22) & 3));
        FUZZ_CHECK(d.sse == ((iss >> 21) & 1));
        FUZZ_CHECK(d.srt == ((iss >> 16) & 31));
        FUZZ_CHECK(d.sf == ((iss >> 15) & 1));
        FUZZ_CHECK(d.ar == ((iss >> 14) & 1));
    } else {
        FUZZ_CHECK(d.size_bytes == 0 && !d.sse && d.srt == 0 && !d.sf && !d.ar);
    }
    FUZZ_CHECK(d.wnr == ((iss >> 6) & 1));
    FUZZ_CHECK(d.dfsc == (iss & 0x3f));
    FUZZ_CHECK(esr_fsc_name(d.dfsc) != NULL);

    struct esr_iabt ia = esr_decode_iabt(esr);
    FUZZ_CHECK(ia.ifsc == (iss & 0x3f));
    struct esr_wfx w = esr_decode_wfx(esr);
    FUZZ_CHECK(w.ti == (iss & 3) && w.rn < 32 && w.cond < 16);

    unsigned ec = esr_ec(esr);
    FUZZ_CHECK(ec <= ESR_EC_MAX);
    FUZZ_CHECK(esr_class_name(ec) != NULL && esr_class_desc(ec) != NULL);
    FUZZ_CHECK(esr_class_name(ec + 0x40) != NULL && esr_class_desc(ec + 0x40) != NULL);
    FUZZ_CHECK(esr_insn_len(esr) == ((esr & ESR_IL_BIT) ? 4u : 2u));

    /* The field list never writes past max, and with max 0 writes nothing. */
    struct esr_field f[24];
    memset(f, 0xa5, sizeof(f));
    unsigned max = (unsigned)(esr >> 58) % 20;
    unsigned n = esr_iss_fields(esr, f, max);
    FUZZ_CHECK(n <= max);
    for (unsigned i = 0; i < n; i++) {
        FUZZ_CHECK(f[i].name != NULL && strlen(f[i].name) < 16);
    }
    for (unsigned i = max; i < 24; i++) {
        FUZZ_CHECK(f[i].value == 0xa5a5a5a5u);
    }
    FUZZ_CHECK(esr_iss_fields(esr, NULL, 8) == 0);
}

static void check_values(uint64_t esr, uint64_t reg, uint64_t raw)
{
    struct esr_dabt d = esr_decode_dabt(esr);
    unsigned size = d.size_bytes;
    uint64_t mask = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
    FUZZ_CHECK(mmio_store_value(reg, size) == (reg & mask));

    /* Arm ARM, LDR/LDRS*: the low SAS bytes, sign-extended if SSE, into Xt (SF) or Wt. */
    uint64_t want = raw & mask;
    if (d.sse && size < 8 && (want >> (8 * size - 1)) != 0) {
        want |= ~mask;
    }
    if (!d.sf) {
        want &= 0xFFFFFFFFULL;
    }
    FUZZ_CHECK(mmio_load_result(raw, size, d.sse, d.sf) == want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size};
    struct mmio_bus bus;
    memset(&bus, 0, sizeof(bus));

    unsigned nadd = FUZZ_U8(&in) % (MMIO_MAX_REGIONS + 3);
    for (unsigned i = 0; i < nadd; i++) {
        /* Bases and sizes near page boundaries and the top of the address space. */
        uint64_t base = FUZZ_U64(&in);
        uint64_t len = FUZZ_U32(&in);
        if (base & 1) {
            base = ~0ULL - (base >> 40);
        } else {
            base &= 0xFFFFFFFFF000ULL;
        }
        unsigned before = bus.count;
        int rc = mmio_bus_add(&bus, base, len, &dev_ops, NULL);
        bool overlap = false;
        for (unsigned j = 0; j < before; j++) {
            const struct mmio_region *r = &bus.regions[j];
            overlap = overlap || (base < r->base + r->size && r->base < base + len);
        }
        if (len == 0 || base + len < base) {
            FUZZ_CHECK(rc != 0);
        } else if (overlap || before == MMIO_MAX_REGIONS) {
            FUZZ_CHECK(rc != 0);
        } else {
            FUZZ_CHECK(rc == 0);
        }
        FUZZ_CHECK(bus.count == before + (rc == 0));
        FUZZ_CHECK(bus.count <= MMIO_MAX_REGIONS);
    }

    while (!fuzz_done(&in)) {
        uint64_t esr = FUZZ_U64(&in);
        uint64_t ipa = FUZZ_U64(&in);
        uint64_t reg = FUZZ_U64(&in);
        /* Mostly the data-abort class, so the MMIO path is what gets explored. */
        if ((esr >> 63) == 0) {
            esr = (esr & ~(0x3FULL << 26)) | ((uint64_t)ESR_EC_DABT_LOW << 26);
        }
        if (bus.count != 0 && (ipa >> 63)) {
            const struct mmio_region *r = &bus.regions[(ipa >> 32) % bus.count];
            ipa = r->base + (ipa & 0xFFFF) % (r->size + 1);
        }
        check_dabt(esr);
        if (esr_decode_dabt(esr).isv) {
            check_values(esr, reg, ipa ^ reg);
        }

        const struct mmio_region *hit = mmio_bus_find(&bus, ipa);
        const struct mmio_region *want = NULL;
        for (unsigned j = 0; j < bus.count; j++) {
            if (ipa >= bus.regions[j].base && ipa - bus.regions[j].base < bus.regions[j].size) {
                FUZZ_CHECK(want == NULL); /* regions never overlap */
                want = &bus.regions[j];
            }
        }
        FUZZ_CHECK(hit == want);
        FUZZ_CHECK(bus.last < MMIO_MAX_REGIONS && (bus.count == 0 || bus.last < bus.count));
        if (hit != NULL && esr_decode_dabt(esr).isv) {
            struct esr_dabt d = esr_decode_dabt(esr);
            uint64_t off = ipa - hit->base;
            uint64_t v = 0;
            if (d.wnr) {
                FUZZ_CHECK(hit->ops->write(hit->dev, NULL, off, d.size_bytes,
                                           mmio_store_value(reg, d.size_bytes)));
            } else {
                FUZZ_CHECK(hit->ops->read(hit->dev, NULL, off, d.size_bytes, &v));
                (void)mmio_load_result(v, d.size_bytes, d.sse, d.sf);
            }
        }
    }
    return 0;
}
