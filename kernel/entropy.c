/* Per-VM seeds from the host's boot seed (see entropy.h). */
#include "kernel/entropy.h"

#include "kernel/chacha20.h"

static uint32_t key[8];
static bool keyed;
static uint64_t next_block; /* keystream blocks handed out so far (atomic) */

/* "shrike seeds": the nonce's last two words; its first word extends the block counter. */
#define NONCE1 0x69726873U
#define NONCE2 0x7365656bU

bool entropy_init(const uint8_t *seed, size_t len)
{
    if (seed == 0 || len < ENTROPY_SEED_MIN) {
        return false;
    }
    for (unsigned i = 0; i < 8; i++) {
        key[i] = (uint32_t)seed[4 * i] | (uint32_t)seed[4 * i + 1] << 8 |
                 (uint32_t)seed[4 * i + 2] << 16 | (uint32_t)seed[4 * i + 3] << 24;
    }
    __atomic_store_n(&keyed, true, __ATOMIC_RELEASE);
    return true;
}

bool entropy_fill(uint8_t *buf, size_t len)
{
    if (!__atomic_load_n(&keyed, __ATOMIC_ACQUIRE)) {
        return false;
    }
    uint64_t nblocks = (len + CHACHA20_BLOCK - 1) / CHACHA20_BLOCK;
    uint64_t b = __atomic_fetch_add(&next_block, nblocks, __ATOMIC_RELAXED);
    uint8_t block[CHACHA20_BLOCK];
    for (size_t done = 0; done < len; b++) {
        const uint32_t nonce[3] = {(uint32_t)(b >> 32), NONCE1, NONCE2};
        chacha20_block(key, (uint32_t)b, nonce, block);
        for (unsigned i = 0; i < CHACHA20_BLOCK && done < len; i++) {
            buf[done++] = block[i];
        }
    }
    for (unsigned i = 0; i < CHACHA20_BLOCK; i++) {
        ((volatile uint8_t *)block)[i] = 0; /* no keystream left on the stack */
    }
    return true;
}
