#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# daemon_throughput.sh - smsmatchd's throughput through zero-latency
# simulated modems, with 1, 4 and 16 modems.
#
#   BUILD=build bench/daemon_throughput.sh [N [MODEM COUNTS...]]
#
# N messages (default 2000, one GSM 7-bit part each) are queued with
# `smsmatch send` before the daemon starts; the daemon then sends them all
# through COUNT simulators (default 1 4 16; rate_per_minute 60000, the
# configuration's maximum).  Printed per modem count:
#   msg/s      messages over the wall clock from the first to the last send
#              in the simulators' logs
#   limit      what rate_per_minute allows (modems x 100 msg/s)
#   CPU ms/msg the daemon's utime + stime (/proc/PID/stat), read once every
#              message is delivered (status reports processed) and before
#              it exits, divided by N: start-up and modem init included
#   peak RSS   the daemon's VmHWM (/proc/PID/status)
#   status     ok, or how many status reports were still pending 3 s
#              after the count of delivered messages stopped moving
# Goals printed beside them: under 2 ms CPU per message, under 16 MB RSS
# with 16 modems.  Figures only: nothing is asserted.  Each run stops
# after 300 s whatever happens; every process and the temporary directory
# are cleaned up on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib/bench.sh
. "$here/lib/bench.sh"

N=${1:-2000}
shift || true
COUNTS=("$@")
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(1 4 16)
RATE=60000
RUN_TIMEOUT=300

bench_init throughput

echo "== smsmatchd throughput: $N messages queued, zero-latency simulators"
echo "   ($(nproc) CPUs, rate_per_minute $RATE per modem, $(date -u +%FT%TZ))"

# One queue, filled once, copied for every run.
tpl=$BENCH_DIR/template
mkdir -p "$tpl"
bench_config "$tpl" 1 "$RATE"
t0=$(date +%s.%N)
bench_queue "$tpl/smsmatch.conf" "$N"
t1=$(date +%s.%N)
queued=$(bench_queue_json "$tpl/smsmatch.conf" | jq .queued)
[ "$queued" -eq "$N" ] || bench_die "$queued messages queued, not $N"
printf '   queued with smsmatch send (2 at a time) in %.1f s\n\n' \
	"$(echo "$t1 - $t0" | bc -l)"

rows=()
notes=()
for count in "${COUNTS[@]}"; do
	dir=$BENCH_DIR/m$count
	mkdir -p "$dir"
	cp "$tpl"/db.sqlite* "$dir/"
	bench_config "$dir" "$count" "$RATE"
	bench_start_sims "$dir" "$count"
	logs=()
	for ((i = 0; i < count; i++)); do
		logs+=("$dir/sim$i.jsonl")
	done

	"$SMD" -c "$dir/smsmatch.conf" -f 2>"$dir/smsmatchd.err" &
	dpid=$!
	bench_pids+=("$dpid")
	status=ok
	DELIVERED=0
	if ! bench_wait_lines "$N" "$RUN_TIMEOUT" "${logs[@]}"; then
		status="timeout"
	elif ! bench_wait_delivered "$dir/smsmatch.conf" "$N" 30; then
		status="$((N - DELIVERED)) reports pending"
	fi
	if ! kill -0 "$dpid" 2>/dev/null; then
		status="daemon exited"
		ticks=0
		hwm=0
	else
		ticks=$(bench_cpu_ticks "$dpid")
		hwm=$(bench_vmhwm_kb "$dpid")
		kill -TERM "$dpid"
		wait "$dpid" 2>/dev/null || true
		bench_forget "$dpid"
	fi
	bench_stop_all
	eval "$(python3 "$BENCH_LIB/simlog.py" span "${logs[@]}")"
	cpu_ms=$(echo "scale=3; $ticks * 1000 / $CLK_TCK / $N" | bc -l)
	rows+=("$(printf '%7d %8d %9.1f %7d %9.2f %11.3f %10.1f  %s' "$count" \
		"$SPAN_COUNT" "$SPAN_RATE" $((count * RATE / 60)) \
		"$SPAN_WALL_S" "$cpu_ms" \
		"$(echo "scale=1; $hwm / 1024" | bc -l)" "$status")")
	if ! grep -q "stopped$" "$dir/smsmatchd.err"; then
		notes+=("$count modem(s), end of the daemon's log:")
		while IFS= read -r l; do
			notes+=("  $l")
		done < <(tail -n 5 "$dir/smsmatchd.err")
	fi
	rm -rf "$dir"
done

printf '%7s %8s %9s %7s %9s %11s %10s  %s\n' modems sent "msg/s" limit \
	"wall s" "CPU ms/msg" "RSS MB" status
for r in "${rows[@]}"; do
	echo "$r"
done
echo
for l in "${notes[@]}"; do
	echo "$l"
done
echo "goals: CPU < 2 ms/msg; peak RSS < 16 MB with 16 modems"
echo "(limit: modems x rate_per_minute / 60, the configured ceiling in msg/s;"
echo " CPU time in ticks of 1/$CLK_TCK s, includes start-up and status" \
	"reports; RSS is VmHWM)"
