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

/* The value of the first "key=value" token and its length, or NULL. */
static const char *find_value(const char *key, size_t *vlen)
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
            *vlen = n - klen - 1;
            return p + klen + 1;
        }
        p += n;
    }
    return 0;
}

bool bootargs_get(const char *key, char *buf, size_t size)
{
    size_t vlen;
    const char *v = find_value(key, &vlen);
    if (v == 0 || vlen >= size) {
        return false;
    }
    memcpy(buf, v, vlen);
    buf[vlen] = '\0';
    return true;
}

bool bootargs_has_key(const char *key)
{
    size_t vlen;
    return find_value(key, &vlen) != 0;
}
