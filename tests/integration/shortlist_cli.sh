#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# shortlist_cli.sh - `smsmatch shortlist` end to end: the fixture campaign
# (eleven candidates in every situation, written through the store API by
# build/tests/tools/sl-fixture) exported in every format; the CSV checked
# byte by byte, the JSON and the XLSX (zipfile) read with python3, the
# HTML for escaping; then every bad input (exit code, one-line message).
set -u
BUILD=${BUILD:?}
SRCDIR=${SRCDIR:-.}
SM=$BUILD/smsmatch
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

printf 'database = "%s/db.sqlite";\ntimezone = "Europe/Paris";\n' "$T" >"$T/conf"
ID=$("$BUILD/tests/tools/sl-fixture" "$T/db.sqlite") || fail "fixture"
[ "$ID" -gt 0 ] || fail "fixture id '$ID'"
RANKED="Durand Martin Haddad Petit Leroy Moreau Garnier Benali Roux Blanc Faure"
sm() { "$SM" -c "$T/conf" "$@"; }

# ---- CSV on standard output, and the same bytes with -o
sm shortlist "$ID" >"$T/out.csv" || fail "csv exit $?"
sm shortlist "$ID" --format csv -o "$T/file.csv" || fail "csv -o"
cmp -s "$T/out.csv" "$T/file.csv" || fail "csv: stdout and -o differ"
[ "$(head -c 3 "$T/out.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] ||
	fail "csv: no BOM"
python3 - "$T/out.csv" "$RANKED" <<'PY' || fail "csv content"
import csv, io, sys
data = open(sys.argv[1], "rb").read()
assert data.startswith(b"\xef\xbb\xbf")
text = data[3:].decode("utf-8")
# Every record ends with CRLF; bare LF only inside quoted cells.
rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
assert len(rows) == 12, len(rows)
head = rows[0]
assert head[:5] == ["rang", "statut", "prénom", "nom", "téléphone"], head
assert head[5:7] == ["accord", "accord (ses mots)"], head
assert head[-2:] == ["alertes", "décision"], head
assert all(len(r) == len(head) for r in rows)
assert [r[3] for r in rows[1:]] == sys.argv[2].split(), [r[3] for r in rows]
assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, 12)]
assert all(r[-1] == "" for r in rows[1:])
assert text.count("\r\n") == 12
benali = rows[8]
assert "'=HYPERLINK(\"http://x.example\";\"non\")" in benali, benali
moreau = rows[6]
assert "<script>alert('x')</script> oui & <b>merci</b>" in moreau
haddad = rows[3]
mot = haddad[head.index("motivation (ses mots)")]
assert len(mot) == 1000 and "😀" in mot and "\n" in mot, len(mot)
assert "demande à être rappelé" in haddad[-2]
petit = rows[4]
assert petit[1] == "compatible sous condition"
assert "aide régionale ou covoiturage" in petit[-2]
assert "confiance 55 %" in petit[-2]
print("csv ok")
PY

# ---- JSON
sm shortlist "$ID" --format json >"$T/out.json" || fail "json exit"
python3 - "$T/out.json" "$RANKED" <<'PY' || fail "json content"
import json, re, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert set(d) == {"campaign", "candidates"}
c = d["campaign"]
assert set(c) == {"id", "name", "trade", "start_date", "end_date", "place",
                  "seats", "prerequisites"}
assert c["seats"] == 12 and c["prerequisites"] == ["Niveau 3e", "Permis B souhaité"]
cands = d["candidates"]
assert [x["last_name"] for x in cands] == sys.argv[2].split()
for i, x in enumerate(cands, 1):
    assert set(x) == {"rank", "status", "first_name", "last_name", "phone",
                      "criteria", "flags", "transcript"}, set(x)
    assert x["rank"] == i
    assert re.fullmatch(r"\+33\d{9}", x["phone"])
    for name, v in x["criteria"].items():
        assert set(v) == {"value", "raw", "confidence", "method"}
        assert isinstance(v["confidence"], float)
    for m in x["transcript"]:
        assert set(m) == {"at", "direction", "text"}
        assert m["direction"] in ("in", "out")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", m["at"])
statuses = [x["status"] for x in cands]
assert statuses == ["compatible"] * 3 + ["conditional"] * 2 + [
    "incomplete", "not_contacted", "declined", "opted_out", "unreachable",
    "no_answer"], statuses
assert cands[2]["flags"] == ["callback", "llm:motivation"]
assert cands[0]["transcript"][0]["at"] == "2026-03-02T10:00:01+01:00"
assert cands[8]["transcript"][1]["text"] == "STOP"
print("json ok")
PY

# ---- HTML
sm shortlist "$ID" --format html -o "$T/out.html" || fail "html exit"
grep -q '<script' "$T/out.html" && fail "html: a script tag got through"
grep -q '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; oui &amp; &lt;b&gt;merci&lt;/b&gt;' \
	"$T/out.html" || fail "html: reply not escaped"
grep -q '<div><b>11</b>candidats</div>' "$T/out.html" || fail "html: funnel"
grep -q '<div><b>5</b>retenus</div>' "$T/out.html" || fail "html: shortlisted"
[ "$(grep -c "<section class=\"tr\">" "$T/out.html")" -eq 10 ] ||
	fail "html: a transcript page per contacted candidate"

# ---- XLSX
sm shortlist "$ID" --format xlsx -o "$T/out.xlsx" || fail "xlsx exit"
python3 - "$T/out.xlsx" "$RANKED" <<'PY' || fail "xlsx content"
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
wb = z.read("xl/workbook.xml").decode()
for s in ("Shortlist", "Entonnoir", "Transcriptions"):
    assert f'<sheet name="{s}"' in wb, s
ss = z.read("xl/sharedStrings.xml").decode()
strings = re.findall(r"<t[^>]*>(.*?)</t>", ss, re.S)
s1 = z.read("xl/worksheets/sheet1.xml").decode()
assert len(re.findall(r"<row ", s1)) == 12
assert 'state="frozen"' in s1 and "<autoFilter" in s1
# Last names in column D, in rank order.
names = [strings[int(v)] for v in
         re.findall(r'<c r="D\d+" s="\d+" t="s"><v>(\d+)</v>', s1)]
assert names[1:] == sys.argv[2].split(), names
assert "'=HYPERLINK(&quot;http://x.example&quot;;&quot;non&quot;)" in ss or \
       "'=HYPERLINK(\"http://x.example\";\"non\")" in ss
s3 = z.read("xl/worksheets/sheet3.xml").decode()
assert len(re.findall(r"<row ", s3)) > 20
print("xlsx ok")
PY

# ---- text: a table for a terminal, columns aligned in characters
sm shortlist "$ID" --format text >"$T/out.txt" || fail "text exit $?"
python3 - "$T/out.txt" "$RANKED" <<'PY' || fail "text content: $(cat "$T/out.txt")"
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[0] == "Shortlist: Aide-soignant Metz mars (campagne 1)", lines[0]
assert lines[1].startswith("aide-soignant, du lundi 16 mars au vendredi "
                           "26 juin 2026, "), lines[1]
head = lines[4]
assert head.split()[:4] == ["rang", "statut", "candidat", "téléphone"], head
assert "accord" not in head and "motivation" not in head, head
rows = [l for l in lines[5:] if re.match(r"^ *\d+  ", l)]
assert [r.split()[0] for r in rows] == [str(i) for i in range(1, 12)]
names = sys.argv[2].split()
for r, n in zip(rows, names):
    assert n in r, (n, r)
# every cell of a column starts at the same character
col = head.index("transport")
for r in rows:
    assert r[col - 2:col] == "  " and r[col] != " ", r
petit = lines[lines.index(rows[3]) + 1:lines.index(rows[4])]
assert "      ! besoin de transport : aide régionale ou covoiturage" in petit
assert "aide au transport demandée" in rows[3]
assert rows[8].split()[1:3] == ["désinscrit", "(STOP)"], rows[8]
print("text ok")
PY

# ---- errors: exit code and one line
expect() { # what, code, regexp, args...
	local what=$1 code=$2 re=$3
	shift 3
	sm "$@" >"$T/o" 2>"$T/e"
	local rc=$?
	[ $rc -eq "$code" ] || fail "$what: exit $rc, wanted $code: $(cat "$T/e")"
	grep -Eq "$re" "$T/e" || fail "$what: message: $(cat "$T/e")"
	[ "$code" -ne 1 ] || [ "$(wc -l <"$T/e")" -eq 1 ] ||
		fail "$what: not one line: $(cat "$T/e")"
	echo "ok: $what"
}
expect "xlsx needs -o" 2 'xlsx needs -o' shortlist "$ID" --format xlsx
expect "unknown format" 2 "unknown format 'pdf'" shortlist "$ID" --format pdf
expect "bad id" 2 "'abc' is not a campaign id" shortlist abc
expect "no id" 2 'Usage' shortlist
expect "unknown campaign" 1 'no campaign 999' shortlist 999
expect "unwritable csv" 1 'cannot write /nonexistent/x.csv' \
	shortlist "$ID" -o /nonexistent/x.csv
expect "unwritable xlsx" 1 'cannot write /nonexistent/x.xlsx' \
	shortlist "$ID" --format xlsx -o /nonexistent/x.xlsx
[ ! -e /nonexistent/x.csv.tmp ] || fail "temp file left"
sm shortlist --help | grep -q 'ranked by the' || fail "--help"
sm --help | grep -q 'shortlist ID' || fail "smsmatch --help lists shortlist"
echo "shortlist_cli: all ok"
