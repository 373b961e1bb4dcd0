/*
 * shrike's own command line: the host DTB's /chosen/bootargs, i.e. QEMU's
 * -append. Space-separated tokens; see docs/configuration.md.
 */
#ifndef SHRIKE_KERNEL_BOOTARGS_H
#define SHRIKE_KERNEL_BOOTARGS_H

#include <stdbool.h>
#include <stddef.h>

void bootargs_init(const char *cmdline);

/* True if the command line holds this exact token, e.g. "panic=poweroff". */
bool bootargs_has(const char *token);

/* True if some token starts with "key=". */
bool bootargs_has_key(const char *key);

/* Copies the value of the first "key=value" token into buf; false if absent or too long. */
bool bootargs_get(const char *key, char *buf, size_t size);

#endif
