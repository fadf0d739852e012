#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# daemon_latency.sh - how close smsmatchd keeps slow modems to their
# physical limit: 8 simulated modems answering every AT+CMGS after 3 s
# (--latency-ms 3000), so each can send at most 20 SMS per minute.
#
#   BUILD=build bench/daemon_latency.sh [SECONDS [MODEMS [LATENCY_MS]]]
#
# More messages are queued (with `smsmatch send`) than the modems can send
# in SECONDS (default 120); the daemon runs for SECONDS after the first
# send, then stops.  Printed: per modem, the sends per minute in the steady
# state (the first and last send of each modem excluded), their sum as a
# share of the physical limit MODEMS x 60000 / LATENCY_MS per minute (goal:
# 98 % or more), the mean and worst gap between two sends of a modem, and
# the daemon's CPU time per message and peak RSS.  Figures only: nothing is
# asserted; the processes and the temporary directory are cleaned up on
# every exit path.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib/bench.sh
. "$here/lib/bench.sh"

DURATION=${1:-120}
MODEMS=${2:-8}
LATENCY=${3:-3000}
RATE=6000
# A quarter more than the modems could ever send in DURATION.
N=$((MODEMS * DURATION * 1000 * 5 / (LATENCY * 4) + MODEMS))

bench_init latency
dir=$BENCH_DIR
limit=$(echo "scale=2; $MODEMS * 60000 / $LATENCY" | bc -l)

echo "== smsmatchd on slow modems: $MODEMS simulators, $LATENCY ms per send," \
	"$DURATION s"
echo "   ($(nproc) CPUs, rate_per_minute $RATE, $(date -u +%FT%TZ))"
bench_config "$dir" "$MODEMS" "$RATE"
bench_queue "$dir/smsmatch.conf" "$N"
echo "   $N messages queued; physical limit $limit SMS/min"

bench_start_sims "$dir" "$MODEMS" --latency-ms "$LATENCY"
logs=()
for ((i = 0; i < MODEMS; i++)); do
	logs+=("$dir/sim$i.jsonl")
done
"$SMD" -c "$dir/smsmatch.conf" -f 2>"$dir/smsmatchd.err" &
dpid=$!
bench_pids+=("$dpid")

# The clock starts at the first send (modem init is not the point here).
bench_wait_lines 1 60 "${logs[@]}" || bench_die "no send within 60 s"
end=$((SECONDS + DURATION))
while [ "$SECONDS" -lt "$end" ] && kill -0 "$dpid" 2>/dev/null; do
	sleep 1
done
ticks=0
hwm=0
if kill -0 "$dpid" 2>/dev/null; then
	ticks=$(bench_cpu_ticks "$dpid")
	hwm=$(bench_vmhwm_kb "$dpid")
	kill -TERM "$dpid"
	wait "$dpid" 2>/dev/null || true
	bench_forget "$dpid"
else
	echo "   the daemon exited early; end of its log:"
	tail -n 5 "$dir/smsmatchd.err" | sed 's/^/     /'
fi
bench_stop_all

eval "$(python3 "$BENCH_LIB/simlog.py" span "${logs[@]}")"
eval "$(python3 "$BENCH_LIB/simlog.py" steady "${logs[@]}")"
share=$(echo "scale=2; 100 * $STEADY_PER_MIN / $limit" | bc -l)
cpu_ms=0
[ "$SPAN_COUNT" -gt 0 ] &&
	cpu_ms=$(echo "scale=3; $ticks * 1000 / $CLK_TCK / $SPAN_COUNT" | bc -l)

echo
printf '%-34s %s\n' "sends logged" "$SPAN_COUNT in $SPAN_WALL_S s"
printf '%-34s %s\n' "steady-state sends (inner)" "$STEADY_SENDS"
printf '%-34s %.2f SMS/min\n' "steady state, all modems" "$STEADY_PER_MIN"
printf '%-34s %.2f SMS/min\n' "physical limit" "$limit"
printf '%-34s %.2f %%   (goal >= 98 %%)\n' "share of the limit" "$share"
printf '%-34s %.2f .. %.2f SMS/min\n' "per modem, slowest .. fastest" \
	"$STEADY_MIN" "$STEADY_MAX"
printf '%-34s %.1f ms mean, %.1f ms worst (send %d ms)\n' \
	"gap between two sends of a modem" "$STEADY_GAP_MS" \
	"$STEADY_GAP_MAX_MS" "$LATENCY"
printf '%-34s %.3f ms/msg, peak RSS %.1f MB\n' "daemon CPU" "$cpu_ms" \
	"$(echo "scale=1; $hwm / 1024" | bc -l)"
