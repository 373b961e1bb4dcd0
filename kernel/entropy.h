/*
 * Seeds for guests. At boot shrike takes the host DTB's /chosen/rng-seed
 * (QEMU puts 32 random bytes there; firmware does on real boards) as a
 * ChaCha20 key and hands out keystream: every VM gets fresh seed bytes each
 * time it is loaded, none of which tells anything about the key or another
 * VM's bytes. Without a host seed there is nothing to hand out: shrike never
 * makes up entropy.
 */
#ifndef SHRIKE_KERNEL_ENTROPY_H
#define SHRIKE_KERNEL_ENTROPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENTROPY_SEED_MIN 32 /* bytes of host seed needed to key the generator */

/* Keys the generator with seed (len >= ENTROPY_SEED_MIN, only the first 32 used); false if too
 * short. */
bool entropy_init(const uint8_t *seed, size_t len);

/* Fills buf with len fresh bytes; false (and buf untouched) without a host seed. Any CPU. */
bool entropy_fill(uint8_t *buf, size_t len);

#endif
