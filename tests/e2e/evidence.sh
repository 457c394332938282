#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Issue 16, small things users hit: --format in any case; --drive-prefix only with bodyfile; E01 dates with
# their zone as stored (the same whatever TZ the analysing machine has); --verify hashes the E01 media and
# compares with the stored MD5/SHA1 (image.ewf.verified); NDJSON volume lines carry `volume`.
set -u
src=${top_srcdir:-.}
work=${top_builddir:-.}/tests/work/evidence
fixtures=${top_builddir:-.}/tests/work/fixtures
PY=/usr/bin/python3
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
bash "$src/fixtures/unpack.sh" "$fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
R=$fixtures/reparse.raw E=$fixtures/reparse.E01

# --format in any case: the same bytes as the lower-case name
for f in JSON Json NDJSON Text BODYFILE Dot; do
	low=$(echo "$f" | tr A-Z a-z)
	"$NTFSLINKS" -q --format "$f" "$R" >"$work/up.$f" 2>&1; a=$?
	"$NTFSLINKS" -q --format "$low" "$R" >"$work/low.$f" 2>&1; b=$?
	sed -i 's/"\(started\|finished\)":"[^"]*"/"\1":"T"/g; s/--format [A-Za-z]*/--format F/; s/"--format","[A-Za-z]*"/"--format","F"/' \
		"$work/up.$f" "$work/low.$f"
	if [ $a -eq 0 ] && [ $b -eq 0 ] && cmp -s "$work/up.$f" "$work/low.$f"; then ok "--format $f = --format $low"
	else bad "--format $f: exit $a, differs from --format $low (exit $b)"; fi
done
"$NTFSLINKS" -q --format JSONL "$R" >/dev/null 2>"$work/err"; st=$?
[ $st -eq 1 ] && grep -q "unknown --format 'JSONL'" "$work/err" && ok "--format JSONL: exit 1" || bad "--format JSONL: exit $st"

# --drive-prefix without bodyfile: usage error, nothing written
for args in "" "--format json" "--format text"; do
	rm -f "$work/dp.out"
	"$NTFSLINKS" -q $args --drive-prefix C: -o "$work/dp.out" "$R" 2>"$work/err"; st=$?
	if [ $st -eq 1 ] && grep -q -- "--drive-prefix only applies to --format bodyfile" "$work/err" && [ ! -e "$work/dp.out" ]; then
		ok "--drive-prefix with '${args:-no --format}': exit 1"
	else
		bad "--drive-prefix with '${args:-no --format}': exit $st, $(cat "$work/err")"
	fi
done
"$NTFSLINKS" -q --format bodyfile --drive-prefix C: "$R" >"$work/body" && grep -q '|C:/dir1/a.txt|' "$work/body" &&
	ok "--drive-prefix with bodyfile names C:/..." || bad "--drive-prefix with bodyfile"

# E01 dates: header2 (EnCase 5+) stores seconds since 1970 UTC: ...Z, whatever TZ; a header-only E01 stores
# local time without a zone: as stored, no Z, whatever TZ. Expected values decoded here from the sections.
expect_dates() { # expect_dates E01: prints the acquisition date as stored, ISO 8601
	$PY - "$1" <<'PYEOF'
import datetime, os, sys, zlib
sys.path.insert(0, os.environ["HOSTILE"])
import ntfsedit as E
b = open(sys.argv[1], "rb").read()
secs = E.ewf_sections(b)
for t, off, size in secs:
    if t == "header2":
        lines = zlib.decompress(b[off + 76:off + size]).decode("utf-16-le").lstrip("\ufeff").split("\n")
        v = dict(zip(lines[2].split("\t"), lines[3].split("\t")))
        print(datetime.datetime.fromtimestamp(int(v["m"]), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        break
else:
    for t, off, size in secs:
        if t == "header":
            lines = zlib.decompress(b[off + 76:off + size]).decode("ascii").split("\r\n")
            v = dict(zip(lines[2].split("\t"), lines[3].split("\t")))
            y, mo, d, h, mi, s = (int(x) for x in v["m"].split())
            print("%04d-%02d-%02dT%02d:%02d:%02d" % (y, mo, d, h, mi, s))
            break
PYEOF
}
export HOSTILE=$src/tests/hostile
e3=
if command -v ewfacquire >/dev/null; then
	head -c 1048576 "$R" >"$work/small.raw"
	ewfacquire -u -q -t "$work/old" -f encase3 -c none -C c -D d -E e -e x -N n -S 1G "$work/small.raw" >/dev/null 2>&1 &&
		e3=$work/old.E01
fi
for img in "$E" "$fixtures/demo.E01" $e3; do
	want=$(expect_dates "$img")
	for tz in UTC America/New_York Asia/Kolkata; do
		got=$(TZ=$tz "$NTFSLINKS" -q --format json "$img" 2>/dev/null | jq -r '.image.ewf | "\(.acquisition_date) \(.system_date)"')
		[ "$got" = "$want $want" ] && ok "$(basename "$img") TZ=$tz: acquisition_date $want" ||
			bad "$(basename "$img") TZ=$tz: dates '$got', stored '$want'"
	done
done
[ -n "$e3" ] && case $(expect_dates "$e3") in *Z) bad "header-only E01 decoded with a zone";; *) ok "header-only E01: no zone";; esac

# --verify: the digests of the media are those of the raw volume the E01 was made from
md5=$(md5sum <"$R" | cut -d' ' -f1) sha1=$(sha1sum <"$R" | cut -d' ' -f1)
"$NTFSLINKS" --verify --format json -o "$work/v.json" "$E" 2>"$work/err"; st=$?
if [ $st -eq 0 ] && [ "$(jq -r '.image.ewf | "\(.verified) \(.computed_md5) \(.computed_sha1)"' "$work/v.json")" = "true $md5 $sha1" ] &&
   grep -q "E01 media verified: MD5 and SHA1 match" "$work/err"; then
	ok "--verify reparse.E01: verified true, MD5 $md5, SHA1 $sha1"
else
	bad "--verify reparse.E01: exit $st, $(jq -c .image.ewf "$work/v.json"), $(cat "$work/err")"
fi
"$NTFSLINKS" -q --format json "$E" | jq -e '.image.ewf | .verified == null and .computed_md5 == null' >/dev/null &&
	ok "without --verify: verified null" || bad "without --verify: verified not null"
# the stored MD5 changed (hash and digest sections, their Adler-32 redone): verified false, a warning
$PY - "$E" "$work/bad.E01" <<'PYEOF'
import os, struct, sys, zlib
sys.path.insert(0, os.environ["HOSTILE"])
import ntfsedit as E
b = bytearray(open(sys.argv[1], "rb").read())
n = 0
for t, off, size in E.ewf_sections(b):
    d = off + 76
    if t in ("hash", "digest"):
        covered = 32 if t == "hash" else 76
        b[d] ^= 0xff
        struct.pack_into("<I", b, d + covered, zlib.adler32(bytes(b[d:d + covered])))
        n += 1
assert n, "no hash section"
open(sys.argv[2], "wb").write(b)
PYEOF
"$NTFSLINKS" -q --verify --format json -o "$work/bad.json" "$work/bad.E01" 2>"$work/err"; st=$?
if [ $st -eq 0 ] && [ "$(jq -r '.image.ewf | "\(.verified) \(.computed_md5)"' "$work/bad.json")" = "false $md5" ] &&
   [ "$(jq -r .image.ewf.stored_md5 "$work/bad.json")" != "$md5" ] &&
   grep -q "warning: the E01 media does not match its stored hashes" "$work/err"; then
	ok "--verify with a wrong stored MD5: verified false, warning even with -q"
else
	bad "--verify with a wrong stored MD5: exit $st, $(jq -c .image.ewf "$work/bad.json"), $(cat "$work/err")"
fi
"$NTFSLINKS" -q --verify "$R" >/dev/null 2>"$work/err"; st=$?
[ $st -eq 1 ] && grep -q "stores none" "$work/err" && ok "--verify on a raw image: exit 1" || bad "--verify on raw: exit $st"

# NDJSON volume lines carry volume, equal to their index, like item lines
"$NTFSLINKS" -q --format ndjson "$fixtures/disk-mbr.raw" >"$work/nd" &&
	jq -se '[.[] | select(.type == "volume")] | length > 1 and all(.volume == .index)' "$work/nd" >/dev/null &&
	ok "NDJSON volume lines: volume == index" || bad "NDJSON volume lines without volume"

[ $fail -eq 0 ] && rm -rf "$work"
exit $fail
