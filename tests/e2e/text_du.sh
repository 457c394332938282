#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The text view and --du on the demo image: fits 100 columns, stale links first, and sizes that
# count each hard-linked file once and show what \Windows\WinSxS shares with \Windows\System32.
set -u
fx=${top_builddir:-.}/tests/work/fixtures
bash "${top_srcdir:-.}/fixtures/unpack.sh" "$fx" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }
demo=$fx/demo.E01
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

"$NTFSLINKS" --format text -o "$tmp/demo.txt" --du '\Windows' --du-depth 2 "$demo" 2>/dev/null || bad "text view exited $?"
wide=$(/usr/bin/python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")))' "$tmp/demo.txt")
[ "$wide" -le 100 ] && ok "text fits 100 columns ($wide)" || bad "a text line is $wide columns wide"
first=$(grep -n '^  Stale links' "$tmp/demo.txt" | cut -d: -f1)
sets=$(grep -n '^  Largest hard-link sets' "$tmp/demo.txt" | cut -d: -f1)
[ -n "$first" ] && [ -n "$sets" ] && [ "$first" -lt "$sets" ] && ok "stale links come before the sets" || bad "section order"
grep -q '^  Stale links (2)' "$tmp/demo.txt" && ok "two stale links" || bad "stale link count"
grep -q 'OldApp' "$tmp/demo.txt" && ok "the stale OldApp links are named" || bad "OldApp links missing"

# Wrong finding 1: the header's "N stale links" and the section "Stale links (N)" are one count, on a
# disk whose volume 0 has a deleted link with a stale target (resolve2: 6 live links need attention)
r2=$fx/resolve2.raw
"$NTFSLINKS" -q --format text -o "$tmp/r2.txt" "$r2" || bad "text view of resolve2 exited $?"
"$NTFSLINKS" -q -o "$tmp/r2.json" "$r2" || bad "resolve2 exited $?"
for v in 0 1 2; do
	head_n=$(awk -v v="$v" '/^Volume /{cur=$2} cur==v && / stale links, /{sub(/.* reparse points, /, ""); print $1; exit}' "$tmp/r2.txt")
	sect_n=$(awk -v v="$v" '/^Volume /{cur=$2} cur==v && /^  Stale links \(/{gsub(/[^0-9]/, ""); print; exit}' "$tmp/r2.txt")
	rows=$(awk -v v="$v" '/^Volume /{cur=$2} /^  [A-Z]/{sect=$0} cur==v && sect ~ /^  Stale links/ && /^    [a-z_]+ +\\/{n++} END{print n+0}' "$tmp/r2.txt")
	json_n=$(jq ".volumes[$v].stats.stale_links" "$tmp/r2.json")
	want=$(jq ".volumes[$v].stale_links" "${top_srcdir:-.}/fixtures/resolve2.expect.json")
	if [ "$head_n" = "$want" ] && [ "$sect_n" = "$want" ] && [ "$rows" = "$want" ] && [ "$json_n" = "$want" ]; then
		ok "resolve2 volume $v: header, section, rows and JSON all count $want stale links"
	else
		bad "resolve2 volume $v: header $head_n, section $sect_n, rows $rows, JSON $json_n, expected $want"
	fi
done
awk '/^  [A-Z]/{sect=$0} sect ~ /^  Stale links/ && /deleted_link/' "$tmp/r2.txt" | grep -q . &&
	bad "the deleted link is listed under Stale links" || ok "the deleted link is not listed under Stale links"

"$NTFSLINKS" -q --du '\Windows' --du-depth 1 -o "$tmp/du.json" "$demo" || bad "--du exited $?"
du() { jq -r --arg p "$1" --arg f "$2" '.volumes[0].directory_sizes[] | select(.path == $p) | .[$f]' "$tmp/du.json"; }
# every file with a name in both System32 and WinSxS, from the hard-link sets themselves
both=$(jq '[.volumes[0].hardlink_sets[] | select((.names | map(.path) | any(startswith("\\Windows\\System32\\")))
	and (.names | map(.path) | any(startswith("\\Windows\\WinSxS\\")))) | .size] | add' "$tmp/du.json")
[ "$(du '\Windows\System32' shared_bytes)" = "$both" ] && ok "System32 shares $both bytes" ||
	bad "System32 shared_bytes $(du '\Windows\System32' shared_bytes), expected $both"
[ "$(du '\Windows\WinSxS' shared_bytes)" = "$both" ] && ok "WinSxS shares the same bytes" || bad "WinSxS shared_bytes"
names=$(du '\Windows' names_bytes)
records=$(du '\Windows' records_bytes)
[ "$names" -gt "$records" ] && ok "\\Windows: names $names > distinct $records (links counted once)" ||
	bad "\\Windows names_bytes $names not above records_bytes $records"
[ "$(du '\Windows' shared_bytes)" = 0 ] && ok "\\Windows shares nothing with the outside" || bad "\\Windows shared_bytes"
"$NTFSLINKS" -q --du '\NoSuchDir' -o "$tmp/none.json" "$demo" || bad "--du on a missing path exited $?"
jq -e '.volumes[0].directory_sizes_error | test("NoSuchDir")' "$tmp/none.json" >/dev/null &&
	ok "missing --du path reported" || bad "missing --du path not reported"
exit $fail
