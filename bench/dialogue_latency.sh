#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dialogue_latency.sh - from a candidate's reply to the next question
# queued, without LLM: bench/bench_dialogue.c (the daemon's own reply
# handler on a campaign of conf/scripts/aide-soignant.conf) built against
# $BUILD/libsmsmatch.a and the daemon's sources, run with the database on
# disk ($DISK_DIR, default /var/tmp) and on tmpfs (/dev/shm).  Prints p50,
# p90, p99 and the worst of the wall-clock time and of the CPU time per
# reply (goal: p99 under 1 ms).  Figures only: nothing is asserted.
#
#   BUILD=build bench/dialogue_latency.sh [N]    3 N replies (default 400)
#
# With SAN=1 (a $BUILD made with `make SAN=1`), the bench is built with the
# same sanitizers: its figures are then meaningless, but it runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
BUILD=${BUILD:-$root/build}
N=${1:-400}
make -C "$root" --no-print-directory BUILD="$BUILD" "$BUILD/libsmsmatch.a" >/dev/null
pkgs=$(make -s -C "$root" --no-print-directory print-pkgs)
bin="$BUILD/bench/bench_dialogue"
mkdir -p "$(dirname "$bin")"
# smsmatchd's sources but its main()
daemon=()
for f in "$root"/src/daemon/*.c; do
	[ "${f##*/}" = main.c ] || daemon+=("$f")
done
san=
[ "${SAN:-}" = 1 ] && san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
# shellcheck disable=SC2046,SC2086 # pkg-config's words, $san: separate flags
gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror $san -I"$root/include" \
	$(pkg-config --cflags $pkgs) \
	"$here/bench_dialogue.c" "${daemon[@]}" "$BUILD/libsmsmatch.a" \
	$(pkg-config --libs $pkgs) \
	-lm -o "$bin"
echo "== reply -> next question queued: $((3 * N)) replies, $N candidates, no LLM"
echo "   ($(nproc) CPUs, $(date -u +%FT%TZ))"
for d in "${DISK_DIR:-/var/tmp}" /dev/shm; do
	if [ ! -d "$d" ] || [ ! -w "$d" ]; then continue; fi
	echo "-- database in $d ($(stat -f -c %T "$d"))"
	"$bin" "$d" "$root/conf/scripts/aide-soignant.conf" "$N"
done
