#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# demo.sh - `make demo`: a whole campaign on two simulated modems, in
# about a minute.
#
# In a temporary directory: two smsmatch-modemsim modems whose 30 scripted
# candidates (scripts/demo/candidats.script) answer in French as people
# text (keen, hesitant, SMS spelling, transport and childcare needs, a
# STOP, a call-back request, some who never answer); smsmatchd on the demo
# configuration (scripts/demo/smsmatch.conf); then, with the smsmatch
# command line as an advisor would: a campaign of the care-assistant script
# (conf/scripts/aide-soignant.conf, its reminder and expiry shortened to
# seconds), the import of scripts/demo/candidats.csv, the start; it waits
# until every conversation has ended (complete, declined, STOP or expired
# without an answer), prints the funnel (`campaign status`) and the
# shortlist (`shortlist --format text`), and writes the shortlist in every
# format into $DEMO_OUT (default $BUILD/demo).
#
# DEMO_FAST=1: the candidates answer 4 times faster and the reminder and
# expiry are shorter (tests/integration/demo.sh).  DEMO_TIMEOUT (seconds,
# default 240) bounds the wait for the conversations to end.
#
# Every exit path stops the daemon and the simulators and removes the
# temporary directory.  Exit status: 0 when every conversation ended.
set -euo pipefail

BUILD=${BUILD:-$(pwd)/build}
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
DEMO_OUT=${DEMO_OUT:-$BUILD/demo}
DEMO_TIMEOUT=${DEMO_TIMEOUT:-240}
SM=$BUILD/smsmatch
SMD=$BUILD/smsmatchd
SIM=$BUILD/smsmatch-modemsim
for p in "$SM" "$SMD" "$SIM"; do
	if [ ! -x "$p" ]; then
		echo "demo: $p is missing: run make first" >&2
		exit 1
	fi
done
if ! command -v python3 >/dev/null 2>&1; then
	echo "demo: python3 is needed (scripts/install-deps.sh installs it)" >&2
	exit 1
fi
if [ -n "${DEMO_FAST:-}" ]; then
	scale=0.25 reminder=8s expire=20s
else
	scale=1 reminder=20s expire=40s
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/smsmatch-demo.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}" $(jobs -p); do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

bold=""
plain=""
if [ -t 1 ]; then
	bold=$(printf '\033[1m')
	plain=$(printf '\033[0m')
fi
heading() {
	printf '\n%s== %s%s\n' "$bold" "$*" "$plain"
}

# Print a command the way an advisor would type it ("sm" is smsmatch).
cmdline() {
	local a out="$"
	for a in "$@"; do
		[ "$a" = sm ] && [ "$out" = "$" ] && a=smsmatch
		a=${a/#$BUILD\//}
		a=${a//$T\//}
		a=${a/#$SRCDIR\//}
		case $a in
		*[[:space:]\'\"\;\&\(\)]*) out+=" \"$a\"" ;;
		*) out+=" $a" ;;
		esac
	done
	echo "$out"
}

# Print a command, then run it.
show() {
	cmdline "$@"
	"$@"
}

sm() {
	"$SM" -c "$T/smsmatch.conf" "$@"
}

# wait_for SECONDS WHAT COMMAND...: poll until COMMAND succeeds.
wait_for() {
	local end=$((SECONDS + $1)) what=$2
	shift 2
	until "$@" >/dev/null 2>&1; do
		if [ $SECONDS -ge $end ]; then
			echo "demo: $what did not happen within ${1}s" >&2
			return 1
		fi
		sleep 0.1
	done
}

start=$SECONDS
heading "smsmatch demo: a campaign for a care-assistant training, 30 candidates"

heading "1. Two simulated LTE modems, the gateway daemon"
sed "s|@DIR@|$T|g" "$SRCDIR/scripts/demo/smsmatch.conf" >"$T/smsmatch.conf"
for name in modem-a modem-b; do
	"$SIM" --link "$T/$name" --control "$T/$name.ctl" \
		--log "$T/sent.jsonl" --name "$name" \
		--script "$SRCDIR/scripts/demo/candidats.script" \
		--reply-scale "$scale" --report-delay-ms 200 \
		2>"$T/$name.err" &
	pids+=($!)
done
for name in modem-a modem-b; do
	if ! wait_for 10 "simulator $name start" test -e "$T/$name" -a \
		-e "$T/$name.ctl"; then
		cat "$T/$name.err" >&2
		exit 1
	fi
	echo "$name -> $(readlink "$T/$name") (smsmatch-modemsim, 30 scripted candidates)"
done
"$SMD" -c "$T/smsmatch.conf" -f 2>"$T/smsmatchd.log" &
smd=$!
pids+=($smd)
ready() {
	kill -0 "$smd" || return 0
	[ "$(grep -c ': ready (.*signal' "$T/smsmatchd.log")" -ge 2 ]
}
wait_for 60 "smsmatchd with 2 modems ready" ready
if ! kill -0 "$smd" 2>/dev/null; then
	echo "demo: smsmatchd stopped: $(tail -n 5 "$T/smsmatchd.log")" >&2
	exit 1
fi
echo "smsmatchd -c smsmatch.conf: modem-a and modem-b ready"

heading "2. The campaign, as an advisor creates it"
# The shipped script, its reminder and expiry in seconds for the demo.
sed -e "s/^reminder_after = .*/reminder_after = \"$reminder\";/" \
	-e "s/^expire_after = .*/expire_after = \"$expire\";/" \
	"$SRCDIR/conf/scripts/aide-soignant.conf" >"$T/aide-soignant.conf"
echo "(conf/scripts/aide-soignant.conf with reminder_after = \"$reminder\" and expire_after = \"$expire\")"
new=(campaign new --name "Aide-soignant Metz mars 2027"
	--script "$T/aide-soignant.conf" --trade "aide-soignant"
	--start 2027-03-15 --end 2027-04-09 --place "IFSI de Metz"
	--seats 12 --prerequisite "vaccins à jour")
cmdline sm "${new[@]}"
id=$(sm "${new[@]}")
echo "$id"
# From the source tree, so that the skipped row reads as the advisor sees
# it; its report goes to stderr: kept in order with the rest.
cmdline sm candidates import scripts/demo/candidats.csv --campaign "$id"
(cd "$SRCDIR" && sm candidates import scripts/demo/candidats.csv \
	--campaign "$id" 2>&1)
show sm campaign start "$id"

heading "3. The conversations (two modems, reminder after $reminder, closed after $expire without an answer)"
status() {
	sm campaign status "$id" >"$T/status.new" && mv "$T/status.new" "$T/status"
}
field() { # the count of funnel line $1
	sed -n "s/^  $1  *\([0-9][0-9]*\).*/\1/p" "$T/status"
}
last=""
end=$((SECONDS + DEMO_TIMEOUT))
while :; do
	if ! kill -0 "$smd" 2>/dev/null; then
		echo "demo: smsmatchd stopped: $(tail -n 5 "$T/smsmatchd.log")" >&2
		exit 1
	fi
	status
	line="invited $(field invited), answered $(field answered), complete $(field complete), declined $(field declined), STOP $(field 'opted out'), no answer $(field 'no answer'), in progress $(field 'in progress')"
	if [ "$line" != "$last" ]; then
		printf '%4ss  %s\n' $((SECONDS - start)) "$line"
		last=$line
	fi
	[ "$(field invited)" = 30 ] && [ "$(field 'in progress')" = 0 ] && break
	if [ $SECONDS -ge $end ]; then
		echo "demo: conversations still open after ${DEMO_TIMEOUT}s" >&2
		exit 1
	fi
	sleep 1
done
sent=$(wc -l <"$T/sent.jsonl")
echo "every conversation has ended: $sent SMS sent, $(grep -c '"modem": *"modem-a"' "$T/sent.jsonl" || true) by modem-a, $(grep -c '"modem": *"modem-b"' "$T/sent.jsonl" || true) by modem-b"

heading "4. The funnel"
show sm campaign status "$id"

heading "5. The shortlist"
cmdline sm shortlist "$id" --format text
sm shortlist "$id" --format text | tee "$T/shortlist.txt"

mkdir -p "$DEMO_OUT"
for f in csv xlsx html json; do
	sm shortlist "$id" --format "$f" -o "$DEMO_OUT/shortlist.$f"
done

heading "6. One conversation: Julie Garnier (two answers in one SMS)"
python3 - "$DEMO_OUT/shortlist.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
c = next(c for c in d["candidates"] if c["last_name"] == "Garnier")
for m in c["transcript"]:
    who = "gateway " if m["direction"] == "out" else "Julie   "
    print("%s %s  %s" % (m["at"][11:19], who, m["text"]))
PY

heading "7. The shortlist for the advisor's tools"
cp "$T/smsmatchd.log" "$DEMO_OUT/smsmatchd.log"
echo "written in $DEMO_OUT/:"
echo "  shortlist.csv   for a French Excel (double-click)"
echo "  shortlist.xlsx  Excel workbook: shortlist, funnel, transcripts"
echo "  shortlist.html  printable page, one transcript a page"
echo "  shortlist.json  for other tools"
echo "  smsmatchd.log   what the daemon logged"

# The daemon stops cleanly: SIGTERM, exit 0.
kill -TERM "$smd"
rc=0
wait "$smd" || rc=$?
if [ $rc -ne 0 ]; then
	echo "demo: smsmatchd exited with status $rc" >&2
	exit 1
fi
echo
echo "demo finished in $((SECONDS - start)) s: 30 candidates, $sent SMS," \
	"$(field complete) complete conversations, $(grep -Ec '^ +[0-9]+  compatible' "$T/shortlist.txt") compatible (or on a condition the region can meet)."
