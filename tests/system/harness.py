#!/usr/bin/env python3
"""Run one shrike system test under QEMU and check its serial log.

Usage:
    harness.py --spec tests/system/NAME.json --build-dir BUILD
               [--log FILE] [--qemu BINARY] [--cpu NAME] [--gic 2]

The harness runs QEMU through scripts/qemu.py (the same command line as
interactive use), saves the raw serial log to --log (default
BUILD/tests/NAME.log), then prints one "PASS ..." / "FAIL ..." line per check
and a final "harness: N passed, N failed". It exits 0 only if every check
passed (1 on a failed check, 2 on a bad spec or usage); on failure it also
prints the last 40 lines of the log. --cpu overrides the spec's CPU model;
--gic 2 runs the spec's GICv2 variant (its "gicv2" field, below).

Before matching, the log is decoded as UTF-8 (errors="replace"), "\\r" is
dropped and it is split at "\\n". Every regex is a Python re.search() applied
to one line at a time; line numbers in messages start at 1.

Spec (JSON; every field but "image" is optional; unknown fields are errors):

    {
      "description": "what the test shows",
      "image": "shrike.elf",
      "qemu": {"smp": 4, "cpu": "cortex-a57", "memory": "2G", "gic": 3,
               "append": "...", "icount": false,
               "loader": ["guests/x.bin@0x48000000"], "extra": []},
      "timeout": 60,
      "timeout_ok": false,
      "exit_status": 0,
      "input": [{"after": "regex", "send": "text"}],
      "in_order": ["regex", "regex"],
      "counts": [{"regex": "...", "count": 12}],
      "absent": ["regex"],
      "values": [{"regex": "ticks=(\\\\d+)", "min": 10, "max": 10, "count": 4}],
      "distinct": [{"regex": "seed ([0-9a-f]+)", "count": 2}],
      "ratios": [{"num": "a:0 run=(\\d+)ms", "den": "a:0 run=(\\d+)ms wait=(\\d+)ms",
                  "min": 0.14, "max": 0.1457}],
      "summaries": [{"prefix": "shrike", "passed": 7}],
      "gicv2": true
    }

image       the ELF to boot, relative to the build directory.
qemu        options for scripts/qemu.py (defaults are qemu.py's). Loader FILEs
            are relative to the build directory; "extra" is appended to QEMU's
            arguments verbatim. "icount": true runs under -icount
            shift=4,sleep=off: the counter is virtual time (one tick per
            instruction) and the run deterministic, for tests that judge
            time (docs/testing.md: tests must not depend on the host's speed).
timeout     wall-clock seconds (default 60); QEMU must exit by itself before
            then. A timeout is a failed check unless "timeout_ok" is true (for
            tests that never power off; the log checks still apply).
exit_status QEMU's expected exit status (default 0; null = not checked).
            Not checked when a timeout is allowed and happens.
input       typed on QEMU's serial input: each entry's "send" once a line
            (after the previous entry's) matches its "after" regex, in order.
            It reaches the VM with the input focus (the first VM, unless
            Ctrl-\\ moved it). Entries tie a test's steps to markers in
            the log, never to wall time.
in_order    each regex must match a line after the line the previous one
            matched (a failed entry does not move the position). A list of
            lists is several independent chains, each checked this way (for
            events whose relative order is up to the scheduler).
counts      exactly "count" lines must match "regex".
absent      no line may match.
values      group 1 of every match of "regex" (decimal, or hex with 0x) must
            lie within ["min", "max"] (either bound may be omitted); with
            "count", exactly that many lines must match, without it at least
            one must.
distinct    exactly "count" lines must match "regex", and their group 1 values
            must all differ (for values that must not repeat, e.g. seeds).
ratios      "num" and "den" must each match exactly one line; the value of
            each is the sum of its groups (decimal, or hex with 0x; at least
            one group), and num / den must lie within ["min", "max"] (either
            bound may be omitted; den must not be 0). For shares that do not
            depend on how long a run is: a vCPU's run time over its run +
            wait (den's two groups), one VM's count over another's.
summaries   the LAST line containing "PREFIX: N passed, M failed" or
            "[PREFIX] N passed, M failed" must have M == 0 and, if "passed"
            is given, N == passed. PREFIX must not be preceded by a letter,
            digit, "_", "-" or ".".
gicv2       the spec also runs on a GICv2 host (ctest: system.NAME.gicv2;
            harness --gic 2 runs that variant: qemu.py --gic 2). true: with
            the same checks; an object: fields that replace the spec's for the
            GICv2 run (its "qemu" fields replace single "qemu" fields), for the
            few facts that differ (e.g. a log line naming the GIC version).
"""

import argparse
import importlib.util
import json
import re
import shlex
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, NamedTuple

ROOT = Path(__file__).resolve().parents[2]
QEMU_SCRIPT = ROOT / "scripts" / "qemu.py"
DEFAULT_TIMEOUT = 60
TAIL_LINES = 40
MAX_LISTED = 8  # line numbers listed in a message

SPEC_KEYS = {"description", "image", "qemu", "timeout", "timeout_ok", "exit_status",
             "in_order", "counts", "absent", "values", "distinct", "ratios", "summaries",
             "input", "gicv2"}
QEMU_KEYS = {"smp", "cpu", "memory", "gic", "append", "icount", "loader", "extra"}
ENTRY_KEYS = {"counts": {"regex", "count"}, "values": {"regex", "min", "max", "count"},
              "distinct": {"regex", "count"}, "ratios": {"num", "den", "min", "max"},
              "summaries": {"prefix", "passed"}, "input": {"after", "send"}}


class SpecError(Exception):
    pass


class Result(NamedTuple):
    ok: bool
    text: str


class Match(NamedTuple):
    lineno: int  # 1-based
    match: re.Match


# ---------------------------------------------------------------- spec

def load_spec(path: Path, gic: int | None = None) -> dict[str, Any]:
    """Read and validate a spec (its GICv2 variant if gic == 2); regexes are compiled in place."""
    try:
        spec = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise SpecError(f"{path}: {e}") from e
    if not isinstance(spec, dict) or not isinstance(spec.get("image"), str):
        raise SpecError(f"{path}: a JSON object with a string \"image\" is required")
    unknown(spec, SPEC_KEYS, "spec")
    if gic == 2:
        spec = gicv2_variant(spec)
    unknown(spec.get("qemu", {}), QEMU_KEYS, "qemu")
    timeout = spec.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise SpecError(f"timeout must be a positive number, got {timeout!r}")
    chains = spec.get("in_order", [])
    if chains and all(isinstance(c, list) for c in chains):
        spec["in_order"] = [[compile_re(r) for r in c] for c in chains]
    else:
        spec["in_order"] = [[compile_re(r) for r in chains]] if chains else []
    spec["absent"] = [compile_re(r) for r in spec.get("absent", [])]
    for kind, keys in ENTRY_KEYS.items():
        for entry in spec.get(kind, []):
            unknown(entry, keys, kind)
            if "regex" in keys:
                entry["regex"] = compile_re(entry.get("regex"))
    for entry in spec.get("counts", []):
        if not isinstance(entry.get("count"), int):
            raise SpecError(f"counts entry /{entry['regex'].pattern}/ needs an integer \"count\"")
    for kind in ("values", "distinct"):
        for entry in spec.get(kind, []):
            if entry["regex"].groups < 1:
                raise SpecError(f"{kind} regex /{entry['regex'].pattern}/ needs a group")
    for entry in spec.get("distinct", []):
        if not isinstance(entry.get("count"), int) or entry["count"] < 2:
            raise SpecError(f"distinct entry /{entry['regex'].pattern}/ needs a \"count\" >= 2")
    for entry in spec.get("summaries", []):
        if not isinstance(entry.get("prefix"), str):
            raise SpecError("summaries entry needs a string \"prefix\"")
    for entry in spec.get("ratios", []):
        check_ratio_entry(entry)
    return spec


def check_ratio_entry(entry: dict[str, Any]) -> None:
    """A "ratios" entry's regexes compiled in place, each with a group; numeric bounds."""
    for key in ("num", "den"):
        entry[key] = compile_re(entry.get(key))
        if entry[key].groups < 1:
            raise SpecError(f"ratios {key} regex /{entry[key].pattern}/ needs a group")
    for key in ("min", "max"):
        bound = entry.get(key, 0)
        if isinstance(bound, bool) or not isinstance(bound, (int, float)):
            raise SpecError(f"ratios entry: \"{key}\" must be a number, got {bound!r}")


def gicv2_variant(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec as its GICv2 run sees it: "gicv2"'s fields replace the spec's, gic = 2."""
    over = spec.get("gicv2", True)
    if over is True:
        over = {}
    unknown(over, SPEC_KEYS - {"gicv2"}, "gicv2")
    out = {k: v for k, v in spec.items() if k != "gicv2"}
    qemu = dict(out.get("qemu", {}))
    for k, v in over.items():
        if k != "qemu":
            out[k] = v
    qemu.update(over.get("qemu", {}))
    qemu["gic"] = 2
    out["qemu"] = qemu
    return out


def unknown(obj: Any, allowed: set[str], where: str) -> None:
    if not isinstance(obj, dict):
        raise SpecError(f"{where}: expected an object, got {obj!r}")
    extra = sorted(set(obj) - allowed)
    if extra:
        raise SpecError(f"{where}: unknown field(s) {', '.join(extra)}")


def compile_re(pattern: Any) -> re.Pattern:
    if not isinstance(pattern, str):
        raise SpecError(f"expected a regex string, got {pattern!r}")
    try:
        return re.compile(pattern)
    except re.error as e:
        raise SpecError(f"bad regex /{pattern}/: {e}") from e


# ---------------------------------------------------------------- running

def load_qemu_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shrike_qemu", QEMU_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def qemu_argv(spec: dict[str, Any], build: Path, log: Path,
              qemu_bin: str | None, cpu: str | None) -> list[str]:
    """scripts/qemu.py arguments for a spec."""
    q = spec.get("qemu", {})
    argv = ["--kernel", str(build / spec["image"]),
            "--timeout", str(spec.get("timeout", DEFAULT_TIMEOUT)), "--log", str(log)]
    for key in ("smp", "memory", "gic", "append"):
        if key in q:
            argv += [f"--{key}", str(q[key])]
    if cpu or "cpu" in q:
        argv += ["--cpu", cpu or q["cpu"]]
    if q.get("icount"):
        argv.append("--icount")
    for item in q.get("loader", []):
        file, _, addr = item.rpartition("@")
        argv += ["--loader", f"{build / file}@{addr}"]
    if qemu_bin:
        argv += ["--qemu", qemu_bin]
    return argv + ["--"] + [str(a) for a in q.get("extra", [])]


def run_qemu(qemu: ModuleType, argv: list[str], inputs: list[dict[str, Any]]) -> int:
    """Run QEMU quietly (the log file gets the output); return qemu.py's status.

    inputs: the spec's "input" entries: once a line matches "after", "send"
    is typed on QEMU's serial input (in order, each once).
    """
    args = qemu.parse_args(argv)
    cmd = qemu.build_command(args)
    print(f"harness: {shlex.join(cmd)}", flush=True)
    typist = None
    if inputs:
        typist = qemu.Typist([(re.compile(i["after"]), i["send"].encode()) for i in inputs])
    return qemu.run_bounded(cmd, args.timeout, args.log, echo=False, typist=typist)


def read_log(path: Path) -> list[str]:
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return []
    lines = text.replace("\r", "").split("\n")
    return lines[:-1] if lines[-1] == "" else lines


# ---------------------------------------------------------------- checks

def show(pattern: re.Pattern) -> str:
    return f"/{pattern.pattern}/"


def find(pattern: re.Pattern, lines: list[str], start: int = 0) -> list[Match]:
    """Matches of pattern on lines[start:], with 1-based line numbers."""
    return [Match(i + 1, m) for i in range(start, len(lines))
            if (m := pattern.search(lines[i]))]


def plural(items: list[Any]) -> str:
    return "" if len(items) == 1 else "s"


def at_lines(matches: list[Match]) -> str:
    nums = [str(m.lineno) for m in matches[:MAX_LISTED]]
    more = ", ..." if len(matches) > MAX_LISTED else ""
    return f"line{plural(matches)} {', '.join(nums)}{more}"


def check_exit(spec: dict[str, Any], status: int, timeout_status: int) -> list[Result]:
    timeout = spec.get("timeout", DEFAULT_TIMEOUT)
    if status == timeout_status:
        if spec.get("timeout_ok", False):
            return [Result(True, f"exit: timed out after {timeout:g} s (timeout_ok)")]
        return [Result(False, f"exit: expected QEMU to exit within {timeout:g} s, got a timeout")]
    expected = spec.get("exit_status", 0)
    if expected is None or status == expected:
        return [Result(True, f"exit: QEMU exited with status {status}")]
    return [Result(False, f"exit: expected status {expected}, got {status}")]


def check_in_order(chains: list[list[re.Pattern]], lines: list[str]) -> list[Result]:
    results = []
    for c, chain in enumerate(chains):
        prefix = f"in_order[{c}]" if len(chains) > 1 else "in_order"
        results += check_chain(prefix, chain, lines)
    return results


def check_chain(prefix: str, patterns: list[re.Pattern], lines: list[str]) -> list[Result]:
    results, pos = [], 0  # pos: index of the first line the next pattern may match
    for i, pattern in enumerate(patterns):
        name = f"{prefix}[{i}] {show(pattern)}"
        matches = find(pattern, lines, pos)
        if matches:
            pos = matches[0].lineno
            results.append(Result(True, f"{name}: line {pos}"))
            continue
        earlier = find(pattern, lines[:pos])
        got = f"only at {at_lines(earlier)}" if earlier else "no match at all"
        results.append(Result(False, f"{name}: expected a match after line {pos}, got {got}"))
    return results


def check_counts(entries: list[dict[str, Any]], lines: list[str]) -> list[Result]:
    results = []
    for e in entries:
        matches = find(e["regex"], lines)
        name = f"count {show(e['regex'])}"
        if len(matches) == e["count"]:
            results.append(Result(True, f"{name}: {len(matches)} line{plural(matches)}"))
        else:
            where = f" ({at_lines(matches)})" if matches else ""
            results.append(Result(False, f"{name}: expected {e['count']}, "
                                         f"got {len(matches)}{where}"))
    return results


def check_absent(patterns: list[re.Pattern], lines: list[str]) -> list[Result]:
    results = []
    for pattern in patterns:
        matches = find(pattern, lines)
        if not matches:
            results.append(Result(True, f"absent {show(pattern)}"))
            continue
        first = matches[0]
        results.append(Result(False, f"absent {show(pattern)}: expected no match, got "
                              f"{len(matches)}, first at line {first.lineno}: "
                              f"{lines[first.lineno - 1]!r}"))
    return results


def parse_number(text: str) -> int | None:
    try:
        return int(text, 16) if text.lower().startswith("0x") else int(text, 10)
    except (TypeError, ValueError):
        return None


def check_values(entries: list[dict[str, Any]], lines: list[str]) -> list[Result]:
    return [check_value(e, lines) for e in entries]


def check_value(e: dict[str, Any], lines: list[str]) -> Result:
    lo, hi = e.get("min"), e.get("max")
    bounds = f"[{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}]"
    name = f"values {show(e['regex'])}"
    matches = find(e["regex"], lines)
    if "count" in e and len(matches) != e["count"]:
        return Result(False, f"{name}: expected {e['count']} matches, got {len(matches)}")
    if not matches and "count" not in e:
        return Result(False, f"{name}: expected at least one match, got none")
    bad = []
    for m in matches:
        value = parse_number(m.match.group(1))
        if value is None or (lo is not None and value < lo) or (hi is not None and value > hi):
            bad.append((m.lineno, m.match.group(1)))
    if bad:
        lineno, got = bad[0]
        return Result(False, f"{name}: line {lineno}: expected a number in {bounds}, got "
                             f"{got!r} ({len(bad)} of {len(matches)} out of range)")
    return Result(True, f"{name}: {len(matches)} value{plural(matches)} in {bounds}")


def check_distinct(entries: list[dict[str, Any]], lines: list[str]) -> list[Result]:
    results = []
    for e in entries:
        name = f"distinct {show(e['regex'])}"
        matches = find(e["regex"], lines)
        first: dict[str, int] = {}
        repeat = None
        for m in matches:
            value = m.match.group(1)
            if value in first and repeat is None:
                repeat = (value, first[value], m.lineno)
            first.setdefault(value, m.lineno)
        if len(matches) != e["count"]:
            results.append(Result(False, f"{name}: expected {e['count']} matches, "
                                         f"got {len(matches)}"))
        elif repeat:
            results.append(Result(False, f"{name}: {repeat[0]!r} at lines {repeat[1]} and "
                                         f"{repeat[2]}"))
        else:
            results.append(Result(True, f"{name}: {len(matches)} different values"))
    return results


def check_ratios(entries: list[dict[str, Any]], lines: list[str]) -> list[Result]:
    return [check_ratio(e, lines) for e in entries]


def ratio_term(pattern: re.Pattern, lines: list[str]) -> tuple[int | None, str]:
    """The sum of the groups of pattern's one matching line, or None and why not."""
    matches = find(pattern, lines)
    if len(matches) != 1:
        where = f" ({at_lines(matches)})" if matches else ""
        return None, f"expected 1 line to match {show(pattern)}, got {len(matches)}{where}"
    m = matches[0]
    values = [parse_number(g) for g in m.match.groups()]
    if any(v is None for v in values):
        return None, f"line {m.lineno}: {show(pattern)}: expected numbers, got {m.match.groups()}"
    return sum(values), ""


def check_ratio(e: dict[str, Any], lines: list[str]) -> Result:
    lo, hi = e.get("min"), e.get("max")
    bounds = f"[{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}]"
    name = f"ratio {show(e['num'])} / {show(e['den'])}"
    num, why = ratio_term(e["num"], lines)
    if num is None:
        return Result(False, f"{name}: {why}")
    den, why = ratio_term(e["den"], lines)
    if den is None:
        return Result(False, f"{name}: {why}")
    if den == 0:
        return Result(False, f"{name}: {num} / 0: the denominator is 0")
    ratio = num / den
    text = f"{num} / {den} = {ratio:.4f}"
    if (lo is not None and ratio < lo) or (hi is not None and ratio > hi):
        return Result(False, f"{name}: expected a ratio in {bounds}, got {text}")
    return Result(True, f"{name}: {text} in {bounds}")


def summary_regex(prefix: str) -> re.Pattern:
    p = re.escape(prefix)
    return re.compile(rf"(?:(?<![\w.-]){p}:|\[{p}\])\s*(\d+) passed,\s*(\d+) failed")


def check_summaries(entries: list[dict[str, Any]], lines: list[str]) -> list[Result]:
    results = []
    for e in entries:
        prefix = e["prefix"]
        name = f"summary {prefix}"
        matches = find(summary_regex(prefix), lines)
        if not matches:
            results.append(Result(False, f"{name}: expected a line \"{prefix}: N passed, "
                                         f"M failed\", got none"))
            continue
        last = matches[-1]
        passed, failed = int(last.match.group(1)), int(last.match.group(2))
        where = f"{name}: line {last.lineno}"
        if failed != 0:
            results.append(Result(False, f"{where}: expected 0 failed, got {failed}"))
        elif "passed" in e and passed != e["passed"]:
            results.append(Result(False, f"{where}: expected {e['passed']} passed, got {passed}"))
        else:
            results.append(Result(True, f"{where}: {passed} passed, {failed} failed"))
    return results


def run_checks(spec: dict[str, Any], lines: list[str], status: int,
               timeout_status: int) -> list[Result]:
    line_checks: list[tuple[str, Callable[[Any, list[str]], list[Result]]]] = [
        ("in_order", check_in_order), ("counts", check_counts), ("absent", check_absent),
        ("values", check_values), ("distinct", check_distinct), ("ratios", check_ratios),
        ("summaries", check_summaries)]
    results = check_exit(spec, status, timeout_status)
    for key, check in line_checks:
        results += check(spec.get(key, []), lines)
    return results


# ---------------------------------------------------------------- main

def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="harness.py", description="Run one shrike system test.")
    p.add_argument("--spec", required=True, type=Path, help="tests/system/NAME.json")
    p.add_argument("--build-dir", required=True, type=Path, help="the build directory")
    p.add_argument("--log", type=Path, help="serial log (default BUILD/tests/NAME.log)")
    p.add_argument("--qemu", help="QEMU binary to use instead of qemu.py's default")
    p.add_argument("--cpu", help="CPU model, overriding the spec's")
    p.add_argument("--gic", type=int, choices=(2, 3),
                   help="2: the spec's GICv2 variant (its \"gicv2\" field) on a GICv2 host")
    return p.parse_args(argv)


def report(results: list[Result], lines: list[str], log: Path) -> int:
    for r in results:
        print(f"{'PASS' if r.ok else 'FAIL'} {r.text}")
    failed = sum(not r.ok for r in results)
    if failed:
        print(f"---- last {TAIL_LINES} lines of {log} ----")
        print("\n".join(lines[-TAIL_LINES:]))
        print("---- end of log ----")
    print(f"harness: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        spec = load_spec(args.spec, args.gic)
    except SpecError as e:
        print(f"harness: bad spec: {e}", file=sys.stderr)
        return 2
    log = args.log or args.build_dir / "tests" / f"{args.spec.stem}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    image = args.build_dir / spec["image"]
    if not image.is_file():
        print(f"harness: image not found: {image}", file=sys.stderr)
        return 2
    if spec.get("description"):
        print(f"harness: {args.spec.stem}: {spec['description']}")
    qemu = load_qemu_module()
    status = run_qemu(qemu, qemu_argv(spec, args.build_dir, log, args.qemu, args.cpu),
                      spec.get("input", []))
    lines = read_log(log)
    print(f"harness: log {log} ({len(lines)} lines)")
    return report(run_checks(spec, lines, status, qemu.TIMEOUT_STATUS), lines, log)


if __name__ == "__main__":
    sys.exit(main())
