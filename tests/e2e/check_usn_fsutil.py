#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks `ntfslinks MFT --usn usnjrnlj.bin` against Windows' own `fsutil usn readjournal` listing of that $J.

usage: check_usn_fsutil.py REPORT FSUTIL_TXT
- events_total: the listing's records plus the 3 records written after it (past its "Next USN"; see
  tests/unit/test_usn_record.c), by_reason: the listing's reason bits counted, plus those 3 (DATA_OVERWRITE
  three times, CLOSE twice);
- link_events: exactly the listing's records that are link events for the report's own links (hard-link
  sets, reparse points, the records their targets resolve to: record and sequence) -- HARD_LINK_CHANGE, REPARSE_POINT_CHANGE, or a create, delete
  or rename of such a record -- each with fsutil's USN, name, reason bits, file and parent reference and
  time (to the second: fsutil prints whole seconds, UTC on the machine that listed it).
Prints one line per mismatch; exits 1 when there is any.
"""
import datetime
import json
import sys

BITS = {0x1: "DATA_OVERWRITE", 0x2: "DATA_EXTEND", 0x4: "DATA_TRUNCATION", 0x10: "NAMED_DATA_OVERWRITE",
        0x20: "NAMED_DATA_EXTEND", 0x40: "NAMED_DATA_TRUNCATION", 0x100: "FILE_CREATE", 0x200: "FILE_DELETE",
        0x400: "EA_CHANGE", 0x800: "SECURITY_CHANGE", 0x1000: "RENAME_OLD_NAME", 0x2000: "RENAME_NEW_NAME",
        0x4000: "INDEXABLE_CHANGE", 0x8000: "BASIC_INFO_CHANGE", 0x10000: "HARD_LINK_CHANGE",
        0x20000: "COMPRESSION_CHANGE", 0x40000: "ENCRYPTION_CHANGE", 0x80000: "OBJECT_ID_CHANGE",
        0x100000: "REPARSE_POINT_CHANGE", 0x200000: "STREAM_CHANGE", 0x400000: "TRANSACTED_CHANGE",
        0x800000: "INTEGRITY_CHANGE", 0x80000000: "CLOSE"}
LINK = 0x10000 | 0x100000
NAMES = 0x100 | 0x200 | 0x1000 | 0x2000
AFTER_LISTING = [0x80000001, 0x00000001, 0x80000001]  # the 3 records past Next USN


def listing(path):
    recs, cur = [], None
    for line in open(path, encoding="utf-8-sig"):
        if ":" not in line:
            continue
        key, val = (s.strip() for s in line.split(":", 1))
        if key == "Usn":
            cur = {"usn": int(val)}
            recs.append(cur)
        elif cur is None:
            continue
        elif key == "File name":
            cur["name"] = val
        elif key == "Reason":
            cur["reason"] = int(val.split(":")[0], 16)
        elif key == "Time stamp":
            cur["time"] = datetime.datetime.strptime(val, "%m/%d/%Y %H:%M:%S").strftime("%Y-%m-%dT%H:%M:%S")
        elif key in ("File ID", "Parent file ID"):
            v = int(val, 16)
            cur["file" if key == "File ID" else "parent"] = (v & 0xFFFFFFFFFFFF, (v >> 48) & 0xFFFF)
    return recs


def names(reason):
    return [BITS.get(b, "0x%08x" % b) for b in (1 << i for i in range(32)) if reason & b]


def main(argv):
    report, recs = json.load(open(argv[1], encoding="utf-8")), listing(argv[2])
    bad = []
    vol = report["volumes"][0]
    u = vol.get("usn") or {}
    if len(recs) != 268:
        bad.append(f"the listing has {len(recs)} records, not 268")
    if u.get("events_total") != len(recs) + len(AFTER_LISTING):
        bad.append(f"events_total {u.get('events_total')}, expected {len(recs) + len(AFTER_LISTING)}")
    count = {}
    for r in [x["reason"] for x in recs] + AFTER_LISTING:
        for n in names(r):
            count[n] = count.get(n, 0) + 1
    if u.get("by_reason") != count:
        bad.append(f"by_reason {u.get('by_reason')}, expected {count}")
    links = {(s["record"], s["sequence"]) for s in vol.get("hardlink_sets", [])}
    for r in vol.get("reparse_points", []):
        links.add((r["record"], r["sequence"]))
        if not r["allocated"]:  # a deleted record's sequence was raised when it was freed
            links.add((r["record"], (r["sequence"] - 1) & 0xFFFF))
        t = r.get("target") or {}
        if t.get("record") is not None and t.get("volume") == vol["index"]:
            links.add((t["record"], t["sequence"]))
    want = [r for r in recs if r["reason"] & LINK or (r["reason"] & NAMES and r["file"] in links)]
    got = u.get("link_events", [])
    if not want:
        bad.append("no link events expected: the $MFT beside the journal shares none of its records")
    if [e["usn"] for e in got] != [r["usn"] for r in want]:
        bad.append(f"link event USNs {[e['usn'] for e in got][:8]}..., expected {[r['usn'] for r in want][:8]}...")
    for e, r in zip(got, want):
        at = f"USN {r['usn']}"
        for key, have, exp in (("name", e["name"], r.get("name", "")), ("reasons", e["reasons"], names(r["reason"])),
                               ("record", (e["record"], e["sequence"]), r["file"]),
                               ("parent", (e["parent_record"], e["parent_sequence"]), r["parent"]),
                               ("time", (e["time"] or "")[:19], r.get("time", ""))):
            if have != exp:
                bad.append(f"{at}: {key} {have!r}, fsutil says {exp!r}")
    for b in bad:
        print("MISMATCH:", b)
    print(f"{len(want)} link events of {len(recs)} fsutil records checked" if not bad else f"{len(bad)} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
