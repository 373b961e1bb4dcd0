/*
 * cntfrq: a guest cannot change the counter frequency that shrike or another
 * guest sees. Only the highest EL may write CNTFRQ_EL0 and nothing can trap
 * it, while shrike reads it for every slice, deadline and statistic: the
 * guest's write must UNDEF (QEMU 7.2 does, on cortex-a57 and max) and change
 * nothing for the others.
 *
 *   cntfrq=writer (VM cntfrq-writer, CPU 1): writes CNTFRQ_EL0 = 1 and
 *     0xFFFFFFFF, each followed by 300 ms of spinning (physical counter);
 *     each write UNDEFs.
 *   cntfrq=reader (VM cntfrq-reader, CPU 1 too): samples CNTFRQ and CNTVCT
 *     until the writer is done (1 s): CNTFRQ always reads its boot value,
 *     and no gap between two samples reaches 50 ms (with a slice of 10 ms;
 *     a CNTFRQ of 0xFFFFFFFF made shrike's slice 69 times longer).
 */
#include "guests/lib/dtb.h"
#include "guests/lib/fault.h"
#include "guests/lib/guest.h"
#include "guests/lib/timer.h"

#define PHASE_MS 300U
#define READ_MS  1000U

static void writer(void)
{
    uint64_t tpms = timer_ticks_per_ms();
    static const uint64_t values[2] = {1, 0xFFFFFFFFULL};
    for (unsigned i = 0; i < 2; i++) {
        struct fault_record rec;
        fault_expect(&rec);
        write_sysreg(cntfrq_el0, values[i]);
        isb();
        fault_expect_end();
        CHECK(rec.count == 1 && rec.ec == EC_UNKNOWN, "writer: the CNTFRQ_EL0 write UNDEFs");
        uint64_t p0 = read_cntpct();
        while (read_cntpct() - p0 < PHASE_MS * tpms) {
        }
        printf("cntfrq: writer: CNTFRQ %#lx for %u ms\n", values[i], PHASE_MS);
    }
}

static void reader(void)
{
    uint64_t freq = read_cntfrq();
    uint64_t tpms = freq / 1000;
    uint64_t t0 = read_cntvct();
    uint64_t last = t0;
    uint64_t gap = 0;
    unsigned changed = 0;
    while (last - t0 < READ_MS * tpms) {
        uint64_t now = read_cntvct();
        if (read_cntfrq() != freq) {
            changed++;
        }
        gap = now - last > gap ? now - last : gap;
        last = now;
    }
    printf("cntfrq: reader: largest gap %lu us, CNTFRQ changed in %u samples\n", gap * 1000 / tpms,
           changed);
    CHECK_EQ(changed, 0, "CNTFRQ_EL0 always read %lu Hz", freq);
    CHECK(gap < 50 * tpms, "no gap of 50 ms between two samples (slices stay 10 ms)");
}

void guest_main(void)
{
    if (dtb_bootargs_have("cntfrq=writer")) {
        writer();
    } else {
        reader();
    }
}
