#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# privacy_cli.sh - data protection end to end on the shortlist fixture
# campaign (build/tests/tools/sl-fixture): file modes (a new database is
# 0600; a readable one and a readable key file are warned about, naming
# the fix), `person export` (text and JSON), `person erase` (dry run,
# refused during an open conversation, --force, opt-out kept), `purge
# --dry-run`, the daily retention applied by smsmatchd at start-up (funnel
# unchanged, texts gone from the database file), and the audit trail
# (who, what, masked numbers, --since, --json).
. "$(dirname "$0")/lib/daemon.sh"

DB=$T/smsmatch.db
ME=$(id -un 2>/dev/null || echo "uid $(id -u)")
dt_sim m1
dt_conf m1
printf 'llm = { enabled = false; api_key_file = "%s/llm.key"; };\n' "$T" >>"$CONF"
printf 'retention = { days = 30; };\n' >>"$CONF"
printf 'sk-test\n' >"$T/llm.key"
chmod 644 "$T/llm.key"

ID=$("$BUILD/tests/tools/sl-fixture" "$DB") || fail "fixture"

# ---- file modes
[ "$(stat -c %a "$DB")" = 600 ] || fail "new database mode $(stat -c %a "$DB")"
sm campaign list >/dev/null 2>"$T/err" || fail "campaign list"
[ ! -s "$T/err" ] || fail "warning on a 0600 database: $(cat "$T/err")"
chmod 644 "$DB"
sm campaign list >/dev/null 2>"$T/err" || fail "campaign list (0644)"
grep -qF "smsmatch: warning: $DB: mode 0644: group and others can read it; fix: chmod 600 $DB" "$T/err" ||
	fail "no warning for a 0644 database: $(cat "$T/err")"
chmod 600 "$DB"
ok "database modes"

# ---- person export
sm person export "06 12 34 56 01" >"$T/export.txt" || fail "export"
for w in "Alice Martin" "FT0001" "ouais carrément" "< j'ai une voiture" \
	"sms to " "Opt-out: no"; do
	grep -qF "$w" "$T/export.txt" || fail "export lacks '$w'"
done
sm person export +33612345601 --json >"$T/export.json" || fail "export --json"
python3 - "$T/export.json" <<'PY' || fail "export json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["number"] == "+33612345601", d["number"]
c = d["candidates"][0]
assert (c["first_name"], c["last_name"]) == ("Alice", "Martin"), c
raws = [a["raw"] for a in c["conversation"]["answers"]]
assert "ouais carrément" in raws, raws
assert any(t["direction"] == "in" for t in c["conversation"]["transcript"])
assert len(d["inbox"]) == 6 and len(d["outbox"]) == 1, (d["inbox"], d["outbox"])
assert d["optout"] is None
# the text export just before is in the audit trail already
assert [e["action"] for e in d["audit"]] == ["person.export"], d["audit"]
PY
ok "person export"

# ---- person erase
sm person erase 0612345605 >"$T/out" 2>&1 && fail "erase during an open conversation"
grep -q "open conversation of a running campaign: nothing erased" "$T/out" ||
	fail "busy message: $(cat "$T/out")"
sm person erase 0612345605 --force >"$T/out" || fail "erase dry run"
grep -q "would erase (add --yes" "$T/out" || fail "dry run: $(cat "$T/out")"
sm person export 0612345605 | grep -q "Emma\|candidate 5 " || fail "dry run erased"
sm person erase 0612345605 --yes --force >"$T/out" || fail "erase --force"
grep -q "candidates anonymised:   1" "$T/out" || fail "erase counts: $(cat "$T/out")"
sm person export 0612345605 >"$T/export5.txt"
[ "$(grep -c '(none)' "$T/export5.txt")" = 4 ] || fail "erased number still has data: $(cat "$T/export5.txt")"
sm optout add 0612345607 --note "au téléphone" >/dev/null || fail "optout add"
sm person erase 0612345607 --yes >"$T/out" || fail "erase opted-out"
grep -q "kept: +33612345607 stays on the opt-out list" "$T/out" || fail "opt-out kept: $(cat "$T/out")"
sm optout list | grep -q "+33612345607" || fail "opt-out gone"
sm optout list | grep -q "au téléphone" && fail "opt-out note kept"
ok "person erase"

# ---- purge: dry run, then smsmatchd's retention at start-up
sm campaign close "$ID" >/dev/null || fail "close"
sm campaign status "$ID" | sed -n '2,14p' >"$T/funnel.before"
sm purge --dry-run --older-than 1 | grep -q "campaigns purged:        0" ||
	fail "a campaign closed today purged"
sqlite3 -batch "$DB" "UPDATE campaigns SET closed_at = closed_at - 40 * 86400" ||
	fail "backdating the close"
sm purge --dry-run >"$T/out" || fail "purge --dry-run"
grep -q "would purge (dry run).*(30 days)" "$T/out" || fail "dry run: $(cat "$T/out")"
grep -q "campaigns purged:        1" "$T/out" || fail "dry run counts: $(cat "$T/out")"
grep -q "candidates anonymised:   11" "$T/out" || fail "dry run counts: $(cat "$T/out")"
sm person export 0612345601 | grep -q "Alice Martin" || fail "dry run purged"
dt_daemon_start
dt_wait 20 "retention at start-up" grep -q "retention: purged older than 30 days: 1 campaigns, 11 candidates" "$DERR"
grep -q "llm.key: mode 0644: group and others can read it, so it will not be used; fix: chmod 600 $T/llm.key" "$DERR" ||
	fail "no warning for a 0644 key file"
dt_daemon_term
sm campaign status "$ID" | sed -n '2,14p' >"$T/funnel.after"
cmp -s "$T/funnel.before" "$T/funnel.after" ||
	fail "funnel changed: $(diff "$T/funnel.before" "$T/funnel.after")"
sm person export 0612345601 >"$T/export1.txt"
[ "$(grep -c "(none)" "$T/export1.txt")" = 3 ] || fail "purged number still has data: $(cat "$T/export1.txt")"
for w in "ouais carr" "Martin" "Petit" "+33612345603" "ma mère les garde"; do
	grep -qaF "$w" "$DB" "$DB-wal" 2>/dev/null && fail "'$w' still in the database file"
done
ok "purge and retention"

# ---- audit trail
sm audit >"$T/audit.txt" || fail "audit"
for a in person.export person.erase optout.add campaign.close; do
	grep -q "cli:$ME  *$a" "$T/audit.txt" || fail "audit lacks $a by cli:$ME"
done
grep -q "smsmatchd  *purge .*older than 30 days" "$T/audit.txt" || fail "audit lacks the retention purge"
# (the exports made after the erasure name it, rightly)
grep -v person.export "$T/audit.txt" | grep -q "+33612345605\|+33612345607" &&
	fail "an erased number in the audit trail"
grep -q '+\*\*\*\*\*\*\*\*\*05' "$T/audit.txt" || fail "erase not audited masked"
sm audit --json | python3 -c '
import json, sys
ev = json.load(sys.stdin)
assert all(set(e) == {"id", "at", "actor", "action", "subject", "detail"} for e in ev)
assert any(e["action"] == "person.export" and e["subject"] == "+33612345601" for e in ev)' ||
	fail "audit --json"
[ -z "$(sm audit --since 2999-01-01)" ] || fail "audit --since"
# exit codes: 2 for usage errors, 1 for a bad number
rc=0; sm audit --since 2026-13-01 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "audit --since bad date: exit $rc"
rc=0; sm purge --older-than 0 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "purge --older-than 0: exit $rc"
rc=0; sm person export 12 2>/dev/null || rc=$?
[ $rc = 1 ] || fail "person export 12: exit $rc"
ok "audit trail"
dt_check_stderr
