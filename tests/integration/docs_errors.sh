#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# docs_errors.sh - the troubleshooting table of docs/technician.md says
# what smsmatch really prints: each failure is triggered against
# smsmatch-modemsim (or a pseudo-terminal that never answers, /dev/null,
# an unknown USB serial number, a port in use...), and each line the
# command prints on stderr must appear in the guide word for word, as
# `...` with the device written DEV and the PIN file FILE (the first line
# only for usage errors, which print the usage after it).
set -u
BUILD=${BUILD:?}
SRCDIR=${SRCDIR:-.}
SM=$BUILD/smsmatch
SIM=$BUILD/smsmatch-modemsim
DOC=$SRCDIR/docs/technician.md
T=$(mktemp -d)
chmod 755 "$T" # the permission case runs as another user
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
	"$SIM" --link "$T/$name" --seed 1 "$@" 2>"$T/$name.err" &
	pids+=($!)
	for _ in $(seq 100); do
		[ -e "$T/$name" ] && return 0
		sleep 0.05
	done
	fail "simulator $name did not start: $(cat "$T/$name.err")"
}

mute_pty() { # name, mode: a pty that never answers
	python3 - "$T/$1" "$2" <<'PY' &
import os, pty, sys, time
master, slave = pty.openpty()
os.chmod(os.ttyname(slave), int(sys.argv[2], 8))
os.symlink(os.ttyname(slave), sys.argv[1])
time.sleep(60)
PY
	pids+=($!)
	for _ in $(seq 100); do
		[ -e "$T/$1" ] && return 0
		sleep 0.05
	done
	fail "pty $1 not created"
}

checked=0
documented() { # what, expected exit, command...: every stderr line in $DOC
	local what=$1 code=$2
	shift 2
	"$@" >/dev/null 2>"$T/stderr"
	local rc=$?
	[ $rc -eq "$code" ] || fail "$what: exit $rc, wanted $code: $(cat "$T/stderr")"
	[ -s "$T/stderr" ] || fail "$what: no message"
	# a usage error: its first line, then the usage
	[ "$code" -ne 2 ] || sed -i '2,$d' "$T/stderr"
	while IFS= read -r line; do
		line=${line//$T\/pin-/FILE-}
		line=${line//FILE-ok/FILE}
		line=${line//FILE-open/FILE}
		line=${line//FILE-junk/FILE}
		line=${line//FILE-wrong/FILE}
		line=${line//$T\/nowhere\/pin/FILE}
		line=${line//$T\/+([a-z0-9-])/DEV}
		line=${line//NOSUCHSERIAL/SERIAL}
		line=${line//\/dev\/null/DEV}
		grep -qF -- "\`$line\`" "$DOC" ||
			fail "$what: docs/technician.md lacks \`$line\`"
		echo "ok: $what: $line"
		checked=$((checked + 1))
	done <"$T/stderr"
}
shopt -s extglob

documented "nothing at the path" 1 "$SM" modem probe "$T/nothing"
documented "not a tty" 1 "$SM" modem probe /dev/null
documented "unknown USB serial" 1 "$SM" modem probe usb:NOSUCHSERIAL

mute_pty mute 620
documented "nothing answers" 1 "$SM" modem probe "$T/mute" --timeout 500
mute_pty closed 600
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null &&
		setpriv --reuid 65534 --regid 65534 --clear-groups \
			test -x "$SM"; then
		documented "permission denied" 1 setpriv --reuid 65534 \
			--regid 65534 --clear-groups "$SM" modem probe "$T/closed"
	else
		echo "skip: permission denied (no setpriv, or $SM not reachable by nobody)"
	fi
else
	chmod 000 "$(readlink "$T/closed")"
	documented "permission denied" 1 "$SM" modem probe "$T/closed"
fi

start_sim modem
# The holder stays long enough for a loaded machine (sanitizers, parallel
# builds); it is stopped as soon as the check is done.
"$SM" modem listen "$T/modem" --timeout 30 >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 60); do
	"$SM" modem probe "$T/modem" >/dev/null 2>"$T/busy" && sleep 0.05 && continue
	grep -q "in use" "$T/busy" && break
	sleep 0.05
done
documented "in use" 1 "$SM" modem probe "$T/modem"
kill "${pids[-1]}" 2>/dev/null
wait "${pids[-1]}" 2>/dev/null
documented "listen --count times out" 1 \
	"$SM" modem listen "$T/modem" --count 1 --timeout 1
documented "bad number" 1 "$SM" modem send "$T/modem" --to +33abc "test"

start_sim silent --hang-after 4
documented "goes silent" 1 "$SM" modem probe "$T/silent" --timeout 500
start_sim broken --error-all
documented "ERROR to everything" 1 "$SM" modem probe "$T/broken"
start_sim refusing --cms-error-rate 1 --cms-error-code 500
documented "send refused" 1 "$SM" modem send "$T/refusing" --to +33612345678 "test"

start_sim locked --pin 1234
printf '1234\n' >"$T/pin-ok"
chmod 644 "$T/pin-ok"
printf '1234\n' >"$T/pin-open"
chmod 644 "$T/pin-open"
printf 'abcd\n' >"$T/pin-junk"
chmod 600 "$T/pin-junk"
printf '0000\n' >"$T/pin-wrong"
chmod 600 "$T/pin-wrong"
documented "PIN, no file" 1 "$SM" modem probe "$T/locked"
documented "PIN file mode" 1 "$SM" modem probe "$T/locked" --pin-file "$T/pin-open"
documented "PIN file junk" 1 "$SM" modem probe "$T/locked" --pin-file "$T/pin-junk"
documented "PIN file missing" 1 "$SM" modem probe "$T/locked" --pin-file "$T/nowhere/pin"
chmod 600 "$T/pin-ok"
"$SM" modem probe "$T/locked" --pin-file "$T/pin-ok" >/dev/null ||
	fail "the right PIN was refused"
start_sim locked2 --pin 1234
documented "wrong PIN (1)" 1 "$SM" modem probe "$T/locked2" --pin-file "$T/pin-wrong"
documented "wrong PIN (2)" 1 "$SM" modem probe "$T/locked2" --pin-file "$T/pin-wrong"
documented "wrong PIN (3)" 1 "$SM" modem probe "$T/locked2" --pin-file "$T/pin-wrong"
documented "SIM blocked" 1 "$SM" modem probe "$T/locked2" --pin-file "$T/pin-ok"

documented "usage: no device" 2 "$SM" modem probe
documented "usage: bad count" 2 "$SM" modem listen "$T/modem" --count x
echo "all $checked documented messages are printed as documented"
