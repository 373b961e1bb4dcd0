#!/usr/bin/env python3
"""The multi-guest stress runner (docs/stress.md).

  scripts/stress/run.py --cpus 4 --vms linux:2x2,chaos:1x4,worker:4x3 --seconds 600 --seed 7 --icount

boots a mix of guests on P CPUs for a bounded time, checks every invariant the
guests and shrike report, prints a table per VM and vCPU (and shrike's own
statistics), writes the same as JSON, and exits 1 on any violation or
hypervisor report (0: clean, 2: bad usage or a failed build).

--vms MIX generates the VM configurations into the build tree
(scripts/stress/stress.cmake: SHRIKE_STRESS_MIX) and builds
shrike-stress-run.elf; --set NAME runs a mix the build already has
(smoke: the test suite's, soak: ninja soak). Time is the guests' counter:
wall time, or virtual time with --icount, where a run with the same seed
replays exactly.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))

RE_SCHED_VCPU = re.compile(
    r"^shrike: sched: (\S+):(\d+) run=(\d+)ms wait=(\d+)ms switches=(\d+) blocks=(\d+) "
    r"migrations=(\d+) exits=(\d+) \(hvc (\d+), sysreg (\d+), dabt (\d+), wfx (\d+)\) cpu=(\d+)")
RE_SCHED_CPU = re.compile(r"^shrike: sched: CPU (\d+) switches=(\d+) migrations_in=(\d+) "
                          r"migrations_out=(\d+) idle=(\d+)%")
RE_SCHED_UP = re.compile(r"^shrike: sched: per CPU \((\d+) ms since")
RE_VM_LINE = re.compile(r"^\[([^\]]+)\] (.*)$")
RE_WORKER = re.compile(
    r"^worker: vcpu (\d+) progress=(\d+) timer=(\d+)/(\d+) late=(\d+) early=(\d+) "
    r"max_late_us=(\d+) sgi=(\d+)/(\d+) vt=(\d+) back=(\d+) canary=(\d+) bad=(\d+) "
    r"uart=(\d+)/(\d+)")
RE_CHAOS = re.compile(r"^chaos: vcpu (\d+) actions=(\d+) next=(\d+) calls ok=(\d+) notsup=(\d+) "
                      r"other=(\d+) storm_irqs=(\d+) wfi_forever=(\d+) exceptions:(.*)$")
RE_LINUX = re.compile(r"^shrike-linux: stress done rounds=(\d+) forks=(\d+) pipes=(\d+) "
                      r"pipe_errors=(\d+) sleeps=(\d+) short_sleeps=(\d+)")
RE_DMESG = re.compile(r"^shrike-linux: dmesg has (\d+) bad line")
RE_POWERED_OFF = re.compile(r"^shrike/\d+: VM (\S+) powered off \(.*, (\d+) refused accesses\)")
RE_HV = re.compile(r"^(\*\*\* )?shrike(/\d+)?[: ]")
RE_HV_REPORT = re.compile(r"PANIC|WARN:|ERROR:|[Uu]nexpected exception|[Uu]nhandled|[Aa]ssert")
RE_GUEST_BAD = re.compile(r"unexpected exception|guest runtime:|^not ok|FAIL")


def die(msg, code=2):
    print("stress: " + msg, file=sys.stderr)
    sys.exit(code)


def run_checked(cmd, quiet=True):
    r = subprocess.run(cmd, stdout=subprocess.PIPE if quiet else None,
                       stderr=subprocess.STDOUT if quiet else None, text=True)
    if r.returncode != 0:
        if quiet:
            sys.stderr.write(r.stdout[-4000:])
        die("failed: " + " ".join(shlex.quote(c) for c in cmd))


def build_mix(args):
    """Generates the mix into the build tree and builds shrike-stress-run.elf."""
    words = ["stress.seed=%d" % args.seed, "stress.ms=%d" % int(args.seconds * 1000),
             "stress.late_ms=%d" % args.late_ms, "shrike.stress_s=%d" % max(1, int(args.seconds))]
    if args.break_canary:
        words.append("stress.break=1")
    if args.no_wfi:
        words.append("stress.wfi=0")
    words += args.guest_arg
    cmd = ["cmake", "-S", SRC, "-B", args.build_dir, "-G", "Ninja",
           "-DSHRIKE_STRESS_MIX=" + args.vms, "-DSHRIKE_STRESS_ARGS=" + " ".join(words),
           "-DSHRIKE_STRESS_DEFINES=" + ";".join(args.define)]
    run_checked(cmd)
    run_checked(["ninja", "-C", args.build_dir, "-j2", "shrike_stress_run"])
    return "run"


def kind_of(name):
    return re.sub(r"\d+$", "", name)


def parse_log(lines, vms):
    """Everything the guests and shrike said, by VM and vCPU."""
    res = {"vms": {n: {"name": n, "kind": kind_of(n), "vcpus": {}, "lines": 0, "powered_off": False,
                       "refused": None, "result": None, "linux": None, "dmesg_bad": None,
                       "chaos_total": None, "guest_failures": []} for n in vms},
           "cpus": [], "uptime_ms": None, "reports": [], "expected_reports": 0,
           "all_off": False}
    for line in lines:
        m = RE_VM_LINE.match(line)
        if m and m.group(1) in res["vms"]:
            vm = res["vms"][m.group(1)]
            vm["lines"] += 1
            text = m.group(2)
            w = RE_WORKER.match(text)
            c = RE_CHAOS.match(text)
            lx = RE_LINUX.match(text)
            d = RE_DMESG.match(text)
            if w:
                g = [int(x) for x in w.groups()]
                vm["vcpus"].setdefault(g[0], {}).update({
                    "progress": g[1], "timer_got": g[2], "timer_armed": g[3], "late": g[4],
                    "early": g[5], "max_late_us": g[6], "sgi_got": g[7], "sgi_sent": g[8],
                    "vt_samples": g[9], "vt_back": g[10], "canary_words": g[11],
                    "canary_bad": g[12], "uart_got": g[13], "uart_expected": g[14]})
            elif c:
                g = c.groups()
                vm["vcpus"].setdefault(int(g[0]), {}).update({
                    "progress": int(g[1]), "next_action": int(g[2]), "calls_ok": int(g[3]),
                    "calls_notsup": int(g[4]), "calls_other": int(g[5]),
                    "storm_irqs": int(g[6]), "wfi_forever": int(g[7]),
                    "exceptions": {k: int(v) for k, v in re.findall(r"ec(\w\w)=(\d+)", g[8])}})
            elif text.startswith("worker: result "):
                vm["result"] = text.split()[2]
            elif text.startswith("chaos: total actions="):
                vm["chaos_total"] = int(re.search(r"actions=(\d+)", text).group(1))
                vm["result"] = "ok"
            elif lx:
                g = [int(x) for x in lx.groups()]
                vm["linux"] = dict(zip(["rounds", "forks", "pipes", "pipe_errors", "sleeps",
                                        "short_sleeps"], g))
            elif d:
                vm["dmesg_bad"] = int(d.group(1))
            if vm["kind"] != "chaos" and RE_GUEST_BAD.search(text):
                vm["guest_failures"].append(line)
            elif vm["kind"] == "chaos" and re.search(r"unexpected exception|guest runtime:", text):
                vm["guest_failures"].append(line)
            continue
        if not RE_HV.match(line):
            continue
        m = RE_SCHED_VCPU.match(line)
        if m and m.group(1) in res["vms"]:
            g = m.groups()
            vm = res["vms"][g[0]]
            vm["vcpus"].setdefault(int(g[1]), {}).update({
                "run_ms": int(g[2]), "wait_ms": int(g[3]), "switches": int(g[4]),
                "blocks": int(g[5]), "migrations": int(g[6]), "exits": int(g[7]),
                "exits_hvc": int(g[8]), "exits_sysreg": int(g[9]), "exits_dabt": int(g[10]),
                "exits_wfx": int(g[11]), "last_cpu": int(g[12])})
            continue
        m = RE_SCHED_CPU.match(line)
        if m:
            g = [int(x) for x in m.groups()]
            res["cpus"].append({"cpu": g[0], "switches": g[1], "migrations_in": g[2],
                                "migrations_out": g[3], "idle_pct": g[4]})
            continue
        m = RE_SCHED_UP.match(line)
        if m:
            res["uptime_ms"] = int(m.group(1))
            continue
        m = RE_POWERED_OFF.match(line)
        if m and m.group(1) in res["vms"]:
            res["vms"][m.group(1)]["powered_off"] = True
            res["vms"][m.group(1)]["refused"] = int(m.group(2))
        if "all VMs are off" in line:
            res["all_off"] = True
        if RE_HV_REPORT.search(line):
            # A chaos VM's refused accesses and unhandled classes are what it asks for.
            chaos = [n for n in vms if kind_of(n) == "chaos"]
            if any(re.search(r"\bVM %s\b" % re.escape(n), line) for n in chaos) and \
                    "WARN" in line:
                res["expected_reports"] += 1
            else:
                res["reports"].append(line)
    return res


def judge(res, args, qemu_status):
    """The violations: a list of strings."""
    v = []
    if qemu_status != 0:
        v.append("QEMU exit status %d (124: the run did not end by itself)" % qemu_status)
    if not res["all_off"]:
        v.append("shrike never said all VMs are off")
    v += ["hypervisor report: " + r for r in res["reports"]]
    for name, vm in res["vms"].items():
        kind = vm["kind"]
        if not vm["powered_off"]:
            v.append("%s: never powered off" % name)
        if kind != "chaos" and vm["refused"]:
            v.append("%s: %d refused accesses" % (name, vm["refused"]))
        v += ["%s: guest: %s" % (name, f) for f in vm["guest_failures"][:10]]
        if kind == "worker":
            if vm["result"] != "ok":
                v.append("%s: no 'worker: result ok' (%s)" % (name, vm["result"]))
            for i, c in sorted(vm["vcpus"].items()):
                if "progress" not in c:
                    v.append("%s:%d: no report" % (name, i))
                    continue
                for what, bad in (("no progress", c["progress"] == 0),
                                  ("timer interrupts lost", c["timer_got"] != c["timer_armed"]),
                                  ("timer interrupts late", c["late"] != 0),
                                  ("timer interrupts early", c["early"] != 0),
                                  ("SGIs lost", c["sgi_got"] != c["sgi_sent"]),
                                  ("virtual time went backwards", c["vt_back"] != 0),
                                  ("canary words changed", c["canary_bad"] != 0),
                                  ("UART interrupts lost", c["uart_got"] != c["uart_expected"])):
                    if bad:
                        v.append("%s:%d: %s" % (name, i, what))
        elif kind == "chaos":
            if vm["chaos_total"] is None:
                v.append("%s: no chaos summary" % name)
        elif kind == "linux":
            lx = vm["linux"]
            if lx is None:
                v.append("%s: no 'stress done' line" % name)
            elif lx["rounds"] == 0 or lx["pipe_errors"] or lx["short_sleeps"]:
                v.append("%s: workload: %s" % (name, lx))
            if vm["dmesg_bad"] != 0:
                v.append("%s: dmesg has %s bad line(s)" % (name, vm["dmesg_bad"]))
    return v


def irq_figures(c):
    lost = (c.get("timer_armed", 0) - c.get("timer_got", 0)) + \
        (c.get("sgi_sent", 0) - c.get("sgi_got", 0)) + \
        (c.get("uart_expected", 0) - c.get("uart_got", 0))
    return lost, c.get("late", 0)


def table(res, cpus):
    total_vcpus = sum(len(vm["vcpus"]) for vm in res["vms"].values()) or 1
    up = res["uptime_ms"] or 0
    fair = min(up, cpus * up / total_vcpus) if up else 0
    out = []
    hdr = ("%-9s %4s %10s %8s %6s %6s %9s %-27s %5s %5s %8s %7s" %
           ("vm", "vcpu", "progress", "run_ms", "share", "migr", "exits", "hvc/sysreg/dabt/wfx",
            "lost", "late", "late_us", "canary"))
    out.append(hdr)
    out.append("-" * len(hdr))
    for name, vm in res["vms"].items():
        for i, c in sorted(vm["vcpus"].items()):
            lost, late = irq_figures(c)
            prog = c.get("progress")
            if vm["kind"] == "linux" and vm["linux"] and i == 0:
                prog = vm["linux"]["rounds"]
            canary = "-" if vm["kind"] != "worker" else (
                "ok" if c.get("canary_bad", 1) == 0 else "BAD%d" % c.get("canary_bad", 0))
            share = (c.get("run_ms", 0) / fair) if fair else 0
            exits = "%d/%d/%d/%d" % (c.get("exits_hvc", 0), c.get("exits_sysreg", 0),
                                     c.get("exits_dabt", 0), c.get("exits_wfx", 0))
            out.append("%-9s %4d %10s %8d %5.2fx %6d %9d %-27s %5s %5s %8s %7s" % (
                name, i, "-" if prog is None else prog, c.get("run_ms", 0), share,
                c.get("migrations", 0), c.get("exits", 0), exits,
                lost if vm["kind"] == "worker" else "-", late if vm["kind"] == "worker" else "-",
                c.get("max_late_us", "-"), canary))
    out.append("")
    out.append("shrike: %s ms of scheduler time; fair share per vCPU %.0f ms (%d CPUs, %d vCPUs)"
               % (up, fair, cpus, total_vcpus))
    for c in res["cpus"]:
        out.append("  CPU %d: switches=%d migrations in/out=%d/%d idle=%d%%" % (
            c["cpu"], c["switches"], c["migrations_in"], c["migrations_out"], c["idle_pct"]))
    for name, vm in res["vms"].items():
        if vm["kind"] == "chaos":
            out.append("  %s: %s actions, %s refused accesses, %d expected warnings" % (
                name, vm["chaos_total"], vm["refused"], res["expected_reports"]))
        if vm["kind"] == "linux" and vm["linux"]:
            out.append("  %s: %s, dmesg bad lines %s" % (name, vm["linux"], vm["dmesg_bad"]))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build-dir", default=os.path.join(SRC, "build"))
    ap.add_argument("--cpus", type=int, default=4, help="physical CPUs (QEMU -smp), 1..8")
    ap.add_argument("--vms", help="the mix: KIND:COUNTxVCPUS,... (worker, chaos, linux)")
    ap.add_argument("--set", help="a mix the build already has: smoke or soak")
    ap.add_argument("--seconds", type=float, default=10, help="how long the guests run (--vms)")
    ap.add_argument("--seed", type=int, default=1, help="guests' seed (--vms)")
    ap.add_argument("--late-ms", type=int, default=400,
                    help="a timer interrupt later than this is a violation (--vms)")
    ap.add_argument("--icount", action="store_true",
                    help="virtual time (-icount shift=4,sleep=off): deterministic, replayable")
    ap.add_argument("--migrate-ms", type=int, help="shrike's sched.migrate_ms: forced migrations")
    ap.add_argument("--append", default="", help="more of shrike's bootargs")
    ap.add_argument("--define", action="append", default=[],
                    help="compile definition of shrike-stress-run.elf, e.g. CONFIG_SLICE_US=4000")
    ap.add_argument("--guest-arg", action="append", default=[],
                    help="more bootargs for every guest, e.g. stress.timer_us=500")
    ap.add_argument("--break-canary", action="store_true",
                    help="workers corrupt one canary word: the run must fail")
    ap.add_argument("--no-wfi", action="store_true", help="chaos: no vCPU parks in WFI forever")
    ap.add_argument("--cpu", default="cortex-a57", help="QEMU CPU model")
    ap.add_argument("--gic", type=int, choices=(2, 3), default=3,
                    help="the host's GIC version (2: virtual interrupts through GICH_LR)")
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--timeout", type=int, help="wall-clock give-up bound in s")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--log", help="serial log (default BUILD/stress/SET.log)")
    ap.add_argument("--no-build", action="store_true", help="(--vms) use the image as built")
    ap.add_argument("--from-log", metavar="LOG",
                    help="judge this log of an earlier run instead of running (with --set/--vms)")
    args = ap.parse_args()

    if bool(args.vms) == bool(args.set):
        die("give exactly one of --vms MIX and --set NAME")
    if not 1 <= args.cpus <= 8:
        die("--cpus: 1 to 8")
    if args.vms:
        s = "run"
        if not args.no_build and not args.from_log:
            build_mix(args)
    else:
        s = args.set
    image = os.path.join(args.build_dir, "shrike-stress-%s.elf" % s)
    vms_file = os.path.join(args.build_dir, "generated", "stress-%s" % s, "vms.txt")
    if not os.path.exists(image) or not os.path.exists(vms_file):
        die("%s is not built (ninja -C %s shrike_stress_%s)" % (image, args.build_dir, s))
    vms = open(vms_file).read().strip().split(",")
    outdir = os.path.join(args.build_dir, "stress")
    os.makedirs(outdir, exist_ok=True)
    log = args.log or os.path.join(outdir, "%s.log" % s)
    timeout = args.timeout or max(120, int(args.seconds * 20) + 120)
    append = "vms=%s panic=poweroff" % ",".join(vms)
    if args.migrate_ms is not None:
        append += " sched.migrate_ms=%d" % args.migrate_ms
    if args.append:
        append += " " + args.append
    cmd = [sys.executable, os.path.join(SRC, "scripts", "qemu.py"), "--qemu", args.qemu,
           "--kernel", image, "--smp", str(args.cpus), "--cpu", args.cpu, "--append", append,
           "--timeout", str(timeout), "--log", log, "--gic", str(args.gic)]
    if args.icount:
        cmd.append("--icount")
    if args.from_log:
        log = args.from_log
        status = 0 if "all VMs are off" in open(log, errors="replace").read() else 124
    else:
        print("stress: " + " ".join(shlex.quote(c) for c in cmd), flush=True)
        status = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    with open(log, "rb") as f:
        lines = f.read().decode("utf-8", "replace").replace("\r", "").split("\n")
    res = parse_log(lines, vms)
    violations = judge(res, args, status)
    print(table(res, args.cpus))
    if args.json:
        doc = {"image": image, "command": cmd, "cpus": args.cpus, "gic": args.gic, "set": s,
               "icount": args.icount, "vms": list(res["vms"].values()),
               "cpu_stats": res["cpus"], "uptime_ms": res["uptime_ms"],
               "hypervisor_reports": res["reports"],
               "expected_chaos_warnings": res["expected_reports"],
               "violations": violations, "qemu_status": status, "log": log}
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
    print("")
    for x in violations[:50]:
        print("VIOLATION " + x)
    print("stress: %d violation(s), %d hypervisor report(s); log %s" %
          (len(violations), len(res["reports"]), log))
    sys.exit(1 if violations else 0)


if __name__ == "__main__":
    main()
