#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Hostile and damaged images (tests/hostile/README.md): builds the corpus from the fixtures, runs ntfslinks
# on every case under a timeout and checks the exit status, the anomalies and the partial flags the
# manifest expects, and that the image's SHA-256 is unchanged by the run.
# Env (make check): top_srcdir, top_builddir, NTFSLINKS. HOSTILE_ONLY=regex runs only matching cases.
# NTFSLINKS_TIMEOUT_SCALE=k multiplies every case's timeout (.ci/run sets it for the ThreadSanitizer build).
set -u
src=${top_srcdir:-.}
build=${top_builddir:-.}
ntfslinks=${NTFSLINKS:-$build/ntfslinks}
work=$build/tests/work/hostile
python=/usr/bin/python3
[ -x "$python" ] || python=python3
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }

bash "$src/fixtures/unpack.sh" "$build/tests/work/fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }
"$python" "$src/tests/hostile/make-corpus.py" "$build/tests/work/fixtures" "$work" || { echo "FAIL: building the corpus"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# SHA-256 of an image; one over 1 GiB (the sparse real disks of the shadow copy cases: 128 GiB, ~80 MB of
# data) is hashed over its size and its data extents only (SEEK_DATA/SEEK_HOLE), which any write changes
image_hash() {
	if [ "$(stat -c %s "$1")" -le 1073741824 ]; then
		sha256sum <"$1"
		return
	fi
	"$python" - "$1" <<'PY'
import hashlib, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
size = os.fstat(fd).st_size
h = hashlib.sha256(str(size).encode())
off = 0
while off < size:
    try:
        d = os.lseek(fd, off, os.SEEK_DATA)
    except OSError:
        break
    e = os.lseek(fd, d, os.SEEK_HOLE)
    h.update(d.to_bytes(8, "little"))
    while d < e:
        b = os.pread(fd, min(1 << 22, e - d), d)
        if not b:
            break
        h.update(b)
        d += len(b)
    off = e
print(h.hexdigest())
PY
}
fail=0 pass=0 skipped=0
while IFS= read -r line; do
	name=$(jq -r .name <<<"$line")
	if [ -n "${HOSTILE_ONLY:-}" ] && ! [[ $name =~ $HOSTILE_ONLY ]]; then continue; fi
	skip=$(jq -r '.skip // empty' <<<"$line")
	if [ -n "$skip" ]; then
		echo "skip: $name: $skip"
		skipped=$((skipped + 1))
		continue
	fi
	image=$work/$(jq -r .image <<<"$line")
	limit=$(jq -r --argjson k "${NTFSLINKS_TIMEOUT_SCALE:-1}" '.timeout * $k' <<<"$line")
	mapfile -t args < <(jq -r '.args[]' <<<"$line")
	rfmt=$(jq -r '.report_format // empty' <<<"$line") # a report that is not JSON: --format and text checks
	[ -n "$rfmt" ] && args+=(--format "$rfmt")
	out=$tmp/$name.json
	[ "$(jq -r '.output_is_image // false' <<<"$line")" = true ] && out=$image
	to=$(jq -r '.output_to // empty' <<<"$line")     # -o names this file of the case (a segment)
	[ -n "$to" ] && out=$work/$to
	sout=$(jq -r '.stdout_to // empty' <<<"$line")   # no -o: standard output is appended to this file
	[ -n "$sout" ] && sout=$work/$sout
	before= guarded=
	[ -f "$image" ] && [ -r "$image" ] && before=$(image_hash "$image")
	for f in ${to:+"$out"} ${sout:+"$sout"}; do guarded="$guarded$(sha256sum <"$f")"; done
	start=$(date +%s.%N)
	if [ -n "$sout" ]; then
		timeout -k 5 "$limit" "$ntfslinks" "${args[@]}" "$image" 2>"$tmp/$name.err" >>"$sout"
	else
		timeout -k 5 "$limit" "$ntfslinks" "${args[@]}" -o "$out" "$image" 2>"$tmp/$name.err"
	fi
	status=$?
	secs=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo 0)")
	problems=()
	if ! jq -e --argjson s "$status" '.exit | index($s) != null' <<<"$line" >/dev/null; then
		case $status in
		124 | 137) problems+=("timed out after ${limit}s") ;;
		*) [ "$status" -gt 128 ] && problems+=("killed by signal $((status - 128))") ||
			problems+=("exit $status, expected $(jq -c .exit <<<"$line")") ;;
		esac
	fi
	text_report=$(jq -r 'if .report_lines != null or .report_format != null then "yes" else "" end' <<<"$line")
	if [ "$status" -eq 0 ] && [ -n "$text_report" ]; then
		# a report that is not JSON (bodyfile, text, html): its line count and the longest line, in bytes
		read -r lines longest < <(LC_ALL=C awk '{ if (length($0) > hi) hi = length($0) } END { print NR, hi + 0 }' "$out")
		want=$(jq -r '.report_lines // empty' <<<"$line")
		[ -z "$want" ] || [ "$lines" = "$want" ] || problems+=("report has $lines lines, expected $want")
		# report_contains: literal strings it must hold; report_count: how often a literal string occurs
		while IFS= read -r s; do
			[ -n "$s" ] && ! grep -qF -- "$s" "$out" && problems+=("report lacks: $s")
		done < <(jq -r '.report_contains // [] | .[]' <<<"$line")
		while IFS=$'\t' read -r s n; do
			[ -n "$s" ] || continue
			got=$(grep -oiF -- "$s" "$out" | wc -l)
			[ "$got" -eq "$n" ] || problems+=("report holds '$s' $got times, expected $n")
		done < <(jq -r '.report_count // {} | to_entries[] | "\(.key)\t\(.value)"' <<<"$line")
		want=$(jq -r '.report_max_line // empty' <<<"$line")
		[ -z "$want" ] || [ "$longest" -le "$want" ] || problems+=("a report line is $longest bytes, expected at most $want")
		want=$(jq -r '.report_min_line // empty' <<<"$line")
		[ -z "$want" ] || [ "$longest" -ge "$want" ] || problems+=("the longest report line is $longest bytes, expected at least $want")
	elif { [ "$status" -eq 0 ] || [ "$status" -eq 3 ]; } && [ "$out" != "$image" ] && [ -z "$to$sout" ]; then
		# the exit status and the report agree: 0 complete, 3 partial with one warning line (even under -q)
		want=true
		[ "$status" -eq 3 ] && want=false
		warned=$(grep -c 'warning: partial scan' "$tmp/$name.err")
		if ! jq -e . "$out" >/dev/null 2>&1; then
			problems+=("exit $status but the report is not valid JSON")
		elif [ "$(jq -r .run.complete "$out")" != "$want" ]; then
			problems+=("exit $status but run.complete is $(jq -r .run.complete "$out")")
		elif [ "$status" -eq 3 ] && [ "$warned" -ne 1 ]; then
			problems+=("exit 3 with $warned 'warning: partial scan' lines on stderr, expected 1")
		elif [ "$status" -eq 0 ] && [ "$warned" -ne 0 ]; then
			problems+=("exit 0 but stderr warns 'partial scan'")
		else
			while IFS= read -r check; do
				[ -n "$check" ] || continue
				jq -e "$check" "$out" >/dev/null 2>&1 || problems+=("report fails: $check")
			done < <(jq -r '.checks[]' <<<"$line")
		fi
	fi
	lines=$(jq -r '.stderr_lines // empty' <<<"$line")
	if [ -n "$lines" ] && [ "$(wc -l <"$tmp/$name.err")" -ne "$lines" ]; then
		problems+=("stderr has $(wc -l <"$tmp/$name.err") lines, expected $lines")
	fi
	re=$(jq -r '.stderr // empty' <<<"$line")
	if [ -n "$re" ] && ! grep -Eq "$re" "$tmp/$name.err"; then
		problems+=("stderr does not match /$re/: $(head -c 300 "$tmp/$name.err")")
	fi
	if grep -Eq 'ERROR: (Address|Leak|Undefined)Sanitizer|WARNING: ThreadSanitizer|runtime error:' "$tmp/$name.err"; then
		problems+=("sanitizer report: $(grep -Em1 'ERROR:|runtime error:' "$tmp/$name.err")")
	fi
	if [ -n "$before" ] && [ "$(image_hash "$image")" != "$before" ]; then
		problems+=("the image changed")
	fi
	after=
	for f in ${to:+"$out"} ${sout:+"$sout"}; do after="$after$(sha256sum <"$f")"; done
	[ "$after" = "$guarded" ] || problems+=("the segment the report was sent to changed")
	if [ ${#problems[@]} -eq 0 ]; then
		echo "ok: $name (exit $status, ${secs}s)"
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		for p in "${problems[@]}"; do echo "FAIL: $name: $p"; done
		sed 's/^/    stderr: /' "$tmp/$name.err" | head -n 40
	fi
done <"$work/manifest.jsonl"
echo "hostile: $pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
