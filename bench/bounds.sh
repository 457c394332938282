#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The resource bounds of issue 10: builds ntfslinks and the hostile corpus, runs the resource cases
# (bench/bounds.py names them) with a hang guard, and writes a table of wall time, CPU time, peak RSS,
# report size and report write rate into bench/RESULTS.md (its own section, between the
# "bounds.sh: begin/end" markers; the other tables are left alone). Targets: each case <= 5 s and
# <= 256 MiB peak on this 2-core machine; memory does not grow with the length of one path; reports
# written at >= 200 MB/s. Exit status 0 when every target is met and every case exists, else 1.
#
# Usage: bench/bounds.sh
# Environment:
#   REV=HEAD               the commit to build (git archive of it into BUILD/src; e.g. REV=main)
#   NTFSLINKS=path         measure this binary instead of building one
#   BUILD=/tmp/b-bounds    build folder (BUILD/src: the sources of REV, BUILD/obj: the build)
#   WORK=/tmp/ntfslinks-bounds   unpacked fixtures and the corpus, reused while make-corpus.py,
#                          ntfsedit.py and the fixtures are unchanged (REBUILD=1: build it again)
#   BOUNDS_ONLY=regex, BOUNDS_TIMEOUT=120, BOUNDS_MEM_GUARD_MIB=4096, BOUNDS_REPS=1, BOUNDS_WRITE=1
#                          see bench/bounds.py
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
REV=${REV:-HEAD}
BUILD=${BUILD:-/tmp/b-bounds}
WORK=${WORK:-/tmp/ntfslinks-bounds}
python=/usr/bin/python3
[ -x "$python" ] || python=python3

die() { echo "bounds.sh: $*" >&2; exit 1; }
log() { printf '== %s\n' "$*" >&2; }

# sources: the tree of REV, the same way for every revision (never the configured working tree)
SRC=$TOP
if [ -z "${NTFSLINKS:-}" ]; then
	commit=$(git -C "$TOP" rev-parse --verify "$REV^{commit}") || die "no such revision: $REV"
	log "building ntfslinks of $REV ($commit) in $BUILD"
	mkdir -p "$BUILD/src" "$BUILD/obj"
	rm -rf "$BUILD/stage"
	mkdir "$BUILD/stage"
	git -C "$TOP" archive "$commit" | tar -x -C "$BUILD/stage"
	# copy only files whose bytes changed, so make rebuilds only what the new revision touches
	(cd "$BUILD/stage" && find . -type f) | while IFS= read -r f; do
		cmp -s "$BUILD/stage/$f" "$BUILD/src/$f" 2>/dev/null || { mkdir -p "$(dirname "$BUILD/src/$f")"; cp -p "$BUILD/stage/$f" "$BUILD/src/$f"; touch "$BUILD/src/$f"; }
	done
	rm -rf "$BUILD/stage"
	[ -x "$BUILD/src/configure" ] || (cd "$BUILD/src" && autoreconf -fi >/dev/null 2>&1) || die "autoreconf failed"
	(cd "$BUILD/obj" && { [ -f Makefile ] || ../src/configure -q; } && make -j2 ntfslinks >make.log 2>&1) ||
		die "build failed, see $BUILD/obj/make.log (or set NTFSLINKS=path)"
	NTFSLINKS=$BUILD/obj/ntfslinks
	SRC=$BUILD/src
	echo "$commit" >"$BUILD/commit"
fi
[ -x "$NTFSLINKS" ] || die "no ntfslinks binary at $NTFSLINKS"

# the corpus, built by the revision's own make-corpus.py
fx=$WORK/fixtures
corpus=$WORK/hostile
bash "$SRC/fixtures/unpack.sh" "$fx" >/dev/null || die "unpacking the fixtures failed"
stamp=$corpus/.built-from
want=$(cat "$SRC/tests/hostile/make-corpus.py" "$SRC/tests/hostile/ntfsedit.py" | sha256sum | cut -c1-16)
if [ "${REBUILD:-0}" = 1 ] || [ ! -f "$corpus/manifest.jsonl" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	log "building the hostile corpus in $corpus"
	"$python" "$SRC/tests/hostile/make-corpus.py" "$fx" "$corpus" >&2 || die "make-corpus.py failed"
	echo "$want" >"$stamp"
else
	log "reusing the hostile corpus in $corpus (REBUILD=1 to build it again)"
fi

log "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$python" "$HERE/bounds.py" "$NTFSLINKS" "$corpus" "$WORK/controls" "$HERE/RESULTS.md"
