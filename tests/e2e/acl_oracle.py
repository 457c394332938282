#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The oracle of the acl fixture: the descriptors ntfs-3g handed back through getfattr -n system.ntfs_acl
(fixtures/acl.ntfs_acl.txt, written by fixtures/build.sh) decoded here, independently of ntfslinks, to
SDDL, and compared with the SDDL the report gives the same files and folders.

usage: acl_oracle.py REPORT ORACLE_TXT
"""
import json
import struct
import sys

ALIAS = {"S-1-1-0": "WD", "S-1-5-18": "SY", "S-1-5-32-544": "BA", "S-1-5-32-545": "BU", "S-1-5-11": "AU",
         "S-1-5-4": "IU", "S-1-3-0": "CO", "S-1-3-1": "CG", "S-1-3-4": "OW"}
WHOLE = {0x1F01FF: "FA", 0x120089: "FR", 0x120116: "FW", 0x1200A0: "FX"}
BITS = {16: "SD", 17: "RC", 18: "WD", 19: "WO", 28: "GA", 29: "GX", 30: "GW", 31: "GR"}
FLAGS = [(1, "OI"), (2, "CI"), (4, "NP"), (8, "IO"), (0x10, "ID"), (0x40, "SA"), (0x80, "FA")]


def sid(b, off):
    rev, n = b[off], b[off + 1]
    auth = int.from_bytes(b[off + 2:off + 8], "big")
    subs = struct.unpack_from("<%dI" % n, b, off + 8)
    s = "S-%d-%d" % (rev, auth) + "".join("-%d" % x for x in subs)
    return ALIAS.get(s, s)


def rights(m):
    if m in WHOLE:
        return WHOLE[m]
    if all(m >> i & 1 == 0 or i in BITS for i in range(32)):
        return "".join(BITS[i] for i in range(32) if m >> i & 1)
    return "0x%x" % m


def acl(b, off):
    _rev, _pad, _size, count = struct.unpack_from("<BBHH", b, off)
    out, p = "", off + 8
    for _ in range(count):
        t, fl, size, mask = struct.unpack_from("<BBHI", b, p)
        out += "(%s;%s;%s;;;%s)" % ({0: "A", 1: "D"}[t], "".join(s for f, s in FLAGS if fl & f), rights(mask), sid(b, p + 8))
        p += size
    return out


def sddl(b):
    _rev, _pad, control, owner, group, sacl, dacl = struct.unpack_from("<BBHIIII", b, 0)
    s = ""
    if owner:
        s += "O:" + sid(b, owner)
    if group:
        s += "G:" + sid(b, group)
    if control & 0x4:
        s += "D:" + ("P" if control & 0x1000 else "") + ("AR" if control & 0x100 else "") + ("AI" if control & 0x400 else "")
        s += acl(b, dacl) if dacl else "NO_ACCESS_CONTROL"
    return s


def main(report_path, oracle_path):
    vol = json.load(open(report_path, encoding="utf-8"))["volumes"][0]
    seen = {}
    for s in vol["hardlink_sets"]:
        for n in s["names"]:
            seen.setdefault(n["path"], s["security"]["sddl"])
            folder = n["path"].rsplit("\\", 1)[0]
            seen.setdefault(folder, n["parent_sddl"])
    for r in vol["reparse_points"]:
        seen.setdefault(r["path"], r["security"]["sddl"])
    bad = 0
    for line in open(oracle_path, encoding="utf-8"):
        path, hexbytes = line.split()
        want = sddl(bytes.fromhex(hexbytes))
        got = seen.get(path.replace("/", "\\"))
        if got != want:
            print("MISMATCH: %s: report %r, getfattr bytes decode to %r" % (path, got, want))
            bad = 1
        else:
            print("ok: %s %s" % (path, want))
    return bad


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
