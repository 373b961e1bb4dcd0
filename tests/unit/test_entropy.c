/* Host tests of kernel/entropy.c: the host seed keys ChaCha20; each fill takes fresh blocks. */
#include <stdint.h>

#include "kernel/chacha20.h"
#include "kernel/entropy.h"
#include "unit.h"

UNIT_STATE;

/* Block n of the keystream for key bytes 0..31 (the nonce as entropy.c builds it). */
static void block(uint64_t n, uint8_t out[CHACHA20_BLOCK])
{
    const uint32_t key[8] = {0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c,
                             0x13121110, 0x17161514, 0x1b1a1918, 0x1f1e1d1c};
    const uint32_t nonce[3] = {(uint32_t)(n >> 32), 0x69726873U, 0x7365656bU}; /* "shrikees" */
    chacha20_block(key, (uint32_t)n, nonce, out);
}

int main(void)
{
    uint8_t seed[40], buf[128], want[2 * CHACHA20_BLOCK];
    for (unsigned i = 0; i < sizeof(seed); i++) {
        seed[i] = (uint8_t)i;
    }
    /* No host seed: nothing is handed out, and the buffer is left alone. */
    memset(buf, 0xAA, sizeof(buf));
    EXPECT(!entropy_fill(buf, 64));
    EXPECT_EQ(buf[0], 0xAA);
    EXPECT_EQ(buf[63], 0xAA);
    EXPECT(!entropy_init(seed, ENTROPY_SEED_MIN - 1)); /* too short to key */
    EXPECT(!entropy_init(NULL, 64));
    EXPECT(!entropy_fill(buf, 8));
    /* Keyed: consecutive keystream blocks, a fill never reuses one. */
    EXPECT(entropy_init(seed, sizeof(seed)));
    EXPECT(entropy_fill(buf, 64));
    block(0, want);
    EXPECT_EQ(memcmp(buf, want, 64), 0);
    EXPECT(entropy_fill(buf, 100)); /* blocks 1 and 2 */
    block(1, want);
    block(2, want + CHACHA20_BLOCK);
    EXPECT_EQ(memcmp(buf, want, 100), 0);
    EXPECT(entropy_fill(buf, 8)); /* block 3: the rest of block 2 is not handed out again */
    block(3, want);
    EXPECT_EQ(memcmp(buf, want, 8), 0);
    uint8_t again[8];
    EXPECT(entropy_fill(again, 8));
    EXPECT(memcmp(again, buf, 8) != 0);
    /* The seed's bytes do not appear as they are. */
    EXPECT(memcmp(buf, seed, 8) != 0);
    return unit_report("entropy");
}
