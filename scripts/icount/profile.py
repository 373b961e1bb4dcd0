#!/usr/bin/env python3
"""EL2 instructions per shrike function, from the icount plugin's prof= file.

    qemu-system-aarch64 ... -plugin build/icount-plugin.so,out=EVENTS,el2=LO-HI,prof=PROF
    scripts/icount/profile.py build/shrike-linux.elf PROF [--top N]

The plugin writes one line per EL2 translation block that ran after the first
guest instruction: its first instruction's address, its instruction count and
how many times it ran. This script charges each block to the function holding
its first instruction (the ELF's symbols, from aarch64-linux-gnu-nm), and
prints each function's instructions, its share and how often it was entered
(blocks starting at its first instruction). docs/debugging.md, "Profiling".
"""
import argparse
import bisect
import collections
import subprocess
import sys


def functions(elf: str) -> list[tuple[int, str]]:
    out = subprocess.run(["aarch64-linux-gnu-nm", "-n", elf], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in "tTwW":
            syms.append((int(fields[0], 16), fields[2]))
    return syms


def charge(syms: list[tuple[int, str]], lines) -> tuple[collections.Counter, collections.Counter]:
    """Per function (syms: (address, name) sorted by address): the instructions of the
    blocks whose first instruction it holds, and how often a block started at its entry."""
    starts = [a for a, _ in syms]
    insns: collections.Counter = collections.Counter()
    entries: collections.Counter = collections.Counter()
    for line in lines:
        addr, n, runs = line.split()
        va, count = int(addr, 16), int(n) * int(runs)
        i = bisect.bisect_right(starts, va) - 1
        name = syms[i][1] if i >= 0 else "?"
        insns[name] += count
        if i >= 0 and va == syms[i][0]:
            entries[name] += int(runs)
    return insns, entries


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("elf")
    ap.add_argument("prof")
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    with open(args.prof) as f:
        insns, entries = charge(functions(args.elf), f)
    total = sum(insns.values())
    print(f"{total} EL2 instructions")
    for name, count in insns.most_common(args.top):
        print(f"{count:12d} {100 * count / max(total, 1):5.1f}%  entered {entries[name]:9d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
