#!/usr/bin/env python3
"""Checks system.linux-steal's log: the steal time each CPU of the Linux guest
reports in /proc/stat is within 5% (plus two 10 ms ticks of /proc/stat's
granularity) of the time shrike's statistics say that vCPU waited while
runnable. Usage: check_steal.py LOG"""
import re
import sys

text = open(sys.argv[1], errors="replace").read()
linux = {int(m[1]): int(m[2]) for m in re.finditer(r"^\[steal\] shrike-linux: steal cpu(\d+) (\d+) ms$", text, re.M)}
shrike = {int(m[1]): int(m[2]) for m in re.finditer(r"^shrike: sched: steal:(\d+) run=\d+ms wait=(\d+)ms ", text, re.M)}
checks = [(len(linux) == 2, f"Linux reports steal for 2 CPUs (got {sorted(linux)})"),
          (len(shrike) == 2, f"shrike reports wait for 2 vCPUs (got {sorted(shrike)})")]
for cpu in sorted(set(linux) & set(shrike)):
    l, s = linux[cpu], shrike[cpu]
    checks.append((s >= 1000, f"vCPU {cpu} waited at least 1 s while runnable (shrike: {s} ms)"))
    checks.append((abs(l - s) <= s * 0.05 + 20, f"vCPU {cpu}: Linux's steal {l} ms within 5% of shrike's wait {s} ms"))
failed = [m for ok, m in checks if not ok]
for ok, m in checks:
    print(("ok - " if ok else "FAIL - ") + m)
print(f"steal: {len(checks) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
