#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# udev_rules.sh - the rules in udev/ parse, name an AT port for every
# modem family, and keep ModemManager off; the linter itself catches errors.
set -eu
cd "$SRCDIR"
lint=tests/tools/udev_lint.py
python3 $lint udev/*.rules

for family in quectel simcom huawei; do
	grep -q "ENV{.SMSMATCH_FAMILY}=\"$family\"" udev/60-smsmatch.rules ||
		{ echo "no AT port rule for $family"; exit 1; }
done
grep -q 'ENV{ID_MM_DEVICE_IGNORE}="1"' udev/60-smsmatch.rules
grep -q 'SYMLINK+="smsmatch/' udev/60-smsmatch.rules

# The linter must reject broken rules (a test that cannot fail proves nothing).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'SUBSYSTEM=="tty", GOTO="nowhere"\n' >"$tmp/a.rules"
printf 'SUBSYSTEM=="tty" SYMLINK+="x"\n' >"$tmp/b.rules"
printf 'ENV="1"\n' >"$tmp/c.rules"
printf 'SUBSYSTEM=="tty", OWNER=="root"\n' >"$tmp/d.rules"
for f in "$tmp"/*.rules; do
	if python3 $lint "$f" 2>"$tmp/err"; then
		echo "linter accepted $f"; exit 1
	fi
	grep -q "$(basename "$f"):1:" "$tmp/err"
done
echo "udev rules: ok"
