#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The change journal read from an extracted $J (--usn): Windows' real usnjrnlj.bin beside the reparse
# fixture's $MFT against fsutil's own listing; the usn fixture's $J extracted (hole kept) beside its $MFT
# gives the same link events as the volume itself; and --usn's usage errors.
set -u
src=${top_srcdir:-.}
fx=${top_builddir:-.}/tests/work/fixtures
PY=/usr/bin/python3
bash "$src/fixtures/unpack.sh" "$fx" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

# 1. fsutil's listing is the oracle for every link event of a real journal
if "$NTFSLINKS" -q -o "$tmp/fsutil.json" --usn "$src/tests/unit/data/usnjrnlj.bin" "$fx/reparse.mft" &&
	$PY "$src/tests/e2e/check_usn_fsutil.py" "$tmp/fsutil.json" "$src/tests/unit/data/usnjrnlj.fsutil.txt"; then
	ok "usnjrnlj.bin: counts and link events agree with fsutil"
else
	bad "usnjrnlj.bin against fsutil"
fi

# the live journal of the real Windows 10 disk ntfs.raw (its $J as the unit tests keep it): every record
# counted, per reason as TSK's usnjls lists them
"$NTFSLINKS" -q -o "$tmp/w10.json" --usn "$src/tests/unit/data/w10_usnjrnl_j.bin" "$fx/usn.mft" || bad "w10 \$J exited $?"
if $PY -c '
import json, sys
u = json.load(open(sys.argv[1]))["volumes"][0]["usn"]
want = {}
for line in open(sys.argv[2]):
    if line.startswith("Reason:"):
        for r in line.split(":", 1)[1].split():
            want[r] = want.get(r, 0) + 1
n = sum(1 for line in open(sys.argv[2]) if line.startswith("Version:"))
assert n == 188 and u["events_total"] == n, (n, u["events_total"])
assert u["by_reason"] == want, (u["by_reason"], want)
assert u["complete"] and u["damaged_bytes"] == 0
' "$tmp/w10.json" "$src/tests/unit/data/w10_usnjrnl_j.usnjls.txt"; then
	ok "ntfs.raw's live \$J: 188 events, counts per reason as usnjls"
else
	bad "ntfs.raw's live \$J against usnjls"
fi

# 2. the fixture's $J extracted as triage tools do (sparse start kept as a hole): same events as the volume
$PY -c '
import sys
sys.path.insert(0, sys.argv[1])
import ntfsedit
vol = ntfsedit.Volume(bytearray(open(sys.argv[2], "rb").read()))
a = vol.find("$UsnJrnl", 11).attr(0x80, "$J")
with open(sys.argv[3], "wb") as f:
    for vcn, lcn, n in a.runlist():
        if lcn is not None:
            f.seek(vcn * vol.cluster_size)
            f.write(vol.data[lcn * vol.cluster_size:(lcn + n) * vol.cluster_size])
    f.truncate(a.data_size)
' "$src/tests/hostile" "$fx/usn.raw" "$tmp/J" || bad "extracting the fixture's \$J"
"$NTFSLINKS" -q --drive C=0 -o "$tmp/vol.json" "$fx/usn.raw" || bad "usn.raw exited $?"
"$NTFSLINKS" -q --drive C=0 -o "$tmp/file.json" --usn "$tmp/J" "$fx/usn.mft" || bad "usn.mft --usn exited $?"
if $PY -c '
import json, sys
a, b = (json.load(open(p))["volumes"][0]["usn"] for p in sys.argv[1:3])
assert a["source"] == "volume" and b["source"] == sys.argv[3], (a["source"], b["source"])
for k in ("events_total", "by_reason", "link_events", "stream_size", "bytes_read", "complete"):
    assert a[k] == b[k], (k, str(a[k])[:200], str(b[k])[:200])
assert len(a["link_events"]) == 18
' "$tmp/vol.json" "$tmp/file.json" "$tmp/J"; then
	ok "usn.mft --usn J: the same link events as the volume's own journal"
else
	bad "usn.mft --usn J differs from the volume's journal"
fi

# the other views: the text view's History section and one bodyfile line per link event (all have times)
"$NTFSLINKS" -q --drive C=0 --format text -o "$tmp/usn.txt" "$fx/usn.raw" || bad "text view exited $?"
grep -q '^  History$' "$tmp/usn.txt" &&
	grep -q '^    Change journal (volume): 27 events, 18 on links$' "$tmp/usn.txt" &&
	grep -q '^        \\newdir\\s.lnk (parent record reused since)$' "$tmp/usn.txt" &&
	ok "text: History section with the journal's link events" || bad "text: History section"
"$NTFSLINKS" -q --drive C=0 --format bodyfile -o "$tmp/usn.body" "$fx/usn.raw" || bad "bodyfile exited $?"
n=$(grep -c '(\$UsnJrnl: ' "$tmp/usn.body")
[ "$n" = 18 ] && grep -q '^0|/backup/report-link.txt (\$UsnJrnl: HARD_LINK_CHANGE)|[0-9]*|r/rrwxrwxrwx|0|0|0|1772445600|1772445600|1772445600|1772445600$' "$tmp/usn.body" &&
	ok "bodyfile: 18 journal lines at the events' times" || bad "bodyfile: $n journal lines"

# 3. usage errors: a --usn file that is not there, one volume of several not named
"$NTFSLINKS" -q -o "$tmp/x.json" --usn "$tmp/missing" "$fx/usn.mft" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q 'usn' "$tmp/err" && ok "missing --usn file: exit 1" || bad "missing --usn file: exit $rc"
"$NTFSLINKS" -q -o "$tmp/x.json" --usn "$tmp/J" "$fx/disk-mbr.raw" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q 'partition' "$tmp/err" && ok "--usn on a disk of two volumes needs --partition: exit 1" ||
	bad "--usn on two volumes: exit $rc ($(cat "$tmp/err"))"
cp "$tmp/J" "$tmp/J.orig"
"$NTFSLINKS" -q -o "$tmp/J" --usn "$tmp/J" "$fx/usn.mft" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && cmp -s "$tmp/J" "$tmp/J.orig" && ok "-o onto the --usn file is refused" || bad "-o onto the --usn file: exit $rc"
exit $fail
