#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make check: replays every fuzzing corpus (tests/fuzz/corpus/<family>/) through its harness, built with
# the ordinary compiler as tests/fuzz/replay_<family>. A crash, or a corpus without its replay binary,
# fails the test.
set -u
src=${top_srcdir:-.}
build=${top_builddir:-.}
status=0
found=0
for dir in "$src"/tests/fuzz/corpus/*/; do
	[ -d "$dir" ] || continue
	family=$(basename "$dir")
	bin="$build/tests/fuzz/replay_$family"
	found=$((found + 1))
	if [ ! -x "$bin" ]; then
		echo "FAIL: $family: no replay binary $bin (add replay_$family to Makefile.am, see tests/fuzz/README.md)"
		status=1
		continue
	fi
	if out=$("$bin" "$dir" 2>&1); then
		echo "ok: $family: $out"
	else
		echo "FAIL: $family: replay exited with status $?"
		echo "$out" | tail -n 30
		status=1
	fi
done
if [ "$found" -eq 0 ]; then
	echo "FAIL: no corpus under $src/tests/fuzz/corpus"
	status=1
fi
exit $status
