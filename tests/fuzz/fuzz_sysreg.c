/*
 * System-register trap decoding: the SYS64 syndrome (kernel/esr.c) as
 * vcpu/sysreg.c reads it (its SGI fast path takes Rt and Direction straight
 * from the ESR), and the decoders the trap handler dispatches to that need no
 * hardware: the ID-register table (vcpu/idregs.c), the set/way recogniser
 * (vcpu/setway.c) and the debug registers (vcpu/vdebug.c). Input: a DFR0
 * value, then ESRs with a value to write.
 */
#include <string.h>

#include "fuzz.h"
#include "kernel/esr.h"
#include "vcpu/idregs.h"
#include "vcpu/setway.h"
#include "vcpu/vdebug.h"

static uint64_t host_id(unsigned crm, unsigned op2)
{
    return ~0ULL ^ ((uint64_t)crm << 8 | op2);
}

static void check_decode(uint64_t esr)
{
    struct esr_sysreg s = esr_decode_sysreg(esr);
    uint32_t iss = esr_iss(esr);
    FUZZ_CHECK(s.op0 == ((iss >> 20) & 3) && s.op2 == ((iss >> 17) & 7));
    FUZZ_CHECK(s.op1 == ((iss >> 14) & 7) && s.crn == ((iss >> 10) & 15));
    FUZZ_CHECK(s.rt == ((iss >> 5) & 31) && s.crm == ((iss >> 1) & 15));
    FUZZ_CHECK(s.read == (iss & 1));
    /* sysreg.c's fast path reads Rt and Direction from the raw ESR: they must agree. */
    FUZZ_CHECK(s.rt == ((esr >> 5) & 31) && s.read == (esr & 1));
    uint32_t key = esr_sysreg_key(s.op0, s.op1, s.crn, s.crm, s.op2);
    FUZZ_CHECK(key == esr_sysreg_key_of(esr));
    FUZZ_CHECK(key == ESR_SYSREG(s.op0, s.op1, s.crn, s.crm, s.op2));
    FUZZ_CHECK((key & ~ESR_SYSREG_KEY_MASK) == 0);
    /* The key ignores Rt and Direction and nothing else of the ISS. */
    FUZZ_CHECK(esr_sysreg_key_of(esr ^ (31u << 5) ^ 1u) == key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size};
    static bool init;
    if (!init) {
        idregs_set_host_reader(host_id);
        idregs_init();
        init = true;
    }
    struct vdebug_shape shape = vdebug_shape_from_dfr0(FUZZ_U64(&in));
    FUZZ_CHECK(shape.brps >= 1 && shape.brps <= VDEBUG_MAX_PAIRS);
    FUZZ_CHECK(shape.wrps >= 1 && shape.wrps <= VDEBUG_MAX_PAIRS);
    struct vdebug dbg;
    memset(&dbg, 0, sizeof(dbg));
    vdebug_reset(&dbg);

    while (!fuzz_done(&in)) {
        uint64_t esr = FUZZ_U32(&in) | ((uint64_t)ESR_EC_SYS64 << ESR_EC_SHIFT) | ESR_IL_BIT;
        uint64_t val = FUZZ_U64(&in);
        check_decode(esr);
        struct esr_sysreg s = esr_decode_sysreg(esr);

        uint64_t id = idregs_guest_value(s.crm, s.op2);
        bool in_group = s.crm >= IDREG_CRM_FIRST && s.crm <= IDREG_CRM_LAST;
        FUZZ_CHECK(in_group || id == 0);
        if (in_group) {
            FUZZ_CHECK(id == idreg_sanitize(s.crm, s.op2, host_id(s.crm, s.op2)));
            /* Sanitizing is a projection: a second pass changes nothing. */
            FUZZ_CHECK(idreg_sanitize(s.crm, s.op2, id) == id);
        }
        (void)setway_is_op(s.op0, s.op1, s.crn, s.crm, s.op2);
        (void)idregs_guest_value(val & 0xFFFFFFFFu, (unsigned)(val >> 32));

        if (s.op0 == 2) {
            uint64_t v = s.read ? 0xDEADBEEFULL : val;
            enum vdebug_result r =
                vdebug_access(&dbg, &shape, s.op1, s.crn, s.crm, s.op2, s.read, &v);
            FUZZ_CHECK(r == VDEBUG_DONE || r == VDEBUG_CHANGED);
            FUZZ_CHECK((dbg.mdscr & ~MDSCR_GUEST_MASK) == 0);
            for (unsigned i = 0; i < VDEBUG_MAX_PAIRS; i++) {
                FUZZ_CHECK((dbg.bcr[i] & ~DBGBCR_GUEST_MASK) == 0);
                FUZZ_CHECK((dbg.wcr[i] & ~DBGWCR_GUEST_MASK) == 0);
                FUZZ_CHECK((dbg.bvr[i] & ~DBGXVR_GUEST_MASK) == 0);
                FUZZ_CHECK((dbg.wvr[i] & ~DBGXVR_GUEST_MASK) == 0);
                if (i >= shape.brps) {
                    FUZZ_CHECK(dbg.bcr[i] == 0 && dbg.bvr[i] == 0);
                }
                if (i >= shape.wrps) {
                    FUZZ_CHECK(dbg.wcr[i] == 0 && dbg.wvr[i] == 0);
                }
            }
        }
    }
    return 0;
}
