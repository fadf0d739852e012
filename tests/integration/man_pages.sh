#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# man_pages.sh - all the man pages (smsmatch(1), smsmatch-modemsim(1),
# smsmatch.conf(5), smsmatch-script(5), smsmatchd(8)) render with groff -ww
# and man --warnings without a warning; every key src/config.c accepts in
# the configuration is in smsmatch.conf(5), every key it accepts in a
# dialogue script (the s_* functions) is in smsmatch-script(5); the
# example script in smsmatch-script(5) passes `smsmatch script check`.
# (docs_man.sh keeps --help and the section 1 pages in step.)
set -u
BUILD=${BUILD:?}
SRCDIR=${SRCDIR:-.}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
MAN=$SRCDIR/docs/man

pages=(smsmatch.1 smsmatch-modemsim.1 smsmatch.conf.5 smsmatch-script.5 smsmatchd.8)
for p in "${pages[@]}"; do
	[ -f "$MAN/$p" ] || fail "no docs/man/$p"
	groff -man -ww -z "$MAN/$p" >"$T/groff" 2>&1 || fail "groff failed on $p: $(cat "$T/groff")"
	[ ! -s "$T/groff" ] || fail "groff warnings on $p: $(cat "$T/groff")"
	MANWIDTH=80 man --warnings -l "$MAN/$p" >"$T/$p.txt" 2>"$T/err" ||
		fail "man failed on $p: $(cat "$T/err")"
	[ ! -s "$T/err" ] || fail "man warnings on $p: $(cat "$T/err")"
	for h in NAME SYNOPSIS DESCRIPTION 'SEE ALSO'; do
		grep -q "^$h\$" "$T/$p.txt" || fail "$p has no $h section"
	done
done
[ "$(ls "$MAN" | wc -l)" -eq ${#pages[@]} ] ||
	fail "docs/man has pages this test does not know: $(ls "$MAN")"
echo "ok: ${#pages[@]} man pages render without warnings"

# every accepted key in its page
python3 - "$SRCDIR/src/config.c" "$T/smsmatch.conf.5.txt" "$T/smsmatch-script.5.txt" <<'PY' || exit 1
import re, sys

src = open(sys.argv[1], encoding="utf-8").read()
conf_page = open(sys.argv[2], encoding="utf-8").read()
script_page = open(sys.argv[3], encoding="utf-8").read()
conf, script = set(), set()
for m in re.finditer(r"static const char \*const (\w+)\[\] = \{(.*?)\};",
                     src, re.S):
    if m.group(1) == "want":          # type names in error messages
        continue
    before = src[:m.start()]
    funcs = re.findall(r"^(?:static )?[a-z][\w \*]*?\b(\w+)\(", before, re.M)
    owner = funcs[-1] if funcs else ""
    words = re.findall(r'"([a-z_0-9]+)"', m.group(2))
    (script if owner.startswith("s_") or m.group(1).startswith("s_")
     else conf).update(words)
# the llm answer kinds are a table of structs
conf.update(re.findall(r'\{"(\w+)", SM_LLM_USE_', src))
assert {"database", "modems", "daily_limit", "hours", "url"} <= conf, conf
assert {"nodes", "on_yes", "synonyms", "yesno", "outcome"} <= script, script
bad = 0
for keys, page, name in ((conf, conf_page, "smsmatch.conf(5)"),
                         (script, script_page, "smsmatch-script(5)")):
    for k in sorted(keys):
        if not re.search(r"(?<![\w-])" + re.escape(k) + r"(?![\w-])", page):
            print("FAIL: %s does not document '%s'" % (name, k))
            bad += 1
    print("ok: %s documents the %d keys and values src/config.c accepts"
          % (name, len(keys)))
sys.exit(1 if bad else 0)
PY

# the example script is a working script
sed -n '/^EXAMPLES$/,/^SEE ALSO$/p' "$T/smsmatch-script.5.txt" |
	sed -n '/^ *name = /,/^ *help_offers/p' | sed 's/^       //' >"$T/example.conf"
[ -s "$T/example.conf" ] || fail "no example in smsmatch-script(5)"
"$BUILD/smsmatch" script check "$T/example.conf" >"$T/check" 2>&1 ||
	fail "the example of smsmatch-script(5) fails script check: $(cat "$T/check")"
grep -q "OK, 0 warnings" "$T/check" || fail "the example has warnings: $(tail -3 "$T/check")"
echo "ok: the example of smsmatch-script(5) passes script check"
echo "man pages: ok"
