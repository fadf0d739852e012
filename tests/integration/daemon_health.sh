#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# daemon_health.sh - what an operator sees: a modem whose SIM plan allows
# 10 SMS a day sends 10, the daemon warns at 9 (90 %) and at 10, and
# `smsmatch modems` shows "10 / 10"; the modem loses its network and its
# signal drops: the daemon warns once, `smsmatch modems` shows the
# registration and the signal in dBm and bars.  Hotplug: a modem whose
# device is not there yet waits with a growing backoff; it appears and
# SIGHUP (what the udev rules send) opens it at once, and it sends what the
# first one could not.  `campaign status` shows the queue and the modems.
. "${SRCDIR:-.}/tests/integration/lib/daemon.sh"

said() { grep -q -- "$1" "$DERR"; }
modem_field() { # NAME FIELD: a line of `smsmatch modems` for NAME
	sm modems | awk -v m="$1" -v f="  $2:" '$0 == m { x = 1; next }
		/^[^ ]/ { x = 0 } x && index($0, f) == 1 {
		sub(/^ *[a-z ]+: /, ""); print; exit }'
}
field_is() { [ "$(modem_field "$1" "$2")" = "$3" ]; }
sent() { if [ -e "$T/$1.jsonl" ]; then wc -l <"$T/$1.jsonl"; else echo 0; fi; }
sent_is() { [ "$(sent "$1")" -eq "$2" ]; }

dt_sim m1
dt_conf m1 m2	# m2: no simulator yet, its device does not exist
sed -i 's/daily_limit = 10000/daily_limit = 10/' "$CONF"
dt_daemon_start
dt_wait_ready 1
dt_wait 20 "m2 waits for its device" said "m2: .*retrying in 1 s"

# ---- daily limit: warnings at 90 % and 100 %
for i in $(seq 11); do
	sm send --to +3361234560$((i % 10)) "Message de test $i" >/dev/null
done
dt_wait 30 "m1 sends 10" sent_is m1 10
dt_wait 20 "warning at 90 %" said "warning: m1: 9 SMS sent today, daily limit 10$"
dt_wait 20 "warning at 100 %" \
	said "warning: m1: 10 SMS sent today, daily limit 10: no more sends on this modem until tomorrow"
dt_wait 20 "smsmatch modems: sent today 10 / 10" field_is m1 "sent today" "10 / 10"
[ "$(dt_queue queued)" -eq 1 ] || fail "the 11th message is not waiting: $(sm queue)"
sent_is m1 10 || fail "m1 went over its daily limit: $(sent m1)"
ok "daily limit: 10 sent, warned at 9 and 10, the 11th waits"
# campaign status: the queue and each modem against its limit
sm campaign new --name sante --script "$SRCDIR/conf/scripts/cariste.conf" \
	--trade cariste --place Colmar --seats 8 --start 2027-03-01 \
	--end 2027-06-30 >/dev/null
sm campaign status 1 >"$T/status"
grep -qx "queue: 1 waiting, 0 being sent, 0 unconfirmed" "$T/status" ||
	fail "campaign status queue line: $(cat "$T/status")"
grep -qx "modems: m1 up (-73 dBm, 10/10 sent today), m2 down (0/10 sent today)" "$T/status" ||
	fail "campaign status modems line: $(tail -1 "$T/status")"
ok "campaign status: $(tail -2 "$T/status" | tr '\n' ';')"

# ---- registration lost, weak signal
field_is m1 signal "-73 dBm (4/4)" || fail "signal before: $(modem_field m1 signal)"
dt_ctl m1 signal 5 >/dev/null
dt_ctl m1 network off >/dev/null
# the daemon polls every modem every 30 s
dt_wait 70 "registration loss logged" \
	said "warning: m1: not registered on the network (.*): SMS cannot leave"
dt_wait 40 "smsmatch modems: weak signal" field_is m1 signal "-103 dBm (1/4)"
reg=$(modem_field m1 registration)
case $reg in home|roaming|"") fail "registration still says '$reg'" ;; esac
[ "$(grep -c "m1: not registered on the network" "$DERR")" -eq 1 ] ||
	fail "registration loss logged more than once"
ok "m1 out of coverage: warned once; smsmatch modems: signal -103 dBm (1/4), registration '$reg'"

# ---- hotplug: m2 appears; SIGHUP opens it without waiting for its backoff
dt_sim m2
kill -HUP "$DAEMON_PID"
dt_wait 20 "m2 opened after SIGHUP" said "m2: ready"
dt_wait 30 "m2 sends the 11th message" sent_is m2 1
ok "m2 plugged in, SIGHUP: ready and sending"
sm modems >"$T/modems.txt"
grep -q '^  errors: [1-9].*, last: ' "$T/modems.txt" || fail "no last error shown: $(cat "$T/modems.txt")"

dt_daemon_term
dt_sim_stop m1 m2
dt_check_stderr
