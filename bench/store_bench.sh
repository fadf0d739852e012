#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# store_bench.sh - build bench/bench_store.c against $BUILD/libsmsmatch.a
# and print the store's throughput on a temp file with synchronous=FULL.
#   BUILD=build bench/store_bench.sh [DIR [N]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
BUILD=${BUILD:-$root/build}
make -C "$root" --no-print-directory BUILD="$BUILD" "$BUILD/libsmsmatch.a" >/dev/null
bin="$BUILD/bench/bench_store"
mkdir -p "$(dirname "$bin")"
gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$root/include" \
	"$here/bench_store.c" "$BUILD/libsmsmatch.a" \
	$(pkg-config --libs $(make -s -C "$root" --no-print-directory print-pkgs)) \
	-lm -o "$bin"
"$bin" "${1:-${TMPDIR:-/tmp}}" "${2:-500}"
