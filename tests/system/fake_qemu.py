#!/usr/bin/env python3
"""Stand-in for qemu-system-aarch64 in the harness self-test.

Ignores its arguments, writes the file named by $FAKE_QEMU_LOG to stdout
unchanged, then exits with $FAKE_QEMU_STATUS (default 0), or, if
$FAKE_QEMU_SLEEP is 1, sleeps forever instead (to provoke a timeout).
"""

import os
import sys
import time


def main() -> int:
    log = os.environ.get("FAKE_QEMU_LOG")
    if log:
        with open(log, "rb") as f:
            sys.stdout.buffer.write(f.read())
        sys.stdout.buffer.flush()
    if os.environ.get("FAKE_QEMU_SLEEP") == "1":
        while True:
            time.sleep(3600)
    return int(os.environ.get("FAKE_QEMU_STATUS", "0"))


if __name__ == "__main__":
    sys.exit(main())
