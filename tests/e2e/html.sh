#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# --format html without a browser (html_browser.sh loads it in one):
# - the page loads nothing: CSP default-src 'none', its one script allowed by its own hash, no outside refs;
# - its SHA-256: on stderr for -o FILE and for standard output, equal to sha256sum's of the bytes written;
#   FILE.sha256 beside -o FILE passes `sha256sum -c`; none for standard output or /dev/null; a FILE.sha256
#   that is the evidence is refused (exit 2) and left as it was;
# - the same bytes for --threads 1, 3 and 8 (run times and the command line masked);
# - the istat commands it shows (disk-mbr.raw: volumes at sectors 2048 and later) show their records.
set -u
src=${top_srcdir:-.}
build=${top_builddir:-.}
ntfslinks=${NTFSLINKS:-$build/ntfslinks}
work=$(cd "$build" && pwd)/tests/work/html
fixtures=$(cd "$build" && pwd)/tests/work/fixtures
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "SKIP: $PY is not installed"; exit 77; }
command -v sha256sum >/dev/null || { echo "SKIP: sha256sum is not installed"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
bash "$src/fixtures/unpack.sh" "$fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }
check_py="$PY $src/tests/e2e/html_check.py"

fail=0
check() { # check WHAT COMMAND...: runs the command, reports ok or FAIL
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

# the page loads nothing
for img in "$src/fixtures/demo.E01" "$fixtures/attacks.raw" "$fixtures/resolve2.raw"; do
	name=$(basename "${img%.*}")
	"$ntfslinks" -q --format html -o "$work/$name.html" "$img" 2>"$work/$name.err" || { echo "FAIL: $name: exit $?"; fail=1; }
	$check_py static "$work/$name.html" || fail=1
done

# SHA-256 on stderr and beside the report
line=$(grep '^ntfslinks: report SHA-256 ' "$work/demo.err")
sum=$(sha256sum <"$work/demo.html" | cut -d' ' -f1)
check "stderr names the report's SHA-256 (-o FILE)" test "$line" = "ntfslinks: report SHA-256 $sum $work/demo.html"
check "demo.html.sha256 is sha256sum's line" test "$(cat "$work/demo.html.sha256")" = "$sum  demo.html"
check "sha256sum -c demo.html.sha256 passes" sh -c "cd '$work' && sha256sum -c --quiet demo.html.sha256"
"$ntfslinks" --format html "$src/fixtures/demo.E01" >"$work/stdout.html" 2>"$work/stdout.err"
sum=$(sha256sum <"$work/stdout.html" | cut -d' ' -f1)
check "standard output: stderr names the SHA-256 of the bytes written" \
	grep -qx "ntfslinks: report SHA-256 $sum (standard output)" "$work/stdout.err"
check "standard output: no .sha256 file is written" test ! -e "$work/(standard output).sha256" -a ! -e "./(standard output).sha256"
check "-o /dev/null: exit 0, no sidecar" "$ntfslinks" -q --format html -o /dev/null "$src/fixtures/demo.E01" 2>/dev/null
cp "$fixtures/hardlinks.raw" "$work/evidence.sha256"
before=$(sha256sum <"$work/evidence.sha256")
"$ntfslinks" -q --format html -o "$work/evidence" "$work/evidence.sha256" 2>"$work/evidence.err"
status=$?
check "a FILE.sha256 that is the image is refused: exit 2" test "$status" -eq 2
check "... saying why" grep -q 'refusing to write the report over the image file' "$work/evidence.err"
check "... and the image is unchanged" test "$(sha256sum <"$work/evidence.sha256")" = "$before"

# the same bytes for any --threads (run times and the command line, which names --threads, masked)
mask() { sed -e 's|<td class="run-time">[^<]*</td>|<td class="run-time">TIME</td>|' -e '/<th>command line<\/th>/d' "$1"; }
for img in "$src/fixtures/demo.E01" "$fixtures/attacks.raw" "$fixtures/resolve2.raw" "$fixtures/slack.raw"; do
	name=$(basename "${img%.*}")
	for t in 1 3 8; do
		"$ntfslinks" -q --threads $t --format html "$img" 2>/dev/null | mask /dev/stdin >"$work/$name.t$t.html"
	done
	check "$name: the same page for --threads 1, 3, 8" sh -c "cmp -s '$work/$name.t1.html' '$work/$name.t3.html' && cmp -s '$work/$name.t1.html' '$work/$name.t8.html'"
done

# the istat commands check what they say
if command -v istat >/dev/null; then
	(cd "$fixtures" && "$ntfslinks" -q --format html -o "$work/disk-mbr.html" disk-mbr.raw) 2>/dev/null
	$check_py istat "$work/disk-mbr.html" "$fixtures" 8 || fail=1
	(cd "$src" && "$ntfslinks" -q --format html -o "$work/demo-istat.html" fixtures/demo.E01) 2>/dev/null
	$check_py istat "$work/demo-istat.html" "$src" 4 || fail=1
else
	echo "skip: istat (sleuthkit) is not installed: the istat commands are not run"
fi
exit $fail
