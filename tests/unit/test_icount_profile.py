#!/usr/bin/env python3
"""Host test of scripts/icount/profile.py: the icount plugin's prof= blocks
(address, instructions, runs) charged to the function holding each block's
first instruction, entries counted only for blocks that start at a
function's first instruction, and an address below every symbol kept as "?".

Usage: test_icount_profile.py [unittest options]
"""
import importlib.util
import unittest
from pathlib import Path

# By its path: "profile" is also a module of Python's own library.
_SPEC = importlib.util.spec_from_file_location(
    "icount_profile", Path(__file__).resolve().parents[2] / "scripts" / "icount" / "profile.py")
icount_profile = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(icount_profile)

SYMS = [(0x1000, "guest_exit"), (0x1080, "trap_exit"), (0x1200, "trap_exit_listed")]


class Charge(unittest.TestCase):
    def test_blocks_to_functions(self):
        insns, entries = icount_profile.charge(SYMS, [
            "1000 30 10\n",   # guest_exit from its entry: 300, entered 10 times
            "1080 4 10\n",    # trap_exit, entered 10 times
            "1200 20 7\n",    # trap_exit_listed's entry, 7 times
            "1240 15 7\n",    # the rest of it: charged, not an entry
            "1ffc 1 3\n",     # past the last symbol: still the last function
            "0ff0 2 5\n",     # below every symbol
        ])
        self.assertEqual(insns, {"guest_exit": 300, "trap_exit": 40, "trap_exit_listed": 140 + 105 + 3,
                                 "?": 10})
        self.assertEqual(entries, {"guest_exit": 10, "trap_exit": 10, "trap_exit_listed": 7})

    def test_empty(self):
        insns, entries = icount_profile.charge(SYMS, [])
        self.assertEqual(sum(insns.values()), 0)
        self.assertEqual(sum(entries.values()), 0)


if __name__ == "__main__":
    unittest.main()
