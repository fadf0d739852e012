#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# llm_throughput.sh - a slow language model never slows the modems: the
# same 100 SMS are queued and sent twice through one simulated modem, first
# without the model, then while 20 candidates' replies wait for a model
# that takes 5 s per request (2 at a time: 50 s of backlog).  Prints both
# figures; they must be of the same order (no timed assertion: the second
# may not take more than twice the first plus 5 s, which a blocked loop
# would exceed many times over), and the model must still be busy when
# the 200 SMS are out.
. "${SRCDIR:-.}/tests/integration/lib/daemon.sh"
. "$SRCDIR/tests/integration/lib/llm.sh"

NCAND=20
NSMS=200
printf 'identifiant;prénom;nom;téléphone;commune\n' >"$T/cand.csv"
: >"$T/cand.script"
for i in $(seq 1 $NCAND); do
	n=$(printf '+336114400%02d' $i)
	printf 'C%d;Prenom;Nom;%s;Metz\n' $i "$n" >>"$T/cand.csv"
	printf '%s 10ms "^Bonjour" "bof %d"\n' "$n" $i >>"$T/cand.script"
done

dt_sim m1 --script "$T/cand.script"
llm_server_start slow:5

# send_batch TAG: queue NSMS messages at once (one transaction, as
# sm_store_enqueue() writes them), wait for the queue to drain; prints the
# seconds it took.
send_batch() {
	local t0 t1
	t0=$(date +%s.%N)
	python3 - "$T/smsmatch.db" "$1" $NSMS <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
now = int(time.time())
with db:
    for i in range(int(sys.argv[3])):
        db.execute(
            "INSERT INTO outbox (recipient, text, kind, flags, priority,"
            " state, not_before, expires_at, nparts, created_at)"
            " VALUES (?, ?, 'manual', 0, 0, 'queued', ?, 0, 1, ?)",
            ("+336155%05d" % i, "Message %s %d" % (sys.argv[2], i), now, now))
PY
	dt_wait_drained 300
	t1=$(date +%s.%N)
	python3 -c 'import sys; print(float(sys.argv[2]) - float(sys.argv[1]))' "$t0" "$t1"
}

# Without the model.
dt_conf m1
dt_daemon_start
dt_wait_ready 1
without=$(send_batch without)
dt_daemon_term
ok "without the model: $NSMS SMS sent in $(printf '%.2f' "$without") s"

# With every request taking 5 s, 20 replies waiting.
dt_conf m1
llm_conf '"interpret"' 20000 2
id=$(llm_campaign "$T/cand.csv")
dt_daemon_start
dt_wait_ready 1
_parked() {
	[ "$(llm_log_count 'waits for the language model')" -ge $NCAND ]
}
dt_wait 60 "$NCAND replies wait for the model" _parked
with=$(send_batch with)
verdicts=$(llm_log_count 'language model verdict')
ok "with a 5 s model and $NCAND replies waiting: $NSMS SMS sent in $(printf '%.2f' "$with") s ($verdicts verdict(s) in meanwhile)"
[ "$verdicts" -lt "$NCAND" ] ||
	fail "the model was done before the SMS: the test proves nothing"
sent=$(python3 "$TOOLS/dtcheck.py" db "$T/smsmatch.db" \
	"SELECT count(*) FROM outbox WHERE state IN ('sent', 'delivered') AND text LIKE 'Message %'")
[ "$sent" = $((2 * NSMS)) ] || fail "sent $sent of $((2 * NSMS))"
python3 - "$without" "$with" $NSMS <<'PY' || fail "the slow model slowed the modem"
import sys
a, b, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print("throughput: %.1f SMS/s without the model, %.1f SMS/s with every "
      "request taking 5 s (ratio %.2f)" % (n / a, n / b, a / b))
sys.exit(0 if b <= 2 * a + 5 else 1)
PY
dt_daemon_term
dt_check_stderr
echo "llm_throughput: ok"
