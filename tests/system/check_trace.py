#!/usr/bin/env python3
"""Checks the trace that system.sched-trace dumped: it extracts to valid Chrome
trace JSON with vCPU runs on all 4 CPUs, and timeline.py draws it as an SVG with
one lane per CPU and one bar per run. Usage: check_trace.py LOG OUTDIR"""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

here = Path(__file__).resolve().parents[2] / "scripts"
log, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
subprocess.run([sys.executable, here / "trace_extract.py", log, out / "trace.json"], check=True)
subprocess.run([sys.executable, here / "timeline.py", out / "trace.json", out / "timeline.svg",
                "--title", "shrike: smp, migrate-timer, heartbeat on 4 CPUs"], check=True)
events = json.loads((out / "trace.json").read_text())
begins = [e for e in events if e.get("ph") == "B"]
cpus = {e["tid"] for e in begins}
svg = ET.parse(out / "timeline.svg").getroot()
runs = [r for r in svg.iter("{http://www.w3.org/2000/svg}rect") if "run" in r.get("class", "")]
checks = [(len(cpus) == 4, f"runs on 4 CPUs (got {sorted(cpus)})"),
          (len(begins) >= 20, f"at least 20 vCPU runs (got {len(begins)})"),
          (len(runs) >= len(begins) // 2, f"the SVG draws the runs ({len(runs)} bars)")]
failed = [m for ok, m in checks if not ok]
for ok, m in checks:
    print(("ok - " if ok else "FAIL - ") + m)
print(f"trace: {len(checks) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
