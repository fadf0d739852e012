#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench_daemon.sh - the daemon benchmarks keep working: bench/lib/simlog.py
# computes known figures from hand-written simulator logs, and each
# bench/daemon_*.sh runs end to end on a tiny load (every message sent,
# every table printed).  No figure is checked against a speed: the
# benchmarks print speeds, tests never assert them.
set -euo pipefail
: "${BUILD:?}"
SRCDIR=${SRCDIR:-.}
B=$SRCDIR/bench

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect FILE NAME VALUE: FILE holds the shell assignment NAME=VALUE.
expect() {
	grep -qx "$2=$3" "$1" || fail "$2: expected $3, got: $(grep "^$2=" "$1")"
}

line() { # modem milliseconds-after-12:00 parts
	printf '{"time":"2026-03-02T12:%02d:%02d.%03dZ","modem":"%s",' \
		$(($2 / 60000)) $(($2 % 60000 / 1000)) $(($2 % 1000)) "$1"
	printf '"to":"+33612000001","text":"x","parts":%d,"encoding":"gsm7",' "$3"
	printf '"mr":[0],"status_report":true}\n'
}

# --- span: 3 sends over 1 s on two logs, an incomplete one ignored
{
	line a 0 1
	line a 1000 2
} >"$T/a.jsonl"
{
	line b 500 1
	echo '{"time":"2026-03-02T12:00:02.000Z","modem":"b","to":"+1","text":"x","parts":1,"incomplete":true}'
} >"$T/b.jsonl"
python3 "$B/lib/simlog.py" span "$T/a.jsonl" "$T/b.jsonl" "$T/none.jsonl" \
	>"$T/span.out"
expect "$T/span.out" SPAN_COUNT 3
expect "$T/span.out" SPAN_PARTS 4
expect "$T/span.out" SPAN_WALL_S 1.000
expect "$T/span.out" SPAN_RATE 2.0

# --- steady: modem a every 3 s (first and last gaps odd: excluded),
# modem b every 6 s; 20 + 10 SMS/min; a log with 2 sends counts 0.
for t in 0 5 8 11 14 30; do line a $((t * 1000)) 1; done >"$T/a.jsonl"
for t in 1 2 8 14 20 21; do line b $((t * 1000)) 1; done >"$T/b.jsonl"
for t in 0 1; do line c $((t * 1000)) 1; done >"$T/c.jsonl"
python3 "$B/lib/simlog.py" steady "$T/a.jsonl" "$T/b.jsonl" "$T/c.jsonl" \
	>"$T/steady.out"
expect "$T/steady.out" STEADY_MODEMS 3
expect "$T/steady.out" STEADY_SENDS 8
expect "$T/steady.out" STEADY_PER_MIN 30.00
expect "$T/steady.out" STEADY_MIN 0.00
expect "$T/steady.out" STEADY_MAX 20.00
expect "$T/steady.out" STEADY_GAP_MS 4500.0
expect "$T/steady.out" STEADY_GAP_MAX_MS 6000.0
if python3 "$B/lib/simlog.py" bogus "$T/a.jsonl" 2>/dev/null; then
	fail "simlog.py accepted an unknown command"
fi

# --- the benchmarks themselves, on a tiny load
export BUILD
TMPDIR=$T "$B/daemon_throughput.sh" 12 1 3 >"$T/tp.out" 2>&1 ||
	{ cat "$T/tp.out"; fail "daemon_throughput.sh"; }
cat "$T/tp.out"
for m in 1 3; do
	grep -Eq "^ +$m +12 +[0-9.]+ +$((m * 1000)) " "$T/tp.out" ||
		fail "throughput: no row with 12 sent for $m modem(s)"
done

TMPDIR=$T "$B/daemon_latency.sh" 4 2 500 >"$T/lat.out" 2>&1 ||
	{ cat "$T/lat.out"; fail "daemon_latency.sh"; }
cat "$T/lat.out"
grep -q '^physical limit  *240.00 SMS/min$' "$T/lat.out" ||
	fail "latency: physical limit of 2 modems at 500 ms"
grep -Eq '^sends logged +[1-9][0-9]* in ' "$T/lat.out" ||
	fail "latency: nothing sent"

if command -v gammu-smsd >/dev/null; then
	TMPDIR=$T "$B/daemon_vs_gammu_smsd.sh" 3 >"$T/vs.out" 2>&1 ||
		{ cat "$T/vs.out"; fail "daemon_vs_gammu_smsd.sh"; }
	cat "$T/vs.out"
	grep -Eq '^smsmatchd +3 .* ok$' "$T/vs.out" || fail "vs: smsmatchd row"
	grep -Eq '^gammu-smsd +3 .* ok, 0 in its error folder$' "$T/vs.out" ||
		fail "vs: gammu-smsd row"
	grep -q '^ratio smsmatchd / gammu-smsd: ' "$T/vs.out" || fail "vs: ratio"
else
	echo "gammu-smsd not installed: comparison skipped" \
		"(scripts/install-deps.sh installs it)"
fi

# reply -> next question: every reply queued its next question, figures
# printed for each database place.
DISK_DIR=$T "$B/dialogue_latency.sh" 10 >"$T/dlg.out" 2>&1 ||
	{ cat "$T/dlg.out"; fail "dialogue_latency.sh"; }
cat "$T/dlg.out"
grep -q 'one next question per reply: ok)$' "$T/dlg.out" ||
	fail "dialogue: a reply without its next question"
grep -Eq '^  wall +p50 .* p99 ' "$T/dlg.out" || fail "dialogue: no figures"
[ -z "$(find "$T" -maxdepth 1 -name 'bench_dialogue.*')" ] ||
	fail "dialogue: database left behind"

# Nothing left behind: every temporary directory was removed.
left=$(find "$T" -maxdepth 1 -name 'smsmatch-*' | wc -l)
[ "$left" -eq 0 ] || fail "$left temporary directories left in $T"
echo "bench_daemon: ok"
