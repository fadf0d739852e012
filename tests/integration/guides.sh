#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# guides.sh - every guide followed step by step, as a new user would
# (issue 6): README.md (its quick start), then each guide in docs/, each
# in its own sandbox with simulated modems, by tests/tools/guidewalk.py.
# Fails when a guide's command fails or prints something else than the
# guide shows; the steps this machine cannot run (root, systemd,
# hardware) are marked in the guide and listed as skips with their
# reason.  The conventions: docs/README.md.
set -u
BUILD=${BUILD:?}
SRCDIR=${SRCDIR:-.}
cd "$SRCDIR" || exit 1
guides=(README.md)
for g in docs/*.md; do
	case $g in
	docs/README.md | docs/architecture.md) ;; # for writers, developers
	*) guides+=("$g") ;;
	esac
done

# The walker itself must fail a guide that is wrong: an output that
# differs, a command that fails, a block that names no language.
T=$(mktemp -d "${TMPDIR:-/tmp}/guides.XXXXXX")
trap 'rm -rf "$T"' EXIT
printf '```console\n$ echo bonjour\nau revoir\n```\n' >"$T/differs.md"
printf '```sh\nfalse\n```\n' >"$T/fails.md"
printf '```\n$ echo bonjour\nbonjour\n```\n' >"$T/bare.md"
for g in differs fails bare; do
	if python3 tests/tools/guidewalk.py --build "$BUILD" --src "$PWD" \
		"$T/$g.md" >"$T/$g.out" 2>&1; then
		cat "$T/$g.out"
		echo "FAIL: guidewalk passed a wrong guide ($g)"
		exit 1
	fi
done
echo "ok: guidewalk fails a wrong guide (output differs, command fails, bare block)"

python3 tests/tools/guidewalk.py --build "$BUILD" --src "$PWD" "${guides[@]}"
