#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# protocol.sh - the LLM client against a real llama.cpp llama-server on
# loopback (issue #5).  scripts/llama-server.sh builds the server once per
# machine (cached); tiny_model.py makes a 2-layer model with random weights
# (cached next to it).  Its answers are meaningless: what is tested is that
# the requests the client sends are accepted by a real server (HTTP 200, no
# 4xx), that the JSON schema the client sends is one llama.cpp enforces and
# that the content comes back conforming to it (schema_check.py), and that
# the client ends in a verdict or a named fallback reason, never a
# transport or reply error.  capture.py sits between the two and records
# every exchange; a second capture.py refuses json_schema, so the client's
# json_object fallback reaches the server too.
#
# The client's requests: interpret from `smsmatch llm test --json`, clarify
# from build/tests/tools/llm-request (the same library calls the daemon
# makes).  Run by `make check-llama`, not by `make check`.
#
#   BUILD=$PWD/build SRCDIR=$PWD bash tests/llama/protocol.sh
#   LLAMA_SERVER=/path/to/llama-server LLAMA_SRC=/path/to/llama.cpp ...
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$SRCDIR/build}
HERE=$SRCDIR/tests/llama
SM=$BUILD/smsmatch
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
T=$(mktemp -d)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	# LLAMA_KEEP=DIR keeps the exchanges and the server log
	[ -n "${LLAMA_KEEP:-}" ] && cp -r "$T" "$LLAMA_KEEP"
	if [ -f "$T/server.log" ]; then
		echo "--- llama-server log (last lines)"
		tail -n 15 "$T/server.log"
	fi
	exit 1
}
SC() { $PY "$HERE/schema_check.py" "$@"; }

# ---- the server and the model (both cached)
SERVER=${LLAMA_SERVER:-$("$SRCDIR/scripts/llama-server.sh")} ||
	fail "scripts/llama-server.sh"
[ -x "$SERVER" ] || fail "no llama-server at '$SERVER'"
LDIR=$(cd "$(dirname "$SERVER")/../.." && pwd)
LLAMA_SRC=${LLAMA_SRC:-$LDIR/src}
MODEL=$LDIR/tiny-$(sha1sum "$HERE/tiny_model.py" | cut -c1-12).gguf
PYTHONPATH=$LLAMA_SRC/gguf-py $PY "$HERE/tiny_model.py" "$LLAMA_SRC" \
	"$MODEL" || fail "tiny_model.py"

# ---- the checker itself can fail (the schema and reply of an earlier
# attempt: an unbounded number and an open object)
SC lint "$HERE/bad/request.json" 2>"$T/bad.err" &&
	fail "schema_check passed a schema llama.cpp cannot enforce"
grep -q 'number with minimum/maximum' "$T/bad.err" ||
	fail "schema_check: $(cat "$T/bad.err")"
grep -q 'open object' "$T/bad.err" || fail "schema_check: $(cat "$T/bad.err")"
SC content "$HERE/bad/request.json" "$HERE/bad/reply.json" 2>/dev/null &&
	fail "schema_check passed confidence 8.9 for 0..1"

# ---- start llama-server on a free loopback port (it picks one: --port 0)
"$SERVER" -m "$MODEL" --host 127.0.0.1 --port 0 -c 2048 -np 1 -t 1 \
	--no-webui --no-warmup --offline >"$T/server.log" 2>&1 &
PIDS+=($!)
SPID=$!
PORT=
for _ in $(seq 1 600); do
	kill -0 "$SPID" 2>/dev/null || fail "llama-server exited"
	PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' \
		"$T/server.log" | head -n 1)
	[ -n "$PORT" ] && break
	sleep 0.2
done
[ -n "$PORT" ] || fail "llama-server did not listen within 120 s"
UP=http://127.0.0.1:$PORT
for _ in $(seq 1 600); do
	code=$(curl -s -o /dev/null -w '%{http_code}' "$UP/health")
	[ "$code" = 200 ] && break
	kill -0 "$SPID" 2>/dev/null || fail "llama-server exited"
	sleep 0.2
done
[ "$code" = 200 ] || fail "/health is $code after 120 s"

# capture NAME [ARGS]: a recording proxy to the server; its URL in $CAP
capture() {
	local name=$1
	shift
	$PY "$HERE/capture.py" --dir "$T/$name" --port-file "$T/$name.port" \
		--upstream "$UP" "$@" &
	PIDS+=($!)
	for _ in $(seq 1 100); do
		[ -s "$T/$name.port" ] && break
		sleep 0.1
	done
	[ -s "$T/$name.port" ] || fail "capture.py $name did not start"
	CAP=http://127.0.0.1:$(cat "$T/$name.port")
}
capture plain
PLAIN=$CAP
capture refuse --refuse-json-schema
REFUSE=$CAP

# The server really checks what it gets: a response_format it does not
# know is a 4xx, so "no 4xx" below means something.
code=$(curl -s -o "$T/bogus.out" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d '{"model":"t","messages":[{"role":"user","content":"x"}],"response_format":{"type":"bogus"}}' \
	"$UP/v1/chat/completions")
case $code in
4*) ;;
*) fail "llama-server took a bogus response_format: HTTP $code" ;;
esac

# check_exchange DIR N: exchange N of DIR was accepted (HTTP 200), asked
# for a schema llama.cpp enforces, and its content conforms to it.
check_exchange() {
	local d=$1 n
	n=$(printf '%03d' "$2")
	[ -f "$d/$n.status" ] || fail "$d: no exchange $n"
	[ "$(cat "$d/$n.status")" = 200 ] ||
		fail "$d/$n: HTTP $(cat "$d/$n.status"): $(head -c 300 "$d/$n.resp.json")"
	SC lint "$d/$n.req.json" || fail "$d/$n: schema"
	SC content "$d/$n.req.json" "$d/$n.resp.json" || fail "$d/$n: content"
}

"$SM" llm test --help >/dev/null 2>&1 || fail "$SM has no 'llm test'"
REQ=$BUILD/tests/tools/llm-request
[ -x "$REQ" ] || fail "no $REQ (make tests)"
cat >"$T/conf" <<EOF
database = "$T/db.sqlite";
timezone = "Europe/Paris";
llm = {
	enabled = true;
	url = "PLACEHOLDER";
	model = "tiny";
	timeout_ms = 60000;
	max_in_flight = 1;
	uses = ["interpret", "clarify"];
};
EOF
# llm_test URL NAME [--answer TEXT]: the client's interpret request,
# `smsmatch llm test --json`, its output in $T/NAME.json
llm_test() {
	local url=$1 name=$2
	shift 2
	sed "s|PLACEHOLDER|$url|" "$T/conf" >"$T/conf.$name"
	"$SM" -c "$T/conf.$name" llm test --json "$@" >"$T/$name.json" \
		2>"$T/$name.err"
	echo $? >"$T/$name.rc"
	# exit 1 is a fallback: sanitizer reports are looked for in stderr
	! grep -q -e 'Sanitizer' -e 'runtime error' "$T/$name.err" ||
		fail "$name: $(cat "$T/$name.err")"
	case $(cat "$T/$name.rc") in
	0 | 1) ;;
	*) fail "$name: llm test exit $(cat "$T/$name.rc"): $(cat "$T/$name.err")" ;;
	esac
}
# client_end NAME FORMAT: after a complete chat completion sent with
# FORMAT (json_schema or json_object), the client ends in a verdict or a
# named fallback.  With json_schema the content conforms to the schema
# (checked before), so the only fallback left is the model's "unclear".
client_end() {
	$PY - "$T/$1.json" "$2" <<'PY' || fail "$1: $(cat "$T/$1.json" "$T/$1.err")"
import json, sys
o = json.load(open(sys.argv[1]))
fmt = sys.argv[2]
assert o["http_status"] == 200, o
assert o["response_format"] == fmt, o
assert isinstance(o.get("content"), str), o
if "verdict" in o:
    v = o["verdict"]
    assert isinstance(v["category"], str) and v["category"], o
    assert 0 <= v["confidence"] <= 1, o
else:
    why = o.get("error")
    assert isinstance(why, str) and why, o
    if fmt == "json_schema":
        assert why == "the model found the answer unclear", o
    else:
        assert why.startswith("model ") or "unclear" in why, o
PY
}

# ---- interpret: `smsmatch llm test --json`, three answers
n=0
for answer in "" "wi dac" "nn g pas de voiture 06 12 34 56 78 toto@example.fr"; do
	n=$((n + 1))
	if [ -n "$answer" ]; then
		llm_test "$PLAIN" "s$n" --answer "$answer"
	else
		llm_test "$PLAIN" "s$n"
	fi
	check_exchange "$T/plain" "$n"
	client_end "s$n" json_schema
	# the prompt never carries the number or the address
	! grep -q -e '06 12 34' -e 'toto@' "$T/plain/$(printf %03d $n).req.json" ||
		fail "s$n: unmasked number or e-mail sent"
	echo "  interpret '${answer:-sample}': $(tr -d '\n' <"$T/s$n.json" | head -c 300)"
done

# ---- clarify: the client's request (llm-request), read back by the client
for q in "c'est payé ?" "c'est où exactement ?"; do
	n=$((n + 1))
	"$REQ" clarify tiny "$q" >"$T/clarify.json" || fail "llm-request clarify"
	code=$(curl -s -o /dev/null -w '%{http_code}' \
		-H 'Content-Type: application/json' --data-binary "@$T/clarify.json" \
		"$PLAIN/v1/chat/completions")
	[ "$code" = 200 ] || fail "clarify '$q': HTTP $code"
	check_exchange "$T/plain" "$n"
	"$REQ" draft "$T/plain/$(printf %03d $n).resp.json" >"$T/draft.json" ||
		fail "llm-request draft"
	$PY - "$T/draft.json" <<'PY' || fail "clarify '$q': $(cat "$T/draft.json")"
import json, sys
o = json.load(open(sys.argv[1]))
assert "draft" in o, o
assert isinstance(o["draft"]["known"], bool), o
assert isinstance(o["one_sms"], bool), o
PY
	echo "  clarify '$q': $(head -c 300 "$T/draft.json")"
done

# ---- json_object fallback: json_schema refused with a 400
llm_test "$REFUSE" fb
[ "$(cat "$T/refuse/001.status")" = 400 ] || fail "fallback: no refusal"
[ -f "$T/refuse/002.status" ] || fail "fallback: no second request"
$PY -c 'import json,sys; assert json.load(open(sys.argv[1]))["response_format"] == {"type": "json_object"}' \
	"$T/refuse/002.req.json" || fail "fallback: second request is not json_object"
# llama-server takes the json_object request.  Under the free-form object
# grammar the random model does not close the object before max_tokens,
# and llama-server then answers 500 "The model produced output that does
# not match the expected ... format" (its own check of the output): the
# client must report that in words.  A 200 must end like the others.
case $(cat "$T/refuse/002.status") in
200) client_end fb json_object ;;
500)
	grep -q 'does not match the expected' "$T/refuse/002.resp.json" ||
		fail "fallback: HTTP 500: $(head -c 300 "$T/refuse/002.resp.json")"
	$PY - "$T/fb.json" <<'PY' || fail "fallback: $(cat "$T/fb.json" "$T/fb.err")"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["http_status"] == 500, o
assert o["response_format"] == "json_object", o
assert "does not match the expected" in o["error"], o
PY
	;;
*) fail "fallback: HTTP $(cat "$T/refuse/002.status"): $(head -c 300 "$T/refuse/002.resp.json")" ;;
esac
echo "  json_object fallback: $(tr -d '\n' <"$T/fb.json" | head -c 300)"
echo "llama protocol: ok (llama-server $(basename "$LDIR"), port $PORT)"
