#!/usr/bin/env python3
"""System test of the icount plugin's C side (scripts/icount/icount.c), which
scripts/bench.py's Linux figures and the EL2 profile (docs/debugging.md,
"Profiling EL2") rest on. Two short runs under -icount:

- bare QEMU running the bench guest at EL1: a "first" and an "end" event,
  no instruction counted as shrike's (no el2=), and at "end" a number for
  the warps, which the plugin prints only where its own total agrees with
  QEMU's instruction count within 0.1% (else "warps=?");
- shrike booting the hello VM, with el2= and prof=: shrike's instructions
  counted as EL2 and the guest's as kernel or other, QEMU's count agreeing
  again, and the profile's blocks (start, length, runs) adding up exactly to
  the EL2 instructions counted between the first guest instruction and the
  end, every block inside shrike's text.

Usage: test_icount_plugin.py BUILD_DIR QEMU
"""
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402

failures = 0


def check(ok: bool, what: str) -> None:
    global failures
    print(("PASS " if ok else "FAIL ") + what)
    failures += not ok


def run(qemu: str, kernel: Path, plugin_args: str, extra: list[str], log: Path) -> None:
    cmd = [sys.executable, str(ROOT / "scripts" / "qemu.py"), "--qemu", qemu, "--kernel",
           str(kernel), "--smp", "1", "--icount", "--timeout", "120", "--log", str(log)] + extra
    cmd += ["--", "-plugin", plugin_args]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False)


def main() -> int:
    build, qemu = Path(sys.argv[1]), sys.argv[2]
    plugin = build / "icount-plugin.so"
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        # bare QEMU: every instruction the guest's
        run(qemu, build / "guests" / "bench.bin", f"{plugin},out={t / 'bare.icount'}",
            ["--virtualization", "off"], t / "bare.log")
        ev = bench.icount_events(t / "bare.icount")
        kinds = [e[0] for e in ev]
        check(kinds == ["first", "end"], f"bare: events first, end (got {kinds})")
        end = ev[-1] if ev else ("end", -1, "?", {})
        check(end[2] != "?", "bare: the plugin's total agrees with QEMU's instruction count")
        el2, kernel, other = end[3].get(0, [0, 0, 0])
        check(el2 == 0, f"bare: no EL2 instruction without el2= (got {el2})")
        check(kernel + other > 50_000_000,
              f"bare: the guest's 50,000,008-instruction loop counted (got {kernel + other})")

        # shrike: EL2 split and the profile
        elf = build / "shrike.elf"
        lohi = bench.text_range(elf)
        lo, hi = (int(x, 16) for x in lohi.split("-"))
        run(qemu, elf, f"{plugin},out={t / 'hv.icount'},el2={lohi},prof={t / 'hv.prof'}",
            ["--append", "vms=hello panic=poweroff"], t / "hv.log")
        check("[hello] 7 passed, 0 failed" in (t / "hv.log").read_text(errors="replace"),
              "shrike: the hello VM ran")
        ev = bench.icount_events(t / "hv.icount")
        kinds = [e[0] for e in ev]
        check(kinds == ["first", "end"], f"shrike: events first, end (got {kinds})")
        if len(ev) != 2:
            return 1
        first, end = ev
        check(end[2] != "?", "shrike: the plugin's total agrees with QEMU's instruction count")
        el2_first = first[3].get(0, [0, 0, 0])[0]
        el2_end, kernel, other = end[3].get(0, [0, 0, 0])
        check(el2_first > 0, f"shrike: EL2 instructions before the guest's first ({el2_first})")
        check(kernel + other > 0 and el2_end > el2_first,
              f"shrike: guest ({kernel + other}) and EL2 ({el2_end}) instructions after it")
        blocks = [line.split() for line in (t / "hv.prof").read_text().splitlines()]
        total = sum(int(n) * int(runs) for _, n, runs in blocks)
        check(total == el2_end - el2_first,
              f"shrike: the profile's blocks add up to the EL2 instructions after the first "
              f"guest instruction ({total} against {el2_end - el2_first})")
        outside = [b for b in blocks if not lo <= int(b[0], 16) < hi]
        check(blocks != [] and not outside,
              f"shrike: {len(blocks)} profiled blocks, all in shrike's text ({len(outside)} not)")
    print(f"icount-plugin: {'FAILED' if failures else 'passed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
