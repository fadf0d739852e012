#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# campaign_dialogue.sh - a campaign played end to end by smsmatchd through
# a simulated modem whose scripted candidates answer: a keen one who
# answers every question (complete, compatible), one who needs the
# region's transport aid (shortlisted behind), one who declines the
# training, one who texts STOP in the middle (opted out, nothing more
# sent to that number, in any campaign), one who never answers (invited,
# open), and one whose replies the test injects: only emoji, a binary
# (8-bit) SMS, 1000 characters (each stored whole, asked again, the
# conversation going on).  Checks the funnel of `campaign status`, the
# shortlist's ranks and the candidates' own words kept beside each reading.
. "${SRCDIR:-.}/tests/integration/lib/daemon.sh"

K=+33611220001 # keen
H=+33611220002 # needs transport aid
D=+33611220003 # declines
S=+33611220004 # STOP in the middle
N=+33611220005 # never answers
X=+33611220006 # hostile replies, injected below
# Each candidate's replies differ from one another: the same text from the
# same number within the same second is the same SMS to the deduplication
# (sender, SMSC timestamp, text), and these candidates answer in 100 ms.
cat >"$T/cand.script" <<SCRIPT
# number  delay  pattern  reply
$K 100ms "Répondez OUI pour continuer" "Bonjour, oui avec plaisir"
$K 100ms "Cela vous intéresse" "ouiii très intéressée 👍"
$K 100ms "Serez-vous disponible" "oui dispo"
$K 100ms "Comment iriez-vous" "1 j'ai ma voiture"
$K 100ms "enfants à faire garder" "non pas d'enfants"
$K 100ms "vaccins" "oui à jour"
$K 100ms "sélection" "oui bien sûr"
$K 100ms "Dernière question" "J'aime aider les autres, j'ai soigné ma grand-mère."
$H 100ms "Répondez OUI pour continuer" "ok"
$H 100ms "Cela vous intéresse" "oui"
$H 100ms "Serez-vous disponible" "oui je suis dispo"
$H 100ms "Comment iriez-vous" "g pa d voiture et pas de bus"
$H 100ms "enfants à faire garder" "non"
$H 100ms "vaccins" "oui a jour"
$H 100ms "sélection" "oui pas de souci"
$H 100ms "Dernière question" "Je veux un métier utile."
$D 100ms "Répondez OUI pour continuer" "oui"
$D 100ms "Cela vous intéresse" "non merci pas pour moi"
$S 100ms "Répondez OUI pour continuer" "oui"
$S 100ms "Cela vous intéresse" "STOP"
SCRIPT
printf 'identifiant;prénom;nom;téléphone;commune\n' >"$T/cand.csv"
i=0
for n in $K $H $D $S $N $X; do
	i=$((i + 1))
	printf 'C%d;Prenom%d;Nom%d;%s;Metz\n' $i $i $i "$n" >>"$T/cand.csv"
done

dt_sim m1 --script "$T/cand.script" --report-delay-ms 50
dt_conf m1
id=$(sm campaign new --name "Aide-soignant Metz" \
	--script "$SRCDIR/conf/scripts/aide-soignant.conf" \
	--trade "aide-soignant" --start 2027-03-01 --end 2027-09-30 \
	--place "IFSI Metz" --seats 12 --prerequisite "vaccins à jour") ||
	fail "campaign new"
sm candidates import "$T/cand.csv" --campaign "$id" >/dev/null || fail "import"
sm campaign start "$id" >/dev/null || fail "campaign start"
dt_daemon_start
dt_wait_ready 1
ok "campaign $id started with 6 candidates"

# X: only emoji, a binary SMS (8-bit, its text is empty), then "oui";
# 1000 characters, then "oui".  Each not understood is asked again.
sent_to_x() { # PATTERN: messages X got
	python3 - "$T/m1.jsonl" "$X" "$1" <<'PY'
import json, re, sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["to"] == sys.argv[2]
          and re.search(sys.argv[3], json.loads(l)["text"])))
PY
}
x_got() { [ "$(sent_to_x "$2")" -ge "$1" ]; }
dt_wait 60 "X's first question" x_got 1 "Répondez OUI pour continuer"
dt_ctl m1 "inject $X 🎉🎉🎉" >/dev/null
dt_wait 30 "X asked again after emoji" x_got 1 "Pour en savoir plus"
# SMS-DELIVER from X (no SMSC), PID 0, DCS 04 (8-bit data), 4 octets
dt_ctl m1 "inject-pdu 00040B913316210200F60004520112210000000400FF01FE" >/dev/null
dt_wait 30 "X asked again after a binary SMS" x_got 2 "Pour en savoir plus"
dt_ctl m1 "inject $X oui" >/dev/null
dt_wait 30 "X's second question" x_got 1 "Cela vous intéresse"
long=$(python3 -c 'print(("blabla " * 143)[:1000])')
dt_ctl m1 "inject $X $long" >/dev/null
dt_wait 30 "X asked again after 1000 characters" x_got 1 "Cette formation vous intéresse-t-elle"
dt_ctl m1 "inject $X oui vraiment" >/dev/null
dt_wait 30 "X's third question" x_got 1 "Serez-vous disponible"
python3 - "$T/smsmatch.db" "$X" "$long" <<'PY' || fail "X's replies in the store"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT text, encoding, state, conversation_id FROM inbox"
                  " WHERE sender = ? ORDER BY id", (sys.argv[2],)).fetchall()
texts = [r[0] for r in rows]
assert texts == ["🎉🎉🎉", "", "oui", sys.argv[3], "oui vraiment"], texts
assert rows[1][1] == "8bit", rows[1]
assert all(r[2] == "handled" and r[3] for r in rows), rows
ans = db.execute("SELECT criterion, value FROM answers a JOIN conversations c"
                 " ON c.id = a.conversation_id WHERE c.phone = ?"
                 " ORDER BY a.rowid", (sys.argv[2],)).fetchall()
assert ans == [("consent", "yes"), ("interest", "yes")], ans
PY
ok "emoji, binary and 1000-character replies: stored whole, asked again, the conversation goes on"

_status() {
	sm campaign status "$id" >"$T/status" 2>&1 || return 1
	grep -Eq '^  complete +2 ' "$T/status" &&
		grep -Eq '^  declined +1 ' "$T/status" &&
		grep -Eq '^  opted out +1 ' "$T/status"
}
dt_wait 90 "2 complete, 1 declined, 1 opted out" _status
grep -Eq '^  invited +6 ' "$T/status" || fail "invited: $(cat "$T/status")"
ok "funnel: $(grep -E 'invited|complete|declined|opted out' "$T/status" | tr -s ' ' | tr '\n' ';')"

sm shortlist "$id" --format json >"$T/sl.json" || fail "shortlist"
python3 - "$T/sl.json" "$K" "$H" "$D" "$S" "$N" <<'PY' || fail "shortlist content"
import json, sys
d = json.load(open(sys.argv[1]))
k, h, dcl, s, n = sys.argv[2:7]
by = {c["phone"]: c for c in d["candidates"]}
def crit(p, name):
    return by[p]["criteria"].get(name, {})
assert by[k]["status"] == "compatible", by[k]["status"]
assert crit(k, "transport")["value"] == "car", crit(k, "transport")
assert "voiture" in crit(k, "transport")["raw"]
assert crit(k, "interest")["raw"].startswith("ouiii")
assert crit(h, "transport")["value"] == "help_needed", crit(h, "transport")
assert by[k]["rank"] < by[h]["rank"] < by[n]["rank"] < by[dcl]["rank"]
assert by[dcl]["status"] in ("declined",), by[dcl]["status"]
assert by[s]["status"] == "opted_out", by[s]["status"]
outs = [m for m in by[k]["transcript"] if m["direction"] == "out"]
ins = [m for m in by[k]["transcript"] if m["direction"] == "in"]
assert len(ins) == 8 and len(outs) >= 9, (len(ins), len(outs))
print("ranks:", [(c["rank"], c["status"]) for c in d["candidates"]])
PY
ok "shortlist ranks and the candidates' words"

# After STOP: nothing more to that number (only the confirmation).
after=$(python3 - "$T/m1.jsonl" "$S" <<'PY'
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1]) if json.loads(l)["to"] == sys.argv[2]]
print(sum(1 for m in msgs if "Cela vous intéresse" in m["text"] or
          "disponible" in m["text"]), len(msgs))
PY
)
[ "$after" = "1 3" ] || fail "to the STOP number: $after (want the consent, the interest question, the confirmation)"
sm optout list | grep -q "$S" || fail "$S not opted out"
ok "STOP ended the conversation: only the confirmation followed"
dt_daemon_term
dt_check_stderr
echo "campaign_dialogue: ok"
