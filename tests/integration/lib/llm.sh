# SPDX-License-Identifier: GPL-2.0-or-later
#
# llm.sh - helpers for the language model tests (tests/integration/llm_*.sh),
# sourced after daemon.sh: the scripted OpenAI-compatible server
# (tests/tools/llm_server.py) on loopback, the llm = { } section of the
# configuration, a campaign on tests/data/llm/script.conf, and waits on
# what the simulator sent and what the daemon logged.

LLM_PORT=
LLM_PID=
LLM_REC=$T/llm-requests.jsonl # every request body, one per line
LLM_MODE=$T/llm-mode	      # the server's behaviour (first line)

# llm_server_start [MODE]: start the scripted server, wait for its port.
llm_server_start() {
	rm -f "$T/llm-port"
	echo "${1:-good}" >"$LLM_MODE"
	# the interpreter itself, so that $! is the server (not a subshell)
	"$DT_PY" "$TOOLS/llm_server.py" --port-file "$T/llm-port" \
		--record "$LLM_REC" --mode-file "$LLM_MODE" \
		2>>"$T/llm-server.err" &
	LLM_PID=$!
	DT_SIM_PIDS+=("$LLM_PID") # killed by dt_cleanup
	DT_SIM_NAMES+=(llm-server)
	dt_wait 20 "the scripted LLM server listens" test -s "$T/llm-port"
	LLM_PORT=$(cat "$T/llm-port")
}

# llm_server_stop: stop it (connections are refused from then on).
llm_server_stop() {
	kill "$LLM_PID" 2>/dev/null || true
	wait "$LLM_PID" 2>/dev/null || true
}

# llm_conf USES TIMEOUT_MS [MAX_IN_FLIGHT]: append the llm section to $CONF.
llm_conf() {
	cat >>"$CONF" <<EOF
llm = {
  enabled = true;
  url = "http://127.0.0.1:$LLM_PORT";
  model = "test-model";
  timeout_ms = $2;
  max_in_flight = ${3:-2};
  uses = [ $1 ];
};
EOF
}

# llm_campaign CSV: a running campaign on the test script; prints its id.
llm_campaign() {
	local id
	id=$(sm campaign new --name "Test LLM" \
		--script "$SRCDIR/tests/data/llm/script.conf" \
		--trade "Cariste" --start 2027-03-01 --end 2027-04-30 \
		--place "Metz" --seats 12 --prerequisite "permis B") ||
		fail "campaign new"
	sm candidates import "$1" --campaign "$id" >/dev/null || fail "import"
	sm campaign start "$id" >/dev/null || fail "campaign start"
	echo "$id"
}

# llm_sent NUMBER REGEX: how many SMS the simulator m1 sent to NUMBER
# whose text matches REGEX (Python re).
llm_sent() {
	python3 - "$T/m1.jsonl" "$1" "$2" <<'PY'
import json, re, sys
n = 0
try:
    for line in open(sys.argv[1]):
        m = json.loads(line)
        if m.get("to") == sys.argv[2] and re.search(sys.argv[3], m.get("text", "")):
            n += 1
except FileNotFoundError:
    pass
print(n)
PY
}

_llm_sent_ge() {
	[ "$(llm_sent "$1" "$2")" -ge "$3" ]
}

# llm_wait_sent NUMBER REGEX COUNT: wait until COUNT such SMS were sent.
llm_wait_sent() {
	dt_wait 60 "SMS /$2/ to $1 (x$3)" _llm_sent_ge "$1" "$2" "$3"
}

# llm_log_count REGEX: lines of the daemon's stderr matching REGEX (ERE).
llm_log_count() {
	grep -Ec -- "$1" "$DERR" || true
}
