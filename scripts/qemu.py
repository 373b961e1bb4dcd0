#!/usr/bin/env python3
"""Run shrike under QEMU (aarch64 "virt" board with EL2 enabled).

    qemu.py --kernel build/shrike.elf [options] [-- extra QEMU arguments]

Interactive use (no --log, no --timeout) execs QEMU directly, so the terminal
and its Ctrl-A x escape work. Bounded use (--timeout and/or --log) runs QEMU
with stdin from /dev/null in its own process group, streams its output line by
line to stdout and, raw, to the log file, kills the group at the timeout and
exits with QEMU's status, or 124 on timeout.

Also importable: the system-test harness uses parse_args(), build_command()
and run_bounded(), so there is one code path for the command line.
"""

import argparse
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, BinaryIO, Callable, NoReturn

DEFAULT_QEMU = "qemu-system-aarch64"
TIMEOUT_STATUS = 124
READER_GRACE_S = 5.0  # how long to wait for the output pipe to drain after exit


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse our options; everything after the first "--" goes to QEMU verbatim."""
    extra: list[str] = []
    if "--" in argv:
        split = argv.index("--")
        argv, extra = argv[:split], argv[split + 1 :]
    p = argparse.ArgumentParser(
        prog="qemu.py", description="Run shrike under QEMU.",
        epilog="Arguments after -- are appended to QEMU's command line verbatim.")
    p.add_argument("--kernel", required=True, help="shrike ELF image")
    p.add_argument("--smp", type=int, default=4, help="number of CPUs (default 4)")
    p.add_argument("--cpu", default="cortex-a57", help="CPU model (default cortex-a57)")
    p.add_argument("--memory", default="2G", help="RAM size (default 2G)")
    p.add_argument("--gic", type=int, choices=(2, 3), default=3, help="GIC version (default 3)")
    p.add_argument("--virtualization", choices=("on", "off"), default="on",
                   help="EL2 present (default on; off runs a guest image bare, at EL1)")
    p.add_argument("--append", help="kernel command line (-append)")
    p.add_argument("--icount", action="store_true",
                   help="deterministic time: -icount shift=4,sleep=off, and no random "
                        "seeds in the DTB (dtb-randomness=off)")
    p.add_argument("--loader", action="append", default=[], metavar="FILE@ADDR",
                   type=parse_loader, help="load FILE raw at ADDR (repeatable)")
    p.add_argument("--gdb", action="store_true", help="wait for a debugger (-S -gdb tcp::PORT)")
    p.add_argument("--gdb-port", type=int, default=1234, help="gdb port (default 1234)")
    p.add_argument("--timeout", type=float, default=0, metavar="SECONDS",
                   help="kill QEMU after this many seconds and exit 124 (0 = none)")
    p.add_argument("--log", help="also write the raw serial output to this file")
    p.add_argument("--qemu", default=DEFAULT_QEMU, metavar="BINARY",
                   help=f"QEMU binary (default {DEFAULT_QEMU})")
    p.add_argument("--dry-run", action="store_true", help="print the command and exit")
    args = p.parse_args(argv)
    if args.timeout < 0:
        p.error("--timeout must be >= 0")
    args.extra = extra
    return args


def parse_loader(value: str) -> tuple[str, str]:
    """"FILE@ADDR" -> (FILE, ADDR); the last "@" separates them."""
    file, sep, addr = value.rpartition("@")
    if not sep or not file or not addr:
        raise argparse.ArgumentTypeError(f"expected FILE@ADDR, got {value!r}")
    return file, addr


def build_command(args: argparse.Namespace) -> list[str]:
    """The full QEMU command line for parsed arguments."""
    cmd = [args.qemu,
           "-M", f"virt,virtualization={args.virtualization},gic-version={args.gic}"
                 # no random seeds in the DTB under icount: a run must repeat exactly
                 + (",dtb-randomness=off" if args.icount else ""),
           "-cpu", args.cpu,
           "-smp", str(args.smp),
           "-m", args.memory,
           "-nographic",
           "-nic", "none",
           "-kernel", args.kernel]
    if args.append is not None:
        cmd += ["-append", args.append]
    if args.icount:
        cmd += ["-icount", "shift=4,sleep=off"]
    for file, addr in args.loader:
        cmd += ["-device", f"loader,file={file},addr={addr},force-raw=on"]
    if args.gdb:
        cmd += ["-S", "-gdb", f"tcp::{args.gdb_port}"]
    return cmd + args.extra


def run_interactive(cmd: list[str]) -> NoReturn:
    """Replace this process with QEMU, keeping the terminal."""
    sys.stdout.flush()
    try:
        os.execvp(cmd[0], cmd)
    except OSError as e:
        print(f"qemu.py: cannot run {cmd[0]}: {e}", file=sys.stderr)
        sys.exit(127)


def pump(src: BinaryIO, log: BinaryIO | None, echo: bool,
         on_line: Callable[[bytes], None] | None = None) -> None:
    """Copy src line by line to stdout (if echo) and the log, flushing each line."""
    out = sys.stdout.buffer if echo else None
    for line in iter(src.readline, b""):
        if on_line is not None:
            on_line(line)
        if log is not None:
            log.write(line)
            log.flush()
        if out is not None:
            try:
                out.write(line)
                out.flush()
            except OSError:  # e.g. stdout piped into head: keep logging
                out = None


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL QEMU's process group (QEMU and anything it started)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def exit_status(returncode: int) -> int:
    """Popen returncode -> shell-style exit status (128 + signal when killed)."""
    return 128 - returncode if returncode < 0 else returncode


def raise_exit(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


class Typist:
    """Types scripted input: each (pattern, bytes) is sent once a line matches, in order."""

    def __init__(self, script: list[tuple[re.Pattern[str], bytes]]) -> None:
        self.script = list(script)
        self.stdin: IO[bytes] | None = None

    def __call__(self, line: bytes) -> None:
        if self.script and self.stdin is not None:
            pattern, data = self.script[0]
            if pattern.search(line.decode("utf-8", "replace").replace("\r", "")):
                self.script.pop(0)
                try:
                    self.stdin.write(data)
                    self.stdin.flush()
                except OSError:
                    self.script.clear()


def run_bounded(cmd: list[str], timeout: float, log_path: str | None, echo: bool = True,
                typist: Typist | None = None) -> int:
    """Run QEMU with stdin from /dev/null (or the typist), tee its output,
    return its exit status or 124.

    timeout <= 0 means no limit. QEMU gets its own process group, which is
    killed on timeout and also if we are interrupted or terminated.
    """
    log: BinaryIO | None = None
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        log = open(log_path, "wb")
    old_term = signal.signal(signal.SIGTERM, raise_exit)
    try:
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, process_group=0,
                                    stdin=subprocess.PIPE if typist else subprocess.DEVNULL)
        except OSError as e:
            print(f"qemu.py: cannot run {cmd[0]}: {e}", file=sys.stderr)
            return 127
        if typist is not None:
            typist.stdin = proc.stdin
        reader = threading.Thread(target=pump, args=(proc.stdout, log, echo, typist), daemon=True)
        reader.start()
        try:
            status = exit_status(proc.wait(timeout if timeout > 0 else None))
        except subprocess.TimeoutExpired:
            print(f"qemu.py: timeout after {timeout:g} s", file=sys.stderr)
            status = TIMEOUT_STATUS
        finally:
            if proc.returncode is None:  # timeout, Ctrl-C or SIGTERM
                kill_group(proc)
                proc.wait()
        reader.join(READER_GRACE_S)
        return status
    finally:
        signal.signal(signal.SIGTERM, old_term)
        if log is not None:
            log.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    cmd = build_command(args)
    if args.dry_run:
        print(shlex.join(cmd))
        return 0
    if not args.log and not args.timeout:
        run_interactive(cmd)
    try:
        return run_bounded(cmd, args.timeout, args.log)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
