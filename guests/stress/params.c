/* stress.KEY=VALUE words of /chosen/bootargs (params.h). */
#include "guests/stress/params.h"

#include <stdbool.h>
#include <stddef.h>

#include "guests/lib/dtb.h"
#include "kernel/fdt.h"

static bool parse_number(const char *s, int len, uint64_t *out)
{
    uint64_t v = 0;
    unsigned base = 10;
    int i = 0;

    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i >= len) {
        return false;
    }
    for (; i < len; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = (unsigned)(c - '0');
        } else if (base == 16 && c >= 'a' && c <= 'f') {
            d = (unsigned)(c - 'a' + 10);
        } else if (base == 16 && c >= 'A' && c <= 'F') {
            d = (unsigned)(c - 'A' + 10);
        } else {
            return false;
        }
        v = v * base + d;
    }
    *out = v;
    return true;
}

uint64_t stress_param(const char *key, uint64_t def)
{
    int node = fdt_path_offset(dtb_blob(), "/chosen");
    int len = 0;
    const char *args = node >= 0 ? fdt_getprop(dtb_blob(), node, "bootargs", &len) : NULL;
    static const char prefix[] = "stress.";

    for (int i = 0; args != NULL && i < len;) {
        int end = i;
        while (end < len && args[end] != ' ' && args[end] != '\0') {
            end++;
        }
        /* The word args[i, end): "stress." KEY "=" VALUE? */
        int p = i;
        for (int k = 0; prefix[k] != '\0' && p < end && args[p] == prefix[k]; k++) {
            p++;
        }
        if (p - i == (int)sizeof(prefix) - 1) {
            int k = 0;
            while (key[k] != '\0' && p < end && args[p] == key[k]) {
                p++;
                k++;
            }
            uint64_t v;
            if (key[k] == '\0' && p < end && args[p] == '=' &&
                parse_number(args + p + 1, end - p - 1, &v)) {
                return v;
            }
        }
        i = end + 1;
    }
    return def;
}
