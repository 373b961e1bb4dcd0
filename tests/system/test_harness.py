#!/usr/bin/env python3
"""Self-test of the system-test harness: a good log passes and every kind of
check can fail. QEMU is replaced by fake_qemu.py, which prints a canned log.

    python3 -m unittest tests/system/test_harness.py     (from the repo root)
    tests/system/test_harness.py
"""

import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "harness.py"
FAKE_QEMU = HERE / "fake_qemu.py"
QEMU_PY = HERE.parents[1] / "scripts" / "qemu.py"

GOOD_LOG = (
    b"shrike v0.1 booting\r\n"
    b"gic: v3 distributor at 0x08000000\r\n"
    b"cpu0: online\n"
    b"cpu1: online\n"
    b"cpu2: online\n"
    b"cpu3: online\n"
    b"vm0: started \xff\xfe\n"  # invalid UTF-8 must not break decoding
    b"vtimer: ticks=10\n"
    b"vtimer: ticks=10\n"
    b"vtimer: ticks=0xa\n"
    b"vtimer: ticks=10\n"
    b"[guest] 3 passed, 0 failed\n"
    b"shrike: 2 passed, 1 failed\n"  # superseded: the last summary line counts
    b"shrike: 7 passed, 0 failed\n"
    b"[a] seed 0123abcd\n"
    b"[b] seed 4567ef01\n"
    b"shrike: halting"  # no final newline
)

GOOD_SPEC: dict[str, Any] = {
    "description": "harness self-test",
    "image": "shrike.elf",
    "qemu": {"smp": 4, "gic": 3, "loader": ["guests/x.bin@0x48000000"], "extra": ["-s"]},
    "timeout": 20,
    "in_order": ["booting", r"cpu3: online", "vm0: started", "halting$"],
    "counts": [{"regex": r"cpu\d: online", "count": 4}],
    "absent": ["panic", "FAIL"],
    "values": [{"regex": r"ticks=(\w+)", "min": 10, "max": 10, "count": 4}],
    "distinct": [{"regex": r"seed ([0-9a-f]+)$", "count": 2}],
    "summaries": [{"prefix": "shrike", "passed": 7}, {"prefix": "guest", "passed": 3}],
}


class HarnessTest(unittest.TestCase):
    def setUp(self) -> None:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)
        self.build = self.tmp / "build"
        self.build.mkdir()
        (self.build / "shrike.elf").write_bytes(b"\x7fELF")

    def run_harness(self, spec: dict[str, Any], log: bytes = GOOD_LOG,
                    args: list[str] | None = None,
                    env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        spec_path = self.tmp / "selftest.json"
        spec_path.write_text(json.dumps(spec))
        canned = self.tmp / "canned.log"
        canned.write_bytes(log)
        cmd = [sys.executable, str(HARNESS), "--spec", str(spec_path),
               "--build-dir", str(self.build), "--qemu", str(FAKE_QEMU)] + (args or [])
        full_env = dict(os.environ, FAKE_QEMU_LOG=str(canned), **(env or {}))
        return subprocess.run(cmd, env=full_env, capture_output=True, text=True, timeout=60)

    def spec(self, **changes: Any) -> dict[str, Any]:
        spec = copy.deepcopy(GOOD_SPEC)
        spec.update(changes)
        return spec

    def assertPasses(self, r: subprocess.CompletedProcess) -> None:
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn("\nFAIL ", "\n" + r.stdout)
        self.assertRegex(r.stdout, r"harness: \d+ passed, 0 failed\n$")

    def assertFails(self, r: subprocess.CompletedProcess, *fail_starts: str) -> None:
        """Exit 1, exactly the given FAIL lines (by prefix), the log tail, the summary."""
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        fails = [line for line in r.stdout.splitlines() if line.startswith("FAIL ")]
        self.assertEqual(len(fails), len(fail_starts), r.stdout)
        for line, start in zip(fails, fail_starts):
            self.assertTrue(line.startswith(start), f"{line!r} does not start with {start!r}")
        self.assertIn("---- last 40 lines of", r.stdout)
        self.assertRegex(r.stdout, rf"harness: \d+ passed, {len(fail_starts)} failed\n$")

    # ---- passing

    def test_good_log_passes(self) -> None:
        r = self.run_harness(self.spec())
        self.assertPasses(r)
        self.assertIn("PASS summary shrike: line 14: 7 passed, 0 failed", r.stdout)
        self.assertIn("PASS in_order[3] /halting$/: line 17", r.stdout)

    def test_log_file_written_raw_to_default_path(self) -> None:
        self.assertPasses(self.run_harness(self.spec()))
        self.assertEqual((self.build / "tests" / "selftest.log").read_bytes(), GOOD_LOG)

    def test_log_file_written_to_given_path(self) -> None:
        log = self.tmp / "sub" / "dir" / "x.log"
        self.assertPasses(self.run_harness(self.spec(), args=["--log", str(log)]))
        self.assertEqual(log.read_bytes(), GOOD_LOG)

    def test_command_line_and_cpu_override(self) -> None:
        r = self.run_harness(self.spec(), args=["--cpu", "max"])
        self.assertPasses(r)
        self.assertIn(" -cpu max ", r.stdout)
        self.assertIn(f"-device loader,file={self.build}/guests/x.bin,addr=0x48000000,"
                      "force-raw=on -s\n", r.stdout)

    def test_gicv2_variant(self) -> None:
        """--gic 2: QEMU gets gic-version=2 and the spec's "gicv2" fields replace its own."""
        spec = self.spec(gicv2={"counts": [{"regex": r"cpu\d: online", "count": 5}],
                                "qemu": {"smp": 2}})
        self.assertPasses(self.run_harness(spec))  # the plain run ignores "gicv2"
        r = self.run_harness(spec, args=["--gic", "2"])
        self.assertFails(r, "FAIL count /cpu\\d: online/: expected 5, got 4")
        self.assertIn("gic-version=2 ", r.stdout)
        self.assertIn(" -smp 2 ", r.stdout)
        self.assertIn("-device loader,", r.stdout)  # other "qemu" fields stay
        r = self.run_harness(self.spec(gicv2=True), args=["--gic", "2"])
        self.assertPasses(r)
        self.assertIn("gic-version=2 ", r.stdout)
        r = self.run_harness(self.spec(gicv2={"nonsense": 1}), args=["--gic", "2"])
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("gicv2: unknown field(s) nonsense", r.stderr)

    # ---- failing

    def test_count_off_by_one_fails(self) -> None:
        for count in (3, 5):
            with self.subTest(count=count):
                r = self.run_harness(self.spec(counts=[{"regex": r"cpu\d: online",
                                                        "count": count}]))
                self.assertFails(r, f"FAIL count /cpu\\d: online/: expected {count}, got 4")

    def test_out_of_order_fails(self) -> None:
        r = self.run_harness(self.spec(in_order=["vm0: started", "cpu3: online", "halting"]))
        self.assertFails(r, "FAIL in_order[1] /cpu3: online/: expected a match after line 7, "
                            "got only at line 6")

    def test_independent_chains(self) -> None:
        # Each chain is ordered on its own; the chains' relative order is free.
        ok = self.run_harness(self.spec(in_order=[["vm0: started", "halting"],
                                                  ["cpu3: online", "halting"]]))
        self.assertEqual(ok.returncode, 0, ok.stdout)
        r = self.run_harness(self.spec(in_order=[["booting", "halting"],
                                                 ["vm0: started", "cpu3: online"]]))
        self.assertFails(r, "FAIL in_order[1][1] /cpu3: online/: expected a match after line 7, "
                            "got only at line 6")

    def test_missing_in_order_pattern_fails(self) -> None:
        r = self.run_harness(self.spec(in_order=["booting", "never printed", "halting"]))
        self.assertFails(r, "FAIL in_order[1] /never printed/: expected a match after line 1, "
                            "got no match at all")
        self.assertIn("PASS in_order[2] /halting/: line 17", r.stdout)

    def test_absent_pattern_present_fails(self) -> None:
        r = self.run_harness(self.spec(absent=["panic", r"cpu2"]))
        self.assertFails(r, "FAIL absent /cpu2/: expected no match, got 1, first at line 5: "
                            "'cpu2: online'")

    def test_value_out_of_bounds_fails(self) -> None:
        cases = [({"min": 11}, "FAIL values /ticks=(\\w+)/: line 8: expected a number in "
                               "[11, inf], got '10' (4 of 4 out of range)"),
                 ({"min": 0, "max": 9}, "FAIL values /ticks=(\\w+)/: line 8:"),
                 ({"max": 10, "count": 5}, "FAIL values /ticks=(\\w+)/: expected 5 matches, "
                                           "got 4")]
        for bounds, expected in cases:
            with self.subTest(bounds=bounds):
                r = self.run_harness(self.spec(values=[{"regex": r"ticks=(\w+)", **bounds}]))
                self.assertFails(r, expected)

    def test_unparsable_or_missing_value_fails(self) -> None:
        log = GOOD_LOG.replace(b"ticks=0xa", b"ticks=zz")
        r = self.run_harness(self.spec(), log=log)
        self.assertFails(r, "FAIL values /ticks=(\\w+)/: line 10: expected a number in "
                            "[10, 10], got 'zz'")
        r = self.run_harness(self.spec(values=[{"regex": r"nope=(\d+)", "max": 1}]))
        self.assertFails(r, "FAIL values /nope=(\\d+)/: expected at least one match, got none")

    def test_repeated_or_missing_distinct_value_fails(self) -> None:
        log = GOOD_LOG.replace(b"seed 4567ef01", b"seed 0123abcd")
        r = self.run_harness(self.spec(), log=log)
        self.assertFails(r, "FAIL distinct /seed ([0-9a-f]+)$/: '0123abcd' at lines 15 and 16")
        r = self.run_harness(self.spec(distinct=[{"regex": r"seed ([0-9a-f]+)$", "count": 3}]))
        self.assertFails(r, "FAIL distinct /seed ([0-9a-f]+)$/: expected 3 matches, got 2")
        r = self.run_harness(self.spec(distinct=[{"regex": r"seed [0-9a-f]+", "count": 2}]))
        self.assertEqual(r.returncode, 2, r.stdout)

    def test_ratio_out_of_bounds_fails(self) -> None:
        log = GOOD_LOG + (b"\nshrike: sched: a:0 run=471ms wait=2806ms switches=44\n"
                          b"shrike: sched: b:0 run=0x3ad wait=2337ms\n")
        share = {"num": r"a:0 run=(\d+)ms", "den": r"a:0 run=(\d+)ms wait=(\d+)ms"}
        r = self.run_harness(self.spec(ratios=[{**share, "min": 0.14, "max": 0.1457},
                                               {"num": r"b:0 run=(\w+)",
                                                "den": r"a:0 run=(\d+)", "min": 1.99}]),
                             log=log)
        self.assertPasses(r)  # 471 / 3277 = 0.1437; 0x3ad = 941, 941 / 471 = 1.998
        self.assertIn("PASS ratio /a:0 run=(\\d+)ms/ / /a:0 run=(\\d+)ms wait=(\\d+)ms/: "
                      "471 / 3277 = 0.1437 in [0.14, 0.1457]", r.stdout)
        cases = [({**share, "min": 0.1440}, "FAIL ratio /a:0 run=(\\d+)ms/ / /a:0 run=(\\d+)ms "
                                            "wait=(\\d+)ms/: expected a ratio in [0.144, inf], "
                                            "got 471 / 3277 = 0.1437"),
                 ({**share, "max": 0.143}, "FAIL ratio /a:0 run=(\\d+)ms/"),
                 ({"num": r"sched: \w:0 run=(\w+)", "den": r"a:0 run=(\d+)"},
                  "FAIL ratio /sched: \\w:0 run=(\\w+)/ / /a:0 run=(\\d+)/: expected 1 line to "
                  "match /sched: \\w:0 run=(\\w+)/, got 2 (lines 18, 19)"),
                 ({"num": r"a:0 run=(\d+)", "den": r"c:0 run=(\d+)"},
                  "FAIL ratio /a:0 run=(\\d+)/ / /c:0 run=(\\d+)/: expected 1 line to match "
                  "/c:0 run=(\\d+)/, got 0"),
                 ({"num": r"a:0 run=(\d+)", "den": r"a:0 (r)un"},
                  "FAIL ratio /a:0 run=(\\d+)/ / /a:0 (r)un/: line 18: /a:0 (r)un/: expected "
                  "numbers"),
                 ({"num": r"a:0 run=(\d+)", "den": r"b:0 run=(0)x3ad"},
                  "FAIL ratio /a:0 run=(\\d+)/ / /b:0 run=(0)x3ad/: 471 / 0: the "
                  "denominator is 0")]
        for entry, expected in cases:
            with self.subTest(entry=entry):
                self.assertFails(self.run_harness(self.spec(ratios=[entry]), log=log), expected)
        for bad in ({"num": "no group", "den": "(1)"}, {"num": "(1)"},
                    {"num": "(1)", "den": "(1)", "max": "1"}, {"num": "(1)", "den": "(1)", "x": 1}):
            with self.subTest(bad=bad):
                r = self.run_harness(self.spec(ratios=[bad]), log=log)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn("harness: bad spec:", r.stderr)

    def test_missing_summary_fails(self) -> None:
        r = self.run_harness(self.spec(summaries=[{"prefix": "vgic"}]))
        self.assertFails(r, "FAIL summary vgic: expected a line \"vgic: N passed, M failed\"")

    def test_summary_prefix_must_not_be_a_suffix(self) -> None:
        r = self.run_harness(self.spec(summaries=[{"prefix": "hrike"}]))
        self.assertFails(r, "FAIL summary hrike: expected a line")

    def test_summary_with_failures_fails(self) -> None:
        log = GOOD_LOG + b"\n[shrike] 9 passed, 2 failed\n"
        r = self.run_harness(self.spec(summaries=[{"prefix": "shrike"}]), log=log)
        self.assertFails(r, "FAIL summary shrike: line 18: expected 0 failed, got 2")

    def test_summary_wrong_passed_count_fails(self) -> None:
        r = self.run_harness(self.spec(summaries=[{"prefix": "guest", "passed": 4}]))
        self.assertFails(r, "FAIL summary guest: line 12: expected 4 passed, got 3")

    def test_nonzero_exit_status_fails(self) -> None:
        r = self.run_harness(self.spec(), env={"FAKE_QEMU_STATUS": "3"})
        self.assertFails(r, "FAIL exit: expected status 0, got 3")
        self.assertPasses(self.run_harness(self.spec(exit_status=3),
                                           env={"FAKE_QEMU_STATUS": "3"}))

    def test_timeout_fails(self) -> None:
        r = self.run_harness(self.spec(timeout=2), env={"FAKE_QEMU_SLEEP": "1"})
        self.assertFails(r, "FAIL exit: expected QEMU to exit within 2 s, got a timeout")
        self.assertIn("qemu.py: timeout after 2 s", r.stderr)
        self.assertEqual((self.build / "tests" / "selftest.log").read_bytes(), GOOD_LOG)

    def test_timeout_ok_passes_but_still_checks_the_log(self) -> None:
        r = self.run_harness(self.spec(timeout=2, timeout_ok=True), env={"FAKE_QEMU_SLEEP": "1"})
        self.assertPasses(r)
        self.assertIn("PASS exit: timed out after 2 s (timeout_ok)", r.stdout)
        r = self.run_harness(self.spec(timeout=2, timeout_ok=True, absent=["booting"]),
                             env={"FAKE_QEMU_SLEEP": "1"})
        self.assertFails(r, "FAIL absent /booting/")

    def test_bad_spec_is_an_error(self) -> None:
        for bad in ({"counts": [{"regex": "x"}]}, {"absent": ["("]}, {"timeot": 3},
                    {"values": [{"regex": "no group"}]}, {"qemu": {"smpp": 2}}):
            with self.subTest(bad=bad):
                r = self.run_harness(self.spec(**bad))
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn("harness: bad spec:", r.stderr)


class QemuScriptTest(unittest.TestCase):
    def qemu_py(self, *args: str, **kw: Any) -> subprocess.CompletedProcess:
        """Run scripts/qemu.py; stdout and stderr are bytes."""
        return subprocess.run([sys.executable, str(QEMU_PY), *args], capture_output=True,
                              timeout=60, **kw)

    def test_dry_run_command_line(self) -> None:
        r = self.qemu_py("--kernel", "k.elf", "--dry-run", "--smp", "2", "--gic", "2",
                         "--append", "a b", "--icount", "--loader", "g.bin@0x48000000",
                         "--gdb", "--gdb-port", "4321", "--", "-d", "int")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.decode(),
                         "qemu-system-aarch64 -M virt,virtualization=on,gic-version=2,"
                         "dtb-randomness=off -cpu cortex-a57 -smp 2 -m 2G -nographic -nic none -kernel k.elf"
                         " -append 'a b' -icount shift=4,sleep=off"
                         " -device loader,file=g.bin,addr=0x48000000,force-raw=on"
                         " -S -gdb tcp::4321 -d int\n")

    def test_bounded_run_tees_and_times_out(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            canned, log = Path(tmp) / "canned", Path(tmp) / "out.log"
            canned.write_bytes(b"hello\r\nworld\n")
            env = dict(os.environ, FAKE_QEMU_LOG=str(canned), FAKE_QEMU_SLEEP="1")
            r = self.qemu_py("--kernel", "k", "--qemu", str(FAKE_QEMU), "--timeout", "1",
                             "--log", str(log), env=env)
            self.assertEqual(r.returncode, 124)
            self.assertEqual(r.stdout, b"hello\r\nworld\n")
            self.assertEqual(r.stderr, b"qemu.py: timeout after 1 s\n")
            self.assertEqual(log.read_bytes(), b"hello\r\nworld\n")


if __name__ == "__main__":
    unittest.main()
