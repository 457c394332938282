#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpus of fuzz_usn: slices of the real $J (tests/unit/data/usnjrnlj.bin, GPL-3.0 test
data, see tests/unit/data/README.md), a page of the CC0 w10_usnjrnl_j.bin and hand-made V2/V3/V4 blocks with the damage the iterator must survive.
Each seed is one flag byte (bit 0: check USNs; bits 1-7: stream offset / 32) followed by the block.

Usage: tests/fuzz/gen_usn_corpus.py [DIR]   (default tests/fuzz/corpus/usn)
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "..", "unit", "data", "usnjrnlj.bin")
W10 = os.path.join(HERE, "..", "unit", "data", "w10_usnjrnl_j.bin")  # CC0, ntfs.tgz's live $J


def pad8(b):
    return b + b"\0" * (-len(b) % 8)


def v2(usn, name, reason=0x00010000, ref=0x0001000000000040, parent=0x0005000000000005):
    n = name.encode("utf-16-le")
    body = struct.pack("<QQqQIIIIHH", ref, parent, usn, 0x01D4B29B17553F0E, reason, 0, 0, 0x20, len(n), 60) + n
    rec = pad8(struct.pack("<IHH", 0, 2, 0) + body)
    return struct.pack("<I", len(rec)) + rec[4:]


def v3(usn, name, reason=0x00100000):
    n = name.encode("utf-16-le")
    body = struct.pack("<QQQQqQIIIIHH", 0x0001000000000028, 0, 0x0005000000000005, 0, usn, 0x01D4B29B17553F0E,
                       reason, 0, 0, 0x400, len(n), 76) + n
    rec = pad8(struct.pack("<IHH", 0, 3, 0) + body)
    return struct.pack("<I", len(rec)) + rec[4:]


def v4(usn, extents):
    ext = b"".join(struct.pack("<qq", o, l) for o, l in extents)
    body = struct.pack("<QQQQqIIIHH", 0x0001000000000068, 0, 0x0005000000000005, 0, usn, 0x80008103, 0, 0,
                       len(extents), 16) + ext
    rec = struct.pack("<IHH", 8 + len(body), 4, 0) + body
    return rec


def block(*parts):
    b = b""
    for p in parts:
        b += p
    return b


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus", "usn")
    os.makedirs(out, exist_ok=True)
    real = open(REAL, "rb").read()
    seeds = {
        "real_page0": b"\x01" + real[:4096],
        "real_page2_v4": b"\x01" + real[8192:12288],
        "real_tail_unchecked": b"\x00" + real[28672:],
        "w10_page3_long_names": b"\x01" + open(W10, "rb").read()[12288:16384],
    }
    r1 = v2(0, "a.txt")
    seeds["v2_v3_v4"] = b"\x01" + block(r1, v3(len(r1), "junction"),
                                        v4(len(r1) + len(v3(0, "junction")), [(0, 4096), (8192, 4096)]))
    page_cross = b"\0" * (4096 - 32) + v2(4096 - 32, "cross")
    seeds["page_cross"] = b"\x01" + page_cross + b"\0" * 64
    seeds["garbage_then_record"] = b"\x01" + bytes(range(1, 41)) + v2(40, "after")
    seeds["unknown_major"] = b"\x01" + v2(0, "x")[:4] + b"\x09\x00" + v2(0, "x")[6:] + v2(64, "y")
    seeds["v4_count_lies"] = b"\x01" + v4(0, [(0, 1)])[:60] + b"\xff\xff\x10\x00" + v4(0, [(0, 1)])[64:]
    seeds["mid_page_base"] = bytes([(4000 // 32) << 1 | 1]) + v2(4000, "m") + v2(4064, "crosses")
    seeds["cut_record"] = b"\x01" + v2(0, "cut-at-37-bytes")[:37]
    for name, data in seeds.items():
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
