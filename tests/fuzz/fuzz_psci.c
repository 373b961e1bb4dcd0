/*
 * PSCI argument rules (vcpu/psci_rules.c) against their specification
 * (Arm DEN0022): function-ID ranges, MPIDR to vCPU index (shrike gives vCPU i
 * Aff0 = i), CPU_ON's entry point inside RAM and 4-byte aligned,
 * AFFINITY_INFO's lowest level 0. Input: records of fid, mpidr, entry, RAM.
 */
#include "fuzz.h"
#include "vcpu/psci_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size};
    while (!fuzz_done(&in)) {
        uint32_t fid = FUZZ_U32(&in);
        uint64_t mpidr = FUZZ_U64(&in);
        uint64_t entry = FUZZ_U64(&in);
        uint64_t ram_base = FUZZ_U64(&in);
        uint64_t ram_size = FUZZ_U64(&in);
        uint8_t misc = FUZZ_U8(&in);
        unsigned nvcpus = 1 + misc % 8;

        bool is = psci_is_fid(fid);
        FUZZ_CHECK(is == ((fid >= 0x84000000U && fid <= 0x8400001FU) ||
                          (fid >= 0xC4000000U && fid <= 0xC400001FU)));
        int64_t f = psci_guest_features(fid);
        FUZZ_CHECK(f == PSCI_RET_SUCCESS || f == PSCI_RET_NOT_SUPPORTED);
        FUZZ_CHECK(f == PSCI_RET_NOT_SUPPORTED || is || fid == 0x80000000U);

        /* MPIDR_EL1: Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0]; other bits ignored. */
        if (misc & 0x80) {
            mpidr &= 0xFF00FFFFFFULL & ((misc & 0x40) ? ~0ULL : 0xFFULL);
        }
        int idx = psci_mpidr_to_index(mpidr, nvcpus);
        bool valid = (mpidr & 0xFF00FFFF00ULL) == 0 && (mpidr & 0xFF) < nvcpus;
        FUZZ_CHECK(valid ? idx == (int)(mpidr & 0xFF) : idx == -1);
        FUZZ_CHECK(idx >= -1 && idx < (int)nvcpus);

        if (misc & 0x20) { /* entry points near and inside RAM, where the edges are */
            ram_size &= 0xFFFFFFFFULL;
            entry = ram_base + (entry % (ram_size + 16)) - 8;
        }
        bool on = (misc & 0x10) != 0;
        int64_t r = psci_check_cpu_on(idx, on, entry, ram_base, ram_size);
        bool in_ram = entry >= ram_base && entry - ram_base < ram_size;
        if (idx < 0) {
            FUZZ_CHECK(r == PSCI_RET_INVALID_PARAMETERS);
        } else if (on) {
            FUZZ_CHECK(r == PSCI_RET_ALREADY_ON);
        } else if (!in_ram || (entry & 3) != 0) {
            FUZZ_CHECK(r == PSCI_RET_INVALID_ADDRESS);
        } else {
            FUZZ_CHECK(r == PSCI_RET_SUCCESS);
        }
        uint64_t level = (misc & 8) ? entry : 0;
        r = psci_check_affinity_info(idx, level);
        FUZZ_CHECK(r == ((idx < 0 || level != 0) ? PSCI_RET_INVALID_PARAMETERS : PSCI_RET_SUCCESS));
    }
    return 0;
}
