/*
 * Parameters of the stress guests (worker, chaos), read from the VM's
 * /chosen/bootargs as "stress.KEY=VALUE" words (decimal, or hex with 0x).
 * scripts/stress/run.py writes them into the generated VM configurations.
 */
#ifndef SHRIKE_GUESTS_STRESS_PARAMS_H
#define SHRIKE_GUESTS_STRESS_PARAMS_H

#include <stdint.h>

/* The value of stress.KEY, or def when the word is absent or malformed. */
uint64_t stress_param(const char *key, uint64_t def);

/* splitmix64: the stress guests' random numbers, a pure function of its input. */
static inline uint64_t stress_mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

#endif
