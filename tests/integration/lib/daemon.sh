# SPDX-License-Identifier: GPL-2.0-or-later
#
# daemon.sh - shell helpers for the smsmatchd integration tests
# (tests/integration/daemon_*.sh), sourced, not run: a temp dir removed on
# exit, simulated modems (smsmatch-modemsim) and the daemon started and
# killed by their process ids, a configuration writer, bounded waits, the
# simulators' control sockets, and the checks every test ends with (no
# sanitizer report, no full phone number in the daemon's log).
#
# Needs BUILD (the directory with the binaries) and SRCDIR (repo root,
# default "."), as tests/run.sh sets them.  DT_KEEP=1 keeps the temp dir
# (logs, database) for a look after a failure; DT_LOG_LEVEL=debug makes
# the daemon log its AT traffic.

set -euo pipefail
: "${BUILD:?BUILD must name the build directory}"
SRCDIR=${SRCDIR:-.}
SM=$BUILD/smsmatch
SMD=$BUILD/smsmatchd
SIM=$BUILD/smsmatch-modemsim
TOOLS=$SRCDIR/tests/tools
# python3 itself, not a version manager's shim (a shim costs ~0.3 s a call)
DT_PY=$(python3 -c 'import sys; print(sys.executable)')
python3() {
	"$DT_PY" "$@"
}
T=$(mktemp -d "${TMPDIR:-/tmp}/smsmatch-dtest.XXXXXX")
CONF=$T/smsmatch.conf
DERR=$T/daemon.err	# the daemon's stderr, over every restart
DAEMON_PID=
DT_SIM_PIDS=()		# simulator pids, by start order
DT_SIM_NAMES=()		# their names
DT_NDAEMON=0		# daemons started so far
: >"$DERR"

# Stop everything this test started (by pid), print the daemon's log tail
# when the test failed, and remove the temp dir.
dt_cleanup() {
	local rc=$?
	set +e
	[ -n "$DAEMON_PID" ] && kill -9 "$DAEMON_PID" 2>/dev/null
	for p in "${DT_SIM_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if [ $rc -ne 0 ] && [ -s "$DERR" ]; then
		echo "--- last lines of the daemon's stderr"
		tail -n 30 "$DERR"
	fi
	if [ -n "${DT_KEEP:-}" ]; then
		echo "kept $T (DT_KEEP)"
	else
		rm -rf "$T"
	fi
	exit $rc
}
trap dt_cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

ok() {
	echo "ok: $* [${SECONDS}s]"
}

# dt_wait SECONDS WHAT COMMAND...: poll COMMAND every 0.2 s until it
# succeeds; fail naming WHAT after SECONDS.  A bound, not a timed assertion.
dt_wait() {
	local limit=$1 what=$2
	shift 2
	local end=$((SECONDS + limit))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || fail "never happened within ${limit}s: $what"
		sleep 0.2
	done
}

# dt_sim NAME [modemsim options...]: start a simulated modem with its link
# $T/NAME, control socket $T/NAME.ctl and JSON log $T/NAME.jsonl.
dt_sim() {
	local name=$1
	shift
	"$SIM" --link "$T/$name" --control "$T/$name.ctl" \
		--log "$T/$name.jsonl" --name "$name" "$@" \
		2>>"$T/$name.err" &
	DT_SIM_PIDS+=($!)
	DT_SIM_NAMES+=("$name")
	dt_wait 10 "simulator $name starts" test -e "$T/$name" -a -e "$T/$name.ctl"
}

# dt_sim_pid NAME: the pid of simulator NAME.
dt_sim_pid() {
	for i in "${!DT_SIM_NAMES[@]}"; do
		if [ "${DT_SIM_NAMES[$i]}" = "$1" ]; then
			echo "${DT_SIM_PIDS[$i]}"
			return 0
		fi
	done
	return 1
}

# dt_sim_stop NAME...: SIGTERM, so that each writes its incomplete
# messages to its log; each must exit 0.
dt_sim_stop() {
	local name pid rc
	for name in "$@"; do
		pid=$(dt_sim_pid "$name")
		kill -TERM "$pid" 2>/dev/null || continue
		rc=0
		wait "$pid" || rc=$?
		[ $rc -eq 0 ] || fail "simulator $name exited with status $rc"
	done
}

# dt_ctl NAME COMMAND...: one line to simulator NAME's control socket;
# prints the answer line, fails unless it starts with OK.
dt_ctl() {
	local name=$1
	shift
	python3 "$TOOLS/simctl.py" "$T/$name.ctl" "$*"
}

# dt_conf MODEM... : write $CONF: database in $T, a sending window that is
# always open unless DT_HOURS says otherwise, retries after 1 s, and one
# modem entry per name (device $T/NAME, 6000 parts/min: the simulators
# have no operator behind them).  DT_MODEM_EXTRA is added to each entry.
dt_conf() {
	local name
	{
		echo "database = \"$T/smsmatch.db\";"
		echo "timezone = \"Europe/Paris\";"
		echo "log_level = \"${DT_LOG_LEVEL:-info}\";"
		echo "agency = { name = \"Agence de test\"; };"
		echo "modems = ("
		local sep=""
		for name in "$@"; do
			printf '%s  { name = "%s"; device = "%s"; driver = "generic";\n' \
				"$sep" "$name" "$T/$name"
			printf '    rate_per_minute = 6000; daily_limit = 10000; %s }\n' \
				"${DT_MODEM_EXTRA:-}"
			sep=","
		done
		echo ");"
		echo "sending = {"
		echo "  hours = \"${DT_HOURS:-00:00-24:00}\";"
		echo "  days = \"mon-sun\"; holidays = \"none\";"
		echo "  retry = { max_attempts = 20; initial_backoff_s = 1;"
		echo "            max_backoff_s = 2; };"
		echo "};"
	} >"$CONF.new"
	# Atomically: a CLI or smsmatchd reading it meanwhile must not see
	# half a file (no database key: the default /var/lib path).
	mv -f "$CONF.new" "$CONF"
}

# sm ARGS...: the smsmatch CLI on $CONF.
sm() {
	"$SM" -c "$CONF" "$@"
}

# dt_daemon_start: start smsmatchd -f on $CONF (stderr appended to $DERR)
# and wait until it has said "started".
dt_daemon_start() {
	local before
	before=$(grep -c ' started: ' "$DERR" || true)
	echo "=== daemon start $((DT_NDAEMON + 1))" >>"$DERR"
	"$SMD" -c "$CONF" -f 2>>"$DERR" &
	DAEMON_PID=$!
	DT_NDAEMON=$((DT_NDAEMON + 1))
	dt_wait 20 "smsmatchd starts" _dt_started "$before"
}

_dt_started() {
	kill -0 "$DAEMON_PID" || fail "smsmatchd died at start: $(tail -n 5 "$DERR")"
	[ "$(grep -c ' started: ' "$DERR")" -gt "$1" ]
}

# dt_wait_ready N: wait until N modems said "ready" since the last start.
dt_wait_ready() {
	dt_wait 30 "$1 modem(s) ready" _dt_ready "$1"
}

_dt_ready() {
	kill -0 "$DAEMON_PID" || fail "smsmatchd died: $(tail -n 5 "$DERR")"
	[ "$(sed -n "/^=== daemon start $DT_NDAEMON\$/,\$p" "$DERR" |
		grep -c ': ready (.*signal')" -ge "$1" ]
}

# dt_daemon_kill9: SIGKILL the daemon and reap it.
dt_daemon_kill9() {
	kill -9 "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null || true
	DAEMON_PID=
}

# dt_daemon_term: SIGTERM; the daemon must exit 0 within 20 s (a bound).
dt_daemon_term() {
	local rc=0 i
	kill -TERM "$DAEMON_PID"
	for i in $(seq 200); do
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$DAEMON_PID" 2>/dev/null && fail "smsmatchd still running 20 s after SIGTERM"
	wait "$DAEMON_PID" || rc=$?
	DAEMON_PID=
	[ $rc -eq 0 ] || fail "smsmatchd exited with status $rc after SIGTERM: $(tail -n 20 "$DERR")"
}

# dt_queue STATE: how many outbound messages are in STATE.
dt_queue() {
	sm queue --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# dt_wait_drained SECONDS: wait until nothing is queued or claimed.
dt_wait_drained() {
	dt_wait "$1" "the queue drains" _dt_drained
}

_dt_drained() {
	[ -z "$DAEMON_PID" ] || kill -0 "$DAEMON_PID" || fail "smsmatchd died: $(tail -n 5 "$DERR")"
	sm queue --json | python3 -c '
import json, sys
q = json.load(sys.stdin)
sys.exit(0 if q["queued"] + q["claimed"] == 0 else 1)'
}

# dt_send_file FILE: queue every "NUMBER<TAB>TEXT" line of FILE with
# `smsmatch send`, in order; appends "ID<TAB>NUMBER<TAB>TEXT" lines to
# FILE.ids.
dt_send_file() {
	local to text id
	while IFS=$'\t' read -r to text; do
		id=$(sm send --to "$to" "$text") || fail "smsmatch send --to $to failed"
		printf '%s\t%s\t%s\n' "$id" "$to" "$text" >>"$1.ids"
	done <"$1"
}

# dt_check_stderr: the daemon's stderr holds no sanitizer report and no
# full test number (+336..., 06...): only the last two digits show.
dt_check_stderr() {
	if grep -E 'runtime error|ERROR: AddressSanitizer|ERROR: LeakSanitizer' "$DERR"; then
		fail "sanitizer report in the daemon's stderr"
	fi
	if grep -En '\+?33[0-9]{9}|\b0[67][0-9]{8}\b' "$DERR" | head -5 | grep .; then
		fail "a full phone number in the daemon's log"
	fi
	ok "daemon log: no sanitizer report, numbers masked ($(wc -l <"$DERR") lines)"
}

# dt_resolve_unconfirmed IDS MAX: wait until the daemon has sent all it
# can (what is left waits behind an unconfirmed message to the same
# recipient), check every message of IDS arrived once in the simulator
# logs $T/*.jsonl except the unconfirmed ones (at most MAX, each at most
# once, each listed by `smsmatch queue` with its part in doubt), then
# settle each with `smsmatch queue resolve`: "sent" when the simulator got
# it, "resend" when it did not.  With none, checks that resolve refuses a
# message that is not unconfirmed.  DT_HELD_KINDS: kinds the sending
# window holds (not waited for).
dt_resolve_unconfirmed() {
	local ids=$1 max=$2 id how line settled
	dt_wait 150 "everything sent but what waits behind an unconfirmed message" \
		python3 "$TOOLS/dtcheck.py" settled "$T/smsmatch.db" ${DT_HELD_KINDS:-}
	settled=$(python3 "$TOOLS/dtcheck.py" db "$T/smsmatch.db" \
		"SELECT count(*) FROM outbox WHERE was_unconfirmed = 1")
	echo "unconfirmed for a while, then settled by a status report: $settled"
	sm queue >"$T/queue.txt"
	cat "$T/queue.txt"
	python3 "$TOOLS/dtcheck.py" outbound "$ids" "$T/smsmatch.db" \
		"$T"/*.jsonl --unconfirmed-ok --max-unconfirmed "$max" \
		--summary "$T/summary.json" || fail "outbound check"
	python3 -c '
import json, sys
for u in json.load(open(sys.argv[1]))["unconfirmed"]:
    print(u["id"], "sent" if u["arrived"] else "resend")' \
		"$T/summary.json" >"$T/unconfirmed.txt"
	while read -r id how; do
		line=$(grep "^  unconfirmed $id  to +336" "$T/queue.txt") ||
			fail "unconfirmed message $id not listed by smsmatch queue"
		# "part K/N": the part in doubt, 1 <= K <= N
		[[ $line =~ \ part\ ([0-9]+)/([0-9]+)\  ]] &&
			[ "${BASH_REMATCH[1]}" -ge 1 ] &&
			[ "${BASH_REMATCH[1]}" -le "${BASH_REMATCH[2]}" ] ||
			fail "unconfirmed listing: $line"
		sm queue show "$id" | grep -q '^  state: unconfirmed$' ||
			fail "queue show $id: $(sm queue show "$id")"
		[ "$(sm queue resolve "$id" "$how")" = "message $id: $how" ] ||
			fail "queue resolve $id $how"
		ok "unconfirmed message $id listed, resolved as $how"
	done <"$T/unconfirmed.txt"
	if [ ! -s "$T/unconfirmed.txt" ]; then
		id=$(head -n1 "$ids" | cut -f1)
		line=$(sm queue resolve "$id" sent 2>&1) &&
			fail "resolve of a message that is not unconfirmed succeeded"
		[ "$line" = "smsmatch: queue: message $id is not unconfirmed" ] ||
			fail "resolve message: $line"
		ok "no unconfirmed message this time; resolve refuses message $id"
	fi
}
