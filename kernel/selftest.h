/* Boot-time self-checks of the foundation (see selftest.c). */
#ifndef SHRIKE_KERNEL_SELFTEST_H
#define SHRIKE_KERNEL_SELFTEST_H

/* Runs on the boot CPU once every CPU is online; prints one line per check and a summary. */
void selftest_boot(unsigned dtb_cpus);

/* Fault injection for the crash-path tests (bootargs selftest=el2-fault / stack-overflow). */
void selftest_fault(const char *kind);

#endif
