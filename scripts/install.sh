#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# install.sh - `make install` and `make uninstall` (the Makefile passes the
# directories in the environment; docs/operator.md, "Install").
#
#   scripts/install.sh install BUILD   programs, man pages, configuration
#                                      examples and dialogue scripts, the
#                                      systemd unit, the udev rules, docs
#   scripts/install.sh uninstall       removes what the manifest lists
#
# Every file installed is written to a manifest ($DATADIR/manifest) with
# its SHA-256, so uninstall removes exactly that and no more.  A file under
# $SYSCONFDIR/smsmatch is never overwritten once someone edited it: the new
# one goes beside it as FILE.dist; uninstall leaves an edited one in place.
# The data ($STATEDIR: the database) is never touched by uninstall.
#
# As root without DESTDIR, install also creates the smsmatch system user
# (group dialout), $STATEDIR (0750, owned by smsmatch) and the database
# (0600, through the smsmatch command, which creates and migrates it), then
# reloads systemd and udev when they run.  With DESTDIR it only lays out
# the tree and its modes, and says what it skipped.
set -eu

: "${PREFIX:=/usr/local}" "${DESTDIR:=}"
: "${BINDIR:=$PREFIX/bin}" "${SBINDIR:=$PREFIX/sbin}"
: "${MANDIR:=$PREFIX/share/man}" "${DOCDIR:=$PREFIX/share/doc/smsmatch}"
: "${DATADIR:=$PREFIX/share/smsmatch}" "${SYSCONFDIR:=/etc}"
: "${STATEDIR:=/var/lib/smsmatch}" "${UNITDIR:=/etc/systemd/system}"
: "${UDEVRULESDIR:=/etc/udev/rules.d}" "${GZIP_MAN:=}"
USER_NAME=smsmatch
SRC=$(cd "$(dirname "$0")/.." && pwd)
CONFDIR=$SYSCONFDIR/smsmatch
MANIFEST=$DATADIR/manifest

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# The previous manifest's checksum of PATH (not under DESTDIR), or nothing.
old_sha() {
	[ -f "$DESTDIR$MANIFEST.old" ] || return 0
	awk -v p="$2" '$1 == "f" && $3 == p { print $2 }' \
		"$DESTDIR$MANIFEST.old"
}

# mkdir -p that records in the manifest the directories it created.
mkdirs() {
	local d=$1 mode=${2:-0755} todo=()

	while [ ! -d "$DESTDIR$d" ] && [ "$d" != / ]; do
		todo=("$d" "${todo[@]}")
		d=$(dirname "$d")
	done
	[ -d "$DESTDIR/" ] || install -d "$DESTDIR/"
	for d in "${todo[@]}"; do
		install -d -m "$mode" "$DESTDIR$d"
		echo "d $d" >>"$NEW"
	done
}

# put MODE SOURCE DEST: install a file, record it.
put() {
	local mode=$1 src=$2 dst=$3

	mkdirs "$(dirname "$dst")"
	install -m "$mode" "$src" "$DESTDIR$dst"
	echo "f $(sha "$DESTDIR$dst") $dst" >>"$NEW"
}

# put_conf SOURCE DEST: a configuration file is the operator's once edited.
put_conf() {
	local src=$1 dst=$2 was

	if [ ! -e "$DESTDIR$dst" ]; then
		put 0644 "$src" "$dst"
		return
	fi
	was=$(old_sha "$DESTDIR$dst" "$dst")
	if [ -n "$was" ] && [ "$was" = "$(sha "$DESTDIR$dst")" ]; then
		put 0644 "$src" "$dst"	# ours, unedited: replace it
		return
	fi
	if cmp -s "$src" "$DESTDIR$dst"; then
		return			# not ours, but the same text
	fi
	put 0644 "$src" "$dst.dist"
	say "kept $dst (edited); the new version is $dst.dist"
}

unit() {
	sed -e "s|^ExecStart=.*|ExecStart=$SBINDIR/smsmatchd -c $CONFDIR/smsmatch.conf|" \
		-e "s|file:/usr/local/share/doc/smsmatch/|file:$DOCDIR/|" \
		-e "s|^ReadWritePaths=.*|ReadWritePaths=$STATEDIR|" \
		"$SRC/conf/smsmatchd.service"
}

system_setup() {
	local conf=$CONFDIR/smsmatch.conf

	getent group dialout >/dev/null || groupadd --system dialout
	if ! getent passwd "$USER_NAME" >/dev/null; then
		useradd --system --user-group --groups dialout \
			--home-dir "$STATEDIR" --no-create-home \
			--shell /usr/sbin/nologin \
			--comment "smsmatch SMS gateway" "$USER_NAME"
		say "created the system user $USER_NAME (group dialout)"
	elif ! id -nG "$USER_NAME" | grep -qw dialout; then
		usermod -a -G dialout "$USER_NAME"
		say "added $USER_NAME to group dialout"
	fi
	install -d -m 0750 -o "$USER_NAME" -g "$USER_NAME" "$STATEDIR"
	chown "$USER_NAME:$USER_NAME" "$STATEDIR"
	chmod 0750 "$STATEDIR"
	# The smsmatch command creates (or migrates) the configured database.
	if runuser -u "$USER_NAME" -- sh -c 'umask 077; cd /; exec "$0" -c "$1" queue' \
		"$BINDIR/smsmatch" "$conf" >/dev/null 2>"$TMPD/db.err"; then
		say "database ready (see 'database' in $conf)"
	else
		say "warning: database not created: $(head -c 300 "$TMPD/db.err")"
		say "  (fix $conf; smsmatchd creates it at its first start)"
	fi
	if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
		systemctl daemon-reload
	else
		say "systemd is not running here: no daemon-reload"
	fi
	if command -v udevadm >/dev/null && [ -S /run/udev/control ]; then
		udevadm control --reload
		udevadm trigger --subsystem-match=tty --action=add || true
	else
		say "udev is not running here: rules installed, not reloaded"
	fi
}

do_install() {
	local build=${1:?usage: install.sh install BUILD} f page sec

	for f in smsmatch smsmatchd smsmatch-modemsim; do
		[ -x "$build/$f" ] || die "$build/$f is missing: run make first"
	done
	TMPD=$(mktemp -d)
	trap 'rm -rf "$TMPD"' EXIT
	NEW=$TMPD/manifest
	: >"$NEW"
	if [ -f "$DESTDIR$MANIFEST" ]; then
		cp "$DESTDIR$MANIFEST" "$DESTDIR$MANIFEST.old"
		# directories the first install created stay recorded
		grep '^d ' "$DESTDIR$MANIFEST" >>"$NEW" || true
	fi

	put 0755 "$build/smsmatch" "$BINDIR/smsmatch"
	put 0755 "$build/smsmatch-modemsim" "$BINDIR/smsmatch-modemsim"
	put 0755 "$build/smsmatchd" "$SBINDIR/smsmatchd"

	for page in "$SRC"/docs/man/*.[1-8]; do
		sec=${page##*.}
		if [ -n "$GZIP_MAN" ]; then
			gzip -9nc "$page" >"$TMPD/page.gz"
			put 0644 "$TMPD/page.gz" "$MANDIR/man$sec/$(basename "$page").gz"
		else
			put 0644 "$page" "$MANDIR/man$sec/$(basename "$page")"
		fi
	done
	for f in "$SRC"/README.md "$SRC"/docs/*.md; do
		put 0644 "$f" "$DOCDIR/$(basename "$f")"
	done

	put_conf "$SRC/conf/smsmatch.conf" "$CONFDIR/smsmatch.conf"
	for f in "$SRC"/conf/scripts/*.conf; do
		put_conf "$f" "$CONFDIR/scripts/$(basename "$f")"
	done

	unit >"$TMPD/smsmatchd.service"
	put 0644 "$TMPD/smsmatchd.service" "$UNITDIR/smsmatchd.service"
	put 0644 "$SRC/udev/60-smsmatch.rules" "$UDEVRULESDIR/60-smsmatch.rules"

	# the data directory: never in the manifest, never removed
	install -d -m 0750 "$DESTDIR$STATEDIR"
	chmod 0750 "$DESTDIR$STATEDIR"

	mkdirs "$DATADIR"
	awk '!seen[$1 FS $NF]++' "$NEW" >"$TMPD/m"
	install -m 0644 "$TMPD/m" "$DESTDIR$MANIFEST"
	rm -f "$DESTDIR$MANIFEST.old"
	say "installed $(grep -c '^f ' "$DESTDIR$MANIFEST") files under" \
		"${DESTDIR:-/} (manifest: $MANIFEST)"

	if [ -n "$DESTDIR" ]; then
		say "DESTDIR is set: skipped creating the $USER_NAME user, the" \
			"ownership of $STATEDIR, the database and reloading" \
			"systemd/udev (make install as root without DESTDIR does" \
			"them; a package does them in its postinst)"
	elif [ "$(id -u)" -ne 0 ]; then
		say "not root: skipped creating the $USER_NAME user, $STATEDIR" \
			"and the database (run make install as root)"
	else
		system_setup
		say "next: edit $CONFDIR/smsmatch.conf (modems), then" \
			"systemctl enable --now smsmatchd"
	fi
}

do_uninstall() {
	local m=$DESTDIR$MANIFEST kind sum path dirs n=0

	[ -f "$m" ] || die "no manifest $m: nothing installed with this PREFIX/DESTDIR"
	while read -r kind sum path; do
		[ "$kind" = f ] || continue
		[ -e "$DESTDIR$path" ] || continue
		case $path in
		"$CONFDIR"/*)
			if [ "$(sha "$DESTDIR$path")" != "$sum" ]; then
				say "kept $path (edited)"
				continue
			fi ;;
		esac
		rm -f "$DESTDIR$path"
		n=$((n + 1))
	done <"$m"
	# directories install created, deepest first, when empty
	dirs=$(awk '$1 == "d" { print length($2), $2 }' "$m" | sort -rn |
		cut -d' ' -f2-)
	rm -f "$m"
	while read -r path; do
		[ -n "$path" ] && rmdir "$DESTDIR$path" 2>/dev/null || true
	done <<<"$dirs"
	say "removed $n files; $STATEDIR (the data) and edited configuration" \
		"files are left"
	if [ -z "$DESTDIR" ] && [ "$(id -u)" -eq 0 ] &&
		[ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
		systemctl daemon-reload
	fi
}

case ${1:-} in
install) shift; do_install "$@" ;;
uninstall) do_uninstall ;;
*) die "usage: install.sh install BUILD | uninstall" ;;
esac
