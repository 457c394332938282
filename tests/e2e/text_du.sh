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
sets=$(grep -n '^  Hard-link sets' "$tmp/demo.txt" | cut -d: -f1)
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
# a path on no volume: a usage error (exit 1) naming it, no report
"$NTFSLINKS" -q --du '\NoSuchDir' -o "$tmp/none.json" "$demo" 2>"$tmp/err"; st=$?
[ $st -eq 1 ] && grep -q 'no allocated directory \\NoSuchDir on volume 0' "$tmp/err" && [ ! -s "$tmp/none.json" ] &&
	ok "missing --du path: exit 1, $(cat "$tmp/err")" || bad "missing --du path: exit $st, $(cat "$tmp/err")"

# every form of the path sizes the same directory; the image is never taken for the path
"$NTFSLINKS" -q --du '\Windows' --du-depth 1 -o "$tmp/f0.json" "$demo" || bad "--du \\Windows exited $?"
for p in '/Windows' 'C:\Windows' 'Windows' 'c:/windows/'; do
	"$NTFSLINKS" -q --du "$p" --du-depth 1 -o "$tmp/f.json" "$demo" 2>"$tmp/err" || bad "--du $p exited $?"
	[ "$(jq -c '.volumes[0].directory_sizes' "$tmp/f.json")" = "$(jq -c '.volumes[0].directory_sizes' "$tmp/f0.json")" ] &&
		ok "--du '$p' sizes \\Windows" || bad "--du '$p' differs from --du '\\Windows'"
done
"$NTFSLINKS" -q --du -o "$tmp/img.json" "$demo" && [ "$(jq -r '.volumes[0].directory_sizes[0].path' "$tmp/img.json")" = '\' ] &&
	ok "--du IMAGE: the image is the image, the root is sized" || bad "--du IMAGE swallowed the image"
"$NTFSLINKS" -q --du "$demo" >/dev/null 2>"$tmp/err" && ok "--du then the image only: the image" || bad "--du IMAGE: $(cat "$tmp/err")"

# depth first: every entry's parent is the nearest entry above it one level up
jq -e '[.volumes[0].directory_sizes[] | {path, depth}] as $e | all(range(1; $e | length);
	. as $i | ($e[$i].depth - 1) as $d | ([$e[:$i][] | select(.depth == $d)] | last | .path) as $p |
	($e[$i].path | startswith(if $p == "\\" then "\\" else $p + "\\" end)))' "$tmp/f0.json" >/dev/null &&
	ok "--du output is depth first" || bad "--du output is not depth first: $(jq -c '[.volumes[0].directory_sizes[].path]' "$tmp/f0.json")"

# through junctions: \Documents and Settings -> \Users, \Users\alice\Application Data -> ...\AppData\Roaming
"$NTFSLINKS" -q --du '\Documents and Settings\alice\Application Data' --du-depth 0 -o "$tmp/j.json" "$demo" || bad "--du through junctions exited $?"
[ "$(jq -r '.volumes[0].directory_sizes[0].path' "$tmp/j.json")" = '\Users\alice\AppData\Roaming' ] &&
	jq -e '.volumes[0].directory_sizes_note | test("Documents and Settings is a junction to \\\\Users: followed") and test("AppData\\\\Roaming")' "$tmp/j.json" >/dev/null &&
	ok "--du through two junctions: $(jq -r '.volumes[0].directory_sizes_note' "$tmp/j.json")" || bad "--du through junctions: $(jq -c '.volumes[0] | [.directory_sizes_note, .directory_sizes[0].path]' "$tmp/j.json")"
"$NTFSLINKS" -q --du '\ProgramData\OldApp' "$demo" >/dev/null 2>"$tmp/err"; st=$?
[ $st -eq 1 ] && grep -q "not followed" "$tmp/err" && ok "--du onto a stale junction: exit 1, not followed" || bad "stale junction: exit $st"

# the fourth figure: bytes on disk (each file once); \blob.bin on reparse.raw is 1.5 MiB of random bytes
# in clusters (fixtures/README), small files are resident (0 on disk)
if [ -f "$fx/reparse.raw" ]; then
	"$NTFSLINKS" -q --du --du-depth 1 -o "$tmp/r.json" "$fx/reparse.raw"
	disk=$(jq '.volumes[0].directory_sizes[0].disk_bytes' "$tmp/r.json")
	[ "$disk" -ge 1572864 ] && ok "reparse root: $disk bytes on disk (blob.bin alone is 1.5 MiB in clusters)" ||
		bad "reparse root disk_bytes $disk"
	[ "$(jq -c '.volumes[0].directory_sizes[] | select(.path == "\\dir1") | [.records_bytes, .disk_bytes]' "$tmp/r.json")" = "[11,0]" ] &&
		ok "reparse \\dir1: 11 bytes in three resident files, 0 on disk" || bad "reparse \\dir1 disk_bytes"
fi
exit $fail
