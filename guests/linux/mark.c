/*
 * mark: executes HINT #0x7f, a NOP on every Arm CPU, and exits. guests/linux/init
 * runs it right after printing the userland marker, so that the icount plugin
 * (scripts/icount/icount.c), which watches for that one instruction, knows
 * where each guest's boot ends in its count of executed instructions
 * (scripts/bench.py, docs/performance.md "Linux boot"). Freestanding, like
 * pmutest.c.
 */
void _start(void) __attribute__((noreturn));
void _start(void)
{
    __asm__ __volatile__("hint #0x7f" ::: "memory");
    for (;;) {
        register long x8 __asm__("x8") = 93; /* exit */
        register long x0 __asm__("x0") = 0;
        __asm__ __volatile__("svc #0" : "+r"(x0) : "r"(x8) : "memory");
    }
}
