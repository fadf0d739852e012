#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# demo.sh - scripts/demo.sh (`make demo`) as a test: it exits 0, probes a
# modem, sends a 5-part UCS-2 invitation and four GSM 7-bit ones, prints
# every candidate's reply (emoji, STOP, SMS spelling) and the simulators'
# JSON log; and it leaves no process and no temporary directory behind,
# neither after a normal run nor when interrupted (SIGINT, SIGTERM).
set -u
BUILD=${BUILD:?}
SRCDIR=${SRCDIR:-.}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# the demo's own temporary directories go to $T/tmp, checked empty after
mkdir "$T/tmp"
leftovers() { # what the demo left: temp dirs, live simulators
	ls -A "$T/tmp"
	pgrep -af -- "$T/tmp/" || true
}

# --- a normal run
TMPDIR=$T/tmp BUILD=$BUILD timeout 120 bash "$SRCDIR/scripts/demo.sh" \
	>"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] || fail "demo exit $rc: $(cat "$T/err") $(tail -20 "$T/out")"
[ ! -s "$T/err" ] || fail "demo wrote to stderr: $(cat "$T/err")"
sed 's/^/    /' "$T/out"

must() { # regexp: a line of the output must match
	grep -Eq -- "$1" "$T/out" || fail "output lacks /$1/"
}
must '^\(Campaigns and the dialogue come later; this shows the modem layer:$'
# probe
must '^\$ smsmatch modem probe modem-a$'
must '^SIM: +ready$'
must '^signal: +-73 dBm, 4/4 bars \(rssi 20\)$'
must '^SMSC: +\+33695000695$'
# sends: one UCS-2 multipart, four single GSM 7-bit parts, one report
must '^part 5/5: mr [0-9]+$'
must '^sent: 5 parts, ucs2$'
[ "$(grep -c '^sent: 1 part, gsm7$' "$T/out")" -eq 4 ] || fail "4 gsm7 sends"
must '^report: to \+33612345603 mr [0-9]+ status 0 \(0x00\) delivered$'
# every reply, from the right number, through the right modem
must "^modem-a  .* \+33612345601 \(Amélie\), ucs2, 2 parts:$"
must "^ +Oui ça m'intéresse beaucoup !! Je suis dispo dès lundi 😊 Est-ce que je dois apporter mon CV \?$"
must '^modem-a  .* \+33612345602 \(Karim\), gsm7, 1 part:$'
must '^ +euh jsp trop\.\.\. c koi les horaires \? jai pas de voiture pr aller a vitre$'
must '^modem-a  .* \+33612345603 \(Sandrine\), gsm7, 1 part:$'
must '^ +wi dac mais faut ke je trouve qqn pr garder ma fille le mercredi$'
must '^modem-b  .* \+33612345604 \(Jean-Marc\), gsm7, 1 part:$'
must '^ +STOP$'
must '^modem-b  .* \+33612345605 \(Nadia\), gsm7, 1 part:$'
must '^ +OUI interesée, je peu commencer quand vous voulez\. Merci$'
# the simulators' log, pretty: five messages, the long one intact
[ "$(grep -c '^  "modem": "modem-a",$' "$T/out")" -eq 3 ] || fail "3 logged on modem-a"
[ "$(grep -c '^  "modem": "modem-b",$' "$T/out")" -eq 2 ] || fail "2 logged on modem-b"
must '^  "text": "Bonjour Amélie, .*Cariste d’entrepôt.* recevoir nos SMS\.",$'
must '^  "encoding": "ucs2",$'
must '^  "mr": \[[0-9]+, [0-9]+, [0-9]+, [0-9]+, [0-9]+\],$'
must '^  "status_report": true$'
must '^modem-a: OK \{"sent": 7, "received": 4, '
must '^modem-b: OK \{"sent": 2, "received": 2, '
must '^demo finished: 5 invitations sent, 5 replies received\.$'
[ -z "$(leftovers)" ] || fail "left behind: $(leftovers)"
echo "ok: demo output and cleanup"

# --- interrupted at each stage: still nothing left behind.  Job control
# on, so that the background demo does not start with SIGINT ignored.
set -m
for sig in INT TERM; do
	for stage in '^== 2\.' '^== 4\.'; do
		TMPDIR=$T/tmp BUILD=$BUILD bash "$SRCDIR/scripts/demo.sh" \
			>"$T/out2" 2>&1 &
		pid=$!
		for _ in $(seq 200); do
			grep -Eq "$stage" "$T/out2" && break
			sleep 0.05
		done
		grep -Eq "$stage" "$T/out2" || fail "demo never reached $stage"
		kill -s "$sig" $pid
		wait $pid
		rc=$?
		[ $rc -ne 0 ] || fail "SIG$sig at $stage: exit 0"
		for _ in $(seq 40); do
			[ -z "$(leftovers)" ] && break
			sleep 0.05
		done
		[ -z "$(leftovers)" ] ||
			fail "SIG$sig at $stage left behind: $(leftovers)"
		echo "ok: SIG$sig at /$stage/: exit $rc, nothing left behind"
	done
done
# --- without the programs: one clear line, exit 1
BUILD=$T/nowhere bash "$SRCDIR/scripts/demo.sh" >"$T/out3" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "no programs: exit $rc"
grep -q "smsmatch is missing: run make first" "$T/out3" ||
	fail "no programs: $(cat "$T/out3")"
echo "ok: without the programs: $(cat "$T/out3")"
echo "all demo checks passed"
