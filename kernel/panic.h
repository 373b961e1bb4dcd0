/* Stopping the machine after a fatal error (see panic.c). */
#ifndef SHRIKE_KERNEL_PANIC_H
#define SHRIKE_KERNEL_PANIC_H

#include <stdbool.h>

/* What the panicking CPU does once the others are stopped: park (default) or power off. */
void panic_set_poweroff(bool poweroff);

/* IPI_STOP handler: another CPU panicked; report and park this one. */
_Noreturn void panic_stop_this_cpu(void);

#endif
