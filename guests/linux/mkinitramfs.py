#!/usr/bin/env python3
"""Builds the Linux guest's initramfs without root: a gzip'd cpio archive
("newc" format, as the kernel's initramfs unpacker reads it) written directly,
so that file owners (root) and the /dev/console device node need no
privileges on the build machine.

    mkinitramfs.py BUSYBOX INIT OUT.cpio.gz [PROGRAM...]

The archive holds busybox as /bin/busybox (init installs its applet links at
boot), INIT as /init, each PROGRAM as /bin/NAME, the mount points and /dev/console. Its bytes depend only
on the inputs (fixed mtimes, gzip without a timestamp).
"""
import gzip
import stat
import sys

MTIME = 0


def cpio_entry(ino, name, mode, data=b"", rdev=(0, 0)):
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, MTIME, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0]
    head = b"070701" + b"".join(b"%08X" % f for f in fields)
    out = head + name_b
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def build(busybox, init, programs=()):
    entries = [
        ("bin", stat.S_IFDIR | 0o755, b"", (0, 0)),
        ("dev", stat.S_IFDIR | 0o755, b"", (0, 0)),
        ("dev/console", stat.S_IFCHR | 0o600, b"", (5, 1)),
        ("proc", stat.S_IFDIR | 0o755, b"", (0, 0)),
        ("sbin", stat.S_IFDIR | 0o755, b"", (0, 0)),
        ("sys", stat.S_IFDIR | 0o755, b"", (0, 0)),
        ("tmp", stat.S_IFDIR | 0o1777, b"", (0, 0)),
        ("usr", stat.S_IFDIR | 0o755, b"", (0, 0)),
        ("usr/bin", stat.S_IFDIR | 0o755, b"", (0, 0)),
        ("usr/sbin", stat.S_IFDIR | 0o755, b"", (0, 0)),
        ("bin/busybox", stat.S_IFREG | 0o755, busybox, (0, 0)),
        ("init", stat.S_IFREG | 0o755, init, (0, 0)),
    ]
    for name, data in programs:
        entries.append(("bin/" + name, stat.S_IFREG | 0o755, data, (0, 0)))
    out = b""
    for ino, (name, mode, data, rdev) in enumerate(entries, start=1):
        out += cpio_entry(ino, name, mode, data, rdev)
    out += cpio_entry(0, "TRAILER!!!", 0)
    out += b"\0" * (-len(out) % 512)
    return out


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: mkinitramfs.py BUSYBOX INIT OUT.cpio.gz [PROGRAM...]")
    with open(sys.argv[1], "rb") as f:
        busybox = f.read()
    with open(sys.argv[2], "rb") as f:
        init = f.read()
    if not busybox.startswith(b"\x7fELF"):
        sys.exit("mkinitramfs.py: %s is not an ELF executable" % sys.argv[1])
    programs = []
    for path in sys.argv[4:]:
        with open(path, "rb") as f:
            programs.append((path.rsplit("/", 1)[-1], f.read()))
    data = gzip.compress(build(busybox, init, programs), compresslevel=9, mtime=0)
    with open(sys.argv[3], "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
