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
