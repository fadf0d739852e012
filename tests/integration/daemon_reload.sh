#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# daemon_reload.sh - SIGHUP while sending, with modem m3 added and m1
# removed: m2 never stops (it sends before and after), m3 takes work, m1
# sends nothing after the reload, nothing is lost.  Then SIGTERM while
# sending: smsmatchd exits 0 after the command in flight, and a restart
# sends the rest.
. "${SRCDIR:-.}/tests/integration/lib/daemon.sh"

count() { if [ -e "$T/$1.jsonl" ]; then wc -l <"$T/$1.jsonl"; else echo 0; fi; }
count_gt() { [ "$(count "$1")" -gt "$2" ]; }
said() { grep -q "$1" "$DERR"; }

for m in m1 m2 m3; do
	dt_sim $m --report-delay-ms 50 --latency-ms 5
done
dt_conf m1 m2
dt_daemon_start
dt_wait_ready 2
python3 "$TOOLS/dtcheck.py" gen-out 300 7 >"$T/out.tsv"
sed -n 1,150p "$T/out.tsv" >"$T/a.tsv"
sed -n 151,300p "$T/out.tsv" >"$T/b.tsv"
dt_send_file "$T/a.tsv" &
sender=$!
dt_wait 30 "m1 and m2 send" count_gt m2 10
dt_conf m2 m3
kill -HUP "$DAEMON_PID"
dt_wait 20 "reload logged" said "configuration reloaded from"
m1_after=$(count m1)
m2_at=$(count m2)
dt_wait 30 "m3 sends after the reload" count_gt m3 0
dt_wait 30 "m2 keeps sending" count_gt m2 "$m2_at"
wait $sender || fail "sender"
dt_wait_drained 60
[ "$(count m1)" -le $((m1_after + 1)) ] || fail "m1 sent $(($(count m1) - m1_after)) after its removal"
grep -q "m1: removed from the configuration" "$DERR" || fail "removal not logged"
grep -q "m3: added" "$DERR" || fail "addition not logged"
ok "SIGHUP: m1 removed, m3 added ($(count m3) sent), m2 went on ($(count m2) sent)"

# ---- SIGTERM while sending, then a restart
c0=$(count m3)
dt_send_file "$T/b.tsv" &
sender=$!
dt_wait 30 "sending under way" count_gt m3 $((c0 + 5))
dt_daemon_term
wait $sender || fail "sender"
grep -q "stopped" "$DERR" || fail "no clean stop"
[ "$(dt_queue claimed)" -eq 0 ] || fail "claimed messages left after SIGTERM: $(sm queue --json)"
[ "$(dt_queue unconfirmed)" -eq 0 ] || fail "SIGTERM left unconfirmed messages: $(sm queue)"
left=$(dt_queue queued)
ok "SIGTERM: exit 0, $left message(s) left queued, none claimed or unconfirmed"
dt_daemon_start
dt_wait_ready 2
dt_wait_drained 60
dt_daemon_term
dt_sim_stop m1 m2 m3
cat "$T/a.tsv.ids" "$T/b.tsv.ids" >"$T/ids.tsv"
python3 "$TOOLS/dtcheck.py" outbound "$T/ids.tsv" "$T/smsmatch.db" "$T"/m[123].jsonl
dt_check_stderr
