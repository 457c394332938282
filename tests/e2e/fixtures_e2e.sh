#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# End to end: ntfslinks on every fixture, in every container form, against its hand-written expect.json;
# the forms of one volume must agree except for the image block; NDJSON must carry the same items.
set -u
src=${top_srcdir:-.}
work=${top_builddir:-.}/tests/work/e2e
fixtures=${top_builddir:-.}/tests/work/fixtures
PY=/usr/bin/python3
CHECK="$PY $src/tests/e2e/check_expect.py"
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
[ -x "$PY" ] || { echo "SKIP: $PY is not installed"; exit 77; }
mkdir -p "$work/out"
bash "$src/fixtures/unpack.sh" "$fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }

fail=0
run() { # run NAME FORM IMAGE EXPECT OPTIONS...
	local name=$1 form=$2 img=$3 exp=$4
	shift 4
	local out="$work/out/$name.$form.json"
	if ! "$NTFSLINKS" -q "$@" -o "$out" "$img"; then
		echo "FAIL: $name [$form]: ntfslinks exited $?"
		fail=1
		return 1
	fi
	if $CHECK "$out" "$exp" --form "$form"; then
		echo "ok: $name [$form]"
	else
		echo "FAIL: $name [$form] differs from $exp"
		fail=1
	fi
}

for exp in "$src"/fixtures/*.expect.json "$src"/fixtures/real/*.expect.json; do
	name=$(jq -r .fixture "$exp")
	mapfile -t opts < <(jq -r '.options // [] | .[]' "$exp")
	dir=$fixtures
	case $exp in */real/*) dir=$fixtures/real ;; esac
	forms=()
	for form in raw split_raw ewf ewf_multi mft; do
		file=$(jq -r ".files.$form // empty" "$exp")
		[ -n "$file" ] || continue
		run "$name" "$form" "$dir/${file%.gz}" "$exp" "${opts[@]}" && forms+=("$form")
	done
	# the container must not change what is found
	first=${forms[0]:-}
	for form in "${forms[@]:1}"; do
		[ "$form" = mft ] && continue
		if $CHECK --same "$work/out/$name.$first.json" "$work/out/$name.$form.json"; then
			echo "ok: $name [$form] agrees with [$first]"
		else
			echo "FAIL: $name [$form] disagrees with [$first]"
			fail=1
		fi
	done
	# NDJSON carries the same objects as the JSON document
	if [ -n "$first" ]; then
		file=$(jq -r ".files.$first" "$exp")
		nd="$work/out/$name.ndjson"
		if "$NTFSLINKS" -q --format ndjson "${opts[@]}" -o "$nd" "$dir/${file%.gz}" &&
			$CHECK --ndjson "$nd" "$work/out/$name.$first.json"; then
			echo "ok: $name NDJSON"
		else
			echo "FAIL: $name NDJSON"
			fail=1
		fi
	fi
done
exit $fail
