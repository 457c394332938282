# SPDX-License-Identifier: Apache-2.0
"""Checks bench/make-mft.py: what it planned (its --plan file) is what TSK and ntfslinks read.

Usage: make_mft_check.py MFT PLAN VOLUME NTFSLINKS
VOLUME is a fresh mkntfs volume (1 KiB records, 4 KiB clusters); the generated records 24.. are written
into it at a free extent its $Bitmap shows, and $MFT's record 0 (and its mirror) is patched to cover them:
a volume built around the generated $MFT. Then:
- istat of up to PER_KIND planned records of each kind (directory, junction, symbolic link, deleted,
  hard link, 8.3 short name, many names, extension record, plain file): allocation, sequence, link count,
  every $FILE_NAME (name, parent, its sequence), $REPARSE_POINT, $ATTRIBUTE_LIST, $DATA (resident or not,
  size) as planned (istat costs a process per record: sampled by kind, to stay cheap);
- ntfslinks on the extracted $MFT and on the volume: records in use, hard-link sets and reparse points
  as the plan counts them.
Prints what differs and exits 1, else prints a summary.
"""
import json
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hostile"))
import ntfsedit  # noqa: E402

RS = 1024
FIRST_USER = 24
PER_KIND = 12


def free_extent(vol, clusters):
    """First LCN of `clusters` free clusters in a row according to $Bitmap."""
    bm = vol.record(6).attr(ntfsedit.AT_DATA)
    runs = bm.runlist()
    raw = b"".join(bytes(vol.data[lcn * vol.cluster_size:(lcn + n) * vol.cluster_size]) for _, lcn, n in runs)
    total = vol.total_sectors * vol.bytes_per_sector // vol.cluster_size
    run = 0
    for lcn in range(16, total):
        if raw[lcn >> 3] >> (lcn & 7) & 1:
            run = 0
            continue
        run += 1
        if run == clusters:
            return lcn - clusters + 1, runs
    raise SystemExit("make_mft_check: no %d free clusters in the volume" % clusters)


def build_volume(mft, path):
    """Writes the generated records 24.. into the volume at path and points $MFT at them."""
    data = bytearray(open(path, "rb").read())
    vol = ntfsedit.Volume(data)
    assert vol.record_size == RS and vol.cluster_size == 4096, "mkntfs with -c 4096 and 1 KiB records"
    n = len(mft) // RS
    clusters = (n * RS + 4095) // 4096
    lcn, bm_runs = free_extent(vol, clusters)
    # the volume's own records 0-23 first, then the generated ones, all at lcn
    for rec in range(FIRST_USER):
        pos = vol.record_pos(rec)
        data[lcn * 4096 + rec * RS:lcn * 4096 + (rec + 1) * RS] = data[pos:pos + RS]
    data[lcn * 4096 + FIRST_USER * RS:lcn * 4096 + n * RS] = mft[FIRST_USER * RS:n * RS]
    vol.mft_runs = [(0, lcn, clusters)]
    r0 = vol.record(0)
    a = r0.attr(ntfsedit.AT_DATA)
    r0.set_runlist(a, ntfsedit.encode_pair(clusters, lcn))
    a = r0.attr(ntfsedit.AT_DATA)
    struct.pack_into("<QQQQ", r0.buf, a.off + 24, 0, clusters - 1, 0, 0)  # first and last VCN
    struct.pack_into("<HH", r0.buf, a.off + 32, a.runlist_offset, 0)
    struct.pack_into("<QQQ", r0.buf, a.off + 40, clusters * 4096, n * RS, n * RS)
    r0.write()
    # $MFT's own bitmap: the records in use; the volume's $Bitmap: the new extent allocated
    b = r0.attr(0xB0)
    in_use = bytearray((n + 7) // 8)
    for rec in range(n):
        p = lcn * 4096 + rec * RS
        if data[p:p + 4] == b"FILE" and struct.unpack_from("<H", data, p + 22)[0] & 1:
            in_use[rec >> 3] |= 1 << (rec & 7)
    if b.non_resident:
        (_, blcn, bn), = b.runlist()
        assert bn * 4096 >= len(in_use), "the $MFT bitmap cluster holds every record"
        data[blcn * 4096:blcn * 4096 + len(in_use)] = in_use
    for c in range(lcn, lcn + clusters):
        vcn_byte = c >> 3
        data[vol.vcn_pos([(v, l, k) for v, l, k in bm_runs], vcn_byte)] |= 1 << (c & 7)
    # the mirror holds records 0-3 as they are now
    mirr = vol.mftmirr_lcn * 4096
    for rec in range(4):
        data[mirr + rec * RS:mirr + (rec + 1) * RS] = data[lcn * 4096 + rec * RS:lcn * 4096 + (rec + 1) * RS]
    # the boot sector (and its backup in the last sector) name the new place
    struct.pack_into("<Q", data, 0x30, lcn)
    last = (vol.total_sectors) * vol.bytes_per_sector
    if data[last + 3:last + 11] == b"NTFS    ":
        struct.pack_into("<Q", data, last + 0x30, lcn)
    open(path, "r+b").write(data)
    return lcn


def istat(vol, rec):
    return subprocess.run(["istat", vol, str(rec)], capture_output=True, text=True, errors="replace").stdout


FN_RE = re.compile(r"Name: (.*)\nParent MFT Entry: (\d+) \tSequence: (\d+)")


def check_record(p, out, errors):
    """Compares one planned record with istat's view of it."""
    rec = p["rec"]

    def bad(what):
        errors.append("record %d: %s" % (rec, what))

    m = re.search(r"^(Allocated|Not Allocated) (File|Directory)", out, re.M)
    if not m:
        return bad("istat gives no allocation: %r" % out[:200])
    if (m.group(1) == "Allocated") != p["in_use"]:
        bad("istat says %s, planned in_use=%s" % (m.group(1), p["in_use"]))
    m = re.search(r"^Links: (\d+)", out, re.M)
    if not m or int(m.group(1)) != p["links"]:
        bad("link count %s, planned %d" % (m and m.group(1), p["links"]))
    seq = re.search(r"^Entry: \d+\s+Sequence: (\d+)", out, re.M)
    if not seq or int(seq.group(1)) != p["seq"]:
        bad("sequence %s, planned %d" % (seq and seq.group(1), p["seq"]))
    got = sorted((n, int(par), int(s)) for n, par, s in FN_RE.findall(out))
    want = sorted((n[2], n[0], n[1]) for n in p["names"])
    if p["base"] == 0 and got != want:
        bad("names %s, planned %s" % (got[:4], want[:4]))
    attrs = re.findall(r"^Type: (\$\w+) \((\d+)-(\d+)\)\s+Name: (\S+)\s+(Non-Resident|Resident)(.*)$", out, re.M)
    types = [t for t, *_ in attrs]
    if p["base"] == 0:
        if ("$REPARSE_POINT" in types) != (p["reparse"] is not None):
            bad("$REPARSE_POINT %s, planned %s" % ("$REPARSE_POINT" in types, p["reparse"]))
        if ("$ATTRIBUTE_LIST" in types) != bool(p["ext"]):
            bad("$ATTRIBUTE_LIST %s, planned extension records %s" % ("$ATTRIBUTE_LIST" in types, p["ext"]))
        d = [a for a in attrs if a[0] == "$DATA"]
        if (p["data"] is None) != (not d):
            bad("$DATA %s, planned %s" % (d, p["data"]))
        elif d and p["data"]:
            kind = "res" if d[0][4] == "Resident" else "nonres"
            size = re.search(r"size: (\d+)", d[0][5])
            if kind != p["data"][0] or not size or int(size.group(1)) != p["data"][1]:
                bad("$DATA %s %s, planned %s" % (kind, d[0][5].strip(), p["data"][:2]))


def main(argv):
    mft_path, plan_path, vol, ntfslinks = argv[1:5]
    mft = open(mft_path, "rb").read()
    plan = [json.loads(line) for line in open(plan_path)]
    build_volume(mft, vol)
    errors = []
    checked = 0
    seen = {}
    for p in plan:
        if p["rec"] < FIRST_USER:
            continue
        kind = ("extension" if p["base"] else "many names" if p["ext"] else "deleted" if not p["in_use"] else
                "junction" if p["reparse"] == 0xA0000003 else "symlink" if p["reparse"] == 0xA000000C else
                "directory" if p["dir"] else
                "hard link" if sum(1 for n in p["names"] if n[3] != 2) > 1 else
                "short name" if any(n[3] == 2 for n in p["names"]) else "file")
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] > PER_KIND:
            continue
        check_record(p, istat(vol, p["rec"]), errors)
        checked += 1
    missing = [k for k in ("extension", "deleted", "junction", "symlink", "many names", "directory",
                           "hard link", "short name", "file") if k not in seen]
    if missing:
        errors.append("the plan has no record of kind %s" % ", ".join(missing))
    # ntfslinks: counts of the plan
    in_use = [p for p in plan if p["in_use"]]
    want = {
        # base records only (ntfslinks counts a file once, its extension records with it); mkntfs's
        # records 12-15 are in use in the volume
        "records_in_use": sum(1 for p in in_use if p["base"] == 0) + 4,
        # a set: more than one name that is not a DOS 8.3 alias
        "hardlink_sets": sum(1 for p in in_use if p["base"] == 0 and sum(1 for n in p["names"] if n[3] != 2) > 1),
        # reparse points of deleted records are reported too (their record still holds them)
        "reparse_points": sum(1 for p in plan if p["reparse"] is not None),
    }
    for what, path in (("extracted $MFT", mft_path), ("volume", vol)):
        r = subprocess.run([ntfslinks, "-q", path], capture_output=True, text=True)
        if r.returncode not in (0, 3):
            errors.append("ntfslinks %s: exit %d: %s" % (what, r.returncode, r.stderr[:300]))
            continue
        st = json.loads(r.stdout)["volumes"][0]["stats"]
        if st.get("anomalies") != 0:  # the records are consistent: nothing for ntfslinks to flag
            kinds = sorted({a["type"] for a in json.loads(r.stdout)["volumes"][0]["anomalies"]})
            errors.append("ntfslinks %s: %s anomalies (%s)" % (what, st.get("anomalies"), ", ".join(kinds)))
        for k, v in want.items():
            if k == "records_in_use" and what == "extracted $MFT":
                v -= 4  # make-mft.py leaves records 12-15 unused; mkntfs's volume has them in use
            if st.get(k) != v:
                errors.append("ntfslinks %s: %s = %s, planned %d" % (what, k, st.get(k), v))
    for e in errors[:40]:
        print("make_mft_check:", e)
    if errors:
        print("make_mft_check: %d differences (%d records compared with istat)" % (len(errors), checked))
        return 1
    print("make_mft_check: %d planned records (%s), %d compared with istat, ntfslinks counts %s as planned"
          % (len(plan), ", ".join("%d %s" % (v, k) for k, v in sorted(seen.items())), checked, want))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
