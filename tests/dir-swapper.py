#! /usr/bin/python3
# dir-swapper.py DIR LINK SECONDS MAX-SWAPS
#
# Plays a local user who races the exporter's file:// sink: exchanges
# directory DIR and symbolic link LINK atomically (renameat2 with
# RENAME_EXCHANGE), back and forth as fast as it can, so that the name DIR
# is now the directory, now the link, until SECONDS have passed or
# MAX-SWAPS exchanges were made.  It always stops with DIR the directory
# again, and prints how many exchanges it made.
#
# Exit status 77 (skip) if the file system cannot exchange names.

import ctypes
import os
import sys
import time

AT_FDCWD = -100
RENAME_EXCHANGE = 2


def main():
    if len(sys.argv) != 5:
        sys.stderr.write("usage: %s DIR LINK SECONDS MAX-SWAPS\n"
                         % sys.argv[0])
        sys.exit(2)
    d, link = os.fsencode(sys.argv[1]), os.fsencode(sys.argv[2])
    seconds, max_swaps = float(sys.argv[3]), int(sys.argv[4])

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = libc.renameat2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]

    def exchange():
        if renameat2(AT_FDCWD, d, AT_FDCWD, link, RENAME_EXCHANGE):
            e = ctypes.get_errno()
            sys.stderr.write("renameat2: %s\n" % os.strerror(e))
            sys.exit(77 if e in (22, 38, 95) else 1)

    deadline = time.monotonic() + seconds
    n = 0
    while n < max_swaps:
        # Check the clock every 1000 exchanges only: time.monotonic()
        # would slow the loop down.
        for _ in range(500):
            exchange()
            exchange()
        n += 1000
        if time.monotonic() >= deadline:
            break
    print(n)


if __name__ == "__main__":
    main()
