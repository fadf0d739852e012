#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# daemon_exactly_once.sh - smsmatchd over three simulated modems: 500
# messages (short GSM 7-bit, accented UCS-2, long multipart; several per
# recipient, each with its sequence number) queued with `smsmatch send`
# while the daemon runs.  Every message arrives exactly once (simulator
# logs), whole on one modem, in per-recipient order; the queue ends with
# nothing queued or claimed and every message sent or delivered; all three
# modems took a share; the log masks the numbers.
. "${SRCDIR:-.}/tests/integration/lib/daemon.sh"

N=${DT_MESSAGES:-500}
for m in m1 m2 m3; do
	dt_sim $m --report-delay-ms 50
done
dt_conf m1 m2 m3
dt_daemon_start
dt_wait_ready 3
ok "daemon up with 3 modems"

python3 "$TOOLS/dtcheck.py" gen-out "$N" 1 >"$T/out.tsv"
# Four senders, each with its own recipients, so per-recipient order is
# the order of `smsmatch send`.
for k in 0 1 2 3; do
	awk -F'\t' -v k=$k '{ n = substr($1, length($1) - 3) + 0 } n % 4 == k' \
		"$T/out.tsv" >"$T/out$k.tsv"
	dt_send_file "$T/out$k.tsv" &
	senders+=($!)
done
for p in "${senders[@]}"; do
	wait "$p" || fail "a sender failed"
done
cat "$T"/out[0-3].tsv.ids >"$T/ids.tsv"
[ "$(wc -l <"$T/ids.tsv")" -eq "$N" ] || fail "queued $(wc -l <"$T/ids.tsv") of $N"
ok "$N messages queued"

dt_wait_drained 150
dt_daemon_term
dt_sim_stop m1 m2 m3
[ "$(dt_queue queued)" -eq 0 ] && [ "$(dt_queue claimed)" -eq 0 ] ||
	fail "queue not empty: $(sm queue --json)"
sm queue
python3 "$TOOLS/dtcheck.py" outbound "$T/ids.tsv" "$T/smsmatch.db" \
	"$T"/m[123].jsonl --summary "$T/summary.json"
python3 - "$T/summary.json" <<'PY' || fail "a modem took no share"
import json, sys
s = json.load(open(sys.argv[1]))["per_modem"]
sys.exit(0 if all(s.get(m, 0) > 0 for m in ("m1", "m2", "m3")) else 1)
PY
dt_check_stderr
