#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# simctl.py - talk to smsmatch-modemsim's control socket.
#
#   simctl.py SOCKET COMMAND...     one command, print the answer line
#   simctl.py SOCKET -              one command per stdin line (one
#                                   connection), print each answer
#   simctl.py SOCKET - --pause S    ... sleeping S seconds between commands
#
# Exits 1 if an answer does not start with "OK" (or the socket is gone).
import socket
import sys
import time


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    pause = 0.0
    if sys.argv[2] == "-":
        if len(sys.argv) == 5 and sys.argv[3] == "--pause":
            pause = float(sys.argv[4])
        cmds = [l.rstrip("\n") for l in sys.stdin if l.strip()]
    else:
        cmds = [" ".join(sys.argv[2:])]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(20)
    try:
        s.connect(path)
    except OSError as e:
        print(f"simctl: {path}: {e}", file=sys.stderr)
        return 1
    f = s.makefile("rw", encoding="utf-8", newline="\n")
    bad = 0
    for c in cmds:
        f.write(c + "\n")
        f.flush()
        ans = f.readline().strip()
        print(ans)
        if not ans.startswith("OK"):
            print(f"simctl: {c!r}: {ans!r}", file=sys.stderr)
            bad += 1
        if pause:
            time.sleep(pause)
    s.close()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
