#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# llm_fallback.sh - the language model in smsmatchd against a scripted
# OpenAI-compatible server on loopback (tests/tools/llm_server.py), one
# candidate per behaviour, each driven by injected replies the rules do not
# understand ("bof") with the behaviour as a marker ([[http500]]):
#   - good verdicts are used: the answer is stored with method "llm" and
#     the dialogue goes on without a re-prompt (content as a string, as an
#     array of chunks, and after a 422 refusing json_schema);
#   - invalid JSON, an unknown category, a confidence out of range, a
#     timeout, HTTP 401/429/500/503, a 10 MB body and a refused connection
#     each fall back to the rules with their reason in the log: the
#     re-prompt goes out and the conversation continues to its end;
#   - clarify: a question the faq does not cover gets the model's draft,
#     or the script's advisor_answer when the model cannot answer in one
#     GSM 7-bit SMS, then the question again;
#   - a reply waiting for the model when the daemon stops is read by the
#     rules at the next start.
. "${SRCDIR:-.}/tests/integration/lib/daemon.sh"
. "$SRCDIR/tests/integration/lib/llm.sh"

# behaviour -> how the log must read (verdicts first, then failures that do
# not hold the client, then those that back off, the refused connection
# last: the server is stopped for it).
BEHAVIOURS=(good chunks http422 unknown confidence invalid http401 big
	http500 http503 http429 hang refused)
declare -A EXPECT=(
	[good]='verdict yes'
	[chunks]='verdict yes'
	[http422]='verdict yes'
	[unknown]="category 'peut-etre-bien', which the question does not have"
	[confidence]='confidence 1.7 is outside 0..1'
	[invalid]='model reply is not JSON'
	[http401]='HTTP 401: scripted 401'
	[big]='reply larger than'
	[http500]='HTTP 500: scripted 500'
	[http503]='HTTP 503: scripted 503'
	[http429]='HTTP 429: rate limited'
	[hang]='no reply within 1500 ms'
	[refused]="Couldn't connect to server"
)
CLARIFY=(clarify_good clarify_unknown clarify_long)
# 500, 503, 429, the timeout and the refused connection are 5 failures in a
# row (the other errors are not the server's): the breaker opens.
BREAKER=breaker
declare -A NUM
printf 'identifiant;prénom;nom;téléphone;commune\n' >"$T/cand.csv"
i=0
for b in restart "${BEHAVIOURS[@]}" $BREAKER "${CLARIFY[@]}"; do
	i=$((i + 1))
	NUM[$b]=$(printf '+336112300%02d' $i)
	printf 'ID%02d;Prenom%d;Nom%d;%s;Metz\n' $i $i $i "${NUM[$b]}" >>"$T/cand.csv"
done
NCAND=$i

dt_sim m1
llm_server_start good
dt_conf m1
llm_conf '"interpret", "clarify"' 20000
id=$(llm_campaign "$T/cand.csv")
dt_daemon_start
dt_wait_ready 1
for b in restart "${BEHAVIOURS[@]}" $BREAKER "${CLARIFY[@]}"; do
	llm_wait_sent "${NUM[$b]}" '^Bonjour' 1
done
ok "campaign $id: $NCAND candidates invited"

# A reply waiting for the model when the daemon stops: the rules read it
# at the next start (the re-prompt goes out), nothing is lost.
n=${NUM[restart]}
dt_ctl m1 inject "$n" "[[hang]] bof" >/dev/null
dt_wait 30 "the reply waits for the model" \
	grep -q 'waits for the language model (interpret)' "$DERR"
dt_daemon_term
dt_conf m1
llm_conf '"interpret", "clarify"' 1500
dt_daemon_start
dt_wait_ready 1
grep -q '1 reply left unread when smsmatchd stopped' "$DERR" ||
	fail "no recovery line"
llm_wait_sent "$n" '^Pardon' 1
dt_ctl m1 inject "$n" "oui" >/dev/null
llm_wait_sent "$n" 'intéresse' 1
dt_ctl m1 inject "$n" "oui oui" >/dev/null
llm_wait_sent "$n" '^Merci, votre conseiller' 1
ok "a reply waiting at a stop was read by the rules at the next start"

_more_lines() {
	[ "$(llm_log_count 'language model (not used|verdict)')" -gt "$1" ]
}

for b in "${BEHAVIOURS[@]}"; do
	n=${NUM[$b]}
	[ "$b" = refused ] && llm_server_stop
	tries=0
	while :; do
		tries=$((tries + 1))
		[ $tries -le 15 ] || fail "$b: the server's answer never came through"
		before=$(llm_log_count 'language model (not used|verdict)')
		dt_ctl m1 inject "$n" "[[$b]] bof $tries" >/dev/null
		dt_wait 30 "$b: the model's answer or a fallback" _more_lines "$before"
		line=$(grep -E 'language model (not used|verdict)' "$DERR" | tail -n 1)
		if [[ $line == *"${EXPECT[$b]}"* ]]; then
			break
		fi
		# Held back by the previous failure (Retry-After, backoff): the
		# rules re-asked; answer again once the hold is over.
		[[ $line == *"not asked: "* ]] || fail "$b: unexpected: $line"
		llm_wait_sent "$n" '^Pardon' $tries
		sleep 1
	done
	if [[ ${EXPECT[$b]} == verdict* ]]; then
		llm_wait_sent "$n" 'intéresse' 1
		[ "$(llm_sent "$n" '^Pardon')" = $((tries - 1)) ] ||
			fail "$b: a re-prompt went out after the verdict"
	else
		llm_wait_sent "$n" '^Pardon' $tries
		dt_ctl m1 inject "$n" "oui" >/dev/null
		llm_wait_sent "$n" 'intéresse' 1
	fi
	dt_ctl m1 inject "$n" "oui oui" >/dev/null
	llm_wait_sent "$n" '^Merci, votre conseiller' 1
	ok "$b: ${line#*: }"
done

# The breaker is open: not asked (the rules re-ask at once), logged once
# at warning level (each reply at debug level).
n=${NUM[$BREAKER]}
for k in 1 2 3; do
	dt_ctl m1 inject "$n" "[[good]] bof $k" >/dev/null
	llm_wait_sent "$n" '^Pardon' $k
done
[ "$(llm_log_count 'warning: language model: circuit breaker open after 5 failures in a row')" = 1 ] ||
	fail "breaker: not logged once: $(grep 'circuit' "$DERR")"
dt_ctl m1 inject "$n" "oui" >/dev/null
llm_wait_sent "$n" 'intéresse' 1
dt_ctl m1 inject "$n" "oui oui" >/dev/null
llm_wait_sent "$n" '^Merci, votre conseiller' 1
ok "breaker open after 5 failures in a row: not asked, logged once"

# clarify: the draft, or the advisor's answer, then the question again.
# (A new server, and a reload: a new client, json_schema again.)
nreq_before_reload=$(wc -l <"$LLM_REC")
llm_server_start good
dt_conf m1
llm_conf '"interpret", "clarify"' 1500
kill -HUP "$DAEMON_PID"
dt_wait 20 "reload" grep -q 'language model: http://127.0.0.1:'"$LLM_PORT" "$DERR"
declare -A CMARK=([clarify_good]=good [clarify_unknown]=unknowndraft
	[clarify_long]=longdraft)
declare -A CWANT=([clarify_good]='^Oui, la formation est rémunérée\.$'
	[clarify_unknown]='^Votre conseiller vous répondra sur ce point, Prenom'
	[clarify_long]='^Votre conseiller vous répondra sur ce point, Prenom')
for c in "${CLARIFY[@]}"; do
	n=${NUM[$c]}
	dt_ctl m1 inject "$n" "c'est payé ? [[${CMARK[$c]}]]" >/dev/null
	llm_wait_sent "$n" "${CWANT[$c]}" 1
	llm_wait_sent "$n" '^Bonjour' 2
	[ "$(llm_sent "$n" '^Pardon')" = 0 ] || fail "$c: a re-prompt was used"
	dt_ctl m1 inject "$n" "oui" >/dev/null
	llm_wait_sent "$n" 'intéresse' 1
	dt_ctl m1 inject "$n" "oui oui" >/dev/null
	llm_wait_sent "$n" '^Merci, votre conseiller' 1
	ok "$c: answered, then the question again"
done
grep -q 'the language model answered the candidate' "$DERR" ||
	fail "no clarify line"
grep -q 'language model not used (the campaign.s facts do not answer it): the advisor' "$DERR" ||
	fail "no unknown-draft line"
grep -q 'language model not used (draft is not one GSM 7-bit SMS)' "$DERR" ||
	fail "no long-draft line"

_complete() {
	sm campaign status "$id" >"$T/status" 2>&1 &&
		grep -Eq "^  complete +$NCAND " "$T/status"
}
dt_wait 30 "every conversation complete" _complete
ok "every conversation went on to its end ($NCAND complete)"

sm shortlist "$id" --format json >"$T/sl.json" || fail "shortlist"
python3 - "$T/sl.json" "${NUM[good]}" "${NUM[http500]}" <<'PY' || fail "shortlist methods"
import json, sys
d = json.load(open(sys.argv[1]))
by = {c["phone"]: c for c in d["candidates"]}
g = by[sys.argv[2]]["criteria"]["consent"]
assert g["method"] == "llm", g
assert g["raw"] == "[[good]] bof 1", g
assert abs(g["confidence"] - 0.9) < 1e-6, g
assert "llm" in json.dumps(by[sys.argv[2]]["flags"]), by[sys.argv[2]]["flags"]
f = by[sys.argv[3]]["criteria"]["consent"]
assert f["method"] == "rules", f
print("consent of the good one:", g["value"], g["method"], g["confidence"])
PY
sm shortlist "$id" --format csv -o "$T/sl.csv" || fail "shortlist csv"
grep -q "accord : lu par l'IA (confiance 90 %), à vérifier" "$T/sl.csv" ||
	fail "no llm flag in the CSV shortlist"
ok "the shortlist shows method llm where the model read the answer (flagged for the advisor)"

# The 422 made the client resend with json_object, and keep it.
python3 - "$LLM_REC" "$nreq_before_reload" <<'PY' || fail "request bodies"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])][:int(sys.argv[2])]
keys = set()
for r in reqs:
    keys |= set(r)
assert keys <= {"model", "messages", "temperature", "max_tokens",
                "response_format"}, keys
types = [r["response_format"]["type"] for r in reqs]
assert "json_object" in types and "json_schema" in types, types
i = types.index("json_object")
assert all(t == "json_object" for t in types[i:]), types
print(len(reqs), "requests before the reload:", types.count("json_schema"),
      "json_schema,", types.count("json_object"), "json_object after the 422")
PY
ok "only the common subset of fields; json_object after the 422"
dt_daemon_term
dt_check_stderr
echo "llm_fallback: ok"
