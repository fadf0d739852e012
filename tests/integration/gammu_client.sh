#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# gammu_client.sh - the real gammu client (Debian's, a modem client nobody
# here wrote) against smsmatch-modemsim: identify, send a short and a long
# UCS-2 French text, read back injected SMS (short, and long multipart),
# then SIGTERM removes the link and the control socket and exits 0.
set -euo pipefail
: "${BUILD:?}"
SRCDIR=${SRCDIR:-.}
SIM="$BUILD/smsmatch-modemsim"

if ! command -v gammu >/dev/null; then
	echo "gammu not installed (scripts/install-deps.sh)" >&2
	exit 1
fi

T=$(mktemp -d)
SIMPID=""
cleanup() {
	[ -n "$SIMPID" ] && kill "$SIMPID" 2>/dev/null && wait "$SIMPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	[ -f "$T/sim.err" ] && sed 's/^/  sim: /' "$T/sim.err" >&2
	exit 1
}

# Wait (bounded) until a path exists; not a timed assertion.
wait_for() {
	for _ in $(seq 500); do
		[ -e "$1" ] && return 0
		sleep 0.01
	done
	fail "$1 never appeared"
}

ctl() { # command line -> answer line
	printf '%s\n' "$*" | socat -t 5 - "UNIX-CONNECT:$T/ctl"
}

"$SIM" --link "$T/modem" --control "$T/ctl" --log "$T/sent.jsonl" \
	--name gammu-sim -v 2>"$T/sim.err" &
SIMPID=$!
wait_for "$T/modem"
wait_for "$T/ctl"
printf '[gammu]\ndevice = %s\nconnection = at\n' "$T/modem" >"$T/gammurc"
G() { timeout 60 gammu -c "$T/gammurc" "$@"; }

# --- identify: manufacturer, model, IMEI of the simulator
G identify >"$T/identify.txt" || fail "gammu identify failed"
cat "$T/identify.txt"
grep -q '^Manufacturer *: SMSMATCH$' "$T/identify.txt" || fail "manufacturer"
grep -q 'MODEMSIM-LTE' "$T/identify.txt" || fail "model"
grep -qE '^IMEI *: [0-9]{15}$' "$T/identify.txt" || fail "IMEI"
grep -qE '^SIM IMSI *: 20801[0-9]{10}$' "$T/identify.txt" || fail "IMSI"

# --- a short GSM 7-bit text
G sendsms TEXT +33612345678 -text "Bonjour, ceci est un test" ||
	fail "gammu sendsms failed"
python3 - "$T/sent.jsonl" <<'EOF' || fail "log of the short SMS"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 1, lines
m = lines[0]
assert m["to"] == "+33612345678", m
assert m["text"] == "Bonjour, ceci est un test", m
assert m["encoding"] == "gsm7" and m["parts"] == 1, m
assert m["modem"] == "gammu-sim" and m["status_report"] is False, m
assert m["mr"] == [0], m
assert m["time"].endswith("Z") and "T" in m["time"], m
EOF

# --- a long French text: UCS-2, concatenated, reassembled in the log
LONG="Bonjour Françoise, l’équipe de Pôle emploi vous propose la formation « cariste » à Rennes le 14 mars à 9h. Êtes-vous intéressée ? Répondez OUI ou NON. Bonne journée !"
G sendsms TEXT +33612345679 -unicode -len ${#LONG} -text "$LONG" ||
	fail "gammu sendsms (long) failed"
python3 - "$T/sent.jsonl" "$LONG" <<'EOF' || fail "log of the long SMS"
import json, sys
m = [json.loads(l) for l in open(sys.argv[1])][-1]
assert m["to"] == "+33612345679", m
assert m["text"] == sys.argv[2], (m["text"], sys.argv[2])
assert m["encoding"] == "ucs2", m
assert m["parts"] == 3 and m["mr"] == [1, 2, 3], m
EOF

# --- inbound: injected through the control socket, read by gammu
ans=$(ctl "inject +33698765432 Oui je suis disponible, merci")
[ "$ans" = "OK 1" ] || fail "inject answered: $ans"
LONGIN="Bonjour ! Oui je suis très intéressée par la formation « cariste », je peux venir à Rennes le 14 à 9h, j’ai le permis B et une voiture. Merci beaucoup, Françoise"
ans=$(ctl "inject +33611223344 $LONGIN")
[ "$ans" = "OK 3" ] || fail "long inject answered: $ans"

G getallsms >"$T/all.txt" || fail "gammu getallsms failed"
grep -q 'Remote number *: "+33698765432"' "$T/all.txt" || fail "sender"
grep -q '^Oui je suis disponible, merci$' "$T/all.txt" || fail "text"
grep -q '4 SMS parts' "$T/all.txt" || fail "4 parts stored"
G geteachsms >"$T/each.txt" || fail "gammu geteachsms failed"
grep -qF "$LONGIN" "$T/each.txt" || fail "long inbound text not reassembled"
grep -q 'Remote number *: "+33611223344"' "$T/each.txt" || fail "long sender"

ans=$(ctl stats)
python3 - "$ans" <<'EOF' || fail "stats: $ans"
import json, sys
ok, js = sys.argv[1].split(" ", 1)
s = json.loads(js)
assert ok == "OK", ok
assert s["sent"] == 4 and s["received"] == 4 and s["stored"] == 4, s
assert s["commands"] > 10, s
EOF

# --- SIGTERM: clean exit, link and socket gone
kill -TERM "$SIMPID"
rc=0
wait "$SIMPID" || rc=$?
SIMPID=""
[ $rc -eq 0 ] || fail "exit status $rc after SIGTERM"
[ ! -e "$T/modem" ] && [ ! -L "$T/modem" ] || fail "link left behind"
[ ! -e "$T/ctl" ] || fail "control socket left behind"
echo "gammu client: all checks passed"
