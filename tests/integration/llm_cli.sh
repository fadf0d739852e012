#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# llm_cli.sh - `smsmatch llm test` against the scripted OpenAI-compatible
# server (tests/tools/llm_server.py): a verdict (exit 0) in plain words and
# in --json, each failure in plain words (exit 1), the bearer key read from
# a 0600 file and sent, a key file others may read refused by name, a
# missing llm.url, a refused connection.
. "${SRCDIR:-.}/tests/integration/lib/daemon.sh"
. "$SRCDIR/tests/integration/lib/llm.sh"

llm_server_start good
dt_conf
llm_conf '"interpret"' 1500
printf 'sk-test-0123\n' >"$T/llm.key"
chmod 600 "$T/llm.key"
sed -i "s|^  model = \"test-model\";|  model = \"test-model\";\n  api_key_file = \"$T/llm.key\";|" "$CONF"

# A verdict.
sm llm test >"$T/out" 2>&1 || fail "llm test: $(cat "$T/out")"
grep -q '^verdict:   yes (confidence 0.90)$' "$T/out" || fail "verdict: $(cat "$T/out")"
grep -q '^HTTP:      200$' "$T/out" || fail "http: $(cat "$T/out")"
grep -Eq '^latency:   [0-9]+ ms$' "$T/out" || fail "latency: $(cat "$T/out")"
ok "llm test: $(grep verdict "$T/out")"
python3 - "$LLM_REC" <<'PY' || fail "the request"
import json, sys
r = json.loads(open(sys.argv[1]).readlines()[-1])
assert r["model"] == "test-model", r["model"]
assert r["response_format"]["type"] == "json_schema"
PY

# --json, with the candidate's answer given.
sm llm test --json --answer "[[chunks]] mon num 06 12 34 56 78" >"$T/out.json" ||
	fail "llm test --json: $(cat "$T/out.json")"
python3 - "$T/out.json" "$LLM_REC" <<'PY' || fail "--json: $(cat "$T/out.json")"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["http_status"] == 200 and o["latency_ms"] >= 0, o
assert json.loads(o["content"])["category"] == "yes", o
assert o["verdict"]["category"] == "yes" and o["verdict"]["confidence"] == 0.9, o
assert "error" not in o
last = open(sys.argv[2]).readlines()[-1]
assert "06 12 34 56 78" not in last and "[nombre]" in last, last
PY
ok "llm test --json: a verdict, the number masked in the request"

# Each failure in plain words, exit 1.
declare -A WANT=(
	[unknown]="fallback:  model answered category 'peut-etre-bien', which the question does not have"
	[confidence]='fallback:  model confidence 1.7 is outside 0..1'
	[invalid]='fallback:  model reply is not JSON'
	[hang]='fallback:  no reply within 1500 ms'
	[http401]='fallback:  HTTP 401: scripted 401'
	[http429]='fallback:  HTTP 429: rate limited'
	[http500]='fallback:  HTTP 500: scripted 500'
	[http503]='fallback:  HTTP 503: scripted 503'
	[big]='fallback:  reply larger than 1048576 bytes: refused'
	[bigchunked]='fallback:  reply larger than 1048576 bytes: refused'
)
for b in "${!WANT[@]}"; do
	rc=0
	sm llm test --answer "[[$b]] bof" >"$T/out" 2>&1 || rc=$?
	[ $rc = 1 ] || fail "$b: exit $rc: $(cat "$T/out")"
	grep -qF "${WANT[$b]}" "$T/out" || fail "$b: $(cat "$T/out")"
done
ok "failures in plain words, exit 1: ${!WANT[*]}"
sm llm test --json --answer "[[http500]]" >"$T/out.json" && fail "--json http500: exit 0"
python3 - "$T/out.json" <<'PY' || fail "--json error: $(cat "$T/out.json")"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["http_status"] == 500 and o["error"] == "HTTP 500: scripted 500", o
assert "verdict" not in o and o["content"] is None, o
PY
# 422 naming response_format: json_object, and a verdict.
sm llm test --answer "[[http422]] bof" >"$T/out" 2>&1 || fail "422: $(cat "$T/out")"
grep -q 'json_schema refused: json_object used' "$T/out" || fail "422: $(cat "$T/out")"
ok "a 422 on json_schema: json_object, and a verdict"

# The path and the bearer key, as a one-off listener sees them.
srv_out=$T/headers.txt
timeout 60 "$DT_PY" - "$srv_out" >"$T/port2" <<'PY' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
data = b""
while b"\r\n\r\n" not in data:
    data += c.recv(4096)
open(sys.argv[1], "wb").write(data)
c.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")
c.close()
PY
LISTENER=$!
dt_wait 10 "the header listener" test -s "$T/port2"
sed "s|url = \"http://127.0.0.1:$LLM_PORT\"|url = \"http://127.0.0.1:$(cat "$T/port2")/v1\"|" "$CONF" >"$T/conf2"
"$SM" -c "$T/conf2" llm test >"$T/out" 2>&1 && fail "500 listener: exit 0"
wait "$LISTENER" || fail "the header listener saw nothing"
grep -q '^POST /v1/chat/completions HTTP/1.1' "$srv_out" || fail "path: $(head -1 "$srv_out")"
grep -qi '^Authorization: Bearer sk-test-0123' "$srv_out" || fail "no bearer key: $(cat "$srv_out")"
ok "POST /v1/chat/completions with the bearer key of the 0600 file"

# A key file others may read: refused, by name.
chmod 644 "$T/llm.key"
rc=0
sm llm test >"$T/out" 2>&1 || rc=$?
[ $rc = 1 ] || fail "0644 key: exit $rc"
grep -q "$T/llm.key: mode 0644: must be 0600" "$T/out" || fail "0644 key: $(cat "$T/out")"
chmod 600 "$T/llm.key"
ok "a key file others may read is refused: $(head -1 "$T/out")"

# Connection refused.
llm_server_stop
rc=0
sm llm test >"$T/out" 2>&1 || rc=$?
[ $rc = 1 ] || fail "refused: exit $rc"
grep -q "Couldn't connect to server" "$T/out" || fail "refused: $(cat "$T/out")"
ok "connection refused: $(grep fallback "$T/out")"

# No llm section.
dt_conf
rc=0
sm llm test >"$T/out" 2>&1 || rc=$?
[ $rc = 1 ] || fail "no url: exit $rc"
grep -q "llm.url and llm.model must be set" "$T/out" || fail "no url: $(cat "$T/out")"
ok "no llm section: $(cat "$T/out")"
echo "llm_cli: ok"
