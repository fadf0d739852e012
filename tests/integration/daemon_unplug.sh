#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# daemon_unplug.sh - one of three simulated modems vanishes mid-run
# (`unplug` on its control socket) and comes back 10 s later (`replug`,
# a new pty at the same path): nothing is lost, the two others carry the
# load while it is away, `smsmatch modems` shows it down then up again,
# and it sends again after the replug.
. "${SRCDIR:-.}/tests/integration/lib/daemon.sh"

count() { # lines in simulator NAME's log
	if [ -e "$T/$1.jsonl" ]; then wc -l <"$T/$1.jsonl"; else echo 0; fi
}
modem_state() { # NAME: its state in `smsmatch modems`
	sm modems | awk -v m="$1" '$0 == m { f = 1; next }
		f && /^  state:/ { print $2; exit }'
}
# conditions for dt_wait (evaluated at every poll)
count_ge() { [ "$(count "$1")" -ge "$2" ]; }
count_gt() { [ "$(count "$1")" -gt "$2" ]; }
state_is() { [ "$(modem_state "$1")" = "$2" ]; }
readies() { grep -c '^smsmatchd: info: m2: ready (.*signal' "$DERR"; }
readies_gt() { [ "$(readies)" -gt "$1" ]; }

for m in m1 m2 m3; do
	dt_sim $m --report-delay-ms 50
done
dt_conf m1 m2 m3
dt_daemon_start
dt_wait_ready 3

python3 "$TOOLS/dtcheck.py" gen-out 450 3 >"$T/all.tsv"
sed -n 1,60p "$T/all.tsv" >"$T/a.tsv"
sed -n 61,300p "$T/all.tsv" >"$T/b.tsv"
sed -n 301,450p "$T/all.tsv" >"$T/c.tsv"

dt_send_file "$T/a.tsv"
dt_wait 30 "m2 sends" count_ge m2 10
dt_ctl m2 unplug >/dev/null
ok "m2 unplugged after $(count m2) messages"
dt_wait 20 "smsmatch modems shows m2 down" state_is m2 down
ok "smsmatch modems: m2 down"
at_unplug=$(count m2)
others=$(($(count m1) + $(count m3)))
dt_send_file "$T/b.tsv" &
sender=$!
# the outage lasts 10 s (scenario time, not a measurement)
sleep 10
wait $sender || fail "sending batch b"
[ "$(count m2)" -eq "$at_unplug" ] || fail "m2 logged sends while unplugged"
gone=$(($(count m1) + $(count m3) - others))
[ "$gone" -ge 100 ] || fail "m1 and m3 sent only $gone messages while m2 was away"
ok "m1 and m3 sent $gone messages while m2 was away"
before=$(readies)
dt_ctl m2 replug >/dev/null
# the daemon retries with a backoff (1 s doubling, 60 s at most)
dt_wait 70 "m2 ready again" readies_gt "$before"
dt_wait 10 "smsmatch modems shows m2 up" state_is m2 up
ok "m2 back: smsmatch modems says up"
dt_send_file "$T/c.tsv" &
sender=$!
dt_wait 30 "m2 sends after the replug" count_gt m2 "$at_unplug"
wait $sender || fail "sending batch c"
ok "m2 sent $(($(count m2) - at_unplug)) messages after the replug"
cat "$T"/[abc].tsv.ids >"$T/ids.tsv"
dt_resolve_unconfirmed "$T/ids.tsv" 1
dt_wait_drained 60
dt_daemon_term
dt_sim_stop m1 m2 m3
python3 "$TOOLS/dtcheck.py" outbound "$T/ids.tsv" "$T/smsmatch.db" "$T"/m[123].jsonl
dt_check_stderr
