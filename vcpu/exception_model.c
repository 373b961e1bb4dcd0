/* Exception-entry arithmetic for injection (see exception_model.h; Arm ARM D1.10). */
#include "vcpu/exception_model.h"

#define PSTATE_M_MASK 0x1FULL
#define PSTATE_NRW    (1ULL << 4) /* AArch32 */
#define PSTATE_EL1T   0x4ULL
#define PSTATE_EL1H   0x5ULL
#define PSTATE_DAIF   (0xFULL << 6)

#define ESR_IL            (1ULL << 25)
#define EC_SHIFT          26
#define EC_UNKNOWN        0x00ULL
#define EC_IABT_LOW       0x20ULL
#define EC_IABT_CUR       0x21ULL
#define EC_DABT_LOW       0x24ULL
#define EC_DABT_CUR       0x25ULL
#define FSC_SYNC_EXTERNAL 0x10ULL
#define ISS_WNR           (1ULL << 6)

bool exc_from_el0(uint64_t pstate)
{
    if (pstate & PSTATE_NRW) {
        return true; /* EL1 is AArch64 (HCR_EL2.RW): AArch32 state can only be EL0 */
    }
    return ((pstate >> 2) & 3) == 0;
}

struct exc_entry exc_sync_entry(uint64_t vbar, uint64_t pstate)
{
    uint64_t offset;
    if (pstate & PSTATE_NRW) {
        offset = 0x600; /* lower EL, AArch32 */
    } else if (exc_from_el0(pstate)) {
        offset = 0x400; /* lower EL, AArch64 */
    } else if ((pstate & PSTATE_M_MASK) == PSTATE_EL1T) {
        offset = 0x000; /* current EL with SP_EL0 */
    } else {
        offset = 0x200; /* current EL with SP_EL1 */
    }
    return (struct exc_entry){.pc = (vbar & ~0x7FFULL) + offset,
                              .pstate = PSTATE_EL1H | PSTATE_DAIF};
}

uint64_t exc_esr_undef(void)
{
    return (EC_UNKNOWN << EC_SHIFT) | ESR_IL;
}

uint64_t exc_esr_data_abort(bool from_el0, bool wnr)
{
    uint64_t ec = from_el0 ? EC_DABT_LOW : EC_DABT_CUR;
    return (ec << EC_SHIFT) | ESR_IL | (wnr ? ISS_WNR : 0) | FSC_SYNC_EXTERNAL;
}

uint64_t exc_esr_insn_abort(bool from_el0)
{
    uint64_t ec = from_el0 ? EC_IABT_LOW : EC_IABT_CUR;
    return (ec << EC_SHIFT) | ESR_IL | FSC_SYNC_EXTERNAL;
}
