# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# shellcheck disable=SC2034 # BENCH_LIB, CLK_TCK...: used by the sourcing script
#
# bench.sh - shell helpers shared by bench/daemon_*.sh: a temporary
# directory and the processes started in it (all stopped and removed on
# every exit path), simulated modems, a gateway configuration, a queue
# filled through the `smsmatch send` command, smsmatchd's CPU time and
# peak memory read from /proc before it exits.
#
# Source it after setting BUILD (default: ./build).  Nothing here asserts a
# figure: the benchmarks print what they measure.

BUILD=${BUILD:-$(pwd)/build}
BENCH_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SM=$BUILD/smsmatch
SMD=$BUILD/smsmatchd
SIM=$BUILD/smsmatch-modemsim
CLK_TCK=$(getconf CLK_TCK)

# One first-contact text, GSM 7-bit (é, à and è are in the GSM alphabet),
# one part of at most 160 characters: the common case of a campaign.
BENCH_TEXT="Bonjour, France Travail vous propose une formation de cariste à Vitré en mars. Intéressé(e) ? Répondez OUI ou NON. STOP pour ne plus recevoir"

bench_pids=()
BENCH_DIR=""

bench_die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

bench_cleanup() {
	local p
	for p in "${bench_pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${bench_pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	bench_pids=()
	[ -n "$BENCH_DIR" ] && rm -rf "$BENCH_DIR"
	BENCH_DIR=""
}

# bench_init NAME: check the programs, make $BENCH_DIR, arm the cleanup.
bench_init() {
	local p
	for p in "$SM" "$SMD" "$SIM"; do
		[ -x "$p" ] || bench_die "$p is missing: run make first"
	done
	command -v python3 >/dev/null ||
		bench_die "python3 is needed (scripts/install-deps.sh)"
	BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/smsmatch-$1.XXXXXX")
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
}

# bench_forget PID: a process this script stopped itself.
bench_forget() {
	local p keep=()
	for p in "${bench_pids[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	bench_pids=("${keep[@]}")
}

# bench_wait_path PATH: wait (at most 10 s) for PATH to appear.
bench_wait_path() {
	local _
	for _ in $(seq 1000); do
		[ -e "$1" ] && return 0
		sleep 0.01
	done
	bench_die "$1 never appeared"
}

# bench_start_sims DIR COUNT [SIMULATOR OPTIONS...]: modems DIR/sim0 ..
# DIR/sim<COUNT-1>, each logging what it sends to DIR/sim<i>.jsonl.
bench_start_sims() {
	local dir=$1 count=$2 i
	shift 2
	for ((i = 0; i < count; i++)); do
		"$SIM" --link "$dir/sim$i" --log "$dir/sim$i.jsonl" \
			--name "sim$i" "$@" 2>"$dir/sim$i.err" &
		bench_pids+=($!)
	done
	for ((i = 0; i < count; i++)); do
		bench_wait_path "$dir/sim$i"
	done
}

# bench_stop_all: stop every process started so far and wait for it.
bench_stop_all() {
	local p
	for p in "${bench_pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${bench_pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	bench_pids=()
}

# bench_config DIR COUNT RATE: DIR/smsmatch.conf for COUNT modems DIR/sim<i>
# at RATE SMS per minute each, database DIR/db.sqlite, always open.
bench_config() {
	local dir=$1 count=$2 rate=$3 i sep=""
	{
		echo "database = \"$dir/db.sqlite\";"
		echo 'timezone = "Europe/Paris";'
		echo 'log_level = "info";'
		echo 'agency = { name = "Bench"; signature = "Bench"; };'
		echo 'modems = ('
		for ((i = 0; i < count; i++)); do
			echo "  $sep{ name = \"sim$i\"; device = \"$dir/sim$i\";"
			echo "    driver = \"generic\"; rate_per_minute = $rate;"
			echo "    daily_limit = 10000; }"
			sep=","
		done
		echo ');'
		echo 'sending = { hours = "00:00-24:00"; days = "mon-sun";'
		echo '  holidays = "none"; };'
	} >"$dir/smsmatch.conf"
}

# bench_queue CONFIG N: N messages queued with `smsmatch send`, to
# +33612000001 onwards (two at a time: the command waits for its commit).
# One command creates the database first: two processes creating it at
# once may see "database is locked" (PRAGMA journal_mode=WAL on a new file).
bench_queue() {
	local conf=$1 n=$2
	"$SM" -c "$conf" queue --json >/dev/null 2>"$BENCH_DIR/queue.err" ||
		bench_die "smsmatch queue failed: $(head -n 1 "$BENCH_DIR/queue.err")"
	seq 1 "$n" | awk '{ printf "+33612%06d\n", $1 }' |
		xargs -P 2 -I NUM "$SM" -c "$conf" send --to NUM \
			"$BENCH_TEXT" >/dev/null 2>"$BENCH_DIR/queue.err" ||
		bench_die "smsmatch send failed: $(head -n 1 "$BENCH_DIR/queue.err")"
}

# bench_queue_json CONFIG: the queue counters as one JSON object.
bench_queue_json() {
	"$SM" -c "$1" queue --json
}

# bench_count_lines FILES...: lines in all of them (absent files count 0).
bench_count_lines() {
	cat "$@" 2>/dev/null | wc -l
}

# bench_wait_lines N TIMEOUT_S FILES...: wait until the files hold N lines
# in all, or TIMEOUT_S seconds; returns 1 on timeout.
bench_wait_lines() {
	local n=$1 timeout=$2 end
	shift 2
	end=$((SECONDS + timeout))
	while [ "$(bench_count_lines "$@")" -lt "$n" ]; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
	return 0
}

# bench_wait_delivered CONFIG N TIMEOUT_S: wait until N messages are
# delivered (status reports processed), until the count stops moving for
# 3 s, or TIMEOUT_S; sets DELIVERED; returns 1 unless all N are.
bench_wait_delivered() {
	local conf=$1 n=$2 timeout=$3 end last=-1 still=0
	end=$((SECONDS + timeout))
	while :; do
		DELIVERED=$(bench_queue_json "$conf" | jq .delivered)
		[ "$DELIVERED" -ge "$n" ] && return 0
		if [ "$DELIVERED" -eq "$last" ]; then
			still=$((still + 1))
		else
			still=0
			last=$DELIVERED
		fi
		[ "$still" -ge 6 ] || [ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.5
	done
}

# bench_cpu_ticks PID: utime + stime of PID in clock ticks (proc(5)).
bench_cpu_ticks() {
	# Fields after the ")" that ends the command name: utime is the
	# 12th, stime the 13th.
	sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# bench_vmhwm_kb PID: peak resident set size of PID in kB.
bench_vmhwm_kb() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}
