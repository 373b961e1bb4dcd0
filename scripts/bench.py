#!/usr/bin/env python3
"""shrike's benchmarks, deterministic under QEMU's -icount.

Boots shrike with the bench guest under `-icount shift=4,sleep=off`, where one
generic-counter tick is exactly one executed instruction, on one CPU (the
instruction count is global across emulated CPUs, so other CPUs would add
their own work), then the irqbench guest on two CPUs (its IPI crosses them). The bench guest times N round trips with CNTVCT_EL0 and
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
# (guest, CPUs): the bench guest on one CPU; irqbench needs two (the IPI crosses CPUs).
RUNS = [("bench", 1), ("irqbench", 2)]
ROWS = {
    "hvc-null": ("null hypercall (SHRIKE_HC_NULL over HVC)", 1521, 456, 150),
    "mmio-read": ("emulated MMIO read (test device ID)", 2360, 596, 200),
    "sgi1r-trap": ("trapped ICC_SGI1R_EL1 write", 2029, 525, 180),
    "vipi": ("virtual IPI, sender trap -> receiver handler, 2 CPUs", None, None, None),
    "vtimer-spin": ("virtual timer CVAL -> handler, guest spinning", 2897, 1075, 400),
    "vtimer-wfi": ("virtual timer CVAL -> handler, guest in WFI", 4313, 4192, 1500),
}
LINE = re.compile(r"bench: (\S+) total=(\d+) per_op=(\d+)")


def run_once(args: argparse.Namespace, out: Path, tag: str) -> dict[str, int]:
    results: dict[str, int] = {}
    for guest, smp in RUNS:
        log = out / f"{guest}-{tag}.log"
        cmd = [sys.executable, str(HERE / "qemu.py"), "--qemu", args.qemu, "--kernel",
               str(Path(args.build_dir) / "shrike.elf"), "--smp", str(smp), "--cpu", args.cpu,
               "--icount", "--append", f"vms={guest} panic=poweroff", "--timeout", "300",
               "--log", str(log)]
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False)
        text = log.read_text(errors="replace")
        results.update({m.group(1): int(m.group(3)) for m in LINE.finditer(text)})
    return results


def fmt(v: int | None) -> str:
    return "-" if v is None else str(v)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--cpu", default="cortex-a57")
    args = ap.parse_args()
    out = Path(args.build_dir) / "bench"
    out.mkdir(parents=True, exist_ok=True)
    first = run_once(args, out, "1")
    second = run_once(args, out, "2")
    print(f"shrike bench: -cpu {args.cpu}, -icount shift=4,sleep=off "
          "(instructions per operation, counted across all CPUs)")
    print(f"{'operation':52} {'shrike':>8} {'target':>8} {'Xen':>6} {'KVM':>6}")
    ok = True
    for name, (what, kvm, xen, target) in ROWS.items():
        got = first.get(name)
        if got is None:
            print(f"{what:52} {'missing':>8}")
            ok = False
            continue
        mark = "" if target is None or got <= target else "  (over target)"
        print(f"{what:52} {got:8d} {fmt(target):>8} {fmt(xen):>6} {fmt(kvm):>6}{mark}")
    same = first == second and bool(first)
    print(f"deterministic across two runs: {'yes' if same else 'NO'}; logs in {out}")
    return 0 if ok and same else 1


if __name__ == "__main__":
    sys.exit(main())
