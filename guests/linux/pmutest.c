/*
 * pmutest: a Linux guest's own measurement through perf_event_open(2), for
 * the virtual PMU (docs/trap-policy.md). busybox has no perf, and the cross
 * toolchain here has no arm64 libc to link against, so this is freestanding:
 * raw system calls, a static ELF of a few KiB that mkinitramfs.py puts in
 * /bin. It counts user-space INST_RETIRED over a loop of 20,000,000
 * instructions and CPU cycles over the same loop, and prints
 *   pmutest: instructions N for 20000000 (ERR)
 *   pmutest: cycles N (ERR)
 * with ERR the negated errno of perf_event_open or of read, 0 if fine.
 */
#include <stddef.h>
#include <stdint.h>

#define SYS_ioctl           29
#define SYS_read            63
#define SYS_write           64
#define SYS_exit            93
#define SYS_perf_event_open 241

#define PERF_TYPE_HARDWARE         0
#define PERF_COUNT_HW_CPU_CYCLES   0
#define PERF_COUNT_HW_INSTRUCTIONS 1
#define PERF_EVENT_IOC_ENABLE      0x2400
#define PERF_EVENT_IOC_DISABLE     0x2401
#define PERF_EVENT_IOC_RESET       0x2403
#define ATTR_DISABLED              (1ULL << 0)
#define ATTR_EXCLUDE_KERNEL        (1ULL << 5)
#define ATTR_EXCLUDE_HV            (1ULL << 6)

#define LOOP 10000000UL /* 2 instructions an iteration */

/* struct perf_event_attr up to PERF_ATTR_SIZE_VER0 (64 bytes) is all this needs. */
struct perf_attr {
    uint32_t type;
    uint32_t size;
    uint64_t config;
    uint64_t sample_period;
    uint64_t sample_type;
    uint64_t read_format;
    uint64_t flags;
    uint32_t wakeup_events;
    uint32_t bp_type;
    uint64_t bp_addr;
};

static long sys6(long n, long a, long b, long c, long d, long e)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    __asm__ __volatile__("svc #0"
                         : "+r"(x0)
                         : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4)
                         : "memory");
    return x0;
}

/* The compiler may call it for the zeroed struct. */
void *memset(void *d, int c, size_t n);
void *memset(void *d, int c, size_t n)
{
    volatile unsigned char *p = d;
    while (n--) {
        *p++ = (unsigned char)c;
    }
    return d;
}

static size_t len(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

static void put(const char *s)
{
    sys6(SYS_write, 1, (long)s, (long)len(s), 0, 0);
}

static void put_num(long v)
{
    char buf[24];
    int i = sizeof(buf) - 1;
    int neg = v < 0;
    unsigned long u = neg ? (unsigned long)-v : (unsigned long)v;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (neg) {
        buf[--i] = '-';
    }
    put(&buf[i]);
}

static void spin(unsigned long n)
{
    __asm__ __volatile__("1: subs %0, %0, #1\n\tb.ne 1b" : "+r"(n) : : "cc");
}

/* Counts config over the loop; *err gets a negated errno, or 0. */
static long measure(uint64_t config, long *err)
{
    struct perf_attr a = {0};
    uint64_t count = 0;
    a.type = PERF_TYPE_HARDWARE;
    a.size = sizeof(a);
    a.config = config;
    a.flags = ATTR_DISABLED | ATTR_EXCLUDE_KERNEL | ATTR_EXCLUDE_HV;
    long fd = sys6(SYS_perf_event_open, (long)&a, 0, -1, -1, 0);
    if (fd < 0) {
        *err = fd;
        return 0;
    }
    sys6(SYS_ioctl, fd, PERF_EVENT_IOC_RESET, 0, 0, 0);
    sys6(SYS_ioctl, fd, PERF_EVENT_IOC_ENABLE, 0, 0, 0);
    spin(LOOP);
    sys6(SYS_ioctl, fd, PERF_EVENT_IOC_DISABLE, 0, 0, 0);
    long r = sys6(SYS_read, fd, (long)&count, sizeof(count), 0, 0);
    *err = r == (long)sizeof(count) ? 0 : (r < 0 ? r : -5);
    return (long)count;
}

void _start(void) __attribute__((noreturn));
void _start(void)
{
    long err;
    long n = measure(PERF_COUNT_HW_INSTRUCTIONS, &err);
    put("pmutest: instructions ");
    put_num(n);
    put(" for ");
    put_num((long)(2 * LOOP));
    put(" (");
    put_num(err);
    put(")\n");
    n = measure(PERF_COUNT_HW_CPU_CYCLES, &err);
    put("pmutest: cycles ");
    put_num(n);
    put(" (");
    put_num(err);
    put(")\n");
    sys6(SYS_exit, 0, 0, 0, 0, 0);
    for (;;) {
    }
}
