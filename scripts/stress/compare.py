#!/usr/bin/env python3
"""Compares stress runs (docs/stress.md): per VM, the progress of run B against run A.

  scripts/stress/compare.py A.json B.json [--vms worker0,worker1] [--min-ratio 0.9]

Progress is the sum over a VM's vCPUs (worker units, chaos actions, Linux
rounds); also the VM's run time and migrations from shrike's statistics, and
each run's violations. With --min-ratio, exits 1 if a listed VM (default:
every VM in both runs) made less than that fraction of its progress in A.
"""
import argparse
import json
import sys


def vm_figures(doc):
    out = {}
    for vm in doc["vms"]:
        vcpus = vm["vcpus"].values()
        if vm["kind"] == "linux":
            progress = (vm.get("linux") or {}).get("rounds", 0)
        else:
            progress = sum(c.get("progress", 0) for c in vcpus)
        out[vm["name"]] = {"kind": vm["kind"], "progress": progress,
                           "run_ms": sum(c.get("run_ms", 0) for c in vcpus),
                           "migrations": sum(c.get("migrations", 0) for c in vcpus),
                           "vcpus": len(vm["vcpus"])}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--vms", help="VMs to compare (default: those in both runs)")
    ap.add_argument("--min-ratio", type=float, help="fail below this B/A progress ratio")
    args = ap.parse_args()
    docs = [json.load(open(p)) for p in (args.a, args.b)]
    fa, fb = (vm_figures(d) for d in docs)
    names = args.vms.split(",") if args.vms else [n for n in fa if n in fb]
    print("%-10s %-7s %5s %12s %12s %7s %10s %10s %8s %8s" % (
        "vm", "kind", "vcpus", "progress A", "progress B", "B/A", "run_ms A", "run_ms B",
        "migr A", "migr B"))
    worst = None
    for n in names:
        a, b = fa.get(n), fb.get(n)
        if a is None or b is None:
            print("%-10s missing in %s" % (n, "A" if a is None else "B"))
            worst = 0.0
            continue
        ratio = b["progress"] / a["progress"] if a["progress"] else 0.0
        worst = ratio if worst is None else min(worst, ratio)
        print("%-10s %-7s %5d %12d %12d %7.3f %10d %10d %8d %8d" % (
            n, a["kind"], a["vcpus"], a["progress"], b["progress"], ratio, a["run_ms"],
            b["run_ms"], a["migrations"], b["migrations"]))
    for label, d in zip("AB", docs):
        print("%s: %s: %d violation(s), %d hypervisor report(s)" % (
            label, d.get("set"), len(d["violations"]), len(d["hypervisor_reports"])))
    if args.min_ratio is not None and (worst is None or worst < args.min_ratio):
        print("compare: worst ratio %s below %.3f" % (worst, args.min_ratio))
        sys.exit(1)
    sys.exit(0)


if __name__ == "__main__":
    main()
