#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# script_cli.sh - `smsmatch script check|try` on the shipped dialogue
# scripts: check passes with no warning and shows every message with its
# encoding and SMS count; a broken script fails with its line; try, driven
# through stdin, plays a keen candidate (complete) and a hesitant one
# (re-prompts, help offered, a question, a callback) on each script.
set -u
BUILD=${BUILD:?}
SRCDIR=${SRCDIR:-.}
SM=$BUILD/smsmatch
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
has() { # file, fixed string
	grep -qF -- "$2" "$1" || { cat "$1"; fail "$1: no '$2'"; }
}
hasnt() { # file, fixed string
	! grep -qF -- "$2" "$1" || { cat "$1"; fail "$1: unexpected '$2'"; }
}

for name in aide-soignant auxiliaire-de-vie cariste; do
	f=$SRCDIR/conf/scripts/$name.conf
	"$SM" script check "$f" >"$T/check.out" 2>"$T/check.err" ||
		{ cat "$T/check.err"; fail "check $name: exit $?"; }
	[ ! -s "$T/check.err" ] || { cat "$T/check.err"; fail "check $name: stderr"; }
	has "$T/check.out" "$f: OK, 0 warnings"
	has "$T/check.out" "[consentement] yesno consent: gsm7, "
	has "$T/check.out" "  | Bonjour Alexandra, ici l'assistant automatique de France Travail Colmar."
	has "$T/check.out" "[fin] end (complete): "
	# Every message fits in 1 or 2 SMS.
	if grep -E '^[^ ].*: (gsm7|ucs2), [0-9]+ SMS' "$T/check.out" |
		grep -vE ', [12] SMS, '; then
		fail "check $name: a message over 2 SMS"
	fi
done

# A broken script: exit 1, the problem with its line.
set +e
"$SM" script check "$SRCDIR/tests/data/scripts/unknown_next.conf" \
	>"$T/bad.out" 2>"$T/bad.err"
rc=$?
set -e
[ $rc = 1 ] || fail "broken script: exit $rc, want 1"
has "$T/bad.err" "error: $SRCDIR/tests/data/scripts/unknown_next.conf:14: node 'transport': next: no node 'garde'"
has "$T/bad.err" "unknown_next.conf: 1 error"
set +e
"$SM" script check >/dev/null 2>&1; rc=$?
[ $rc = 2 ] || fail "no file: exit $rc, want 2"
"$SM" script frobnicate x >/dev/null 2>&1; rc=$?
[ $rc = 2 ] || fail "unknown command: exit $rc, want 2"
"$SM" script check "$T/none.conf" >/dev/null 2>"$T/none.err"; rc=$?
set -e
[ $rc = 1 ] || fail "missing file: exit $rc, want 1"
has "$T/none.err" "$T/none.conf: No such file or directory"
"$SM" script --help | grep -q "script try FILE"

# try: a keen candidate on each script.
play() { # name, out, replies...
	local name=$1 out=$2
	shift 2
	printf '%s\n' "$@" | "$SM" script try "$SRCDIR/conf/scripts/$name.conf" \
		--var prenom=Samia --var lieu="Lycée Blaise Pascal, Colmar" \
		>"$out" 2>&1 || { cat "$out"; fail "try $name: exit $?"; }
}

play aide-soignant "$T/as.keen" "Oui" "oui !" "Oui" "1" "1" "oui" "oui" \
	"J'aime m'occuper des autres et travailler en équipe"
play auxiliaire-de-vie "$T/av.keen" "oui" "Oui" "oui" "1" "1" "oui" \
	"Je me suis occupée de ma grand-mère pendant 3 ans"
play cariste "$T/ca.keen" "OUI" "oui" "oui" "1" "1" "oui" "non" \
	"J'ai fait de la manutention en entrepôt et je veux évoluer"
for out in "$T/as.keen" "$T/av.keen" "$T/ca.keen"; do
	has "$out" "SMS> Bonjour Samia, ici l'assistant automatique de France Travail Colmar."
	has "$out" "à Lycée Blaise Pascal, Colmar"
	has "$out" "  understood: consent = yes"
	has "$out" "  understood: interest = yes"
	has "$out" "  understood: available = yes"
	has "$out" "  understood: transport = car"
	has "$out" "  understood: childcare = not_needed"
	has "$out" "  understood: prerequisites = yes"
	has "$out" "  understood: motivation = "
	has "$out" "SMS> Merci Samia ! Vos réponses sont transmises à votre conseiller"
	has "$out" "== outcome: complete"
	has "$out" "== collected:"
	hasnt "$out" "not understood"
	hasnt "$out" "Bonne nouvelle"
done
has "$T/ca.keen" "  understood: caces = no"
has "$T/as.keen" "  understood: selection_test = yes"

# A hesitant candidate: asks what it is, maybe, no car, children to
# place, then wants a person.
play aide-soignant "$T/as.hes" "euh" "oui" "peut-être" "oui" \
	"je n'ai pas de solution" "3" "appelez-moi svp"
play auxiliaire-de-vie "$T/av.hes" "Oui" "peut-être" "oui" "3" "3" \
	"je veux parler à quelqu'un"
play cariste "$T/ca.hes" "oui" "peut-être" "AIDE" "oui" "3" "3" \
	"c'est payé ?" "oui" "rappelez-moi"
for out in "$T/as.hes" "$T/av.hes" "$T/ca.hes"; do
	has "$out" "  understood: interest = maybe"
	has "$out" "  understood: transport = help_needed"
	has "$out" "SMS> Bonne nouvelle : la Région peut vous aider à vous déplacer"
	has "$out" "  understood: childcare = help_needed"
	has "$out" "SMS> Bonne nouvelle : la Région peut aider à financer la garde"
	has "$out" "  (callback requested: flagged for the advisor)"
	has "$out" "SMS> C'est noté Samia : votre conseiller de France Travail Colmar vous appellera"
	has "$out" "== outcome: callback_requested"
done
has "$T/as.hes" "  (not understood: asked again)"
has "$T/as.hes" "SMS> Pour en savoir plus sur la formation, répondez OUI."
has "$T/ca.hes" "  (help asked)"
has "$T/ca.hes" "SMS> Ici l'assistant SMS de France Travail Colmar."
has "$T/ca.hes" "  (a common question: answered)"
has "$T/ca.hes" "SMS> La formation est gratuite pour vous."

# Declining ends early; a silent candidate is reminded once, then expires.
play cariste "$T/ca.no" "oui" "non merci"
has "$T/ca.no" "  understood: interest = no"
has "$T/ca.no" "SMS> Merci pour votre réponse Samia."
has "$T/ca.no" "== outcome: declined"
play cariste "$T/ca.wait" "/wait 2d" "/wait 1d" "/wait 2d"
[ "$(grep -c '  (reminder)' "$T/ca.wait")" = 1 ] || fail "one reminder"
has "$T/ca.wait" "SMS> Bonjour Samia, nous attendons votre réponse"
has "$T/ca.wait" "== outcome: no_answer"
# stdin ends mid-way: the node waited at.
play cariste "$T/ca.eof" "oui"
has "$T/ca.eof" "== no more replies (waiting at node 'interet')"
echo "script_cli: OK"
