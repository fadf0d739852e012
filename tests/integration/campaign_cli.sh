#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# campaign_cli.sh - `smsmatch campaign` and `smsmatch candidates import`
# end to end on a temporary database: the life cycle and its errors, an
# import with every kind of bad row (exact messages), merged duplicates and
# opted-out numbers, files that must import nothing (UTF-16, garbage,
# missing columns, a quote never closed at the end of 1000 rows), a
# Windows-1252 file, 10 000 generated rows with 5 % invalid numbers, help
# texts and exit codes 0/1/2.
set -eu
: "${BUILD:?}" "${SRCDIR:=.}"
SM="$BUILD/smsmatch"
DATA="$SRCDIR/tests/data/csv"
# A database in memory-backed storage when there is one: every command
# commits with fsync.
T=$(mktemp -d "$( [ -w /dev/shm ] && echo /dev/shm || echo /tmp)/campaign_cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
printf 'database = "%s/db.sqlite";\n' "$T" >"$T/sm.conf"
cp "$SRCDIR/conf/scripts/aide-soignant.conf" "$T/as.conf"
sm() { "$SM" -c "$T/sm.conf" "$@"; }

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
check() { # what, got, want
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}
# expect CODE COMMAND...: run, keep stdout/stderr in $T/out, $T/err
expect() {
	local want=$1 rc=0
	shift
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = "$want" ] || fail "$* exited $rc, want $want: $(cat "$T/err")"
}
# sql QUERY: one value from the database (the sqlite3 shell when there is
# one: python3 takes a second to start on a busy machine)
sql() {
	if command -v sqlite3 >/dev/null; then
		sqlite3 -batch "$T/db.sqlite" "$1"
		return
	fi
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchone(); c.commit(); print(r[0] if r else "")' "$T/db.sqlite" "$1"
}
candidates() { # campaign id
	sm campaign show "$1" | awk '$1 == "candidates" { print $2 }'
}

# ---- help and usage
expect 0 sm campaign --help
grep -q "campaign new --name NAME" "$T/out" || fail "campaign --help"
expect 0 sm candidates --help
grep -q "candidates import FILE --campaign ID" "$T/out" || fail "candidates --help"
expect 0 sm candidates import --help
expect 2 sm campaign
expect 2 sm campaign frobnicate
expect 2 sm campaign show
expect 2 sm campaign show abc
expect 2 sm campaign new --name x
expect 2 sm candidates
expect 2 sm candidates import "$DATA/latin1.csv"
expect 2 sm candidates import "$DATA/latin1.csv" --campaign 0

# ---- campaign new
new() { # extra args...
	sm campaign new --name "Aide-soignant Metz" --script "$T/as.conf" \
		--trade aide-soignant --place "IFSAS Metz" --seats 12 "$@"
}
expect 1 new --start 2026-03-02 --end 2026-02-01
grep -q "before the start" "$T/err" || fail "end before start: $(cat "$T/err")"
expect 1 new --start 31/02/2026 --end 2026-06-01
expect 1 new --start 2026/03/02 --end 2026-06-01
grep -q "YYYY-MM-DD or DD/MM/YYYY" "$T/err" || fail "bad date message"
expect 1 sm campaign new --name x --script "$T/none.conf" --trade t \
	--start 2026-03-02 --end 2026-03-03 --place p --seats 1
check "missing script" "$(cat "$T/err")" \
	"smsmatch: campaign: script $T/none.conf: No such file or directory"
expect 1 new --start 2026-03-02 --end 2026-06-26 --seats 0
printf 'this is not a script\n' >"$T/broken.conf"
expect 1 sm campaign new --name x --script "$T/broken.conf" --trade t \
	--start 2026-03-02 --end 2026-03-03 --place p --seats 1
grep -q "^smsmatch: campaign: $T/broken.conf:1: " "$T/err" ||
	fail "broken script: $(cat "$T/err")"
expect 0 new --start 02/03/2026 --end 2026-06-26 --prerequisite "permis B" \
	--prerequisite "vaccins à jour"
check "new id" "$(cat "$T/out")" 1
expect 0 sm campaign show 1
grep -q "session        2026-03-02 to 2026-06-26" "$T/out" || fail show
grep -q "                 vaccins à jour" "$T/out" || fail "show prerequisites"
grep -q "state          draft" "$T/out" || fail "show state"
expect 1 sm campaign show 9
check "show 9" "$(cat "$T/err")" "smsmatch: campaign: no campaign 9"

# ---- life cycle
expect 1 sm campaign resume 1
check "resume draft" "$(cat "$T/err")" \
	"smsmatch: campaign: cannot resume campaign 1: it is draft (use start)"
expect 1 sm campaign pause 1
expect 0 sm campaign start 1
check start "$(cat "$T/out")" "campaign 1: running"
expect 1 sm campaign start 1
expect 0 sm campaign pause 1
expect 1 sm campaign start 1
check "start paused" "$(cat "$T/err")" \
	"smsmatch: campaign: cannot start campaign 1: it is paused (use resume)"
expect 0 sm campaign resume 1
check resume "$(cat "$T/out")" "campaign 1: running"

# ---- an import with every kind of row
sm optout add "06 99 99 99 99" >/dev/null
cat >"$T/candidats.csv" <<'CSV'
Identifiant;Prénom;Nom;Téléphone;Code postal;Commune;Date de naissance;
A01;Zoé;Martin;06 12 34 56 78;57000;Metz;12/03/1990;
A02;Awa;Diallo;+33 7 11 22 33 44;57100;Thionville;01/01/1985;

A03;Jérôme;Petit;03 87 12 34 56;57000;Metz;;
A04;Inès;Roux;12 34;57000;Metz;;
A05;Hugo;Blanc;+32 470 12 34 56;;Bruxelles;;
A06;Léa;"Da Silva";06 99 99 99 99;57000;Metz;;
A07;Zoé;Martin-Durand;0612345678;57000;Metz;12/03/1990;
A08;;Sansprenom;06 55 44 33 22;57000;Metz;;
A09;Noé;Sansnumero;;57000;Metz;;
;;;;;;;
A10;"Marie
Claire";Duval;07 98 76 54 32;57000;"Metz
Centre";;
CSV
expect 0 sm candidates import "$T/candidats.csv" --campaign 1
check "import report" "$(cat "$T/out")" \
	"imported 4 candidates (1 merged, 1 opted out, 4 skipped: see above)"
check "import messages" "$(sed "s|$T/||" "$T/err")" \
"candidats.csv:5: '03 87 12 34 56' is a landline: skipped
candidats.csv:6: '12 34' is not a phone number: skipped
candidats.csv:7: '+32 470 12 34 56' is a foreign number: imported as +32470123456
candidats.csv:10: no first name: skipped
candidats.csv:11: no phone number: skipped"
check "count" "$(candidates 1)" 4
check "merged row" "$(sql "select last_name || ' ' || line from candidates where phone = '+33612345678'")" \
	"Martin-Durand 9"
check "ext_id" "$(sql "select ext_id from candidates where phone = '+33711223344'")" A02
check "vars" "$(sql "select vars from candidates where phone = '+33711223344'")" \
	'{"code_postal":"57100","commune":"Thionville","date_de_naissance":"01/01/1985"}'
check "quoted newline" "$(sql "select first_name || '|' || vars || '|' || line from candidates where phone = '+33798765432'")" \
	'Marie
Claire|{"code_postal":"57000","commune":"Metz\nCentre"}|13'
check "audit" "$(sql "select detail from events where action = 'candidates.import'")" \
	"campaign 1: $T/candidats.csv: 10 rows, 4 added, 1 merged, 1 opted out, 4 skipped"

# ---- files that import nothing
before=$(candidates 1)
nothing() { # file, message
	expect 1 sm candidates import "$1" --campaign 1
	grep -qF -- "$2" "$T/err" || fail "$1: got '$(cat "$T/err")', want '$2'"
	grep -q "nothing imported" "$T/err" || fail "$1: says nothing imported"
	check "$1: count" "$(candidates 1)" "$before"
}
nothing "$DATA/utf16le.csv" "utf16le.csv:1: UTF-16 text"
nothing "$DATA/utf16le_nobom.csv" "utf16le_nobom.csv:1: NUL byte"
nothing "$DATA/garbage.csv" "garbage.csv:2: control character 0x1a"
nothing "$DATA/no_phone.csv" "no_phone.csv: no phone column"
nothing "$DATA/no_first_name.csv" "no_first_name.csv: no first-name column"
nothing "$DATA/bom_then_latin1.csv" "bom_then_latin1.csv:2: invalid UTF-8"
nothing "$T/missing.csv" "missing.csv: cannot open: No such file or directory"
: >"$T/empty.csv"
nothing "$T/empty.csv" "empty.csv:1: empty file"
python3 "$SRCDIR/bench/gen_candidates.py" 1000 >"$T/open_quote.csv"
printf 'X;"Jo;Doe;0611111111\r\n' >>"$T/open_quote.csv"
nothing "$T/open_quote.csv" "open_quote.csv:1002: quoted field opened here is never closed"
check "nothing from 1000 good rows" "$(sql "select count(*) from candidates where ext_id = 'DE0000000'")" 0

# ---- Windows-1252 and a comma file
expect 0 sm campaign new --name cp --script "$T/as.conf" --trade t \
	--start 2026-03-02 --end 2026-03-03 --place p --seats 1
check "id 2" "$(cat "$T/out")" 2
expect 0 sm candidates import "$DATA/excel_cp1252.csv" --campaign 2
check "cp1252" "$(sql "select first_name || ' ' || last_name || ' ' || vars from candidates where campaign_id = 2 and phone = '+33612345678'")" \
	'Hélène Cœur {"remarque":"Coût 10 €, l’été"}'
expect 0 sm candidates import "$DATA/comma_quoted.csv" --campaign 2
check "comma" "$(cat "$T/out")" "imported 2 candidates (1 merged, 0 opted out, 0 skipped)"
check "comma last name" "$(sql "select last_name from candidates where campaign_id = 2 and phone = '+33698765432'")" \
	"Martin, Jr."

# ---- 10 000 rows, 5 % invalid
expect 0 sm campaign new --name big --script "$T/as.conf" --trade t \
	--start 2026-03-02 --end 2026-03-03 --place p --seats 1
python3 "$SRCDIR/bench/gen_candidates.py" 10000 --bad-every 20 >"$T/big.csv"
expect 0 sm candidates import "$T/big.csv" --campaign 3
check "big report" "$(cat "$T/out")" \
	"imported 9500 candidates (0 merged, 0 opted out, 500 skipped: see above)"
check "big skipped lines" "$(grep -c ': skipped$' "$T/err")" 500
check "big landlines" "$(grep -c 'is a landline: skipped$' "$T/err")" 250
check "first bad line" "$(head -1 "$T/err" | sed "s|$T/||")" \
	"big.csv:21: '12 34' is not a phone number: skipped"
check "big count" "$(candidates 3)" 9500
# Again: every row merges.
expect 0 sm candidates import "$T/big.csv" --campaign 3
check "big again" "$(cat "$T/out")" \
	"imported 0 candidates (9500 merged, 0 opted out, 500 skipped: see above)"

# ---- status and close
expect 0 sm campaign status 1
check "status candidates" "$(awk '$1 == "candidates" { print $2 }' "$T/out")" 4
check "status invited" "$(awk '$1 == "invited" { print $2, $3, $4 }' "$T/out")" "0 0 %"
grep -q "median -" "$T/out" || fail "status reply times"
check "status modems" "$(tail -1 "$T/out")" "modems: none recorded yet"
sql "insert into modems (name, state, signal_dbm, sent_today) values ('m1', 'up', -71, 12), ('m2', 'down', 0, 3)"
expect 0 sm campaign status 1
check "status modems" "$(tail -1 "$T/out")" \
	"modems: m1 up (-71 dBm, 12 sent today), m2 down (3 sent today)"
# Three conversations of campaign 3 (as the dialogue engine writes them):
# replies after 10 min, 2 h and 6 h; one complete, one declined.
sql "insert into conversations (campaign_id, candidate_id, phone, outcome, started_at, first_reply_at) select 3, id, phone, case id % 3 when 0 then 'complete' when 1 then 'declined' else 'open' end, 1000, 1000 + case id % 3 when 0 then 600 when 1 then 7200 else 21600 end from candidates where campaign_id = 3 order by id limit 3"
expect 0 sm campaign status 3
check "status 3 invited" "$(awk '$1 == "invited" { print $2 }' "$T/out")" 3
check "status 3 answered" "$(awk '$1 == "answered" { print $2, $3, $4 }' "$T/out")" "3 100 %"
check "status 3 complete" "$(awk '$1 == "complete" { print $2 }' "$T/out")" 1
check "status 3 declined" "$(awk '$1 == "declined" { print $2 }' "$T/out")" 1
check "status 3 times" "$(grep '^reply times' "$T/out")" \
	"reply times: median 2 h 00 from the first message to the first reply; 67 % of repliers within 5 hours"
expect 0 sm campaign list
check "list lines" "$(grep -c '^[0-9]' "$T/out")" 3
grep -q "^3 .*9500  big$" "$T/out" || fail "list: $(cat "$T/out")"
expect 0 sm campaign close 1
expect 1 sm campaign close 1
grep -q "a closed campaign stays closed" "$T/err" || fail "close twice"
expect 1 sm campaign resume 1
expect 1 sm candidates import "$DATA/latin1.csv" --campaign 1
check "closed import" "$(cat "$T/err")" \
	"smsmatch: candidates: campaign 1 is closed: nothing imported"
expect 1 sm candidates import "$DATA/latin1.csv" --campaign 42
check "events" "$(sql "select count(*) from events where action like 'campaign.%'")" 7
echo "campaign_cli: ok"
