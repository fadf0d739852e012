#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# demo.sh - `make demo`: the modem layer at work on two simulated modems
# (campaigns and the dialogue come later).
#
# Starts two smsmatch-modemsim modems in a temporary directory, with five
# scripted French candidates who answer (keen, hesitant, a STOP, typos and
# abbreviations); probes one modem; sends each candidate an invitation
# with `smsmatch modem send` (one long accented text, split in UCS-2
# parts); listens on both modems with `smsmatch modem listen --json` and
# prints the replies as they arrive; then prints what the simulators
# logged.  Needs the programs in $BUILD (default ./build) and python3.
# Every exit path stops the simulators and removes the temporary
# directory.  Exit status: 0 when every reply arrived, 1 otherwise.
set -euo pipefail

BUILD=${BUILD:-$(pwd)/build}
SM=$BUILD/smsmatch
SIM=$BUILD/smsmatch-modemsim
for p in "$SM" "$SIM"; do
	if [ ! -x "$p" ]; then
		echo "demo: $p is missing: run make first" >&2
		exit 1
	fi
done
if ! command -v python3 >/dev/null 2>&1; then
	echo "demo: python3 is needed (scripts/install-deps.sh installs it)" >&2
	exit 1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/smsmatch-demo.XXXXXX")
pids=()
cleanup() {
	local p
	# Every background job, also one started but not yet in pids when a
	# signal came (a reader blocked opening its FIFO would keep `wait`
	# waiting for ever).
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

# Show a command the way a technician would type it, then run it.
show() {
	local a out="$"
	for a in "$@"; do
		a=${a/#$BUILD\//}
		a=${a//$T\//}
		case $a in
		*[[:space:]\'\"\;\&\(\)]*) out+=" \"$a\"" ;;
		*) out+=" $a" ;;
		esac
	done
	echo "$out"
	"$@"
}

# --- the candidates: who answers what, after how long
cat >"$T/candidates.script" <<'SCRIPT'
# number        delay  pattern (POSIX ERE, case-insensitive)  reply
# Amélie, keen (an emoji: her reply comes in UCS-2)
+33612345601    1s     "formation"    "Oui ça m'intéresse beaucoup !! Je suis dispo dès lundi 😊 Est-ce que je dois apporter mon CV ?"
# Karim, hesitant, SMS spelling
+33612345602    2s     "formation"    "euh jsp trop... c koi les horaires ? jai pas de voiture pr aller a vitre"
# Sandrine, yes but, abbreviations and no accents
+33612345603    2s     "formation"    "wi dac mais faut ke je trouve qqn pr garder ma fille le mercredi"
# Jean-Marc, no longer looking
+33612345604    1s     "formation"    "STOP"
# Nadia, yes, capitals and a typo
+33612345605    3s     "formation"    "OUI interesée, je peu commencer quand vous voulez. Merci"
SCRIPT

heading "smsmatch demo: the modem layer on two simulated modems"
echo "(Campaigns and the dialogue come later; this shows the modem layer:"
echo " probing a modem, sending SMS, receiving the candidates' replies.)"

heading "1. Two simulated LTE modems"
for name in modem-a modem-b; do
	"$SIM" --link "$T/$name" --control "$T/$name.ctl" --log "$T/sent.jsonl" \
		--name "$name" --script "$T/candidates.script" \
		--report-delay-ms 200 --seed 7 2>"$T/$name.err" &
	pids+=($!)
done
for name in modem-a modem-b; do
	for _ in $(seq 100); do
		[ -e "$T/$name" ] && [ -e "$T/$name.ctl" ] && break
		sleep 0.05
	done
	if [ ! -e "$T/$name" ]; then
		echo "demo: simulator $name did not start: $(cat "$T/$name.err")" >&2
		exit 1
	fi
	echo "$name -> $(readlink "$T/$name"), 5 scripted candidates"
done

heading "2. Probe modem-a"
show "$SM" modem probe "$T/modem-a"

heading "3. Invitations"
short="Bonjour, France Travail vous propose une formation de cariste à Vitré en mars. Intéressé(e) ? Répondez OUI ou NON. STOP pour ne plus recevoir de SMS"
long="Bonjour Amélie, votre conseillère France Travail vous propose une formation « Cariste d’entrepôt » (CACES R489) à Vitré, du 3 au 28 mars : 4 semaines rémunérées, 12 places, début à 8 h 30. Êtes-vous intéressée ? Répondez OUI ou NON ; STOP pour ne plus recevoir nos SMS."
echo "One long accented text: ’ « » force UCS-2 (67 characters per part)."
show "$SM" modem send "$T/modem-a" --to +33612345601 "$long"
echo
echo "The others fit one GSM 7-bit part (é and à are in the GSM alphabet):"
show "$SM" modem send "$T/modem-a" --to +33612345602 "$short"
show "$SM" modem send "$T/modem-a" --to +33612345603 --wait-report "$short"
show "$SM" modem send "$T/modem-b" --to +33612345604 "$short"
show "$SM" modem send "$T/modem-b" --to +33612345605 "$short"

heading "4. Replies, as they arrive"
echo "$ smsmatch modem listen modem-a --json --count 3 --timeout 20"
echo "$ smsmatch modem listen modem-b --json --count 2 --timeout 20"
cat >"$T/show.py" <<'PY'
import json, sys
names = {"+33612345601": "Amélie", "+33612345602": "Karim",
         "+33612345603": "Sandrine", "+33612345604": "Jean-Marc",
         "+33612345605": "Nadia"}
modem = sys.argv[1]
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        print("%s: %s" % (modem, line.rstrip()), flush=True)
        continue
    if m.get("type") == "report":
        print("%s  report: to %s mr %d %s" % (modem, m["to"], m["mr"],
              "delivered" if m["delivered"] else "NOT delivered"),
              flush=True)
        continue
    who = names.get(m["from"], "?")
    at = (m.get("timestamp") or "T??:??:??")[11:19]
    print("%s  %s  %s (%s), %s, %d part%s:\n          %s" % (
        modem, at, m["from"], who, m["encoding"], m["parts"],
        "s" if m["parts"] > 1 else "", m["text"]), flush=True)
PY
# Each listener writes into a FIFO read by the formatter, so that both are
# children of this shell (the trap can stop them) and their statuses count.
rc=0
lpids=()
for l in "modem-a 3" "modem-b 2"; do
	set -- $l
	mkfifo "$T/$1.fifo"
	python3 -u "$T/show.py" "$1" <"$T/$1.fifo" &
	pids+=($!)
	lpids+=($!)
	"$SM" modem listen "$T/$1" --json --count "$2" --timeout 20 \
		>"$T/$1.fifo" &
	pids+=($!)
	lpids+=($!)
done
for p in "${lpids[@]}"; do
	wait "$p" || rc=1
done

heading "5. What the simulators logged (--log, one JSON line per SMS sent)"
python3 - "$T/sent.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    print("{\n" + ",\n".join("  %s: %s" % (json.dumps(k), json.dumps(
        v, ensure_ascii=False)) for k, v in o.items()) + "\n}")
PY

heading "6. Simulator counters (control socket: stats)"
for name in modem-a modem-b; do
	python3 - "$T/$name.ctl" "$name" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw", encoding="utf-8")
f.write("stats\n")
f.flush()
print("%s: %s" % (sys.argv[2], f.readline().strip()))
PY
done

echo
if [ $rc -eq 0 ]; then
	echo "demo finished: 5 invitations sent, 5 replies received."
else
	echo "demo: some replies did not arrive (see above)" >&2
fi
exit $rc
