/*
 * Host unit test for vcpu/setway.c: which trapped system instructions are
 * set/way cache maintenance, and which of a sequence of them start a loop
 * (and so cost a whole-RAM clean and invalidate): counts over simulated
 * loops, with interrupts, other traps and other vCPUs in between.
 */
#include <stdbool.h>
#include <stdint.h>

#include "vcpu/setway.h"
#include "unit.h"

UNIT_STATE;

static void test_decode(void)
{
    EXPECT(setway_is_op(1, 0, 7, 6, 2));   /* DC ISW */
    EXPECT(setway_is_op(1, 0, 7, 10, 2));  /* DC CSW */
    EXPECT(setway_is_op(1, 0, 7, 14, 2));  /* DC CISW */
    EXPECT(!setway_is_op(1, 0, 7, 6, 1));  /* DC IVAC */
    EXPECT(!setway_is_op(1, 3, 7, 10, 1)); /* DC CVAC */
    EXPECT(!setway_is_op(1, 3, 7, 14, 1)); /* DC CIVAC */
    EXPECT(!setway_is_op(1, 3, 7, 4, 1));  /* DC ZVA */
    EXPECT(!setway_is_op(1, 0, 7, 5, 0));  /* IC IALLU */
    EXPECT(!setway_is_op(1, 0, 7, 1, 0));  /* IC IALLUIS */
    EXPECT(!setway_is_op(1, 0, 7, 6, 4));  /* DC IGSW (MTE tags) */
    EXPECT(!setway_is_op(1, 0, 7, 14, 4)); /* DC CIGSW */
    EXPECT(!setway_is_op(1, 0, 8, 7, 2));  /* TLBI ASIDE1 */
    EXPECT(!setway_is_op(3, 0, 7, 6, 2));  /* an MRS/MSR encoding, not a DC */
    EXPECT(!setway_is_op(1, 4, 7, 14, 2));
    unsigned hits = 0;
    for (unsigned op1 = 0; op1 < 8; op1++) {
        for (unsigned crn = 0; crn < 16; crn++) {
            for (unsigned crm = 0; crm < 16; crm++) {
                for (unsigned op2 = 0; op2 < 8; op2++) {
                    hits += setway_is_op(1, op1, crn, crm, op2) ? 1 : 0;
                    hits += setway_is_op(0, op1, crn, crm, op2) ? 1 : 0;
                }
            }
        }
    }
    EXPECT_EQ(hits, 3);
}

/* A loop of n set/way traps at consecutive exits from `first`: how many start a loop. */
static unsigned run_loop(struct setway_track *t, const void *v, uint64_t first, unsigned n)
{
    unsigned starts = 0;
    for (unsigned i = 0; i < n; i++) {
        starts += setway_starts_loop(t, v, first + i) ? 1 : 0;
    }
    return starts;
}

static void test_loops(void)
{
    int a, b;
    struct setway_track t = {0, 0};

    /* A clean of a 2 MiB 16-way L2 (2048 sets x 16 ways): one flush. */
    EXPECT_EQ(run_loop(&t, &a, 100, 2048 * 16), 1);
    /* The same vCPU's next loop, after another exit in between: a flush again. */
    EXPECT_EQ(run_loop(&t, &a, 100 + 2048 * 16 + 1, 512), 1);
    /* Right after it, with no exit between, a second loop is one with the first. */
    EXPECT_EQ(run_loop(&t, &a, 100 + 2048 * 16 + 1 + 512, 512), 0);

    /* An interrupt exit in the middle of a loop: the rest costs one more flush. */
    t = (struct setway_track){0, 0};
    EXPECT_EQ(run_loop(&t, &a, 10, 300) + run_loop(&t, &a, 311, 300), 2);

    /* Two vCPUs taking turns on this CPU: every trap starts a loop. */
    t = (struct setway_track){0, 0};
    unsigned starts = 0;
    for (uint64_t i = 0; i < 50; i++) {
        starts += setway_starts_loop(&t, &a, 1000 + i) ? 1 : 0;
        starts += setway_starts_loop(&t, &b, 2000 + i) ? 1 : 0;
    }
    EXPECT_EQ(starts, 100);

    /* The first trap ever, even at exit 1 with a zeroed record, starts a loop. */
    t = (struct setway_track){0, 0};
    EXPECT(setway_starts_loop(&t, &a, 1));
    EXPECT(t.vcpu == &a);
    EXPECT_EQ(t.exit, 1);
    /* The same exit seen twice (cannot happen) is not a continuation. */
    EXPECT(setway_starts_loop(&t, &a, 1));
}

int main(void)
{
    test_decode();
    test_loops();
    return unit_report("setway");
}
