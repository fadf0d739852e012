#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# llm_privacy.sh - a 50-candidate campaign with the language model on
# (interpret and clarify), where every candidate gives away their name,
# identifier, phone number (in the formats people type) and e-mail address
# in answers the rules do not understand.  Every request body the scripted
# server received is then inspected: no first or last name, identifier,
# phone number in any format or e-mail address of any candidate; only the
# common subset of the API's fields.
. "${SRCDIR:-.}/tests/integration/lib/daemon.sh"
. "$SRCDIR/tests/integration/lib/llm.sh"

FIRST=(Aurelien Bertille Corentin Delphine Evariste Firmin Gaelle Hippolyte
	Ismerie Jocelyn)
LAST=(Kerbrat Lemoigne Marchetti Nowakowski Oudinot)
NCAND=50
NCLARIFY=10 # the last ones also ask a question the faq does not cover

printf 'identifiant;prénom;nom;téléphone;commune\n' >"$T/cand.csv"
: >"$T/cand.script"
: >"$T/people.tsv"
for i in $(seq 1 $NCAND); do
	f=${FIRST[$((i % 10))]}
	l=${LAST[$((i % 5))]}
	nsn=$(printf '61%07d' $((i * 123457 % 10000000)))
	phone="+33$nsn"
	ext=$(printf 'FT%06dQ' $((i * 7919)))
	# The same number as people type it.
	case $((i % 7)) in
	0) typed="$phone" ;;
	1) typed="0$nsn" ;;
	2) typed="0${nsn:0:1} ${nsn:1:2} ${nsn:3:2} ${nsn:5:2} ${nsn:7:2}" ;;
	3) typed="0${nsn:0:1}.${nsn:1:2}.${nsn:3:2}.${nsn:5:2}.${nsn:7:2}" ;;
	4) typed="+33 ${nsn:0:1} ${nsn:1:2} ${nsn:3:2} ${nsn:5:2} ${nsn:7:2}" ;;
	5) typed="33$nsn" ;;
	6) typed="0${nsn:0:1}-${nsn:1:2}-${nsn:3:2}-${nsn:5:2}-${nsn:7:2}" ;;
	esac
	mail="${f,,}.${l,,}@exemple.fr"
	printf '%s;%s;%s;%s;Metz\n' "$ext" "$f" "$l" "$phone" >>"$T/cand.csv"
	printf '%s\t%s\t%s\t%s\t%s\n' "$phone" "$f" "$l" "$ext" "$typed" >>"$T/people.tsv"
	printf '%s 50ms "^Bonjour" "bof, c est %s %s (dossier %s), rappelez au %s ou %s"\n' \
		"$phone" "$f" "${l^^}" "$ext" "$typed" "$mail" >>"$T/cand.script"
	if [ "$i" -le $((NCAND - NCLARIFY)) ]; then
		printf '%s 50ms "intéresse" "oui"\n' "$phone" >>"$T/cand.script"
	fi
done

dt_sim m1 --script "$T/cand.script"
llm_server_start good
dt_conf m1
llm_conf '"interpret", "clarify"' 5000
id=$(llm_campaign "$T/cand.csv")
dt_daemon_start
dt_wait_ready 1

# The last ones ask where it is, and who they are, at the second question.
tail -n $NCLARIFY "$T/people.tsv" >"$T/clarify.tsv"
while IFS=$'\t' read -r phone f l ext typed; do
	llm_wait_sent "$phone" 'intéresse' 1
	dt_ctl m1 inject "$phone" "c est ou exactement ? je suis $f $l, $typed" >/dev/null
done <"$T/clarify.tsv"
while IFS=$'\t' read -r phone f l ext typed; do
	llm_wait_sent "$phone" '^Oui, la formation est rémunérée' 1
	llm_wait_sent "$phone" 'intéresse' 2
	dt_ctl m1 inject "$phone" "oui" >/dev/null
done <"$T/clarify.tsv"

_complete() {
	sm campaign status "$id" >"$T/status" 2>&1 &&
		grep -Eq "^  complete +$NCAND " "$T/status"
}
dt_wait 120 "$NCAND conversations complete" _complete
ok "$NCAND conversations complete with the model's help"

python3 - "$LLM_REC" "$T/people.tsv" $NCAND $NCLARIFY <<'PY' || fail "privacy"
import json, re, sys
bodies = [l.rstrip("\n") for l in open(sys.argv[1])]
people = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
ncand, nclarify = int(sys.argv[3]), int(sys.argv[4])
reqs = [json.loads(b) for b in bodies]
interpret = sum(1 for r in reqs if r["response_format"]["json_schema"]["name"] == "verdict")
clarify = sum(1 for r in reqs if r["response_format"]["json_schema"]["name"] == "draft")
assert interpret >= ncand and clarify >= nclarify, (interpret, clarify)
for r in reqs:
    assert set(r) <= {"model", "messages", "temperature", "max_tokens",
                      "response_format"}, set(r)
# What a request says, JSON escapes resolved, and with every separator a
# phone number may be typed with removed.
texts = [json.dumps(r, ensure_ascii=False) for r in reqs]
digits = [re.sub(r"[\s.\-/()]", "", t) for t in texts]
leaks = []
for phone, first, last, ext, typed in people:
    nsn = phone[3:]  # 6xxxxxxxx
    for i, t in enumerate(texts):
        for word in (first, last):
            if re.search(r"\b%s\b" % re.escape(word), t, re.I):
                leaks.append((i, word))
        if ext.lower() in t.lower() or ext[2:-1] in t:
            leaks.append((i, ext))
        if "@" in t:
            leaks.append((i, "@"))
        if nsn in digits[i] or nsn[1:] in digits[i]:
            leaks.append((i, phone))
assert not leaks, leaks[:10]
# The masks are there instead.
assert all("[nombre]" in t and "[...]" in t for t in texts), texts[0]
print("%d request bodies (%d interpret, %d clarify): no name, identifier, "
      "phone number or e-mail of the %d candidates" %
      (len(reqs), interpret, clarify, ncand))
print("example:", json.loads(bodies[0])["messages"][1]["content"].splitlines()[-1])
PY
ok "every request body inspected"
dt_daemon_term
dt_check_stderr
echo "llm_privacy: ok"
