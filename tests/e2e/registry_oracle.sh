#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The registry side of fixtures/registry-mbr and registry-gpt against readers other than ntfslinks': TSK's
# fls/icat take the hives out of the image, hivex's hivexsh lists their keys and values, util-linux's
# sfdisk says where the partitions are (MBR disk signature, GPT partition GUIDs); this script decodes
# MountedDevices, SAM user V values and ProfileList itself and compares with the report's drive_letter,
# drive_letter_source, volume_guids and accounts.
set -u
src=${top_srcdir:-.}
work=${top_builddir:-.}/tests/work/registry_oracle
fixtures=${top_builddir:-.}/tests/work/fixtures
for t in jq fls icat hivexsh sfdisk python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
mkdir -p "$work"
bash "$src/fixtures/unpack.sh" "$fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }
fail=0
for name in registry-mbr registry-gpt; do
	img=$fixtures/$name.raw
	out=$work/$name.json
	if ! "$NTFSLINKS" -q -o "$out" "$img"; then
		echo "FAIL: $name: ntfslinks exited $?"
		fail=1
		continue
	fi
	sfdisk -J "$img" >"$work/$name.sfdisk.json" 2>/dev/null
	hd=$work/$name.hives
	rm -rf "$hd"
	mkdir -p "$hd"
	start=$(jq '.partitiontable.partitions[0].start' "$work/$name.sfdisk.json")
	for h in SYSTEM SOFTWARE SAM; do
		rec=$(fls -r -p -o "$start" "$img" | awk -v p="Windows/System32/config/$h" -F'\t' '$2 == p {split($1, a, " "); sub(/-.*/, "", a[2]); print a[2]}')
		icat -o "$start" "$img" "$rec" >"$hd/$h"
	done
	printf 'cd \\MountedDevices\nlsval\n' | hivexsh "$hd/SYSTEM" >"$hd/mounted.txt"
	{
		printf 'cd \\SAM\\Domains\\Account\nlsval\ncd Users\nls\n'
	} | hivexsh "$hd/SAM" >"$hd/sam.txt"
	: >"$hd/users.txt"
	for k in $(sed -n '/^[0-9A-F]\{8\}$/p' "$hd/sam.txt"); do
		printf '%s ' "$k" >>"$hd/users.txt"
		printf 'cd \\SAM\\Domains\\Account\\Users\\%s\nlsval\n' "$k" | hivexsh "$hd/SAM" | grep '^"V"' >>"$hd/users.txt"
	done
	printf 'cd \\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\nls\n' | hivexsh "$hd/SOFTWARE" >"$hd/profiles.txt"
	: >"$hd/profile_paths.txt"
	while read -r sid; do
		printf '%s ' "$sid" >>"$hd/profile_paths.txt"
		printf 'cd \\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\%s\nlsval\n' "$sid" | hivexsh "$hd/SOFTWARE" |
			grep '^"ProfileImagePath"' >>"$hd/profile_paths.txt"
	done <"$hd/profiles.txt"
	if python3 - "$out" "$work/$name.sfdisk.json" "$hd" "$img" <<'PY'
import json, re, struct, sys, uuid
report, sf, hd, img = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["partitiontable"], sys.argv[3], sys.argv[4]
bad = []
def hexval(line):
    m = re.match(r'^"(.*)"=hex\((\d+)\):(.*)$', line.strip())
    return (m.group(1).encode().decode("unicode_escape"), bytes.fromhex(m.group(3).replace(",", ""))) if m else None
parts = sf["partitions"]
sig = int(sf["id"], 16) if sf["label"] == "dos" else None
want_letter, want_guids = {}, {}
for line in open(hd + "/mounted.txt"):
    v = hexval(line)
    if not v:
        continue
    name, data = v
    vol = None
    for i, p in enumerate(parts):
        if sf["label"] == "dos" and len(data) == 12 and struct.unpack("<IQ", data) == (sig, p["start"] * 512):
            vol = i
        if sf["label"] == "gpt" and len(data) == 24 and data[:8] == b"DMIO:ID:" and \
                uuid.UUID(bytes_le=data[8:]) == uuid.UUID(p["uuid"]):
            vol = i
    if vol is None:
        continue
    m = re.match(r"^\\DosDevices\\([A-Z]):$", name)
    if m:
        want_letter[vol] = m.group(1)
    m = re.match(r"^\\\?\?\\Volume\{([0-9a-fA-F-]{36})\}$", name)
    if m:
        want_guids.setdefault(vol, []).append(m.group(1).lower())
for i, v in enumerate(report["volumes"]):
    if v.get("drive_letter") != want_letter.get(i) or (want_letter.get(i) and v.get("drive_letter_source") != "registry"):
        bad.append("volume %d: drive_letter %r (%s), hivexsh says %r" % (i, v.get("drive_letter"), v.get("drive_letter_source"), want_letter.get(i)))
    if sorted(v.get("volume_guids", [])) != sorted(want_guids.get(i, [])):
        bad.append("volume %d: volume_guids %r, hivexsh says %r" % (i, v.get("volume_guids"), want_guids.get(i, [])))
# SAM: the machine SID is the last 24 bytes of Account\V; each user's V holds its name at entry 1
acct = [hexval(l) for l in open(hd + "/sam.txt") if l.startswith('"V"')][0][1]
tail = acct[-24:]
machine = "S-1-5-21-" + "-".join(str(x) for x in struct.unpack("<III", tail[12:]))
want = {}
for line in open(hd + "/users.txt"):
    key, rest = line.split(" ", 1)
    v = hexval(rest)[1]
    off, ln = struct.unpack_from("<II", v, 12)
    want["%s-%d" % (machine, int(key, 16))] = v[0xCC + off:0xCC + off + ln].decode("utf-16-le")
for line in open(hd + "/profile_paths.txt"):
    sid = line.split(" ", 1)[0]
    want.setdefault(sid, None)
got = {a["sid"]: a for a in report["volumes"][0]["accounts"]}
for sid, nm in want.items():
    if sid not in got:
        bad.append("account %s (%r) missing" % (sid, nm))
    elif nm is not None and got[sid]["name"] != nm:
        bad.append("account %s: name %r, hivexsh's V says %r" % (sid, got[sid]["name"], nm))
for line in open(hd + "/profile_paths.txt"):
    sid, rest = line.split(" ", 1)
    m = re.match(r'^"ProfileImagePath"=str\(2\):"(.*)"$', rest.strip())
    path = m.group(1).encode().decode("unicode_escape") if m else None
    if sid in got and got[sid].get("profile_path") != path:
        bad.append("account %s: profile_path %r, hivexsh says %r" % (sid, got[sid].get("profile_path"), path))
for b in bad:
    print("  " + b)
print("  %d letters, %d GUIDs, %d accounts compared" % (len(want_letter), sum(map(len, want_guids.values())), len(want)))
sys.exit(1 if bad else 0)
PY
	then
		echo "ok: $name: drive letters, volume GUIDs and accounts agree with hivexsh"
	else
		echo "FAIL: $name: the report disagrees with hivexsh"
		fail=1
	fi
done
exit $fail
