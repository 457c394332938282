#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Timelines and spreadsheets (issue 16): --format csv and --format timesketch, and the bodyfile's mode "l"
# for symbolic links and junctions, on the reparse, hardlinks and slack fixtures against their hand-written
# expectations (tests/e2e/check_timelines.py says what each check asserts).
set -u
src=${top_srcdir:-.}
work=${top_builddir:-.}/tests/work/timelines
fixtures=${top_builddir:-.}/tests/work/fixtures
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "SKIP: $PY is not installed"; exit 77; }
mkdir -p "$work"
bash "$src/fixtures/unpack.sh" "$fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }

fail=0
run() { # run FIXTURE FORMAT CHECK OPTIONS...
	local fx=$1 fmt=$2 chk=$3
	shift 3
	local out="$work/$fx.$fmt"
	if ! "$NTFSLINKS" -q "$@" --format "$fmt" -o "$out" "$fixtures/$fx.raw"; then
		echo "FAIL: $fx --format $fmt exited $?"
		fail=1
	elif $PY "$src/tests/e2e/check_timelines.py" "$chk" "$out" "$src/fixtures/$fx.expect.json"; then
		echo "ok: $fx --format $fmt"
	else
		echo "FAIL: $fx --format $fmt"
		fail=1
	fi
}

run reparse csv csv --drive C=0
run hardlinks csv csv
run hardlinks timesketch timesketch
run slack timesketch timesketch
run reparse timesketch timesketch --drive C=0
run reparse bodyfile bodyfile --drive C=0
run slack bodyfile bodyfile
exit $fail
