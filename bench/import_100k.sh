#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# import_100k.sh - time `smsmatch candidates import` of 100 000 generated
# candidates (bench/gen_candidates.py: UTF-8 with BOM, ';', CRLF, 8
# columns, 5 % invalid numbers) into a fresh database on a temp file, then
# the same file again (every row merges).  Prints the figures; the goal
# is under 5 s for the first import.
#   BUILD=build bench/import_100k.sh [ROWS [DIR]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
BUILD=${BUILD:-$root/build}
ROWS=${1:-100000}
make -C "$root" --no-print-directory BUILD="$BUILD" "$BUILD/smsmatch" >/dev/null
T=$(mktemp -d "${2:-${TMPDIR:-/tmp}}/import_bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
printf 'database = "%s/db.sqlite";\n' "$T" >"$T/sm.conf"
sm() { "$BUILD/smsmatch" -c "$T/sm.conf" "$@"; }

python3 "$here/gen_candidates.py" "$ROWS" --bad-every 20 >"$T/candidats.csv"
id=$(sm campaign new --name bench --script "$root/conf/scripts/aide-soignant.conf" --trade t \
	--start 2026-03-02 --end 2026-03-03 --place p --seats 1)
size=$(stat -c %s "$T/candidats.csv")

run() { # label
	local t0 t1 out
	t0=$(date +%s.%N)
	out=$(sm candidates import "$T/candidats.csv" --campaign "$id" 2>/dev/null)
	t1=$(date +%s.%N)
	awk -v l="$1" -v a="$t0" -v b="$t1" -v n="$ROWS" -v o="$out" \
		'BEGIN { printf "import_100k: %-8s %d rows in %.2f s (%.0f rows/s): %s\n", l, n, b - a, n / (b - a), o }'
}
echo "import_100k: $ROWS rows, $((size / 1024)) KB, database on $(df -P "$T" | awk 'NR == 2 { print $1 }')"
run first
run again
