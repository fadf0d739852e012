#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# docs_man.sh - the man pages render without a warning (groff -ww and
# man --warnings), and they cannot drift from the programs: every option
# printed by `smsmatch --help`, by each command's --help and by
# `smsmatch-modemsim --help` (and each simulator control command) is in
# its man page, and every --option a man page names exists in a --help.
set -u
BUILD=${BUILD:?}
SRCDIR=${SRCDIR:-.}
SM=$BUILD/smsmatch
SIM=$BUILD/smsmatch-modemsim
MAN1=$SRCDIR/docs/man/smsmatch.1
MAN2=$SRCDIR/docs/man/smsmatch-modemsim.1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for tool in groff man; do
	command -v $tool >/dev/null ||
		fail "$tool is missing: run scripts/install-deps.sh (man-db, groff-base)"
done

# --- rendering, without warnings
for page in "$MAN1" "$MAN2"; do
	[ -f "$page" ] || fail "no $page"
	groff -man -ww -z "$page" >"$T/groff" 2>&1 ||
		fail "groff failed on $page: $(cat "$T/groff")"
	[ ! -s "$T/groff" ] || fail "groff warnings on $page: $(cat "$T/groff")"
	MANWIDTH=80 man --warnings -l "$page" >"$T/text" 2>"$T/manerr" ||
		fail "man failed on $page: $(cat "$T/manerr")"
	[ ! -s "$T/manerr" ] || fail "man warnings on $page: $(cat "$T/manerr")"
	for h in NAME SYNOPSIS DESCRIPTION 'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
		grep -q "^$h\$" "$T/text" || fail "$page has no $h section"
	done
	[ "$(wc -l <"$T/text")" -gt 100 ] || fail "$page renders too short"
	echo "ok: $(basename "$page") renders without warnings ($(wc -l <"$T/text") lines)"
done

# --- every --help of smsmatch, concatenated
{
	"$SM" --help
	"$SM" modem --help
	for c in probe send listen; do "$SM" modem $c --help; done
	"$SM" pdu --help
	for c in decode encode; do "$SM" pdu $c --help; done
	for c in send queue modems optout inbox campaign candidates shortlist \
		script purge audit person; do "$SM" $c --help; done
	"$SM" llm test --help
} >"$T/help1" 2>&1 || fail "an smsmatch --help failed: $(cat "$T/help1")"
"$SIM" --help >"$T/help2" 2>&1 || fail "smsmatch-modemsim --help failed"

python3 - "$T/help1" "$MAN1" "$T/help2" "$MAN2" <<'PY'
import re, sys

def options(text):
    """-x and --long-option words of a --help text."""
    return set(re.findall(r"(?:(?<=^)|(?<=[\s\[(|,]))(--?[A-Za-z][A-Za-z0-9-]*)",
                          text, re.M))

def roff_text(path):
    """The man page source with escapes resolved enough to search it."""
    s = open(path, encoding="utf-8").read()
    s = re.sub(r"^\.\\\".*$", "", s, flags=re.M)      # comments
    s = re.sub(r"\\f(\[[^]]*\]|\(..|.)", "", s)         # fonts
    s = s.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")
    s = s.replace("\\(dq", '"').replace("\\c", "")
    return s

def has(man, word):
    return re.search(r"(?<![A-Za-z0-9-])" + re.escape(word) +
                     r"(?![A-Za-z0-9-])", man) is not None

bad = 0
for helpfile, page in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    helptext = open(helpfile, encoding="utf-8").read()
    man = roff_text(page)
    opts = options(helptext)
    assert len(opts) >= 8, (helpfile, opts)
    missing = sorted(o for o in opts if not has(man, o))
    for o in missing:
        print("FAIL: %s: %s is in --help but not in the man page" % (page, o))
    bad += len(missing)
    # the other way: no --option in the man page that no --help knows
    extra = sorted(o for o in set(re.findall(
        r"(?<![A-Za-z0-9-])(--[a-z][a-z0-9-]*)", man)) if o not in opts)
    for o in extra:
        print("FAIL: %s names %s, which no --help prints" % (page, o))
    bad += len(extra)
    print("ok: %s: %d options of --help checked" % (page.split("/")[-1],
                                                    len(opts)))

# smsmatch: every command; the simulator: every control command
man1 = roff_text(sys.argv[2])
for cmd in ("modem probe", "modem send", "modem listen", "pdu decode",
            "pdu encode", "send", "queue show", "queue resolve", "modems",
            "optout add", "optout remove", "optout list", "inbox"):
    if cmd not in man1:
        print("FAIL: smsmatch.1 lacks the command %s" % cmd)
        bad += 1
help2 = open(sys.argv[3], encoding="utf-8").read()
ctl = re.search(r"^Control socket.*?\n(.*?)\n\n", help2, re.M | re.S)
assert ctl, "no control socket section in smsmatch-modemsim --help"
cmds = set()
for line in ctl.group(1).splitlines():
    m = re.match(r"  ([a-z][a-z-]*)(?: \| ([a-z][a-z-]*))?\s", line)
    if m:
        cmds.update(c for c in m.groups() if c)
assert {"inject", "inject-pdu", "stats"} <= cmds, cmds
man2 = roff_text(sys.argv[4])
for c in sorted(cmds):
    if not re.search(r"^\.(?:BI|BR|B) " + re.escape(c) + r"\b", man2, re.M) \
            and not re.search(r"^\.BR [a-z]+ \" \| \" " + re.escape(c), man2,
                              re.M):
        print("FAIL: smsmatch-modemsim.1 does not describe control command %s"
              % c)
        bad += 1
print("ok: %d control commands described" % len(cmds))
sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] || fail "man pages and --help differ"
echo "all man page checks passed"
