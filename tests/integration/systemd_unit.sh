#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# systemd_unit.sh - conf/smsmatchd.service passes `systemd-analyze verify`
# with ExecStart pointing at the built daemon, and a broken unit does not
# (so the check can fail).
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unit=$tmp/smsmatchd.service
sed "s|/usr/local/sbin/smsmatchd|$BUILD/smsmatchd|" \
	"$SRCDIR/conf/smsmatchd.service" >"$unit"
# The unit names a user that a build machine does not have: verify
# checks the syntax and the executables, not the accounts, and its
# Documentation= man page is not installed here (make install does that).
out=$(systemd-analyze verify "$unit" 2>&1 |
	grep -v "Failed to resolve user\|Failed to resolve group\|Command .man " || true)
if echo "$out" | grep -qi "smsmatchd.service"; then
	echo "systemd-analyze verify complained:"
	echo "$out"
	exit 1
fi
grep -q '^Type=notify' "$unit"
grep -q '^NoNewPrivileges=yes' "$unit"
grep -q '^SupplementaryGroups=dialout' "$unit"

# A typo must be caught.
sed 's/^Type=notify/Type=notfy/' "$unit" >"$tmp/broken.service"
if ! systemd-analyze verify "$tmp/broken.service" 2>&1 | grep -q "broken.service"; then
	echo "verify accepted a broken unit"
	exit 1
fi
echo "systemd unit: ok"
