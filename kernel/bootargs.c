/* Token lookup in shrike's command line (see bootargs.h). */
#include "kernel/bootargs.h"

#include "kernel/lib.h"

static const char *args = "";

void bootargs_init(const char *cmdline)
{
    args = cmdline ? cmdline : "";
}

bool bootargs_has(const char *token)
{
    size_t len = strlen(token);
    const char *p = args;
    while (*p != '\0') {
        while (*p == ' ') {
            p++;
        }
        size_t n = 0;
        while (p[n] != '\0' && p[n] != ' ') {
            n++;
        }
        if (n == len && n > 0 && strncmp(p, token, n) == 0) {
            return true;
        }
        p += n;
    }
    return false;
}

bool bootargs_get(const char *key, char *buf, size_t size)
{
    size_t klen = strlen(key);
    const char *p = args;
    while (*p != '\0') {
        while (*p == ' ') {
            p++;
        }
        size_t n = 0;
        while (p[n] != '\0' && p[n] != ' ') {
            n++;
        }
        if (n > klen && p[klen] == '=' && strncmp(p, key, klen) == 0) {
            size_t vlen = n - klen - 1;
            if (vlen >= size) {
                return false;
            }
            memcpy(buf, p + klen + 1, vlen);
            buf[vlen] = '\0';
            return true;
        }
        p += n;
    }
    return false;
}
