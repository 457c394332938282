#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The views of one report never disagree on the anomalies: the text view lists them in the order of the
# JSON report (volume by volume, volume-wide ones first, then by record), on every fixture and on every
# hostile case that yields a report. Issue 11, wrong finding 2: the text view listed them unsorted.
set -u
src=${top_srcdir:-.}
build=${top_builddir:-.}
ntfslinks=${NTFSLINKS:-$build/ntfslinks}
work=$build/tests/work/anomaly_order
python=/usr/bin/python3
[ -x "$python" ] || python=python3
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
bash "$src/fixtures/unpack.sh" "$build/tests/work/fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }
"$python" "$src/tests/hostile/make-corpus.py" "$build/tests/work/fixtures" "$work" >/dev/null ||
	{ echo "FAIL: building the corpus"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "TYPE RECORD" per anomaly of the text view (at most 30 per volume, as it shows; a detail too long for the
# line continues on lines indented by 8)
text_list() {
	awk '/^  Anomalies \(/ { on = 1; next } on && /^    [a-z_]+ +([0-9]+|-)  / { print $1, $2; next }
	     on && /^        / { next } on { on = 0 }' "$1"
}
# the same from the JSON report, cut to the first 30 of each volume like the text view
json_list() {
	jq -r '.volumes[] | [.anomalies[:30][] | "\(.type) \(.record // "-")"] | .[]' "$1"
}

fail=0 checked=0 nonempty=0
images=()
for f in "$build"/tests/work/fixtures/*.raw "$build"/tests/work/fixtures/*.E01 "$build"/tests/work/fixtures/real/*.raw; do
	images+=("$f|")
done
while IFS= read -r line; do
	[ -n "$(jq -r '.skip // empty' <<<"$line")" ] && continue
	[ "$(jq -r '.output_is_image // false' <<<"$line")" = true ] && continue
	[ -n "$(jq -r '.report_lines // empty' <<<"$line")" ] && continue # its report is not JSON (bodyfile, text)
	images+=("$work/$(jq -r .image <<<"$line")|$(jq -r '.args | join(" ")' <<<"$line")")
done <"$work/manifest.jsonl"
limit=$(awk -v k="${NTFSLINKS_TIMEOUT_SCALE:-1}" 'BEGIN { print 60 * k }') # a hang guard (.ci/run scales it)
for e in "${images[@]}"; do
	image=${e%%|*} args=${e#*|}
	# shellcheck disable=SC2086 # the manifest's arguments are words
	timeout "$limit" "$ntfslinks" -q --threads 2 $args --format json -o "$tmp/r.json" "$image" 2>/dev/null
	s1=$?
	# shellcheck disable=SC2086
	timeout "$limit" "$ntfslinks" -q --threads 2 $args --format text -o "$tmp/r.text" "$image" 2>/dev/null
	s2=$?
	if [ "$s1" != "$s2" ]; then
		echo "FAIL: $image $args: exit $s1 for json, $s2 for text"
		fail=1
		continue
	fi
	[ "$s1" -eq 0 ] || [ "$s1" -eq 3 ] || continue
	json_list "$tmp/r.json" >"$tmp/j" && text_list "$tmp/r.text" >"$tmp/t"
	checked=$((checked + 1))
	[ -s "$tmp/j" ] && nonempty=$((nonempty + 1))
	if ! cmp -s "$tmp/j" "$tmp/t"; then
		echo "FAIL: $image $args: the text view lists the anomalies in another order than the JSON report"
		diff "$tmp/j" "$tmp/t" | head -n 10
		fail=1
	fi
done
echo "anomaly order: $checked reports compared ($nonempty with anomalies)"
[ "$nonempty" -ge 10 ] || { echo "FAIL: too few reports with anomalies to compare"; fail=1; }
[ "$fail" -eq 0 ]
