#!/usr/bin/env python3
"""shrike's benchmarks, deterministic under QEMU's -icount.

Boots shrike with the bench guest under `-icount shift=4,sleep=off`, where one
generic-counter tick is exactly one executed instruction, on one CPU (the
instruction count is global across emulated CPUs, so other CPUs would add
their own work). The bench guest times N round trips with CNTVCT_EL0 and
prints `bench: NAME total=T per_op=P`, net of an empty loop. The run is done
twice: the figures must be identical, or the table says so.

Usage: bench.py --build-dir BUILD [--qemu BIN] [--cpu MODEL]
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name -> (what it measures, KVM, Xen, shrike target) in instructions per operation
ROWS = {
    "hvc-null": ("null hypercall (SHRIKE_HC_NULL over HVC)", 1521, 456, 150),
    "mmio-read": ("emulated MMIO read (test device ID)", 2360, 596, 200),
}
LINE = re.compile(r"bench: (\S+) total=(\d+) per_op=(\d+)")


def run_once(args: argparse.Namespace, log: Path) -> dict[str, int]:
    cmd = [sys.executable, str(HERE / "qemu.py"), "--qemu", args.qemu, "--kernel",
           str(Path(args.build_dir) / "shrike.elf"), "--smp", "1", "--cpu", args.cpu, "--icount",
           "--append", "vms=bench panic=poweroff", "--timeout", "300", "--log", str(log)]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False)
    text = log.read_text(errors="replace")
    return {m.group(1): int(m.group(3)) for m in LINE.finditer(text)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--cpu", default="cortex-a57")
    args = ap.parse_args()
    out = Path(args.build_dir) / "bench"
    out.mkdir(parents=True, exist_ok=True)
    first = run_once(args, out / "bench-1.log")
    second = run_once(args, out / "bench-2.log")
    print(f"shrike bench: -cpu {args.cpu}, -smp 1, -icount shift=4,sleep=off "
          "(instructions per operation)")
    print(f"{'operation':44} {'shrike':>8} {'target':>8} {'Xen':>6} {'KVM':>6}")
    ok = True
    for name, (what, kvm, xen, target) in ROWS.items():
        got = first.get(name)
        if got is None:
            print(f"{what:44} {'missing':>8}")
            ok = False
            continue
        mark = "" if got <= target else "  (over target)"
        print(f"{what:44} {got:8d} {target:8d} {xen:6d} {kvm:6d}{mark}")
    same = first == second and bool(first)
    print(f"deterministic across two runs: {'yes' if same else 'NO'}; logs in {out}")
    return 0 if ok and same else 1


if __name__ == "__main__":
    sys.exit(main())
