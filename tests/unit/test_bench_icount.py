#!/usr/bin/env python3
"""Host test of scripts/bench.py's executed-instruction figure for the Linux
boots: the icount plugin's events (scripts/icount/icount.c) parsed, a guest's
window taken from its second vCPU's first instruction to its first mark on
one of its own CPUs, the other guest's CPUs left out, the EL2 part and the
idle warps in the window, and no figure when a vCPU moved (the plugin counts
per CPU) or an event is missing.

Usage: test_bench_icount.py [unittest options]
"""
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import bench  # noqa: E402

# Two guests: a on CPUs 0 and 2, b on 1 and 3 (as shrike placed boot-a and boot-b).
EVENTS = """\
first cpu=0 total=100 warps=0 c0=100/0/0
first cpu=1 total=101 warps=0 c0=100/0/1 c1=1/0/0
first cpu=2 total=5000 warps=7 c0=110/3000/10 c1=20/1800/5 c2=40/0/0
first cpu=3 total=5100 warps=7 c0=110/3050/10 c1=20/1850/5 c2=40/10/0 c3=3/0/0
mark cpu=3 total=9000 warps=9 c0=150/5000/20 c1=60/3000/30 c2=70/400/1 c3=30/300/9
mark cpu=0 total=9900 warps=9 c0=200/5500/40 c1=60/3000/30 c2=90/600/2 c3=30/300/9
end total=9999 warps=576460751463640331 c0=200/5500/40 c1=60/3000/30 c2=90/650/2 c3=30/300/9
"""
STATS = "".join(f"shrike: sched: {vcpu} run=1ms wait=0ms switches=1 blocks=0 migrations={m} "
                f"exits=9 (hvc 0, sysreg 0, dabt 0, wfx 0) cpu={cpu}\n"
                for vcpu, m, cpu in (("boot-a:0", 0, 0), ("boot-a:1", 0, 2), ("boot-b:0", 0, 1),
                                     ("boot-b:1", "MOVED", 3)))


def events(text):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "run.icount"
        path.write_text(text)
        return bench.icount_events(path)


class GuestWindow(unittest.TestCase):
    def test_events_parsed(self):
        ev = events(EVENTS)
        self.assertEqual([e[0] for e in ev], ["first"] * 4 + ["mark"] * 2 + ["end"])
        self.assertEqual(ev[4][1], 3)
        self.assertEqual(ev[4][3][1], [60, 3000, 30])
        self.assertEqual(ev[6][1], -1)

    def test_own_cpus_from_second_vcpu_to_own_mark(self):
        ev = events(EVENTS)
        # a: CPU 2's first (c0 110/3000/10, c2 40/0/0) to the mark on CPU 0.
        got = bench.guest_instructions(ev, [0, 2], 2)
        self.assertEqual(got, ((200 + 5500 + 40 - 3120) + (90 + 600 + 2 - 40), 90 + 50, 2))
        # b: CPU 3's first to the mark on CPU 3, not a's later one.
        got = bench.guest_instructions(ev, [1, 3], 3)
        self.assertEqual(got, ((60 + 3000 + 30 - 1875) + (30 + 300 + 9 - 3), 40 + 27, 2))

    def test_missing_event_gives_none(self):
        ev = [e for e in events(EVENTS) if not (e[0] == "mark" and e[1] == 0)]
        self.assertIsNone(bench.guest_instructions(ev, [0, 2], 2))
        self.assertIsNone(bench.guest_instructions(events(EVENTS), [0, 2], 5))

    def test_unknown_warps(self):
        ev = events(EVENTS.replace("mark cpu=0 total=9900 warps=9",
                                   "mark cpu=0 total=9900 warps=?"))
        self.assertEqual(bench.guest_instructions(ev, [0, 2], 2)[2], "?")

    def test_cpus_from_shrike_statistics(self):
        ev = events(EVENTS)
        still = STATS.replace("MOVED", "0")
        self.assertEqual(bench.linux_counts(still, ev, ["boot-a", "boot-b"]),
                         [bench.guest_instructions(ev, [0, 2], 2),
                          bench.guest_instructions(ev, [1, 3], 3)])
        self.assertEqual(bench.linux_counts(STATS.replace("MOVED", "1"), ev, ["boot-a", "boot-b"]),
                         [None, None])
        self.assertEqual(bench.linux_counts(still, ev, ["boot-c"]), [None])

    def test_bare_is_cpus_0_and_1(self):
        ev = events("first cpu=0 total=0 warps=0\n"
                    "first cpu=1 total=50 warps=0 c0=0/45/5\n"
                    "mark cpu=1 total=90 warps=0 c0=0/60/5 c1=0/20/5\n")
        self.assertEqual(bench.linux_counts("", ev, [None]), [(40, 0, 0)])


if __name__ == "__main__":
    unittest.main()
