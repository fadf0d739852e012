# SPDX-License-Identifier: GPL-2.0-or-later
#
# simlog.py - figures from smsmatch-modemsim's --log files (one JSON line
# per SMS a simulated modem was asked to send, with its "time" to the
# millisecond), for bench/daemon_*.sh.  Prints shell assignments
# (NAME=value) that the benchmark evals; asserts nothing.
#
#   python3 simlog.py span FILE...
#       count, parts, first and last send time over all files, the wall
#       clock between them and messages per second over that span.
#   python3 simlog.py steady FILE...
#       per modem (file), the sends strictly between its first and last
#       send: messages per minute in that steady state, summed over the
#       modems, with the slowest and fastest modem and the mean gap.
import json
import sys
from datetime import datetime, timezone


def load(path):
    """Send times (seconds since the epoch) and part counts of one log."""
    out = []
    try:
        f = open(path, encoding="utf-8")
    except FileNotFoundError:
        return out
    with f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            m = json.loads(line)
            if m.get("incomplete"):
                continue
            t = datetime.strptime(m["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
            t = t.replace(tzinfo=timezone.utc)
            out.append((t.timestamp(), int(m.get("parts", 1))))
    out.sort()
    return out


def span(paths):
    sends = []
    for p in paths:
        sends += load(p)
    sends.sort()
    n = len(sends)
    parts = sum(s[1] for s in sends)
    wall = sends[-1][0] - sends[0][0] if n >= 2 else 0.0
    # n sends span n - 1 intervals; over many messages the difference is
    # negligible, but count intervals so that 2 sends 1 s apart are 1/s.
    rate = (n - 1) / wall if wall > 0 else 0.0
    print("SPAN_COUNT=%d" % n)
    print("SPAN_PARTS=%d" % parts)
    print("SPAN_WALL_S=%.3f" % wall)
    print("SPAN_RATE=%.1f" % rate)


def steady(paths):
    total = 0.0
    rates = []
    gaps = []
    inner = 0
    for p in paths:
        s = [t for t, _ in load(p)]
        if len(s) < 3:
            rates.append(0.0)
            continue
        # The first and last sends are excluded (start-up and drain):
        # the rate is that of the intervals between the remaining ones.
        mid = s[1:-1]
        inner += len(mid)
        dur = mid[-1] - mid[0]
        rate = (len(mid) - 1) * 60.0 / dur if dur > 0 else 0.0
        rates.append(rate)
        total += rate
        gaps += [b - a for a, b in zip(mid, mid[1:])]
    print("STEADY_MODEMS=%d" % len(paths))
    print("STEADY_SENDS=%d" % inner)
    print("STEADY_PER_MIN=%.2f" % total)
    print("STEADY_MIN=%.2f" % (min(rates) if rates else 0.0))
    print("STEADY_MAX=%.2f" % (max(rates) if rates else 0.0))
    print("STEADY_GAP_MS=%.1f" %
          (1000.0 * sum(gaps) / len(gaps) if gaps else 0.0))
    print("STEADY_GAP_MAX_MS=%.1f" % (1000.0 * max(gaps) if gaps else 0.0))


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("span", "steady"):
        sys.stderr.write("usage: simlog.py span|steady FILE...\n")
        return 2
    {"span": span, "steady": steady}[sys.argv[1]](sys.argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
