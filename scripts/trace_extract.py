#!/usr/bin/env python3
"""Extract shrike's scheduling trace from a console log.

shrike prints a trace dump (docs/trace.md) between a line `shrike: trace begin`
and a line `shrike: trace end`, every JSON line prefixed by `shrike-trace: `.
Other CPUs and VMs may print lines in between; lines without the prefix are
ignored. This takes the last complete dump, strips the prefixes and any \\r,
checks that the result is valid JSON and writes it.

Usage: trace_extract.py LOG OUT.json

Exit status 0 on success, 1 (with a message) if the log holds no complete
dump or the dump is not valid JSON (it is still written, for inspection).

Also importable: timeline.py uses extract() and load_trace().
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PREFIX = "shrike-trace: "
# "shrike: trace begin", or "shrike/N: trace begin" should it go through the log
BEGIN = re.compile(r"shrike(/\d+)?: trace begin\s*$")
END = re.compile(r"shrike(/\d+)?: trace end\s*$")


class TraceError(Exception):
    """No complete dump, or a dump that is not valid JSON."""


def extract(text: str) -> str:
    """The JSON text of the last complete dump in a console log."""
    last = None
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.replace("\r", "")
        if BEGIN.search(line):
            current = []  # a dump cut short by another begin is dropped
        elif END.search(line):
            if current is not None:
                last = current
            current = None
        elif current is not None and line.startswith(PREFIX):
            current.append(line[len(PREFIX):])
    if last is None:
        raise TraceError("no complete trace dump (shrike: trace begin ... end) in the log")
    return "\n".join(last) + "\n"


def parse(json_text: str) -> list:
    """The events of a trace: a JSON array, or an object with "traceEvents"."""
    try:
        data = json.loads(json_text)
    except json.JSONDecodeError as e:
        raise TraceError(f"the trace is not valid JSON: {e}") from e
    if isinstance(data, dict):
        data = data.get("traceEvents")
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise TraceError("the trace is not a list of trace events")
    return data


def load_trace(path: Path) -> list:
    """The events of a trace file: JSON, or a console log holding a dump."""
    text = path.read_text(encoding="utf-8", errors="replace")
    stripped = text.lstrip()
    if stripped.startswith("[") or stripped.startswith("{"):
        try:
            return parse(text)
        except TraceError:
            pass  # a log may start with '[' too ("[vm] ..."): try it as one
    return parse(extract(text))


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    log, out = Path(argv[1]), Path(argv[2])
    try:
        json_text = extract(log.read_text(encoding="utf-8", errors="replace"))
    except (OSError, TraceError) as e:
        print(f"trace_extract: {log}: {e}", file=sys.stderr)
        return 1
    out.write_text(json_text, encoding="utf-8")
    try:
        events = parse(json_text)
    except TraceError as e:
        print(f"trace_extract: {out}: {e}", file=sys.stderr)
        return 1
    print(f"trace_extract: {out}: {len(events)} events")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
