#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# daemon_inbound.sh - what smsmatchd receives, while it sends:
#  - 200 inbound SMS (single and multipart, GSM 7-bit and UCS-2) injected
#    through three simulators' control sockets, with a kill -9 of the
#    daemon while injections are under way (between a read and its
#    delete, the restart's sweep hands SMS again): each stored once,
#    reassembled, right sender and text (`smsmatch inbox --all --json`);
#  - the 50 messages queued meanwhile arrive once each;
#  - the sending window: with hours that exclude now, a first contact is
#    held, a manual `smsmatch send` goes out;
#  - STOP, « Stop. » and "arrêt": the number is opted out at once, what
#    is queued for it is cancelled, exactly one confirmation goes out, a
#    second STOP gets none, and `smsmatch send` to it is refused.
. "${SRCDIR:-.}/tests/integration/lib/daemon.sh"

DB=$T/smsmatch.db
S1=+33699000001 S2=+33699000002 S3=+33699000003 C=+33699000009
inbox_count() { sm inbox --all --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
inbox_ge() { [ "$(inbox_count)" -ge "$1" ]; }
all_deleted() { # every simulator's storage is empty (all SMS deleted)
	local m
	for m in m1 m2 m3; do
		dt_ctl $m stats | grep -q '"stored": 0,' || return 1
	done
}
state_of() { sm queue show "$1" | sed -n 's/^  state: //p'; }
logged_to() { # NUMBER: messages to it in the simulator logs
	cat "$T"/m[123].jsonl | grep -c "\"to\":\"$1\"" || true
}

for m in m1 m2 m3; do
	dt_sim $m --report-delay-ms 50
done
DT_HOURS=$(python3 "$TOOLS/dtcheck.py" hours)
export DT_HOURS
dt_conf m1 m2 m3
# first contacts (the campaign engine's kind), queued before the daemon
# starts: held outside the window
sm queue >/dev/null
for n in "$S1" "$S1" "$S2" "$S3" "$C"; do
	python3 "$TOOLS/dtcheck.py" enqueue "$DB" first_contact "$n" \
		"Bonjour, une formation vous intéresse ? STOP au 36000" 1
done >"$T/held.ids"
dt_daemon_start
dt_wait_ready 3
ok "daemon up, sending window $DT_HOURS (excludes now)"

python3 "$TOOLS/dtcheck.py" gen-in 200 5 >"$T/in.tsv"
for k in 1 2 3; do
	awk -F'\t' -v k=$k 'NR % 3 == k - 1 { print "inject " $1 " " $2 }' \
		"$T/in.tsv" >"$T/inject$k.txt"
	python3 "$TOOLS/simctl.py" "$T/m$k.ctl" - --pause 0.02 \
		<"$T/inject$k.txt" >/dev/null &
	injectors+=($!)
done
{
	printf '%s\t%s\n' "$C" "Message manuel hors des heures d'envoi"
	python3 "$TOOLS/dtcheck.py" gen-out 50 4
} >"$T/out.tsv"
dt_send_file "$T/out.tsv" &
sender=$!
dt_wait 30 "the first SMS stored" inbox_ge 30
dt_daemon_kill9
ok "kill -9 with $(inbox_count) SMS stored, injections going on"
sleep 0.5
dt_daemon_start
dt_wait_ready 3
for p in "${injectors[@]}"; do
	wait "$p" || fail "an injection failed"
done
wait $sender || fail "sending failed"
ok "200 SMS injected, 51 messages queued"
dt_wait 60 "200 SMS stored" inbox_ge 200
dt_wait 60 "every SMS deleted from the modems" all_deleted
sm inbox --all --json >"$T/inbox.json"
python3 "$TOOLS/dtcheck.py" inbound "$T/in.tsv" "$T/inbox.json"

DT_HELD_KINDS=first_contact dt_resolve_unconfirmed "$T/out.tsv.ids" 3
dt_wait 60 "everything but the held first contacts sent" \
	python3 "$TOOLS/dtcheck.py" settled "$DB" first_contact
python3 "$TOOLS/dtcheck.py" outbound "$T/out.tsv.ids" "$DB" "$T"/m[123].jsonl
while read -r id; do
	[ "$(state_of "$id")" = queued ] || fail "first contact $id: $(state_of "$id")"
done <"$T/held.ids"
ok "first contacts held outside the window, the manual message went out"

# ---- STOP
n0=$(inbox_count)
dt_ctl m1 "inject $S1 STOP" >/dev/null
dt_ctl m2 "inject $S2 « Stop. »" >/dev/null
dt_ctl m3 "inject $S3 arrêt" >/dev/null
dt_wait 20 "the three STOP stored" inbox_ge $((n0 + 3))
for n in "$S1" "$S2" "$S3"; do
	sm optout list | grep -q "^$n  *sms " || fail "$n not opted out: $(sm optout list)"
done
ok "STOP, « Stop. », arrêt: opted out"
for i in 1 2 3 4; do
	id=$(sed -n ${i}p "$T/held.ids")
	[ "$(state_of "$id")" = cancelled ] || fail "message $id: $(state_of "$id"), not cancelled"
done
[ "$(state_of "$(sed -n 5p "$T/held.ids")")" = queued ] || fail "C's first contact"
ok "their queued messages cancelled, the others' kept"
dt_wait 20 "three confirmations" test "$(cat "$T"/m[123].jsonl | grep -c "C'est noté")" -ge 3
for n in "$S1" "$S2" "$S3"; do
	c=$(logged_to "$n")
	[ "$c" -eq 1 ] || fail "$n got $c messages, wanted one confirmation"
	grep "\"to\":\"$n\"" "$T"/m[123].jsonl | grep -q "vous ne recevrez plus de SMS de Agence de test" ||
		fail "$n: confirmation text"
done
ok "one confirmation each"
n0=$(inbox_count)
# Another text: the same "STOP" within the same second would be the same
# SMS to the deduplication (sender, SMSC timestamp, text).
dt_ctl m2 "inject $S1 STOP merci" >/dev/null
dt_wait 20 "the second STOP stored" inbox_ge $((n0 + 1))
sm inbox --all --json | python3 -c '
import json, sys
stops = [m for m in json.load(sys.stdin) if m["from"] == sys.argv[1]]
sys.exit(0 if len(stops) == 2 and all(m["state"] == "handled" for m in stops) else 1)' "$S1" ||
	fail "the second STOP is not handled"
confirmations=$(python3 "$TOOLS/dtcheck.py" db "$DB" \
	"SELECT count(*) FROM outbox WHERE recipient = '$S1'")
[ "$confirmations" -eq 3 ] || fail "$S1: $confirmations outbox rows (2 cancelled + 1 confirmation wanted)"
ok "a second STOP gets no second confirmation"
out=$(sm send --to "$S1" "encore" 2>&1) && fail "send to an opted-out number succeeded"
[ "$out" = "smsmatch: send: $S1 opted out (STOP): not queued" ] || fail "send refused: $out"
ok "smsmatch send refuses the opted-out number"

dt_daemon_term
dt_sim_stop m1 m2 m3
[ "$(logged_to "$S1")" -eq 1 ] || fail "$S1 got $(logged_to "$S1") messages"
dt_check_stderr
