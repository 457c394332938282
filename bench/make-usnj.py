#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a synthetic $UsnJrnl:$J for the benchmark: SIZE_MIB MiB of USN_RECORD_V2 pages after a hole of
HOLE_MIB MiB (a live journal's purged start), for `ntfslinks ntfs-N.raw --usn FILE`.

usage: bench/make-usnj.py OUT RECORDS_IN_VOLUME [SIZE_MIB=32] [HOLE_MIB=1024]
Records cycle through FILE_CREATE, DATA_EXTEND, CLOSE, RENAME and HARD_LINK_CHANGE events of records
24..RECORDS_IN_VOLUME-1 (sequence 1, parent the root), names of 12-40 characters.
"""
import struct
import sys

out, nrec = sys.argv[1], int(sys.argv[2])
size = int(sys.argv[3]) << 20 if len(sys.argv) > 3 else 32 << 20
hole = int(sys.argv[4]) << 20 if len(sys.argv) > 4 else 1 << 30
REASONS = [0x100, 0x80000100, 0x2, 0x80000002, 0x1000, 0x2000, 0x80002000, 0x10000, 0x80010000]
T0 = 134169156000000000
with open(out, "wb") as f:
    f.truncate(hole)
    f.seek(hole)
    i, written = 0, 0
    while written < size:
        page = bytearray()
        while True:
            rec = 24 + (i * 7919) % (nrec - 24)
            name = ("file-%d-%s" % (rec, "x" * (i % 29))).encode("utf-16-le")
            ln = (60 + len(name) + 7) & ~7
            if len(page) + ln > 4096:
                break
            b = bytearray(ln)
            struct.pack_into("<IHHQQqQIIIIHH", b, 0, ln, 2, 0, (1 << 48) | rec, (5 << 48) | 5,
                             hole + written + len(page), T0 + i * 10000, REASONS[i % len(REASONS)], 0, 0, 0x20,
                             len(name), 60)
            b[60:60 + len(name)] = name
            page += b
            i += 1
        f.write(bytes(page) + bytes(4096 - len(page)))
        written += 4096
print("%s: %d records in %d MiB after a %d MiB hole" % (out, i, size >> 20, hole >> 20))
