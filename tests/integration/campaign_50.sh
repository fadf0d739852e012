#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# campaign_50.sh - the acceptance run of a campaign (issue #4): 50 scripted
# candidates answer conf/scripts/aide-soignant.conf (delays shortened to
# seconds) through three simulated modems.  Each ends with the status,
# rank and criteria of the table below, their own words beside each
# reading (a 400-character motivation whole in every export).  Also:
#   - STOP in the middle of campaign A, answering campaign B's first
#     message: both conversations end, one confirmation (campaign B's
#     stop_confirm, the conversation texted last), nothing else follows;
#   - the reminder goes once to those who did not answer, and only while
#     the sending window is open: closed by a SIGHUP reload when it falls
#     due, it waits for the window to open again;
#   - a conversation past expire_after closes as "no answer";
#   - a reply while campaign B is paused, or after campaign C is closed,
#     is kept in the inbox and not played (no answer, no next question);
#     when B resumes, its reply is played.
# The database on tmpfs: some 5000 commits, each an fsync on a disk.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	export TMPDIR=/dev/shm
fi
. "${SRCDIR:-.}/tests/integration/lib/daemon.sh"
C50="python3 $SRCDIR/tests/integration/lib/campaign50.py"
# reminder_after and expire_after, seconds: the window must close before
# the reminders fall due, open again before the first expiry, and ASan
# makes everything slower.
REMIND=${SAN:+25}
REMIND=${REMIND:-12}
EXPIRE=$((2 * REMIND + 15))

LONG="J'ai travaillé huit ans comme agent de service dans un EHPAD à Woippy et je voyais chaque jour le travail des aides-soignantes auprès des résidents. Je n'ai plus de voiture depuis cet hiver mais le bus passe devant chez moi. Ce qui me plait le plus, c'est le contact, prendre le temps avec les personnes âgées, les aider à garder leur autonomie et leur dignité. Je suis prête à reprendre les études."
# The expectations: profile, how many, status, then each question's
# criterion=value:"reply" ("text": the reply itself is the value).
# @lateN: the Nth question answered only after the reminder; @silent:
# never answers.  Each reply comes 1 s after its question.
DELAY=1s $C50 gen "$T" >"$T/n" <<PROFILES
silent      1 no_answer   @silent
late        3 compatible  @late1 consent=yes:"oui pardon pour le retard" interest=yes:"oui ça m'intéresse" available=yes:"oui dispo" transport=car:"1 voiture" childcare=not_needed:"non" prerequisites=yes:"oui à jour" selection_test=yes:"oui" motivation=text:"J'ai envie d'un métier qui a du sens."
keen       13 compatible  consent=yes:"Bonjour, oui avec plaisir" interest=yes:"ouiii très intéressée 👍" available=yes:"oui dispo" transport=car:"1 j'ai ma voiture" childcare=not_needed:"non pas d'enfants" prerequisites=yes:"oui à jour" selection_test=yes:"oui bien sûr" motivation=text:"J'aime aider les autres, j'ai soigné ma grand-mère."
long        1 compatible  consent=yes:"oui" interest=yes:"oui ça m'intéresse" available=yes:"oui je suis dispo" transport=car:"en voiture" childcare=not_needed:"pas d'enfants" prerequisites=yes:"oui ils sont à jour" selection_test=yes:"d'accord" motivation=text:"$LONG"
bus         6 compatible  consent=yes:"ok" interest=yes:"oui bien sûr" available=yes:"oui" transport=public:"2 en bus" childcare=solved:"2 c'est organisé" prerequisites=yes:"oui a jour" selection_test=yes:"oui pas de souci" motivation=text:"Je veux un métier utile aux autres."
no_car      5 conditional consent=yes:"oui ok" interest=yes:"oui" available=yes:"oui je suis dispo" transport=help_needed:"g pa d voiture et pas de bus" childcare=not_needed:"non" prerequisites=yes:"oui à jour" selection_test=yes:"oui pas de souci" motivation=text:"Je veux un métier utile et humain."
kids        4 conditional consent=yes:"wi" interest=yes:"oui très" available=yes:"oui dispo" transport=car:"voiture" childcare=help_needed:"3 il me faut une solution" prerequisites=yes:"oui" selection_test=yes:"oui je veux bien" motivation=text:"Travailler auprès des malades me motive."
vaccins     3 incomplete  consent=yes:"oui" interest=yes:"oui ça m'intéresse" available=yes:"oui dispo" transport=car:"1" childcare=not_needed:"non aucun" prerequisites=maybe:"je ne sais pas" selection_test=yes:"oui bien sûr" motivation=text:"Je souhaite changer de voie et aider."
hesitant    2 incomplete  consent=yes:"oui" interest=maybe:"peut-être" available=yes:"oui je suis disponible" transport=car:"j'ai ma voiture" childcare=not_needed:"pas besoin" prerequisites=yes:"oui à jour" selection_test=yes:"oui ok" motivation=text:"Je voudrais voir si ce métier est fait pour moi."
callback    2 incomplete  consent=yes:"oui" interest=yes:"oui très intéressé" available=yes:"oui dispo" transport=-:"je préfère que vous m'appeliez, appelez-moi svp"
not_keen    4 declined    consent=yes:"oui" interest=no:"non merci pas pour moi"
no_consent  2 declined    consent=no:"non merci"
busy        3 not_met     consent=yes:"oui" interest=yes:"oui ça m'intéresse" available=no:"non je travaille à cette période"
stop        1 opted_out   @late2 consent=yes:"oui" interest=yes:"oui ça m'intéresse"
PROFILES
[ "$(cat "$T/n")" = 50 ] || fail "50 candidates expected, got $(cat "$T/n")"

# Campaign A: the care-assistant script with delays in seconds.
sed -e "s/^reminder_after = \"2d\";/reminder_after = \"${REMIND}s\";/" \
	-e "s/^expire_after = \"5d\";/expire_after = \"${EXPIRE}s\";/" \
	"$SRCDIR/conf/scripts/aide-soignant.conf" >"$T/a.conf"
grep -q "reminder_after = \"${REMIND}s\"" "$T/a.conf" || fail "a.conf"
# Campaigns B, C and D: the forklift script, its own STOP confirmation.
sed -e 's/^stop_confirm = "C.est noté,/stop_confirm = "Cariste : c'"'"'est noté,/' \
	"$SRCDIR/conf/scripts/cariste.conf" >"$T/b.conf"
grep -q '^stop_confirm = "Cariste' "$T/b.conf" || fail "b.conf"

phone_of() { # the phone of the first candidate of profile $1
	python3 -c 'import json,sys; print([c["phone"] for c in json.load(open(sys.argv[1])) if c["profile"] == sys.argv[2]][0])' "$T/expect.json" "$1"
}
S=$(phone_of stop)
SILENT=$(phone_of silent)
P=+33699000001 # in campaign B, answers while it is paused
Q=+33699000002 # in campaign C, answers after it closed
cat >>"$T/cand.script" <<SCRIPT
$S 1s "formation cariste peut" "STOP"
$P 10s "formation cariste peut" "oui je suis intéressé"
$Q 10s "formation cariste peut" "oui avec plaisir"
SCRIPT
printf 'identifiant;prénom;nom;téléphone\nB1;Paula;Pause;%s\n' "$P" >"$T/b.csv"
printf 'identifiant;prénom;nom;téléphone\nC1;Quentin;Close;%s\n' "$Q" >"$T/c.csv"
printf 'identifiant;prénom;nom;téléphone\nD1;Sami;Stop;%s\n' "$S" >"$T/d.csv"

for m in m1 m2 m3; do
	dt_sim $m --script "$T/cand.script" --report-delay-ms 50
done
dt_conf m1 m2 m3
new_campaign() { # NAME SCRIPT TRADE
	sm campaign new --name "$1" --script "$2" --trade "$3" \
		--start 2027-03-01 --end 2027-09-30 --place "IFSI Metz" \
		--seats 12 --prerequisite "vaccins à jour"
}
# B and C first: their candidates are contacted first (oldest import).
B=$(new_campaign "Cariste Metz" "$T/b.conf" cariste) || fail "campaign B"
C=$(new_campaign "Cariste Thionville" "$T/b.conf" cariste) || fail "campaign C"
A=$(new_campaign "Aide-soignant Metz" "$T/a.conf" aide-soignant) || fail "campaign A"
D=$(new_campaign "Cariste Hagondange" "$T/b.conf" cariste) || fail "campaign D"
for x in b:$B c:$C a:$A d:$D; do
	sm candidates import "$T/${x%%:*}.csv" --campaign "${x#*:}" >/dev/null ||
		fail "import ${x%%:*}"
done
for x in $B $C $A; do
	sm campaign start "$x" >/dev/null || fail "campaign start $x"
done
T0=$SECONDS # no first contact before: no reminder due before T0 + REMIND
dt_daemon_start
dt_wait_ready 3
ok "campaigns A (50 candidates), B and C started, 3 modems"

sent() { # NUMBER PATTERN: messages the simulators got for NUMBER
	$C50 count "$T"/m?.jsonl -- "$@"
}
at_least() { # N NUMBER PATTERN
	[ "$(sent "$2" "$3")" -ge "$1" ]
}
b_and_c_texted() {
	at_least 1 "$P" "formation cariste" && at_least 1 "$Q" "formation cariste"
}
dt_wait 30 "B and C's first contacts" b_and_c_texted
sm campaign pause "$B" >/dev/null || fail "campaign pause B"
sm campaign close "$C" >/dev/null || fail "campaign close C"
ok "B paused and C closed before their candidates answer"
first_contacts() {
	python3 - "$T" <<'PY'
import json, glob, sys
n = sum(1 for f in glob.glob(sys.argv[1] + "/m?.jsonl") for l in open(f)
        if "formation aide-soignant peut" in json.loads(l)["text"])
sys.exit(0 if n == 50 else 1)
PY
}
dt_wait 30 "A's 50 first contacts" first_contacts
# Close the sending window (an hour twelve hours away) before the
# reminders fall due.
reloads() { grep -c 'configuration reloaded' "$DERR" || true; }
reloaded_since() { [ "$(reloads)" -gt "$1" ]; }
h=$(TZ=Europe/Paris date +%-H)
closed=$(printf '%02d:00-%02d:00' $(((h + 12) % 24)) $(((h + 12) % 24 + 1)))
r0=$(reloads)
DT_HOURS=$closed dt_conf m1 m2 m3
kill -HUP "$DAEMON_PID"
dt_wait 20 "the reload" reloaded_since "$r0"
[ $((SECONDS - T0)) -lt "$REMIND" ] ||
	fail "too slow: the window closed $((SECONDS - T0)) s after the start, the reminders were due"
ok "sending window closed ($closed) $((SECONDS - T0)) s after the start"

# The reminders fall due while it is closed: none may leave.  (Waiting
# past the due time is the only way to see that nothing happens.)  Due
# REMIND s after the last question to those who do not answer it (the
# stop candidate's second one comes last); looked at every REMIND/4 s:
# wait that long, and a second more.
dt_wait 30 "the stop candidate gets A's second question" \
	at_least 1 "$S" "Cela vous intéresse"
quiet=$(python3 -c '
import json, sys
print(",".join(repr(c["phone"]) for c in json.load(open(sys.argv[1]))
               if c["profile"] in ("silent", "late", "stop")))' "$T/expect.json")
due=$(python3 "$TOOLS/dtcheck.py" db "$T/smsmatch.db" \
	"SELECT max(last_sent_at) FROM conversations WHERE campaign_id = $A AND phone IN ($quiet)")
while [ "$(date +%s)" -lt $((due + REMIND + REMIND / 4 + 1)) ]; do
	sleep 0.5
done
python3 - "$T"/m?.jsonl <<'PY' || fail "reminders while the window was closed"
import json, sys
n = sum(1 for f in sys.argv[1:] for l in open(f)
        if "nous attendons votre réponse" in json.loads(l)["text"])
sys.exit(0 if n == 0 else 1)
PY
ok "no reminder while the window is closed, $((SECONDS - T0)) s after the start"

r0=$(reloads)
dt_conf m1 m2 m3
kill -HUP "$DAEMON_PID"
dt_wait 20 "the reload" reloaded_since "$r0"
dt_wait 30 "the reminder to the silent candidate" \
	at_least 1 "$SILENT" "nous attendons votre réponse"
ok "window open again: reminders out"

# S answered the interest question after the reminder and is asked the
# next one: campaign D texts S too, and S answers D with STOP.
dt_wait 30 "the stop candidate gets A's third question" \
	at_least 1 "$S" "Serez-vous disponible"
sm campaign start "$D" >/dev/null || fail "campaign start D"
dt_wait 30 "the STOP confirmation" at_least 1 "$S" "^Cariste : c'est noté"
ok "campaign D texted the stop candidate, who answered STOP"

open_in_a() {
	python3 "$TOOLS/dtcheck.py" db "$T/smsmatch.db" \
		"SELECT count(*) FROM conversations WHERE campaign_id = $A AND outcome = 'open'"
}
a_ended() { [ "$(open_in_a)" = 0 ]; }
dt_wait 60 "every conversation of A ends (the silent one expires)" a_ended
ok "campaign A: every conversation ended, $((SECONDS - T0)) s after the start"
sm campaign status "$A" >"$T/status" || fail "campaign status"
sm shortlist "$A" --format json >"$T/sl.json" || fail "shortlist"
$C50 check "$T" "$T/sl.json" "$T"/m?.jsonl || fail "the shortlist of A"
grep -Eq '^  no answer +1 ' "$T/status" || fail "no answer: $(cat "$T/status")"
grep -Eq '^  opted out +1 ' "$T/status" || fail "opted out: $(cat "$T/status")"
ok "each of the 50 candidates: status, rank, criteria and words as expected"

# The 400-character motivation whole in every export.
for f in csv xlsx html; do
	sm shortlist "$A" --format $f -o "$T/sl.$f" || fail "shortlist --format $f"
done
python3 - "$T" "$LONG" <<'PY' || fail "the long motivation is cut in an export"
import html, sys, zipfile
d, long = sys.argv[1], sys.argv[2]
assert len(long) >= 380, len(long)
csv = open(d + "/sl.csv", encoding="utf-8-sig").read()
assert csv.count(long) == 2, "csv: value and words"
page = html.unescape(open(d + "/sl.html", encoding="utf-8").read())
assert long in page, "html"
z = zipfile.ZipFile(d + "/sl.xlsx")
xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
assert long in html.unescape(xml), "xlsx"
PY
ok "a ${#LONG}-character motivation whole in csv, xlsx, html and json"

# STOP: both conversations of S ended, one confirmation (D's wording).
conf_txt="Cariste : c'est noté, vous ne recevrez plus de SMS de Agence de test."
[ "$(sent "$S" "^Cariste : c'est noté")" = 1 ] ||
	fail "STOP confirmation: $(sent "$S" "^Cariste : c'est noté") times"
[ "$(sent "$S" '.*')" = 6 ] ||
	fail "to $S: $(sent "$S" '.*') messages (want A's consent, interest, reminder and availability, D's consent, the confirmation)"
outcomes=$(python3 "$TOOLS/dtcheck.py" db "$T/smsmatch.db" \
	"SELECT group_concat(outcome, ',') FROM conversations WHERE phone = '$S'")
[ "$outcomes" = "opted_out,opted_out" ] || fail "conversations of $S: $outcomes"
sm optout list | grep -q "$S" || fail "$S not opted out"
ok "STOP ended both campaigns' conversations; one confirmation: \"$conf_txt\"…"

# P (paused campaign) and Q (closed campaign): kept, not played.
inbox_has() {
	sm inbox --json | python3 -c '
import json, sys
n = [m for m in json.load(sys.stdin) if m["from"] == sys.argv[1]]
sys.exit(0 if n and n[0]["state"] != "handled" else 1)' "$1"
}
dt_wait 30 "P's reply in the inbox" inbox_has "$P"
dt_wait 30 "Q's reply in the inbox" inbox_has "$Q"
sleep 2 # a next question would be queued at once: give it the time
for n in $P $Q; do
	[ "$(sent "$n" '.*')" = 1 ] || fail "$n got $(sent "$n" '.*') messages, want the first contact only"
done
answers=$(python3 "$TOOLS/dtcheck.py" db "$T/smsmatch.db" \
	"SELECT count(*) FROM answers JOIN conversations c ON c.id = conversation_id WHERE c.phone IN ('$P', '$Q')")
[ "$answers" = 0 ] || fail "$answers answer(s) stored from a paused or closed campaign"
ok "replies to a paused and to a closed campaign: in the inbox, not played"

# B runs again: P's reply, kept during the pause, is played then.
sm campaign resume "$B" >/dev/null || fail "campaign resume B"
p_played() { at_least 2 "$P" '.*'; }
dt_wait 60 "P's reply played after B resumed" p_played
answers=$(python3 "$TOOLS/dtcheck.py" db "$T/smsmatch.db" \
	"SELECT count(*) FROM answers JOIN conversations c ON c.id = conversation_id WHERE c.phone = '$P'")
[ "$answers" -ge 1 ] || fail "no answer stored for $P after B resumed"
[ "$(sent "$Q" '.*')" = 1 ] || fail "$Q (closed campaign) got a next question"
ok "B resumed: the reply received during the pause played ($answers answer(s))"

dt_daemon_term
dt_check_stderr
echo "campaign_50: ok"
