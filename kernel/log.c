/* Leveled log lines on the console (see log.h). */
#include "kernel/log.h"

#include <stdarg.h>

#include "kernel/console.h"
#include "kernel/cpu.h"

static const char *const level_tag[] = {
    [LOG_ERROR] = "ERROR: ",
    [LOG_WARN] = "WARN: ",
    [LOG_INFO] = "",
    [LOG_DEBUG] = "debug: ",
};

void log_msg(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    console_lock();
    kprintf_locked("shrike/%u: %s", this_cpu_id(), level_tag[level]);
    kvprintf_locked(fmt, ap);
    console_write_locked("\n", 1);
    console_unlock();
    va_end(ap);
}
