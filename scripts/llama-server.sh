#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# llama-server.sh - build llama.cpp's llama-server once per machine, for the
# LLM protocol test (tests/llama/).  The source comes from the npm package
# node-llama-cpp, which ships llama.cpp as a git bundle
# (llama/gitRelease.bundle).  Only the llama-server target is built, without
# the web UI, OpenSSL, curl, tests or examples, under `nice -n 19` with -j2.
#
# The result is cached outside the repository, keyed by the package version:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/smsmatch/llama/<version>/
# A second run only checks the cache and prints the binary's path.
#
# Prints, on stdout, the absolute path of llama-server (nothing else).
# Progress goes to stderr; the build log is kept in <cache>/build.log.
#
# Environment: LLAMA_NPM_VERSION (default below), SMSMATCH_LLAMA_CACHE
# (default above), LLAMA_JOBS (default 2).
set -eu

VERSION="${LLAMA_NPM_VERSION:-3.22.1}"
CACHE_ROOT="${SMSMATCH_LLAMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smsmatch/llama}"
DIR="$CACHE_ROOT/$VERSION"
BIN="$DIR/build/bin/llama-server"
JOBS="${LLAMA_JOBS:-2}"

# Cached: nothing to do.
if [ -x "$BIN" ] && [ -f "$DIR/.built" ]; then
	echo "$BIN"
	exit 0
fi

log() { echo "llama-server.sh: $*" >&2; }

# Debian packages the build and the tiny model need (npm may also come
# with a nodejs package that bundles it).
PKGS="cmake g++ make git python3 python3-numpy"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
# shellcheck disable=SC2086
"$(dirname "$0")/install-deps.sh" $PKGS >&2

mkdir -p "$DIR"
# One build at a time per cache directory (make check-llama run twice).
exec 9>"$DIR/.lock"
if command -v flock >/dev/null 2>&1; then
	flock 9
	if [ -x "$BIN" ] && [ -f "$DIR/.built" ]; then
		echo "$BIN"
		exit 0
	fi
fi

start=$(date +%s)

# 1. The npm package (a tarball), unpacked into $DIR/package.
if [ ! -f "$DIR/package/llama/gitRelease.bundle" ]; then
	log "fetching node-llama-cpp@$VERSION from the npm registry"
	rm -rf "$DIR/package" "$DIR"/node-llama-cpp-*.tgz
	(cd "$DIR" && npm pack --silent "node-llama-cpp@$VERSION" >/dev/null)
	tar -xzf "$DIR/node-llama-cpp-$VERSION.tgz" -C "$DIR"
	rm -f "$DIR/node-llama-cpp-$VERSION.tgz"
fi
if [ ! -f "$DIR/package/llama/gitRelease.bundle" ]; then
	log "node-llama-cpp@$VERSION has no llama/gitRelease.bundle"
	exit 1
fi

# 2. The llama.cpp source, cloned from the bundle.
if [ ! -f "$DIR/src/CMakeLists.txt" ]; then
	log "cloning llama.cpp from the bundle"
	rm -rf "$DIR/src"
	git -c advice.detachedHead=false clone -q "$DIR/package/llama/gitRelease.bundle" "$DIR/src" >&2
fi

# 3. Only the llama-server target.  Options the bundled CMake does not know
# are harmless (cmake warns about unused variables).
log "building llama-server (nice -n 19, -j$JOBS; log in $DIR/build.log)"
{
	nice -n 19 cmake -S "$DIR/src" -B "$DIR/build" \
		-DCMAKE_BUILD_TYPE=Release \
		-DBUILD_SHARED_LIBS=OFF \
		-DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF \
		-DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF \
		-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
		-DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON \
		-DGGML_OPENMP=OFF -DGGML_CCACHE=OFF &&
	nice -n 19 cmake --build "$DIR/build" --target llama-server \
		-j "$JOBS"
} >"$DIR/build.log" 2>&1 || {
	log "build failed; last lines of $DIR/build.log:"
	tail -n 30 "$DIR/build.log" >&2
	exit 1
}
if [ ! -x "$BIN" ]; then
	log "build finished but $BIN is missing"
	exit 1
fi
end=$(date +%s)
echo "$((end - start))" >"$DIR/.built"
log "built in $((end - start)) s"
echo "$BIN"
