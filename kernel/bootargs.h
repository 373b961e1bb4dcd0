/*
 * shrike's own command line: the host DTB's /chosen/bootargs, i.e. QEMU's
 * -append. Space-separated tokens; see docs/configuration.md.
 */
#ifndef SHRIKE_KERNEL_BOOTARGS_H
#define SHRIKE_KERNEL_BOOTARGS_H

#include <stdbool.h>

void bootargs_init(const char *cmdline);

/* True if the command line holds this exact token, e.g. "panic=poweroff". */
bool bootargs_has(const char *token);

#endif
