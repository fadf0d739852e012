#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# daemon_stop_while_down.sh - a STOP that reaches the modem while smsmatchd
# is not running is honoured before anything is sent: at start the daemon
# reads what each modem stored before it lets a message leave, so the
# messages queued for that number are cancelled, never sent.  Several
# modems, several numbers, the STOP on a modem other than the one that
# would send.
. "${SRCDIR:-.}/tests/integration/lib/daemon.sh"

dt_sim m1
dt_sim m2
dt_conf m1 m2

STOPPER=+33611000042
OTHER=+33611000043
# Queued while the daemon is down: messages to both numbers.
for i in 1 2 3; do
	sm send --to "$STOPPER" "Bonjour, message $i" >/dev/null || fail "send"
	sm send --to "$OTHER" "Bonjour, message $i" >/dev/null || fail "send"
done
# The STOP arrives on both modems' storage while nobody listens.
dt_ctl m2 "inject $STOPPER STOP" >/dev/null
dt_ctl m1 "inject $OTHER merci pour l'info" >/dev/null
ok "6 messages queued, STOP stored on a modem while the daemon is down"

dt_daemon_start
dt_wait_ready 2
dt_wait_drained 60
dt_wait 30 "the STOP confirmation leaves" \
	bash -c "grep -hq 'ne recevrez plus' '$T'/m1.jsonl '$T'/m2.jsonl"

n_stopper=$(cat "$T"/m1.jsonl "$T"/m2.jsonl | python3 -c '
import json, sys
n = sum(1 for l in sys.stdin if json.loads(l)["to"] == sys.argv[1]
        and "message" in json.loads(l)["text"])
print(n)' "$STOPPER")
[ "$n_stopper" = 0 ] || fail "$n_stopper message(s) went to $STOPPER after its STOP"
n_other=$(cat "$T"/m1.jsonl "$T"/m2.jsonl | grep -c "$OTHER" || true)
[ "$n_other" = 3 ] || fail "$OTHER got $n_other messages, want 3"
[ "$(dt_queue cancelled)" = 3 ] || fail "want 3 cancelled, queue: $(sm queue --json)"
sm optout list | grep -q "$STOPPER" || fail "$STOPPER is not opted out"
ok "the 3 messages to $STOPPER were cancelled, the 3 others sent, one confirmation"
dt_daemon_term
dt_check_stderr
echo "daemon_stop_while_down: ok"
