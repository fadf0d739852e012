#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh - run every test once against the binaries in $BUILD:
#   the cmocka unit tests given before "--", the fuzz replays given after it
#   (each over its seed corpus in tests/fuzz/seeds/<name>/), then every
#   tests/integration/*.sh.  Prints one line per test and a closing
#   "N passed, N failed" line; exits 1 if anything failed.
set -u
: "${BUILD:?}" "${SRCDIR:?}"
export BUILD SRCDIR
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export SMSMATCH_TEST_CORPUS="$SRCDIR/tests/corpus"

passed=0
failed=0
failures=""
logdir="$BUILD/test-logs"
mkdir -p "$logdir"

run() { # name, command...
	local name=$1
	shift
	local log="$logdir/$(basename "$name").log"
	if timeout 900 "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "PASS $name"
	else
		failed=$((failed + 1))
		failures="$failures $name"
		echo "FAIL $name (log: $log)"
		tail -n 40 "$log" | sed 's/^/    /'
	fi
}

units=()
replays=()
seen_sep=0
for a in "$@"; do
	if [ "$a" = "--" ]; then seen_sep=1; continue; fi
	if [ $seen_sep = 0 ]; then units+=("$a"); else replays+=("$a"); fi
done

for t in "${units[@]}"; do
	run "unit/$(basename "$t")" "$t"
	grep -hE '^\[  (PASSED|FAILED)  \]' "$logdir/$(basename "$t").log" |
		sed 's/^/    /'
done
for r in "${replays[@]}"; do
	name=$(basename "$r" -replay)
	run "fuzz-seeds/$name" "$r" "$SRCDIR/tests/fuzz/seeds/${name#fuzz_}"
done
for s in "$SRCDIR"/tests/integration/*.sh; do
	[ -e "$s" ] || continue
	run "integration/$(basename "$s" .sh)" bash "$s"
done

echo
[ -n "$failures" ] && echo "failed:$failures"
echo "${SAN:+sanitizers: }$passed passed, $failed failed"
[ $failed -eq 0 ]
