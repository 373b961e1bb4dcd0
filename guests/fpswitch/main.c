/*
 * fpswitch: the FP/SIMD registers follow each vCPU across switches. Two
 * vCPUs on one CPU take turns as guests/yield does (SGI + WFI). On even
 * turns a vCPU checks that v0-v31, FPSR and FPCR still hold what it left
 * there, then fills them with a new pattern of its own; on odd turns it
 * touches no FP/SIMD register at all, so that it is put with the other
 * vCPU's values still in the hardware (vcpu/vcpu.c loads FP/SIMD lazily,
 * at the first FP/SIMD instruction after a load, and saves it at put only
 * if that happened). Every mismatch is counted; the total must be 0.
 */
#include "guests/lib/gic.h"
#include "guests/lib/guest.h"

#define TURNS    400
#define SGI_TURN 1
#define NWORDS   66 /* q0-q31 as 64 words, FPSR, FPCR */

static volatile unsigned turn_of = 0;
static volatile unsigned turns_done[2];
static volatile unsigned mismatches[2];
static volatile unsigned checks[2];
static uint64_t want[2][NWORDS];
static uint64_t got[2][NWORDS];

/* Loads q0-q31, FPSR and FPCR from p (the guest library is built -mgeneral-regs-only). */
static void fp_load(const uint64_t *p)
{
    __asm__ __volatile__(".arch_extension fp\n\t.arch_extension simd\n\t"
                         "ldp q0, q1, [%0, #0]\n\tldp q2, q3, [%0, #32]\n\t"
                         "ldp q4, q5, [%0, #64]\n\tldp q6, q7, [%0, #96]\n\t"
                         "ldp q8, q9, [%0, #128]\n\tldp q10, q11, [%0, #160]\n\t"
                         "ldp q12, q13, [%0, #192]\n\tldp q14, q15, [%0, #224]\n\t"
                         "ldp q16, q17, [%0, #256]\n\tldp q18, q19, [%0, #288]\n\t"
                         "ldp q20, q21, [%0, #320]\n\tldp q22, q23, [%0, #352]\n\t"
                         "ldp q24, q25, [%0, #384]\n\tldp q26, q27, [%0, #416]\n\t"
                         "ldp q28, q29, [%0, #448]\n\tldp q30, q31, [%0, #480]\n\t"
                         "ldr x1, [%0, #512]\n\tmsr fpsr, x1\n\t"
                         "ldr x1, [%0, #520]\n\tmsr fpcr, x1"
                         :
                         : "r"(p)
                         : "x1", "memory");
}

static void fp_store(uint64_t *p)
{
    __asm__ __volatile__(".arch_extension fp\n\t.arch_extension simd\n\t"
                         "stp q0, q1, [%0, #0]\n\tstp q2, q3, [%0, #32]\n\t"
                         "stp q4, q5, [%0, #64]\n\tstp q6, q7, [%0, #96]\n\t"
                         "stp q8, q9, [%0, #128]\n\tstp q10, q11, [%0, #160]\n\t"
                         "stp q12, q13, [%0, #192]\n\tstp q14, q15, [%0, #224]\n\t"
                         "stp q16, q17, [%0, #256]\n\tstp q18, q19, [%0, #288]\n\t"
                         "stp q20, q21, [%0, #320]\n\tstp q22, q23, [%0, #352]\n\t"
                         "stp q24, q25, [%0, #384]\n\tstp q26, q27, [%0, #416]\n\t"
                         "stp q28, q29, [%0, #448]\n\tstp q30, q31, [%0, #480]\n\t"
                         "mrs x1, fpsr\n\tstr x1, [%0, #512]\n\t"
                         "mrs x1, fpcr\n\tstr x1, [%0, #520]"
                         :
                         : "r"(p)
                         : "x1", "memory");
}

/* A pattern no other vCPU or turn has; FPSR's cumulative flags and FPCR's RMode/FZ/DN differ. */
static void fill(unsigned me, unsigned turn)
{
    uint64_t *w = want[me];
    for (unsigned i = 0; i < 64; i++) {
        w[i] = (uint64_t)(me + 1) << 56 | (uint64_t)turn << 16 | i;
    }
    w[64] = (1ULL << (me + turn % 4)) | (turn & 1ULL) << 27; /* IOC..UFC, QC */
    w[65] = (uint64_t)((me + turn) % 4) << 22 | (uint64_t)(turn & 1) << 24 | (uint64_t)me << 25;
    fp_load(w);
    fp_store(w); /* what the registers kept of FPSR/FPCR is the reference */
}

static void check(unsigned me)
{
    fp_store(got[me]);
    checks[me] = checks[me] + 1;
    for (unsigned i = 0; i < NWORDS; i++) {
        if (got[me][i] != want[me][i]) {
            mismatches[me] = mismatches[me] + 1;
            return;
        }
    }
}

static void on_turn(unsigned intid)
{
    (void)intid;
}

static void play(unsigned me)
{
    if (me != 0) {
        gic_cpu_init();
    }
    uint64_t cpacr;
    __asm__ __volatile__("mrs %0, cpacr_el1" : "=r"(cpacr));
    __asm__ __volatile__("msr cpacr_el1, %0\n\tisb" : : "r"(cpacr | 3ULL << 20)); /* FPEN */
    gic_set_handler(SGI_TURN, on_turn);
    gic_enable(SGI_TURN);
    irq_local_enable();
    fill(me, 0);
    for (unsigned i = 0; i < TURNS; i++) {
        while (turn_of != me) {
            __asm__ __volatile__("wfi");
        }
        if (i % 2 == 0) {
            check(me);
            fill(me, i + 1);
        }
        turns_done[me] = turns_done[me] + 1;
        turn_of = 1 - me;
        __asm__ __volatile__("dsb ish" : : : "memory");
        gic_send_sgi(SGI_TURN, 1 - me);
    }
}

void guest_main(void)
{
    if (!CHECK_EQ(gic_init(), 0, "GIC up")) {
        return;
    }
    CHECK_EQ(guest_cpu_on(1, play), 0, "vCPU 1 started");
    play(0);
    while (turns_done[1] < TURNS) {
        __asm__ __volatile__("wfi");
    }
    CHECK_EQ(checks[0] + checks[1], TURNS, "%u checks of the FP/SIMD registers", TURNS);
    CHECK_EQ(mismatches[0], 0U, "vCPU 0's FP/SIMD registers kept across switches");
    CHECK_EQ(mismatches[1], 0U, "vCPU 1's FP/SIMD registers kept across switches");
}
