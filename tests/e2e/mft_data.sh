#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Data an extracted $MFT holds itself: the shortcuts and POSIX links whose $DATA is resident. TSK's icat
# extracts each volume's $MFT (record 0's data) from fixtures/shortcuts and fixtures/posix, as triage tools
# collect it; ntfslinks reads the $MFT alone. The counts are written by hand from fixtures/build.sh
# (build_shortcuts, build_posix); the decoded fields must be those ntfslinks reads from the whole image.
set -u
work=${top_builddir:-.}/tests/work/mft_data
fixtures=${top_builddir:-.}/tests/work/fixtures
src=${top_srcdir:-.}
for t in jq icat; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
mkdir -p "$work"
bash "$src/fixtures/unpack.sh" "$fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }
fail=0
bad() { echo "FAIL: $*"; fail=1; }
check() { # check WHAT GOT WANT
	[ "$2" = "$3" ] && echo "ok: $1" || bad "$1: got '$2', expected '$3'"
}

# shortcuts.raw: volume 0 (sector 2048) holds ten shortcuts, one of them tool.lnk, 1.3 KB and so non-resident;
# old.lnk is deleted with its resident data kept; notes.lnk and empty.lnk are no shell links. Volume 1
# (sector 18432) holds back.lnk and moved.lnk. None of the drive paths can be matched to a volume without the
# boot sector's serial (unknown); plan.lnk names a share (remote); thispc.lnk only an ID list (unknown).
img=$fixtures/shortcuts.raw
"$NTFSLINKS" -q -o "$work/image.json" "$img" || bad "ntfslinks on the image exited $?"
for spec in "0 2048 9 1 1 8 2 1" "1 18432 2 0 0 2 0 0"; do
	read -r v sector total deleted remote unknown not_links outside <<<"$spec"
	mft=$work/shortcuts-$v.mft
	icat -o "$sector" "$img" 0 >"$mft" || { bad "icat cannot extract volume $v's \$MFT"; continue; }
	out=$work/shortcuts-$v.json
	"$NTFSLINKS" -q -o "$out" "$mft"
	rc=$?
	check "volume $v's \$MFT: exit status" "$rc" 0
	got=$(jq -r '.volumes[0].stats.shortcuts | "\(.total) \(.deleted) \(.remote) \(.unknown) \(.ok + .stale + .external + .malformed) \(.not_shell_links) \(.not_in_mft)"' "$out")
	check "volume $v's \$MFT: shortcut counts (total deleted remote unknown other not_shell_links not_in_mft)" \
		"$got" "$total $deleted $remote $unknown 0 $not_links $outside"
	got=$(jq -r '[.volumes[0].shortcuts[].path] | length' "$out")
	check "volume $v's \$MFT: shortcuts[] entries" "$got" "$total"
	# each decoded shortcut says what the image's does: path, record, sizes, stored fields
	fields='{record, sequence, allocated, path, size, local_base_path, relative_path, working_dir, arguments,
		target_header}'
	want=$(jq -c --argjson v "$v" "[.volumes[\$v].shortcuts[] | select(.path | endswith(\"tool.lnk\") | not) | $fields]" "$work/image.json")
	got=$(jq -c "[.volumes[0].shortcuts[] | $fields]" "$out")
	check "volume $v's \$MFT: the decoded shortcuts equal the image's (tool.lnk aside)" "$got" "$want"
	# the drive paths: unknown, the target path as the shortcut stores it, and why (thispc.lnk has no path)
	got=$(jq -r '[.volumes[0].shortcuts[] | select(.target.status == "unknown" and .target.path != null) |
		select(.target.path == .local_base_path and .target.form == "drive") |
		select(.target.reason | test("extracted [$]MFT has no boot sector"))] | length' "$out")
	check "volume $v's \$MFT: the drive paths are unknown, stored as is, and say why" "$got" "$((unknown - (v == 0 ? 1 : 0)))"
	got=$(jq -r '[.volumes[0].anomalies[] | select(.type == "shortcut_unreadable")] | length' "$out")
	check "volume $v's \$MFT: no shortcut_unreadable anomaly" "$got" 0
done

# posix.raw: seven POSIX links, all resident (a few bytes each): Interix ../d/f.txt, /d/f.txt (ok),
# ../d/missing.txt (stale), /dev/fs/C/d/f.txt (external); Cygwin ../d/f.txt (ok), /gone.txt (deleted: stale),
# /cygdrive/z/other/x.txt (external). Targets resolve by path inside the volume, so the $MFT resolves them too.
img=$fixtures/posix.raw
mft=$work/posix.mft
icat "$img" 0 >"$mft" || bad "icat cannot extract posix.raw's \$MFT"
"$NTFSLINKS" -q -o "$work/posix.json" "$mft" || bad "ntfslinks on posix.raw's \$MFT exited $?"
got=$(jq -r '[.volumes[0].posix_links[] | "\(.kind | sub("_symlink$"; "")):\(.posix_target):\(.target.status)"] | sort | join(" ")' "$work/posix.json")
check "posix.raw's \$MFT: the seven POSIX links and their status" "$got" \
	"cygwin:../d/f.txt:ok cygwin:/cygdrive/z/other/x.txt:external cygwin:/gone.txt:stale interix:../d/f.txt:ok interix:../d/missing.txt:stale interix:/d/f.txt:ok interix:/dev/fs/C/d/f.txt:external"
"$NTFSLINKS" -q -o "$work/posix-image.json" "$img" || bad "ntfslinks on posix.raw exited $?"
fields='[.volumes[0].posix_links[] | {record, sequence, path, kind, posix_target, target}]'
check "posix.raw's \$MFT: the links equal the image's" "$(jq -c "$fields" "$work/posix.json")" "$(jq -c "$fields" "$work/posix-image.json")"
[ $fail = 0 ] && echo "PASS: data held by an extracted \$MFT"
exit $fail
