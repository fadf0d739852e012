#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# install-deps.sh - install the Debian packages smsmatch builds and tests
# with, when they are missing.  `--check` only says what is missing and
# exits 1 if anything is.  Needs root (or sudo) to install.
#
#   install-deps.sh [--check] [PACKAGE...]
#
# With PACKAGE names, those instead of the lists below (scripts/llama-server.sh
# uses it for what the llama-server build needs).
set -eu
check=
if [ "${1:-}" = "--check" ]; then
	check=1
	shift
fi

# Build: libraries behind the Makefile's pkg-config names.
BUILD_PKGS="gcc make pkg-config libserialport-dev libgammu-dev libconfig-dev
libsqlite3-dev libcmocka-dev libcurl4-openssl-dev libjansson-dev
libxlsxwriter-dev"
# Tests: the gammu client (a modem client nobody here wrote), clang and its
# runtime for the fuzzers, socat for serial bridges, python3 for test tools,
# tzdata for the config's `timezone` check and the Europe/Paris DST tests,
# man-db and groff-base (groff with the man macros) to check the man pages,
# gammu-smsd for bench/daemon_vs_gammu_smsd.sh.
TEST_PKGS="gammu clang libclang-rt-14-dev socat python3 tzdata man-db groff-base
gammu-smsd"

WANTED="${*:-$BUILD_PKGS $TEST_PKGS}"

missing=""
for p in $WANTED; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi
if [ -n "$check" ]; then
	echo "missing Debian packages:$missing"
	exit 1
fi

echo "installing missing Debian packages:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "install-deps.sh: not root and no sudo; install:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
# Wait for the dpkg lock when another install holds it.
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
# shellcheck disable=SC2086
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
	--no-install-recommends $missing
