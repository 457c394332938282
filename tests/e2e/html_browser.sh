#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The HTML report in a real browser: headless Chromium loads the report of the demo image, of two richer
# fixtures (attacks.raw: every findings rule; resolve2.raw: three volumes), of the hostile names of
# tests/hostile/ntfsedit.py (hostile_names_mft), of the shortcuts fixture, and three with --only (resolve2
# stale, demo sets,findings, shortcuts stale), with #selftest in the address; the page's test hook writes
# each table's row count, the outcome of sorting and filtering every table in the browser, and the elements
# the page holds; html_check.py compares the counts with the JSON report of the same image and options and
# checks that the hostile page holds only its own script and no image. Screenshots of the demo's and the
# attacks' reports (taken in the same launch, after the self test put the rows back) are kept as test
# artifacts: tests/work/html-browser/demo.png and attacks.png. One Chromium launch per page (~2 s each).
# Skipped (exit 77) without Chromium; only the pages run in it, not ntfslinks, so sanitizer builds pass alike.
set -u
src=${top_srcdir:-.}
build=${top_builddir:-.}
ntfslinks=${NTFSLINKS:-$build/ntfslinks}
work=$(cd "$build" && pwd)/tests/work/html-browser
fixtures=$(cd "$build" && pwd)/tests/work/fixtures
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "SKIP: $PY is not installed"; exit 77; }
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "SKIP: chromium is not installed (Debian package chromium): the HTML report is not loaded in a browser"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
bash "$src/fixtures/unpack.sh" "$fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }
"$PY" -c "import sys; sys.path.insert(0, sys.argv[1]); import ntfsedit; ntfsedit.hostile_names_mft(sys.argv[2])" \
	"$src/tests/hostile" "$work/hostile.mft" || { echo "FAIL: building the hostile names"; exit 1; }
limit=$((30 * ${NTFSLINKS_TIMEOUT_SCALE:-1}))
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --disable-gpu --no-first-run --no-default-browser-check --disable-extensions
	--disable-background-networking --disable-sync --user-data-dir="$profile" --window-size=1280,2400 --hide-scrollbars)
[ "$(id -u)" -eq 0 ] && flags+=(--no-sandbox) # Chromium refuses to run as root with its sandbox

# chrome ARGS...: runs headless Chromium under a timeout, its own chatter (D-Bus, GPU) kept in chrome.log
chrome() {
	timeout -k 5 "$limit" "$browser" "${flags[@]}" "$@" 2>>"$work/chrome.log"
}

fail=0
start=$(date +%s)
for spec in "demo|$src/fixtures/demo.E01||" "attacks|$fixtures/attacks.raw||" "resolve2|$fixtures/resolve2.raw||" \
	"hostile|$work/hostile.mft|--drive C=0|hostile" "only-stale|$fixtures/resolve2.raw|--only stale|" \
	"only-sets|$src/fixtures/demo.E01|--only sets,findings|" "shortcuts|$fixtures/shortcuts.raw||" \
	"only-stale-shortcuts|$fixtures/shortcuts.raw|--only stale|"; do
	IFS='|' read -r name img opts hostile <<<"$spec"
	# shellcheck disable=SC2086
	"$ntfslinks" -q $opts --format html -o "$work/$name.html" "$img" 2>/dev/null || { echo "FAIL: $name: html exit $?"; fail=1; continue; }
	# shellcheck disable=SC2086
	"$ntfslinks" -q $opts --format json -o "$work/$name.json" "$img" || { echo "FAIL: $name: json exit $?"; fail=1; continue; }
	shot=()
	case $name in demo | attacks) shot=(--screenshot="$work/$name.png") ;; esac
	if ! chrome "${shot[@]}" --dump-dom "file://$work/$name.html#selftest" >"$work/$name.dom"; then
		echo "FAIL: $name: chromium failed or timed out after ${limit}s (see $work/chrome.log)"
		fail=1
		continue
	fi
	"$PY" "$src/tests/e2e/html_check.py" dom "$work/$name.dom" "$work/$name.json" $hostile || fail=1
done
for name in demo attacks; do
	if [ "$(head -c 8 "$work/$name.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
		[ "$(stat -c %s "$work/$name.png")" -gt 20000 ]; then
		echo "ok: screenshot kept: $work/$name.png ($(stat -c %s "$work/$name.png") bytes)"
	else
		echo "FAIL: $name: no screenshot (see $work/chrome.log)"
		fail=1
	fi
done
echo "html_browser: $(($(date +%s) - start)) s in Chromium"
exit $fail
