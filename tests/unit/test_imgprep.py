#!/usr/bin/env python3
"""Host test of scripts/imgprep.c: the arm64 Image, raw and error paths (ELF is
exercised end to end by the img-elf VM in the system tests)."""
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

imgprep = sys.argv[1]
passed = failed = 0


def check(cond: bool, what: str) -> None:
    global passed, failed
    passed += cond
    failed += not cond
    if not cond:
        print(f"FAIL {what}")


def run(tmp: Path, fmt: str, image: bytes, load: str = "0", ram: str = "64", initrd: str = "",
        shared: bool = False, bootargs: str = "a b", extra: tuple = ()):
    src = tmp / "image"
    src.write_bytes(image)
    out_c, out_bin = tmp / "vm.c", tmp / "vm.bin"
    out_bin.unlink(missing_ok=True)
    r = subprocess.run([imgprep, "t", "t", fmt, str(src), load, "2", ram, bootargs, initrd,
                        str(out_c), "-" if shared else str(out_bin), *extra], capture_output=True,
                       text=True)
    return r, (out_c.read_text() if r.returncode == 0 else ""), out_bin


def arm64_image(text_offset: int, image_size: int, size: int = 4096) -> bytes:
    head = struct.pack("<IIQQQQQQI", 0x14000000, 0, text_offset, image_size, 0xA, 0, 0, 0,
                       0x644D5241)
    return head + bytes(size - len(head))


with tempfile.TemporaryDirectory() as d:
    tmp = Path(d)
    r, c, b = run(tmp, "auto", arm64_image(0, 0x300000))
    check(r.returncode == 0, "Image accepted")
    check(".load_offset = 0x200000," in c, "Image loads at RAM base + 2 MiB + text_offset 0")
    check(".entry_offset = 0x200000," in c, "Image entered at its first byte")
    check(".vcpus = 2," in c and '.bootargs = "a b",' in c, "vCPUs and bootargs carried over")
    check(".pmu" not in c, "no PMU unless asked for")
    check(b.read_bytes()[:4] == bytes.fromhex("00000014"), "Image copied unchanged")
    r, c, _ = run(tmp, "raw", bytes(100), load="0x40080000", bootargs="")
    check(r.returncode == 0 and '.bootargs = "",' in c, "empty bootargs: an empty command line")
    r, c, _ = run(tmp, "raw", bytes(100), load="0x40080000", bootargs='a;b "c" d\\e')
    check('.bootargs = "a;b \\"c\\" d\\\\e",' in c, "bootargs with ';', quotes, '\\' as given")
    r, c, _ = run(tmp, "image", arm64_image(0x80000, 0))
    check(".load_offset = 0x280000," in c, "image_size 0 means text_offset 0x80000 (pre-3.17)")
    r, c, _ = run(tmp, "image", arm64_image(0, 63 << 20))
    check(r.returncode != 0 and "do not fit" in r.stderr, "an Image larger than RAM is refused")
    r, c, _ = run(tmp, "raw", bytes(100), load="0x40100000")
    check(".load_offset = 0x100000," in c and ".entry_offset = 0x100000," in c, "raw load address")
    r, c, _ = run(tmp, "raw", bytes(100), load="0x1000")
    check(r.returncode != 0 and "guest RAM" in r.stderr, "raw load address below RAM refused")
    initrd = tmp / "initrd"
    initrd.write_bytes(bytes(3 << 20))
    r, c, _ = run(tmp, "raw", bytes(100), load="0x40080000", ram="16", initrd=str(initrd))
    check(".initrd_offset = 0x800000," in c and ".initrd_size = 3145728" in c,
          "initrd placed as QEMU places it: at half of a 16 MiB RAM")
    check(".image_footprint = 0x64," in c, "the image's footprint goes to the configuration")
    r, c, _ = run(tmp, "raw", bytes(12 << 20), load="0x40080000", ram="16", initrd=str(initrd))
    check(r.returncode != 0 and "do not fit" in r.stderr,
          "an initrd and DTB that cannot go above a 12 MiB image in 16 MiB are refused")
    r, c, _ = run(tmp, "raw", bytes(9 << 20), load="0x40080000", ram="32", initrd=str(initrd))
    check(".initrd_offset = 0x1000000," in c, "an initrd goes at half of RAM if the image ends below")
    r, c, _ = run(tmp, "raw", bytes(20 << 20), load="0x40080000", ram="32", initrd=str(initrd))
    check(".initrd_offset = 0x1480000," in c, "an initrd goes just above an image that passes half of RAM")
    r, c, b = run(tmp, "image", arm64_image(0, 0x300000), shared=True)
    check(r.returncode == 0 and f'.image_file = "{tmp / "image"}",' in c and not b.exists(),
          "OUT.bin '-': the Image is its own flat image, not copied")
    r, c, _ = run(tmp, "elf", b"\x7fELF" + bytes(60), shared=True)
    check(r.returncode != 0 and "flatten" in r.stderr, "OUT.bin '-' refused for an ELF")
    r, c, _ = run(tmp, "elf", b"\x7fELF" + bytes(60))
    check(r.returncode != 0 and "ELF64" in r.stderr, "a non-AArch64 ELF is refused")
    r, c, b = run(tmp, "auto", arm64_image(0, 0x300000), extra=("pmu",))
    check(r.returncode == 0 and ".pmu = true," in c, "pmu: the VM gets the virtual PMU")
    r, c, b = run(tmp, "auto", arm64_image(0, 0x300000), extra=("pmuu",))
    check(r.returncode != 0 and "usage" in r.stderr, "an unknown 12th argument is refused")

print(f"imgprep: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
