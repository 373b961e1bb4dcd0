#!/usr/bin/env python3
"""Host test of scripts/trace_extract.py and scripts/timeline.py: a synthetic
trace (as sched/trace.c dumps it) extracted from a noisy console log and drawn
as SVG, which must parse as XML with one lane per CPU, one bar per run, a
label where a bar is wide enough, a marker per block/wake/migrate/idle event
and a legend naming every VM.

Usage: test_timeline.py [unittest options]
"""
import json
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
sys.path.insert(0, str(SCRIPTS))

import timeline  # noqa: E402
import trace_extract  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def meta(tid):
    return [{"name": "thread_name", "ph": "M", "pid": 0, "tid": tid,
             "args": {"name": f"CPU {tid}"}},
            {"name": "thread_sort_index", "ph": "M", "pid": 0, "tid": tid,
             "args": {"sort_index": tid}}]


def ev(ph, name, tid, ts, **args):
    e = {"name": name, "cat": "vcpu" if ph in "BE" else "sched", "ph": ph, "pid": 0,
         "tid": tid, "ts": ts}
    if ph == "i":
        e["s"] = "t"
    if args:
        e["args"] = args
    return e


# CPU 0: fair:0 (long), blocks; idle; batch:1. CPU 1: an E without its B
# (dropped), echo:0, then fair:1 left open (closed at CPU 1's last event).
# CPU 2: nothing at all but its metadata.
EVENTS = (meta(0) + meta(1) + meta(2) + [
    ev("B", "fair:0", 0, 0.0),
    ev("E", "fair:0", 0, 6000.0, why="block"),
    ev("i", "block", 0, 6000.0, vcpu="fair:0"),
    ev("i", "idle", 0, 6500.0),
    ev("B", "batch:1", 0, 7000.0),
    ev("E", "batch:1", 0, 7100.5, why="preempt"),
    ev("E", "ghost:0", 1, 100.0, why="preempt"),
    ev("B", "echo:0", 1, 200.0),
    ev("i", "wake", 1, 300.0, vcpu="fair:0", waker=1),
    ev("E", "echo:0", 1, 2500.0, why="yield"),
    ev("i", "migrate", 1, 2600.0, vcpu="fair:1", **{"from": 0}),
    ev("B", "fair:1", 1, 3000.0),
    ev("i", "wake", 1, 9000.0, vcpu="batch:1", waker=1),
    {"name": "process_name", "ph": "M", "pid": 0, "args": {"name": "shrike"}},
])
RUNS = 4  # fair:0, batch:1, echo:0, fair:1


def dump_lines(events):
    """The lines shrike prints for a dump: '[', events with commas, ']'."""
    body = [json.dumps(e, separators=(",", ":")) for e in events]
    return ["["] + [b + "," for b in body[:-1]] + [body[-1], "]"]


def console_log(events, noise=True):
    lines = ["shrike/0: booting", "shrike: trace begin", "shrike-trace: [", "shrike: trace end"]
    lines.append("shrike: trace begin")  # the dump that counts: the last complete one
    for i, line in enumerate(dump_lines(events)):
        lines.append(f"shrike-trace: {line}")
        if noise and i % 3 == 1:
            lines.append("[echo] a guest line in between")
    lines += ["shrike: trace end", "shrike: trace begin", "shrike-trace: [", "shrike/1: off"]
    return "\r\n".join(lines) + "\r\n"


class TimelineTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def render(self, source: Path, *extra):
        out = self.dir / "out.svg"
        r = subprocess.run([sys.executable, str(SCRIPTS / "timeline.py"), str(source), str(out),
                            *extra], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        return ET.parse(out).getroot()

    def check_svg(self, root):
        self.assertEqual(root.tag, SVG + "svg")
        rects = root.iter(SVG + "rect")
        by_class = {}
        for r in rects:
            by_class.setdefault(r.get("class"), []).append(r)
        lanes = by_class.get("lane", [])
        self.assertEqual(sorted(r.get("data-tid") for r in lanes), ["0", "1", "2"])
        runs = by_class.get("run", [])
        self.assertEqual(len(runs), RUNS)
        for r in runs:
            self.assertGreater(float(r.get("width")), 0)
            self.assertIsNotNone(r.find(SVG + "title"))
        # one colour per VM, the same for both fair runs
        fill = {}
        for r in runs:
            fill.setdefault(r.get("data-vm"), set()).add(r.get("fill"))
        self.assertEqual(sorted(fill), ["batch", "echo", "fair"])
        self.assertTrue(all(len(f) == 1 for f in fill.values()))
        self.assertEqual(len({next(iter(f)) for f in fill.values()}), 3)
        self.assertEqual(len(by_class.get("swatch", [])), 3)
        texts = [t.text for t in root.iter(SVG + "text")]
        for vm in ("batch", "echo", "fair"):
            self.assertIn(vm, texts)
        self.assertIn("fair:0", texts)  # 6 ms of 9: wide enough for its label
        self.assertNotIn("batch:1", texts)  # 0.1 ms: too narrow
        self.assertTrue(any(t and t.endswith(" ms") for t in texts))
        marks = [p.get("class") for p in root.iter(SVG + "path") if p.get("class")]
        self.assertEqual(sorted(marks),
                         ["mark block", "mark idle", "mark migrate", "mark wake", "mark wake"])

    def test_json(self):
        src = self.dir / "trace.json"
        src.write_text("\n".join(dump_lines(EVENTS)) + "\n")
        root = self.render(src, "--title", "a <test> & more")
        self.check_svg(root)
        title = next(root.iter(SVG + "text")).text
        self.assertEqual(title, "a <test> & more")

    def test_log_input(self):
        src = self.dir / "console.log"
        src.write_text(console_log(EVENTS))
        self.check_svg(self.render(src))

    def test_build(self):
        tl = timeline.build(EVENTS)
        self.assertEqual([t for t, _ in tl.lanes], [0, 1, 2])
        open_run = [r for r in tl.runs if r.name == "fair:1"]
        self.assertEqual(len(open_run), 1)
        self.assertEqual((open_run[0].start, open_run[0].end, open_run[0].why),
                         (3000.0, 9000.0, "running"))
        self.assertNotIn("ghost", {r.vm for r in tl.runs})

    def test_empty(self):
        tl = timeline.build(meta(0))
        root = ET.fromstring(timeline.render(tl, "empty"))
        self.assertEqual(len([r for r in root.iter(SVG + "rect") if r.get("class") == "lane"]), 1)

    def test_tick_step(self):
        self.assertEqual(timeline.tick_step(9000.0), 1000.0)
        self.assertEqual(timeline.tick_step(95.0), 10.0)
        self.assertEqual(timeline.tick_step(1.5e6), 200000.0)


class ExtractTest(unittest.TestCase):
    def run_extract(self, log_text):
        with tempfile.TemporaryDirectory() as d:
            log, out = Path(d) / "console.log", Path(d) / "trace.json"
            log.write_text(log_text)
            r = subprocess.run([sys.executable, str(SCRIPTS / "trace_extract.py"), str(log),
                                str(out)], capture_output=True, text=True)
            return r, (out.read_text() if out.exists() else None)

    def test_last_complete_dump(self):
        r, text = self.run_extract(console_log(EVENTS))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("\r", text)
        self.assertEqual(json.loads(text), EVENTS)

    def test_no_dump(self):
        r, text = self.run_extract("shrike/0: booting\nshrike: trace begin\nshrike-trace: [\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no complete trace dump", r.stderr)
        self.assertIsNone(text)

    def test_invalid_dump(self):
        lines = dump_lines(EVENTS)
        del lines[-1]  # the closing ']' lost
        log = "shrike: trace begin\n" + "".join(f"shrike-trace: {x}\n" for x in lines)
        r, _ = self.run_extract(log + "shrike: trace end\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("not valid JSON", r.stderr)

    def test_extract_function(self):
        self.assertEqual(json.loads(trace_extract.extract(console_log(EVENTS))), EVENTS)
        with self.assertRaises(trace_extract.TraceError):
            trace_extract.extract("nothing here\n")


if __name__ == "__main__":
    unittest.main()
