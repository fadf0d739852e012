#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# demo.sh - scripts/demo.sh (`make demo`) as a test, in its DEMO_FAST=1
# mode: the whole campaign of 30 scripted candidates on two simulated
# modems ends; the funnel of `campaign status` is exactly the expected
# one; each candidate lands in the expected group of the shortlist with
# the expected status (ranks inside a group follow the first reply's time,
# so only the group's rank range is checked, and the exact ranks where no
# time is involved); the readings the demo shows off (two answers in one
# SMS, a need for transport or childcare, a call-back request, an answer
# to the reminder, a re-prompt); the dates in French in the SMS; the four
# exports written; no sanitizer report; and nothing left behind (no
# process, no temporary directory), neither after a normal run nor when
# interrupted (SIGINT, SIGTERM).  No timed assertion: the demo polls until
# every conversation has ended, DEMO_TIMEOUT bounds it.
set -u
BUILD=${BUILD:?}
SRCDIR=${SRCDIR:-.}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# the demo's own temporary directories go to $T/tmp, checked empty after
mkdir "$T/tmp"
leftovers() { # what the demo left: temp dirs, live processes
	ls -A "$T/tmp"
	pgrep -af -- "$T/tmp/" || true
}

# --- a normal run
DEMO_FAST=1 DEMO_TIMEOUT=300 DEMO_OUT=$T/out TMPDIR=$T/tmp BUILD=$BUILD \
	SRCDIR=$SRCDIR timeout 400 bash "$SRCDIR/scripts/demo.sh" \
	>"$T/stdout" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] || fail "demo exit $rc: $(cat "$T/err") $(tail -20 "$T/stdout")"
[ ! -s "$T/err" ] || fail "demo wrote to stderr: $(cat "$T/err")"
sed 's/^/    /' "$T/stdout"

must() { # regexp: a line of the output must match
	grep -Eq -- "$1" "$T/stdout" || fail "output lacks /$1/"
}
must '^modem-a -> /dev/pts/[0-9]+ \(smsmatch-modemsim, 30 scripted candidates\)$'
must '^smsmatchd -c smsmatch.conf: modem-a and modem-b ready$'
must '^\$ smsmatch campaign new --name "Aide-soignant Metz mars 2027" .*--start 2027-03-15 --end 2027-04-09 '
must '^\$ smsmatch candidates import scripts/demo/candidats.csv --campaign 1$'
must "candidats.csv:13: '03 87 00 00 01' is a landline: skipped$"
must '^imported 30 candidates \(1 merged, 0 opted out, 1 skipped: see above\)$'
must '^campaign 1: running$'
must '^every conversation has ended: [0-9]+ SMS sent, [1-9][0-9]* by modem-a, [1-9][0-9]* by modem-b$'
# the funnel, exactly
funnel() { # label count
	must "^  $1 +$2( |\$)"
}
funnel candidates 30
funnel invited 30
funnel delivered 30
funnel consented 24
funnel answered 25
funnel complete 20
funnel declined 2
funnel "opted out" 2
funnel "no answer" 5
funnel unreachable 0
funnel callback 1
funnel "in progress" 0
echo "ok: funnel"
# the shortlist as a table
must '^aide-soignant, du lundi 15 mars au vendredi 9 avril 2027, IFSI de Metz, 12 places$'
must '^30 candidats, 30 invités, 25 ont répondu, 20 complets, 15 retenus, 2 STOP, 0 injoignables$'
must '^rang  statut +candidat +téléphone +intérêt +disponibilité +transport +garde d.enfants +prérequis +sélection$'
must '^ +[0-9]+  compatible sous condition +Julie Garnier +06 40 12 34 07 +oui +oui +aide au transport demandée '
must '^ +! besoin de garde : aide à la garde d.enfants$'
must '^demo finished in [0-9]+ s: 30 candidates, [0-9]+ SMS, 20 complete conversations, 15 compatible '
must "^[0-9:]{8} Julie     oui mais j'ai pas de voiture\$"
must '^[0-9:]{8} gateway   Serez-vous disponible du lundi 15 mars au vendredi 9 avril 2027, '
for f in csv xlsx html json; do
	[ -s "$T/out/shortlist.$f" ] || fail "no $T/out/shortlist.$f"
	must "^  shortlist\\.$f "
done
must "^written in $T/out/:\$"
echo "ok: shortlist table and exports"

# every candidate: group (rank range), status; the readings shown off
python3 - "$T/out/shortlist.json" <<'PY' || fail "shortlist content"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
by = {c["last_name"]: c for c in d["candidates"]}
assert len(by) == 30, len(by)
groups = [  # (first rank, last rank, {name: status})
    (1, 12, dict.fromkeys("Bernard Bonnet Marchand Masson Morel Benali "
                          "Dupont Haddad Renard Robin Diallo Girard".split(),
                          "compatible")),
    (13, 15, dict.fromkeys("Fontaine Garnier Lefèvre".split(),
                           "conditional")),
    (16, 19, {"Blanc": "incomplete", "Perrin": "incomplete",
              "Chevalier": "incomplete", "Faure": "incomplete"}),
    (20, 25, {"Caron": "not_met", "Lemaire": "not_met", "Mercier": "not_met",
              "Henry": "declined", "Roux": "declined",
              "Lambert": "opted_out"}),
]
for lo, hi, who in groups:
    for name, status in who.items():
        c = by[name]
        assert lo <= c["rank"] <= hi, (name, c["rank"], lo, hi)
        assert c["status"] == status, (name, c["status"], status)
    assert hi - lo + 1 == len(who)
# no reply at all: ranked last, by name
last = [(c["rank"], c["last_name"], c["status"]) for c in d["candidates"]
        if c["rank"] > 25]
assert last == [(26, "François", "no_answer"), (27, "Gauthier", "no_answer"),
                (28, "Moreau", "no_answer"), (29, "Petit", "opted_out"),
                (30, "Rousseau", "no_answer")], last

def crit(name, c):
    return by[name]["criteria"].get(c, {})
def said(name, text):
    return any(m["direction"] == "in" and m["text"] == text
               for m in by[name]["transcript"])
def sent(name, part):
    return [m["text"] for m in by[name]["transcript"]
            if m["direction"] == "out" and part in m["text"]]
# a story is not a transport answer
assert crit("Bernard", "transport")["value"] == "car", crit("Bernard", "transport")
# two answers in one SMS: interest and transport, transport not asked
g = crit("Garnier", "transport")
assert g["value"] == "help_needed" and g["raw"] == "oui mais j'ai pas de voiture", g
assert not sent("Garnier", "Comment iriez-vous")
assert sent("Garnier", "aider à vous déplacer")
assert crit("Lefèvre", "childcare")["value"] == "help_needed"
assert crit("Fontaine", "transport")["raw"] == "g pa d voiture et pas de bus"
assert "callback" in by["Blanc"]["flags"], by["Blanc"]["flags"]
assert crit("Faure", "interest")["value"] == "maybe"
assert crit("Caron", "prerequisites")["value"] == "no"
assert crit("Mercier", "available")["value"] == "no"
assert crit("Masson", "consent")["raw"] == "👍"
# Hugo answered the reminder only, then everything
assert len(sent("Girard", "nous attendons votre réponse")) == 1
assert said("Girard", "dsl j'avais pas vu, oui")
# Emma did not understand the first SMS: re-prompted
assert sent("Dupont", "Pour en savoir plus")
# STOP in the middle (answering the dates): no question after it
t = by["Lambert"]["transcript"]
assert t[-1]["text"].startswith("Serez-vous disponible"), t[-1]
# no answer at all: the invitation, one reminder, nothing else
t = [m["text"] for m in by["Moreau"]["transcript"]]
assert len(t) == 2 and "nous attendons" in t[1], t
# the dates in French, not ISO
inv = sent("Bernard", "Cela vous intéresse")
assert "du lundi 15 mars au vendredi 9 avril 2027" in inv[0], inv
assert not any("2027-03-15" in m["text"] for c in d["candidates"]
               for m in c["transcript"]), "an ISO date in an SMS"
print("shortlist ok: groups, statuses, readings, dates in French")
PY
echo "ok: shortlist ranks and readings"
if grep -E 'runtime error|ERROR: AddressSanitizer|ERROR: LeakSanitizer' \
	"$T/out/smsmatchd.log"; then
	fail "sanitizer report in the daemon's log"
fi
[ -z "$(leftovers)" ] || fail "left behind: $(leftovers)"
echo "ok: no sanitizer report, nothing left behind"

# --- interrupted at each stage: still nothing left behind.  Job control
# on, so that the background demo does not start with SIGINT ignored.
set -m
for sig in INT TERM; do
	for stage in '^== 2\.' '^== 3\.'; do
		DEMO_FAST=1 DEMO_OUT=$T/out2 TMPDIR=$T/tmp BUILD=$BUILD \
			SRCDIR=$SRCDIR bash "$SRCDIR/scripts/demo.sh" \
			>"$T/out2.txt" 2>&1 &
		pid=$!
		for _ in $(seq 1200); do
			grep -Eq "$stage" "$T/out2.txt" && break
			sleep 0.05
		done
		grep -Eq "$stage" "$T/out2.txt" || fail "demo never reached $stage"
		kill -s "$sig" $pid
		wait $pid
		rc=$?
		[ $rc -ne 0 ] || fail "SIG$sig at $stage: exit 0"
		for _ in $(seq 200); do
			[ -z "$(leftovers)" ] && break
			sleep 0.05
		done
		[ -z "$(leftovers)" ] ||
			fail "SIG$sig at $stage left behind: $(leftovers)"
		echo "ok: SIG$sig at /$stage/: exit $rc, nothing left behind"
	done
done
# --- without the programs: one clear line, exit 1
BUILD=$T/nowhere bash "$SRCDIR/scripts/demo.sh" >"$T/out3" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "no programs: exit $rc"
grep -q "smsmatch is missing: run make first" "$T/out3" ||
	fail "no programs: $(cat "$T/out3")"
echo "ok: without the programs: $(cat "$T/out3")"
echo "all demo checks passed"
