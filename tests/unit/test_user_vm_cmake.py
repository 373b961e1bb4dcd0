#!/usr/bin/env python3
"""Configure test of the user VM (cmake/vms.cmake, docs/vm-config.md): a scratch
build folder is configured with -DSHRIKE_USER_VM_IMAGE=... and each
SHRIKE_USER_VM_BOOTARGS below, and only the generated configuration
(generated/image-vms/user_vm.c) is built. Its .bootargs must be exactly the
value given, as QEMU's -append passes any string through: empty (QEMU's
-kernel without -append), with ';' (CMake's list separator), spaces, quotes,
'\\' and '$'.

Usage: test_user_vm_cmake.py SOURCE_DIR SCRATCH_DIR CMAKE GENERATOR MAKE_PROGRAM HOST_CC
"""
import shutil
import subprocess
import sys
from pathlib import Path

source, scratch, cmake, generator, make_program, host_cc = sys.argv[1:7]
scratch_dir = Path(scratch)
passed = failed = 0

CASES = [
    ("empty", ""),
    ("semicolon", "console=ttyAMA0 a;b;c"),
    ("quotes and specials", 'x="1 2" back\\slash $HOME ;'),
    ("plain", "console=ttyAMA0 rdinit=/bin/sh"),
]


def check(cond: bool, what: str, detail: str = "") -> None:
    global passed, failed
    passed += cond
    failed += not cond
    print(f"{'ok' if cond else 'FAIL'} - {what}" + (f": {detail}" if detail and not cond else ""))


def c_string(s: str) -> str:
    """What scripts/imgprep.c writes for s."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True)


shutil.rmtree(scratch_dir, ignore_errors=True)
scratch_dir.mkdir(parents=True)
image = scratch_dir / "user.bin"
image.write_bytes(bytes(64))  # a raw image: imgprep only copies it
build = scratch_dir / "build"
generated = build / "generated" / "image-vms" / "user_vm.c"
for name, bootargs in CASES:
    r = run([cmake, "-S", source, "-B", str(build), "-G", generator,
             f"-DCMAKE_MAKE_PROGRAM={make_program}", f"-DSHRIKE_HOST_CC={host_cc}",
             "-DSHRIKE_LINUX=OFF", f"-DSHRIKE_USER_VM_IMAGE={image}",
             "-DSHRIKE_USER_VM_FORMAT=raw", f"-DSHRIKE_USER_VM_BOOTARGS={bootargs}"])
    if not r.returncode == 0:
        check(False, f"{name}: configure", (r.stderr or r.stdout)[-600:])
        continue
    check(True, f"{name}: configure")
    generated.unlink(missing_ok=True)
    r = run([make_program, "-C", str(build), str(generated.relative_to(build))])
    if r.returncode != 0:
        check(False, f"{name}: generate user_vm.c", (r.stdout + r.stderr)[-600:])
        continue
    lines = [line.strip() for line in generated.read_text().splitlines()
             if line.strip().startswith(".bootargs")]
    want = f".bootargs = {c_string(bootargs)},"
    check(lines == [want], f"{name}: .bootargs is exactly {bootargs!r}", f"got {lines}, want {want}")

print(f"user-vm-cmake: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
