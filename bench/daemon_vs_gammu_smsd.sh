#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# daemon_vs_gammu_smsd.sh - smsmatchd and gammu-smsd (Debian's gammu-smsd,
# files backend) side by side, each sending the same N messages through
# its own zero-latency smsmatch-modemsim.
#
#   BUILD=build bench/daemon_vs_gammu_smsd.sh [N]
#
# N (default 200) one-part GSM 7-bit messages are queued before each
# daemon starts: with `smsmatch send` for smsmatchd (rate_per_minute 60000,
# the configuration's maximum: at most 100 SMS/s), with gammu-smsd-inject
# into gammu-smsd's outbox for gammu-smsd, configured for speed (LoopSleep
# 0, no security/battery/signal/network checks, no status refresh, no
# delivery reports, receive checks every hour).  Each simulator logs what
# it is asked to send; messages per second run from the first to the last
# send in that log.  Printed: both rates and their ratio (goal: 100x or
# more).  Figures only: nothing is asserted.  Each side stops after
# 2 s per message + 60 s whatever happens; processes and the temporary
# directory are cleaned up on every exit path.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib/bench.sh
. "$here/lib/bench.sh"

N=${1:-200}
RATE=60000
TIMEOUT=$((N * 2 + 60))

for p in gammu-smsd gammu-smsd-inject; do
	command -v "$p" >/dev/null ||
		bench_die "$p is missing (scripts/install-deps.sh installs gammu-smsd)"
done
bench_init vs-gammu

echo "== smsmatchd vs gammu-smsd: $N messages each, one zero-latency" \
	"simulator each"
echo "   ($(nproc) CPUs, $(gammu-smsd --version | head -n 1)," \
	"$(date -u +%FT%TZ))"

# --- smsmatchd
sd=$BENCH_DIR/smsmatchd
mkdir -p "$sd"
bench_config "$sd" 1 "$RATE"
bench_queue "$sd/smsmatch.conf" "$N"
bench_start_sims "$sd" 1
"$SMD" -c "$sd/smsmatch.conf" -f 2>"$sd/smsmatchd.err" &
dpid=$!
bench_pids+=("$dpid")
sd_status=ok
bench_wait_lines "$N" "$TIMEOUT" "$sd/sim0.jsonl" || sd_status=timeout
bench_stop_all
eval "$(python3 "$BENCH_LIB/simlog.py" span "$sd/sim0.jsonl")"
sd_count=$SPAN_COUNT
sd_wall=$SPAN_WALL_S
sd_rate=$SPAN_RATE

# --- gammu-smsd
gs=$BENCH_DIR/gammu-smsd
mkdir -p "$gs"/{inbox,outbox,sent,error}
bench_start_sims "$gs" 1
cat >"$gs/smsdrc" <<EOF
[gammu]
device = $gs/sim0
connection = at
logformat = nothing

[smsd]
service = files
inboxpath = $gs/inbox/
outboxpath = $gs/outbox/
sentsmspath = $gs/sent/
errorsmspath = $gs/error/
logfile = $gs/smsd.log
debuglevel = 0
loopsleep = 0
checksecurity = 0
checkbattery = 0
checksignal = 0
checknetwork = 0
statusfrequency = 0
receivefrequency = 3600
resetfrequency = 0
deliveryreport = no
commtimeout = 1
sendtimeout = 10
EOF
seq 1 "$N" | awk '{ printf "+33612%06d\n", $1 }' |
	while read -r num; do
		gammu-smsd-inject -c "$gs/smsdrc" TEXT "$num" -text "$BENCH_TEXT" \
			>/dev/null 2>>"$gs/inject.err" ||
			bench_die "gammu-smsd-inject failed: $(tail -n 1 "$gs/inject.err")"
	done
queued=$(find "$gs/outbox" -type f | wc -l)
[ "$queued" -eq "$N" ] || bench_die "$queued files in gammu-smsd's outbox, not $N"
gammu-smsd -c "$gs/smsdrc" >"$gs/smsd.out" 2>&1 &
gpid=$!
bench_pids+=("$gpid")
gs_status=ok
bench_wait_lines "$N" "$TIMEOUT" "$gs/sim0.jsonl" || gs_status=timeout
bench_stop_all
eval "$(python3 "$BENCH_LIB/simlog.py" span "$gs/sim0.jsonl")"
gs_count=$SPAN_COUNT
gs_wall=$SPAN_WALL_S
gs_rate=$SPAN_RATE
gs_errors=$(find "$gs/error" -type f | wc -l)

echo
printf '%-12s %6s %9s %9s  %s\n' daemon sent "wall s" "msg/s" status
printf '%-12s %6d %9.2f %9.2f  %s\n' smsmatchd "$sd_count" "$sd_wall" \
	"$sd_rate" "$sd_status"
printf '%-12s %6d %9.2f %9.2f  %s\n' gammu-smsd "$gs_count" "$gs_wall" \
	"$gs_rate" "$gs_status, $gs_errors in its error folder"
if [ "$(echo "$gs_rate > 0" | bc -l)" -eq 1 ]; then
	printf '\nratio smsmatchd / gammu-smsd: %.1fx   (goal >= 100x)\n' \
		"$(echo "$sd_rate / $gs_rate" | bc -l)"
else
	echo
	echo "ratio: gammu-smsd sent too little to compare; its log:"
	tail -n 10 "$gs/smsd.log" | sed 's/^/  /'
fi
echo "(smsmatchd is capped at rate_per_minute $RATE = $((RATE / 60)) SMS/s" \
	"on its one modem)"
