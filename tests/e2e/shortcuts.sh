#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The shortcuts of fixtures/shortcuts (issue 13) against readers other than ntfslinks': TSK's icat takes each
# .lnk out of the image by the record the report names (deleted ones too), liblnk's lnkinfo decodes it (when
# installed: liblnk-utils), and its fields must be the report's; TSK's ifind names the record of every ok
# target's path on the volume the report says, and ffind the path of every deleted record a stale one names.
set -u
src=${top_srcdir:-.}
work=${top_builddir:-.}/tests/work/shortcuts
fixtures=${top_builddir:-.}/tests/work/fixtures
for t in jq icat ifind ffind sfdisk; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
mkdir -p "$work"
bash "$src/fixtures/unpack.sh" "$fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }
img=$fixtures/shortcuts.raw
out=$work/shortcuts.json
"$NTFSLINKS" -q -o "$out" "$img" || { echo "FAIL: ntfslinks exited $?"; exit 1; }
fail=0
bad() { echo "FAIL: $*"; fail=1; }
sector_of() { jq ".volumes[$1].offset / 512" "$out"; }
have_lnkinfo=0
command -v lnkinfo >/dev/null && have_lnkinfo=1
[ $have_lnkinfo = 1 ] || echo "note: lnkinfo (liblnk-utils) is not installed: the .lnk fields are not compared"
# lnkinfo's value of a field ("Local path", ...), empty when it prints none
field() { sed -n "s/^\t$2[\t ]*: //p" "$1" | head -1; }
n=$(jq '[.volumes[].shortcuts[]] | length' "$out")
[ "$n" = 12 ] || bad "the report has $n shortcuts, the fixture 12"
while IFS=$'\t' read -r v rec path; do
	off=$(sector_of "$v")
	f=$work/$v-$rec.lnk
	icat -o "$off" "$img" "$rec" >"$f" 2>/dev/null || { bad "icat cannot read record $rec ($path)"; continue; }
	size=$(stat -c %s "$f")
	want=$(jq -r --argjson v "$v" --argjson r "$rec" '.volumes[$v].shortcuts[] | select(.record == $r) | .size' "$out")
	[ "$size" = "$want" ] || bad "$path: icat reads $size bytes, the report says $want"
	[ $have_lnkinfo = 1 ] || continue
	lnkinfo "$f" >"$f.txt" 2>&1 || { bad "lnkinfo cannot read $path"; continue; }
	sc=$(jq -c --argjson v "$v" --argjson r "$rec" '.volumes[$v].shortcuts[] | select(.record == $r)' "$out")
	cmp() { # cmp LNKINFO_FIELD JQ_EXPR
		local got want
		got=$(field "$f.txt" "$1")
		want=$(jq -r "$2 // empty" <<<"$sc")
		[ "$got" = "$want" ] || bad "$path: lnkinfo's $1 is '$got', the report's '$want'"
	}
	cmp "Local path" .local_base_path
	cmp "Relative path" .relative_path
	cmp "Working directory" .working_dir
	cmp "Command line arguments" .arguments
	cmp "Volume label" '.target.volume_label | select(. != "")'
	cmp "Network path" 'if .target.share then .target.path else empty end'
	got=$(field "$f.txt" "Drive serial number")
	want=$(jq -r 'if .target.volume_serial then "0x" + (.target.volume_serial | ascii_downcase) else empty end' <<<"$sc")
	[ -z "$want" ] || [ "$got" = "$want" ] || bad "$path: lnkinfo's serial $got, the report's $want"
	got=$(field "$f.txt" "File size")
	[ "$got" = "$(jq -r '.target_header.size' <<<"$sc") bytes" ] || bad "$path: lnkinfo's target size $got"
	got=$(field "$f.txt" "Creation time")
	[ "$got" = "Jan 02, 2021 03:04:05.000000000 UTC" ] && [ "$(jq -r .target_header.created <<<"$sc")" = 2021-01-02T03:04:05.0000000Z ] ||
		bad "$path: creation time $got / $(jq -r .target_header.created <<<"$sc")"
	got=$(field "$f.txt" "Access time")
	[ "$got" = "Jan 03, 2021 03:04:05.000000000 UTC" ] && [ "$(jq -r .target_header.accessed <<<"$sc")" = 2021-01-03T03:04:05.0000000Z ] ||
		bad "$path: access time $got / $(jq -r .target_header.accessed <<<"$sc")"
	echo "ok: $path (record $rec) agrees with icat + lnkinfo"
done < <(jq -r '.volumes[] | .index as $v | .shortcuts[] | [$v, .record, .path] | map(tostring) | join("\t")' "$out")
# ok targets: the record ifind finds for the path on the volume the report names
while IFS=$'\t' read -r v rec path lnk; do
	got=$(ifind -o "$(sector_of "$v")" -n "${path//\\//}" "$img" 2>/dev/null)
	[ "$got" = "$rec" ] && echo "ok: $lnk -> $path is record $rec of volume $v (ifind)" ||
		bad "$lnk: target $path on volume $v is record '$got' for ifind, $rec in the report"
done < <(jq -r '.volumes[].shortcuts[] | select(.target.status == "ok") | [.target.volume, .target.record, .target.path, .path] | map(tostring) | join("\t")' "$out")
# stale targets with a deleted record: ffind names that record's (deleted) path
while IFS=$'\t' read -r v rec path lnk; do
	got=$(ffind -o "$(sector_of "$v")" "$img" "$rec" 2>/dev/null)
	[ "$got" = "* ${path//\\//}" ] && echo "ok: $lnk: deleted record $rec held $path (ffind)" ||
		bad "$lnk: deleted record $rec is '$got' for ffind, the report says $path"
done < <(jq -r '.volumes[].shortcuts[] | select(.target.deleted_record) | [.target.volume, .target.deleted_record, .target.deleted_path, .path] | map(tostring) | join("\t")' "$out")
# the deleted .lnk is deleted for TSK too
d=$(jq -r '.volumes[0].shortcuts[] | select(.deleted) | .record' "$out")
ffind -o "$(sector_of 0)" "$img" "$d" 2>/dev/null | grep -q '^\* /Users/alice/Desktop/old.lnk$' &&
	echo "ok: record $d is the deleted old.lnk (ffind)" || bad "record $d is not the deleted old.lnk for ffind"
# --drive does not move a shortcut: it follows the serial (F=1 would put F: on volume 1: moved.lnk stays on 0)
"$NTFSLINKS" -q --drive F=1 -o "$work/drive.json" "$img" || bad "ntfslinks --drive F=1 exited $?"
got=$(jq -r '.volumes[1].shortcuts[] | select(.path == "\\links\\moved.lnk") | "\(.target.status) \(.target.volume)"' "$work/drive.json")
[ "$got" = "ok 0" ] && echo "ok: --drive F=1 leaves moved.lnk (F:, serial of volume 0) on volume 0" ||
	bad "with --drive F=1 moved.lnk is '$got', expected 'ok 0'"
# --only: stale keeps exactly the two allocated shortcuts of volume 0 whose target is gone (gone.txt.lnk,
# OldApp.lnk, built so in fixtures/build.sh); links keeps all ten; sets none. The text view lists the same.
"$NTFSLINKS" -q --only stale -o "$work/stale.json" "$img" || bad "ntfslinks --only stale exited $?"
got=$(jq -r '[.volumes[].shortcuts[].path] | sort | join(" ")' "$work/stale.json")
want='\ProgramData\Microsoft\Windows\Start Menu\Programs\OldApp.lnk \Users\alice\AppData\Roaming\Microsoft\Windows\Recent\gone.txt.lnk'
[ "$got" = "$want" ] && echo "ok: --only stale keeps the two stale shortcuts" || bad "--only stale kept shortcuts '$got'"
got=$("$NTFSLINKS" -q --only links "$img" | jq '[.volumes[0].shortcuts[]] | length')
[ "$got" = 10 ] && echo "ok: --only links keeps volume 0's ten shortcuts" || bad "--only links kept $got shortcuts of volume 0"
got=$("$NTFSLINKS" -q --only sets "$img" | jq '[.volumes[].shortcuts[]] | length')
[ "$got" = 0 ] && echo "ok: --only sets keeps no shortcut" || bad "--only sets kept $got shortcuts"
text=$(COLUMNS=200 "$NTFSLINKS" -q --only stale --format text "$img")
got=$(grep -c '^    stale  .*\.lnk -> ' <<<"$text" || true)
grep -q '^  Shortcuts (10): 5 ok, 2 stale, 1 external, 1 remote, 1 unknown, 0 malformed; 1 deleted$' <<<"$text" &&
	[ "$got" = 2 ] && ! grep -q '^    ok  .*\.lnk -> ' <<<"$text" &&
	echo "ok: the text view's Shortcuts section under --only stale: the counts and the two stale ones" ||
	bad "the text view's Shortcuts section under --only stale is not the counts and the two stale ones"
# Timesketch: every shortcut gets the target times its header keeps (lnk.py writes created 2021-01-02 03:04:05
# and accessed 2021-01-03 03:04:05 into every one, as lnkinfo confirmed above), one line each
"$NTFSLINKS" -q --format timesketch -o "$work/ts.jsonl" "$img" || bad "ntfslinks --format timesketch exited $?"
n=$(jq -s '[.[] | .volumes[] | .shortcuts | length] | add' "$out")
for spec in "Creation Time|2021-01-02T03:04:05.000000+00:00" "Last Access Time|2021-01-03T03:04:05.000000+00:00"; do
	IFS='|' read -r desc when <<<"$spec"
	got=$(jq -r --arg d "Shortcut Target $desc" 'select(.data_type == "ntfslinks:shortcut" and .timestamp_desc == $d) | .datetime' "$work/ts.jsonl" | sort | uniq -c | sed 's/^ *//')
	[ "$got" = "$n $when" ] && echo "ok: timesketch has the $n shortcuts' Shortcut Target $desc, $when" ||
		bad "timesketch Shortcut Target $desc lines are '$got', expected $n at $when"
done
[ $fail = 0 ] && echo "PASS: shortcuts oracle"
exit $fail
