/*
 * Log levels, one rule each:
 *   error: shrike could not do something it had to (a VM could not start, a
 *          device is missing); the system goes on.
 *   warn:  a guest did something wrong or unsupported and got an error, an
 *          injected exception or was stopped; rate-limited where a guest can
 *          repeat it.
 *   info:  lifecycle: boot steps, CPUs online, VMs started and stopped.
 *   debug: per-event detail for development; compiled out unless
 *          CONFIG_LOG_LEVEL (config/kernel.h) is 3. Never on a hot path otherwise.
 * Every line starts with "shrike/<cpu>: ".
 */
#ifndef SHRIKE_KERNEL_LOG_H
#define SHRIKE_KERNEL_LOG_H

#include "config/kernel.h"

enum log_level {
    LOG_ERROR = 0,
    LOG_WARN = 1,
    LOG_INFO = 2,
    LOG_DEBUG = 3,
};

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define LOG_AT(level, ...)                 \
    do {                                   \
        if ((level) <= CONFIG_LOG_LEVEL) { \
            log_msg((level), __VA_ARGS__); \
        }                                  \
    } while (0)

#define log_err(...)   LOG_AT(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  LOG_AT(LOG_WARN, __VA_ARGS__)
#define log_info(...)  LOG_AT(LOG_INFO, __VA_ARGS__)
#define log_debug(...) LOG_AT(LOG_DEBUG, __VA_ARGS__)

#endif
