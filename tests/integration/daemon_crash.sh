#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# daemon_crash.sh - kill -9 of smsmatchd at random moments of a
# 500-message run over three simulated modems, then a restart, five
# times.  Every message arrives exactly once, except the unconfirmed ones
# (at most one per kill per modem: a part was being written when the
# daemon died): each is listed by `smsmatch queue` and arrived at most
# once (never resent on its own).  Then `smsmatch queue resolve` settles
# them (sent when the simulator got it, resend when it did not) and the
# messages queued behind them go out: in the end every message arrived
# exactly once.  DT_SEED picks the kill moments (printed).
. "${SRCDIR:-.}/tests/integration/lib/daemon.sh"

N=${DT_MESSAGES:-500}
KILLS=${DT_KILLS:-5}
RANDOM=${DT_SEED:-$$}
echo "kill moments from DT_SEED=$RANDOM"
for m in m1 m2 m3; do
	# a little latency widens the window between AT+CMGS and +CMGS
	dt_sim $m --latency-ms 20 --report-delay-ms 50
done
dt_conf m1 m2 m3
dt_daemon_start
dt_wait_ready 3

python3 "$TOOLS/dtcheck.py" gen-out "$N" 2 >"$T/out.tsv"
for k in 0 1; do
	awk -F'\t' -v k=$k '{ n = substr($1, length($1) - 3) + 0 } n % 2 == k' \
		"$T/out.tsv" >"$T/out$k.tsv"
	dt_send_file "$T/out$k.tsv" &
	senders+=($!)
done

for i in $(seq "$KILLS"); do
	sleep "$((RANDOM % 20 / 10)).$((RANDOM % 10))"
	sleep 0.$((RANDOM % 10))
	dt_daemon_kill9
	echo "kill -9 #$i: $(sm queue --json)"
	dt_daemon_start
	dt_wait_ready 3
done
for p in "${senders[@]}"; do
	wait "$p" || fail "a sender failed"
done
cat "$T"/out[01].tsv.ids >"$T/ids.tsv"
[ "$(wc -l <"$T/ids.tsv")" -eq "$N" ] || fail "queued $(wc -l <"$T/ids.tsv") of $N"
ok "$N messages queued, $KILLS kill -9 and restarts"

dt_resolve_unconfirmed "$T/ids.tsv" $((KILLS * 3))
dt_wait_drained 60
dt_daemon_term
dt_sim_stop m1 m2 m3
python3 "$TOOLS/dtcheck.py" outbound "$T/ids.tsv" "$T/smsmatch.db" \
	"$T"/m[123].jsonl
[ "$(dt_queue unconfirmed)" -eq 0 ] || fail "unconfirmed left: $(sm queue)"
dt_check_stderr
