#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# install.sh - `make install DESTDIR=... PREFIX=/usr` lays out the expected
# tree with the right modes; the installed unit passes `systemd-analyze
# verify` (its man page found in the tree); the installed udev rules parse;
# an edited configuration survives a second install (the new one beside it
# as .dist) and uninstall; uninstall leaves nothing but the data.
set -u
BUILD=${BUILD:?}
SRCDIR=${SRCDIR:-.}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# make is called from inside make check: do not share its jobserver.
unset MAKEFLAGS MAKELEVEL MFLAGS
mk() { make --no-print-directory -C "$SRCDIR" BUILD="$BUILD" "$@"; }

R=$T/root
mk install DESTDIR="$R" PREFIX=/usr >"$T/out" 2>&1 ||
	fail "make install: $(cat "$T/out")"
grep -q "DESTDIR is set: skipped creating the smsmatch user" "$T/out" ||
	fail "install did not say what it skipped: $(cat "$T/out")"

# --- the tree, with modes (directories created by the install: 0755)
expect() {
	local mode=$1 path=$2 got

	[ -e "$R$path" ] || fail "missing $path"
	got=$(stat -c %a "$R$path")
	[ "$got" = "$mode" ] || fail "$path has mode $got, expected $mode"
}
expect 755 /usr/bin/smsmatch
expect 755 /usr/bin/smsmatch-modemsim
expect 755 /usr/sbin/smsmatchd
for p in smsmatch.1 smsmatch-modemsim.1; do expect 644 /usr/share/man/man1/$p; done
expect 644 /usr/share/man/man8/smsmatchd.8
for p in "$SRCDIR"/docs/man/*.5; do
	[ -e "$p" ] || continue
	expect 644 "/usr/share/man/man5/$(basename "$p")"
done
expect 644 /usr/share/doc/smsmatch/operator.md
expect 644 /usr/share/doc/smsmatch/README.md
expect 755 /etc/smsmatch
expect 644 /etc/smsmatch/smsmatch.conf
for s in "$SRCDIR"/conf/scripts/*.conf; do
	expect 644 "/etc/smsmatch/scripts/$(basename "$s")"
done
expect 644 /usr/lib/systemd/system/smsmatchd.service
expect 644 /usr/lib/udev/rules.d/60-smsmatch.rules
expect 750 /var/lib/smsmatch
expect 644 /usr/share/smsmatch/manifest
cmp -s "$R/usr/sbin/smsmatchd" "$BUILD/smsmatchd" || fail "smsmatchd differs from the build"
# nothing else: every file is in the manifest
(cd "$R" && find . -type f | sed 's|^\.||' | sort) >"$T/files"
{ awk '$1 == "f" { print $3 }' "$R/usr/share/smsmatch/manifest"
  echo /usr/share/smsmatch/manifest; } | sort >"$T/listed"
diff "$T/listed" "$T/files" >"$T/diff" || fail "files and manifest differ: $(cat "$T/diff")"

# --- the unit: paths follow the prefix; systemd-analyze verify passes
U=$R/usr/lib/systemd/system/smsmatchd.service
grep -qx 'ExecStart=/usr/sbin/smsmatchd -c /etc/smsmatch/smsmatch.conf' "$U" ||
	fail "ExecStart does not follow the prefix: $(grep ExecStart "$U")"
grep -q '^Documentation=.*file:/usr/share/doc/smsmatch/operator.md' "$U" ||
	fail "Documentation= does not follow the prefix"
for k in 'WantedBy=multi-user.target' 'Restart=on-failure' \
	'StateDirectory=smsmatch' 'User=smsmatch' 'SupplementaryGroups=dialout'; do
	grep -qx "$k" "$U" || fail "the unit lacks $k"
done
# verify checks that ExecStart exists: point it into the tree; its
# Documentation= man page is found there too (MANPATH).
sed "s|^ExecStart=/usr/sbin/|ExecStart=$R/usr/sbin/|" "$U" >"$T/smsmatchd.service"
out=$(MANPATH=$R/usr/share/man systemd-analyze verify "$T/smsmatchd.service" 2>&1 |
	grep -v "Failed to resolve user\|Failed to resolve group")
[ -z "$out" ] || fail "systemd-analyze verify: $out"

# --- the udev rules parse
python3 "$SRCDIR/tests/tools/udev_lint.py" "$R/usr/lib/udev/rules.d/60-smsmatch.rules" ||
	fail "installed udev rules do not parse"

# --- the installed programs run
"$R/usr/bin/smsmatch" --help >/dev/null || fail "installed smsmatch --help"
MANPATH=$R/usr/share/man man -w smsmatchd >/dev/null 2>&1 ||
	fail "man cannot find the installed smsmatchd(8)"

# --- reinstall over an edited configuration: kept, new one as .dist
echo '# edited by the operator' >>"$R/etc/smsmatch/smsmatch.conf"
cp "$R/etc/smsmatch/smsmatch.conf" "$T/edited"
mk install DESTDIR="$R" PREFIX=/usr >"$T/out" 2>&1 || fail "second install: $(cat "$T/out")"
cmp -s "$R/etc/smsmatch/smsmatch.conf" "$T/edited" || fail "install overwrote an edited configuration"
cmp -s "$R/etc/smsmatch/smsmatch.conf.dist" "$SRCDIR/conf/smsmatch.conf" ||
	fail "no smsmatch.conf.dist beside the edited configuration"
grep -q "kept /etc/smsmatch/smsmatch.conf (edited)" "$T/out" || fail "install did not say it kept the configuration"
# an unedited script is replaced silently, no .dist
[ ! -e "$R/etc/smsmatch/scripts/cariste.conf.dist" ] || fail ".dist for an unedited file"

# --- uninstall: the data and the edited configuration stay, nothing else
echo data >"$R/var/lib/smsmatch/smsmatch.db"
mk uninstall DESTDIR="$R" PREFIX=/usr >"$T/out" 2>&1 || fail "make uninstall: $(cat "$T/out")"
(cd "$R" && find . -mindepth 1 | sort) >"$T/left"
printf '%s\n' ./etc ./etc/smsmatch ./etc/smsmatch/smsmatch.conf ./var ./var/lib \
	./var/lib/smsmatch ./var/lib/smsmatch/smsmatch.db >"$T/want"
diff "$T/want" "$T/left" >"$T/diff" || fail "uninstall left: $(cat "$T/diff")"

# --- and with nothing edited: only the data directory
R=$T/root2
mk install DESTDIR="$R" GZIP_MAN=1 >"$T/out" 2>&1 || fail "install (/usr/local): $(cat "$T/out")"
expect 644 /usr/local/share/man/man8/smsmatchd.8.gz
expect 644 /etc/systemd/system/smsmatchd.service
expect 644 /etc/udev/rules.d/60-smsmatch.rules
grep -qx 'ExecStart=/usr/local/sbin/smsmatchd -c /etc/smsmatch/smsmatch.conf' \
	"$R/etc/systemd/system/smsmatchd.service" || fail "ExecStart with PREFIX=/usr/local"
mk uninstall DESTDIR="$R" >"$T/out" 2>&1 || fail "uninstall (/usr/local): $(cat "$T/out")"
left=$(cd "$R" && find . -mindepth 1 | sort | tr '\n' ' ')
[ "$left" = "./var ./var/lib ./var/lib/smsmatch " ] || fail "uninstall left: $left"
echo "install: ok"
