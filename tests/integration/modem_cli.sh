#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# modem_cli.sh - `smsmatch modem probe|send|listen` against
# smsmatch-modemsim: probe output, a 400-character French UCS-2 text sent
# intact (checked in the simulator's JSON log), listen --json receiving a
# short and a long injected SMS, --wait-report, and every bad-input case
# (exit code and a one-line message naming the device).
set -u
BUILD=${BUILD:?}
SRCDIR=${SRCDIR:-.}
SM=$BUILD/smsmatch
SIM=$BUILD/smsmatch-modemsim
T=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

start_sim() { # name, options...
	local name=$1
	shift
	"$SIM" --link "$T/$name" --control "$T/$name.ctl" --log "$T/$name.log" \
		--seed 1 "$@" 2>"$T/$name.err" &
	pids+=($!)
	for _ in $(seq 100); do
		[ -e "$T/$name" ] && [ -e "$T/$name.ctl" ] && return 0
		sleep 0.05
	done
	fail "simulator $name did not start: $(cat "$T/$name.err")"
}

ctl() { # name, command: prints the answer line
	python3 - "$T/$1.ctl" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw", encoding="utf-8")
f.write(sys.argv[2] + "\n")
f.flush()
print(f.readline().strip())
PY
}

expect_error() { # description, exit code, message regexp, command...
	local what=$1 code=$2 re=$3
	shift 3
	local t0=$SECONDS
	"$@" >"$T/out" 2>"$T/errout"
	local rc=$?
	[ $rc -eq "$code" ] || fail "$what: exit $rc, wanted $code: $(cat "$T/errout")"
	grep -Eq "$re" "$T/errout" || fail "$what: message: $(cat "$T/errout")"
	[ "$code" -ne 1 ] || [ "$(wc -l <"$T/errout")" -eq 1 ] || fail "$what: not one line: $(cat "$T/errout")"
	[ $((SECONDS - t0)) -le 8 ] || fail "$what: took $((SECONDS - t0)) s"
	echo "ok: $what -> $(cat "$T/errout")"
}

# --- probe
start_sim modem --report-delay-ms 100
"$SM" modem probe "$T/modem" >"$T/probe" || fail "probe: $(cat "$T/probe")"
for re in '^manufacturer: +SMSMATCH' '^model: +MODEMSIM' '^IMEI: +[0-9]{15}$' \
	'^SIM: +ready' '^registration: +CS home \(1\), EPS home \(1\)' \
	'^operator: +Orange F \(LTE\)' '^signal: +-73 dBm, 4/4 bars' \
	'^SMSC: +\+33695000695' '^SMS modes: +PDU text' '^profile: +generic' \
	'^CNMI: +supported \(' '^storage: +(ME|SM) '; do
	grep -Eq "$re" "$T/probe" || fail "probe output lacks $re: $(cat "$T/probe")"
done
echo "ok: probe"
"$SM" modem probe --help | grep -q 'usage: smsmatch modem probe' || fail "probe --help"
"$SM" modem send --help | grep -q 'usage: smsmatch modem send' || fail "send --help"
"$SM" modem listen --help | grep -q 'usage: smsmatch modem listen' || fail "listen --help"

# --- send a 400-character French text (UCS-2) and check the simulator log
TEXT="Bonjour Amélie, une formation « cariste » débute le 12 mars à Rennes : êtes-vous intéressée ? Répondez OUI ou NON. Vous pourrez poser vos questions sur les horaires, le transport, la garde d'enfants et les aides de la région. Nous reviendrons vers vous très vite ; merci de votre réponse, même si c'est non. Bien à vous, votre conseillère France Travail, agence de Rennes-Cleunay, tél. 02 99 00 00 00."
"$SM" modem send "$T/modem" --to +33612345678 "$TEXT" >"$T/send" ||
	fail "send: $(cat "$T/send")"
grep -Eq '^sent: [0-9]+ parts, ucs2$' "$T/send" || fail "send output: $(cat "$T/send")"
grep -Eq '^part 1/[0-9]+: mr [0-9]+$' "$T/send" || fail "send parts: $(cat "$T/send")"
for _ in $(seq 40); do [ -s "$T/modem.log" ] && break; sleep 0.05; done
TEXT="$TEXT" python3 - "$T/modem.log" <<'PY' || fail "simulator log"
import json, os, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
want = os.environ["TEXT"]
assert len(want) >= 390, len(want)
m = lines[-1]
assert m["text"] == want, (m["text"], want)
assert m["to"] == "+33612345678", m
assert m["encoding"] == "ucs2", m
assert 6 <= m["parts"] <= 7, m
assert len(m["mr"]) == m["parts"], m
assert not m.get("incomplete", False), m
print("ok: %d characters, %d parts, UCS-2, intact" % (len(want), m["parts"]))
PY

# --- send with --wait-report
"$SM" modem send "$T/modem" --to +33612345679 --wait-report "Rendez-vous jeudi 9h" \
	>"$T/report" || fail "send --wait-report: $(cat "$T/report")"
grep -Eq '^report: to \+33612345679 mr [0-9]+ status 0 \(0x00\) delivered$' "$T/report" ||
	fail "report output: $(cat "$T/report")"
echo "ok: --wait-report"

# --- listen --json: a short SMS and a long UCS-2 one, reassembled
LONG="Oui je suis intéressée par la formation, mais je dois trouver une garde pour ma fille le mercredi ; est-ce que la région aide pour ça ? Et le transport depuis Vitré, c'est possible en covoiturage ? Merci beaucoup, à bientôt."
ctl modem "inject +33611111111 oui dispo" >/dev/null
ctl modem "inject +33622222222 $LONG" >/dev/null
timeout 20 "$SM" modem listen "$T/modem" --json --count 2 --timeout 10 >"$T/listen" ||
	fail "listen: $(cat "$T/listen")"
LONG="$LONG" python3 - "$T/listen" <<'PY' || fail "listen output: $(cat "$T/listen")"
import json, os, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(objs) == 2, objs
by = {o["from"]: o for o in objs}
s = by["+33611111111"]
assert s["type"] == "sms" and s["text"] == "oui dispo" and s["parts"] == 1, s
assert s["encoding"] == "gsm7" and s["incomplete"] is False, s
l = by["+33622222222"]
assert l["text"] == os.environ["LONG"], l
assert l["encoding"] == "ucs2" and l["parts"] >= 3 and not l["incomplete"], l
assert l["timestamp"] and l["timestamp"][4] == "-", l
print("ok: listen --json (%d-part UCS-2 reassembled)" % l["parts"])
PY
# deleted after printing: the storage is empty again
"$SM" modem probe "$T/modem" | grep -Eq '^storage: +[A-Z]+ \(0/' ||
	fail "messages not deleted after listen"
echo "ok: listen deleted what it printed"

# --- bad input
expect_error "unknown device" 1 "/nonexistent/ttyUSB9" \
	"$SM" modem probe /nonexistent/ttyUSB9
expect_error "not a serial port" 1 "^smsmatch: modem: /dev/null: " \
	"$SM" modem probe /dev/null
expect_error "unknown usb serial" 1 "usb:NOSUCHSERIAL" \
	"$SM" modem probe usb:NOSUCHSERIAL
python3 - "$T/mute" <<'PY' &
import os, pty, sys, time
master, slave = pty.openpty()
os.symlink(os.ttyname(slave), sys.argv[1])
time.sleep(30)
PY
pids+=($!)
for _ in $(seq 100); do [ -e "$T/mute" ] && break; sleep 0.05; done
expect_error "pty that never answers" 1 "$T/mute: no answer" \
	"$SM" modem probe "$T/mute" --timeout 1000
start_sim locked --pin 1234
expect_error "SIM PIN without pin_file" 1 "$T/locked: SIM PIN required: set pin_file" \
	"$SM" modem probe "$T/locked"
printf '1234\n' >"$T/pin"
chmod 644 "$T/pin"
expect_error "world-readable pin_file" 1 "mode 0600" \
	"$SM" modem probe "$T/locked" --pin-file "$T/pin"
chmod 600 "$T/pin"
"$SM" modem probe "$T/locked" --pin-file "$T/pin" | grep -q '^SIM: *ready' ||
	fail "probe with pin_file"
echo "ok: SIM PIN from pin_file"
start_sim broken --error-all
expect_error "ERROR to everything" 1 "$T/broken: the modem answers ERROR to AT" \
	"$SM" modem probe "$T/broken"
start_sim silent --hang-after 4
expect_error "modem gone silent" 1 "$T/silent: no answer from the modem" \
	"$SM" modem probe "$T/silent" --timeout 1000
expect_error "usage: no device" 2 "missing DEVICE" "$SM" modem probe
expect_error "usage: no --to" 2 "missing --to" "$SM" modem send "$T/modem" hello
expect_error "usage: bad count" 2 "bad --count" "$SM" modem listen "$T/modem" --count x
expect_error "bad number" 1 "cannot send to" \
	"$SM" modem send "$T/modem" --to "+33abc" hello
echo "all modem CLI checks passed"
