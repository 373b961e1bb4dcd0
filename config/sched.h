/*
 * Scheduler knobs. Each is documented beside its default; docs/configuration.md
 * lists them all. Rebuild after a change.
 */
#ifndef SHRIKE_CONFIG_SCHED_H
#define SHRIKE_CONFIG_SCHED_H

/*
 * Rate of the EL2 physical timer tick on every core, in Hz. The boot self-test
 * counts these ticks over CONFIG_TICK_SELFTEST_MS on every core.
 */
#define CONFIG_TICK_HZ 100

/* Length of the boot-time tick measurement window, in milliseconds. */
#define CONFIG_TICK_SELFTEST_MS 300

#endif
