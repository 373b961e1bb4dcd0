#!/usr/bin/env python3
"""Draw shrike's scheduling trace as an SVG timeline.

One lane per CPU; a bar per vCPU run (a B/E pair of the trace), coloured by
VM, labelled "vm:vcpu" where it is wide enough and with a tooltip giving its
times and why it ended; block, wake and migrate events as small markers,
idle as a grey dot; a time axis in milliseconds and a legend. The input is
the JSON of a dump (docs/trace.md), or a console log holding one, which is
then extracted as trace_extract.py does. The output is a standalone SVG for
any browser.

Usage: timeline.py TRACE.json|LOG OUT.svg [--title T] [--width PX]
"""
from __future__ import annotations

import argparse
import colorsys
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from trace_extract import TraceError, load_trace  # noqa: E402

# Distinct, colour-blind friendly enough; VMs take them in name order.
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
           "#b07aa1", "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#a0cbe8"]
# instant event -> (fill, SVG path of the marker around (0, 0), where in the lane)
MARKERS = {
    "block": ("#c0392b", "M-4,-5 L4,-5 L0,2 Z", "top"),
    "wake": ("#1e8449", "M-4,5 L4,5 L0,-2 Z", "bottom"),
    "migrate": ("#1f4e9c", "M0,-5 L4,0 L0,5 L-4,0 Z", "middle"),
    "idle": ("#7f8c8d", "M-2,0 A2,2 0 1,0 2,0 A2,2 0 1,0 -2,0 Z", "bottom"),
}
LANE_H = 26
LANE_GAP = 6
LABEL_W = 70
MARGIN = 12
AXIS_H = 34
CHAR_W = 6.2  # approximate width of a character at font-size 11


@dataclass
class Run:
    tid: int
    name: str
    start: float
    end: float
    why: str = ""

    @property
    def vm(self) -> str:
        return self.name.rsplit(":", 1)[0] if ":" in self.name else self.name


@dataclass
class Instant:
    tid: int
    name: str
    ts: float
    args: dict = field(default_factory=dict)


@dataclass
class Timeline:
    lanes: list[tuple[int, str]]  # (tid, label) in display order
    runs: list[Run]
    instants: list[Instant]


def _number(v, default: float = 0.0) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


def build(events: list) -> Timeline:
    """Lanes, runs (B/E pairs per tid) and instant events of a trace."""
    names: dict[int, str] = {}
    order: dict[int, float] = {}
    last: dict[int, float] = {}
    stacks: dict[int, list[tuple[str, float]]] = {}
    runs: list[Run] = []
    instants: list[Instant] = []
    for e in events:
        tid = int(_number(e.get("tid"), 0))
        ph = e.get("ph")
        args = e.get("args") if isinstance(e.get("args"), dict) else {}
        if ph == "M":
            if e.get("name") == "thread_name":
                names[tid] = str(args.get("name", f"CPU {tid}"))
            elif e.get("name") == "thread_sort_index":
                order[tid] = _number(args.get("sort_index"), tid)
            continue
        if "ts" not in e:
            continue
        ts = _number(e["ts"])
        last[tid] = max(last.get(tid, ts), ts)
        stack = stacks.setdefault(tid, [])
        if ph == "B":
            stack.append((str(e.get("name", "?")), ts))
        elif ph == "E":
            if stack:  # an E without its B is dropped
                name, start = stack.pop()
                runs.append(Run(tid, name, start, ts, str(args.get("why", ""))))
        elif ph in ("i", "I", "n"):
            instants.append(Instant(tid, str(e.get("name", "?")), ts, args))
    for tid, stack in stacks.items():  # still open: up to the lane's last event
        for name, start in reversed(stack):
            runs.append(Run(tid, name, start, last[tid], "running"))
    tids = set(names) | set(last)
    tids = sorted(tids, key=lambda t: (order.get(t, t), t))
    lanes = [(t, names.get(t, f"CPU {t}")) for t in tids]
    return Timeline(lanes, runs, instants)


def vm_colors(runs: list[Run]) -> dict[str, str]:
    """A colour per VM: the palette in name order, then evenly spread hues."""
    colors = {}
    for i, vm in enumerate(sorted({r.vm for r in runs})):
        if i < len(PALETTE):
            colors[vm] = PALETTE[i]
        else:
            r, g, b = colorsys.hls_to_rgb((i * 0.618034) % 1.0, 0.55, 0.55)
            colors[vm] = f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"
    return colors


def tick_step(span_us: float, target: int = 10) -> float:
    """A 1, 2 or 5 x 10^k step in microseconds giving about target ticks."""
    raw = max(span_us / target, 1e-3)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def fmt_ms(us: float, step_us: float) -> str:
    decimals = max(0, -math.floor(math.log10(step_us / 1000) + 1e-9))
    return f"{us / 1000:.{decimals}f} ms"


def fmt_time(us: float) -> str:
    return f"{us / 1000:.3f} ms"


def render(tl: Timeline, title: str, width: int = 1400) -> str:
    """The SVG document of a timeline."""
    plot_w = max(200, width - LABEL_W - 2 * MARGIN)
    times = [r.start for r in tl.runs] + [r.end for r in tl.runs] + [i.ts for i in tl.instants]
    t0, t1 = (min(times), max(times)) if times else (0.0, 1.0)
    if t1 <= t0:
        t1 = t0 + 1.0
    x0 = MARGIN + LABEL_W

    def x(ts: float) -> float:
        return x0 + (ts - t0) / (t1 - t0) * plot_w

    lane_y = {tid: MARGIN + 24 + AXIS_H + i * (LANE_H + LANE_GAP)
              for i, (tid, _) in enumerate(tl.lanes)}
    lanes_bottom = MARGIN + 24 + AXIS_H + len(tl.lanes) * (LANE_H + LANE_GAP)
    colors = vm_colors(tl.runs)
    legend_rows = 2
    height = int(lanes_bottom + 12 + legend_rows * 20 + MARGIN)

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        "<style>.run{stroke:#fff;stroke-width:0.5}.label{fill:#fff;pointer-events:none}"
        ".grid{stroke:#ddd;stroke-width:1}.lane{fill:#f4f4f4}</style>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{MARGIN}" y="{MARGIN + 12}" font-size="14" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    # lanes
    for tid, label in tl.lanes:
        y = lane_y[tid]
        out.append(f'<rect class="lane" data-tid="{tid}" x="{x0}" y="{y}" width="{plot_w}" '
                   f'height="{LANE_H}"/>')
        out.append(f'<text x="{MARGIN}" y="{y + LANE_H / 2 + 4:.1f}">{escape(label)}</text>')
    # time axis and grid
    step = tick_step(t1 - t0)
    axis_y = MARGIN + 24 + AXIS_H - 8
    tick = math.ceil(t0 / step) * step
    while tick <= t1 + step * 1e-9:
        tx = x(tick)
        out.append(f'<line class="grid" x1="{tx:.2f}" y1="{axis_y}" x2="{tx:.2f}" '
                   f'y2="{lanes_bottom - LANE_GAP}"/>')
        out.append(f'<text x="{tx:.2f}" y="{axis_y - 4}" text-anchor="middle" fill="#555">'
                   f"{escape(fmt_ms(tick, step))}</text>")
        tick += step
    # runs
    for r in sorted(tl.runs, key=lambda r: (r.tid, r.start)):
        if r.tid not in lane_y:
            continue
        rx, w = x(r.start), max(x(r.end) - x(r.start), 0.5)
        y = lane_y[r.tid]
        tip = (f"{r.name} on {dict(tl.lanes).get(r.tid, r.tid)}\n"
               f"{fmt_time(r.start)} to {fmt_time(r.end)} ({fmt_time(r.end - r.start)})"
               + (f"\nended: {r.why}" if r.why else ""))
        out.append(f'<rect class="run" data-vm={quoteattr(r.vm)} x="{rx:.2f}" y="{y + 2}" '
                   f'width="{w:.2f}" height="{LANE_H - 4}" fill="{colors[r.vm]}">'
                   f"<title>{escape(tip)}</title></rect>")
        if w >= len(r.name) * CHAR_W + 6:
            out.append(f'<text class="label" x="{rx + 3:.2f}" y="{y + LANE_H / 2 + 4:.1f}">'
                       f"{escape(r.name)}</text>")
    # instant events
    for i in tl.instants:
        if i.tid not in lane_y or i.name not in MARKERS:
            continue
        fill, path, where = MARKERS[i.name]
        y = lane_y[i.tid] + {"top": 5, "middle": LANE_H / 2, "bottom": LANE_H - 5}[where]
        detail = ", ".join(f"{k}={v}" for k, v in i.args.items())
        tip = f"{i.name} at {fmt_time(i.ts)}" + (f": {detail}" if detail else "")
        out.append(f'<path class="mark {i.name}" transform="translate({x(i.ts):.2f},{y:.1f})" '
                   f'd="{path}" fill="{fill}" stroke="#fff" stroke-width="0.5">'
                   f"<title>{escape(tip)}</title></path>")
    # legend: VMs, then the markers
    ly = lanes_bottom + 12
    lx = float(x0)
    for vm, color in colors.items():
        out.append(f'<rect class="swatch" x="{lx:.1f}" y="{ly}" width="12" height="12" '
                   f'fill="{color}"/>')
        out.append(f'<text x="{lx + 16:.1f}" y="{ly + 10}">{escape(vm)}</text>')
        lx += 16 + len(vm) * CHAR_W + 18
    ly += 20
    lx = float(x0)
    for name, (fill, path, _) in MARKERS.items():
        out.append(f'<path transform="translate({lx + 5:.1f},{ly + 6})" d="{path}" '
                   f'fill="{fill}"/>')
        out.append(f'<text x="{lx + 14:.1f}" y="{ly + 10}">{name}</text>')
        lx += 14 + len(name) * CHAR_W + 18
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("trace", type=Path, help="trace JSON, or a console log holding a dump")
    ap.add_argument("out", type=Path, help="SVG to write")
    ap.add_argument("--title", help="title (default: the input's name and time span)")
    ap.add_argument("--width", type=int, default=1400, help="width in pixels (default 1400)")
    args = ap.parse_args(argv)
    try:
        events = load_trace(args.trace)
    except (OSError, TraceError) as e:
        print(f"timeline: {args.trace}: {e}", file=sys.stderr)
        return 1
    tl = build(events)
    title = args.title
    if title is None:
        times = [r.end for r in tl.runs] + [i.ts for i in tl.instants]
        title = f"{args.trace.name}: {len(tl.lanes)} CPUs, {len(tl.runs)} runs"
        if times:
            title += f", {fmt_time(max(times))}"
    args.out.write_text(render(tl, title, args.width), encoding="utf-8")
    print(f"timeline: {args.out}: {len(tl.lanes)} lanes, {len(tl.runs)} runs, "
          f"{len(tl.instants)} instant events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
