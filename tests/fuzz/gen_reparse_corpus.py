#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpus of fuzz_reparse: one valid buffer of each layout plus a few malformed ones.

Usage: tests/fuzz/gen_reparse_corpus.py [DIR]   (default tests/fuzz/corpus/reparse)
"""
import os
import struct
import sys


def w(s, nul=False):
    return s.encode("utf-16-le") + (b"\0\0" if nul else b"")


def ms(tag, data):
    return struct.pack("<IHH", tag, len(data), 0) + data


def names(subst, print_, fixed_tail=b"", print_first=False):
    s, p = w(subst), w(print_)
    if print_first:
        head = struct.pack("<HHHH", len(p), len(s), 0, len(p))
        return head + fixed_tail + p + s
    head = struct.pack("<HHHH", 0, len(s), len(s) + 2, len(p))
    return head + fixed_tail + s + b"\0\0" + p + b"\0\0"


GUID = bytes(range(0x10, 0x20))

SEEDS = {
    "junction": ms(0xA0000003, names("\\??\\C:\\dir1", "C:\\dir1")),
    "volume_mount_point": ms(0xA0000003, names("\\??\\Volume{3d9a2c41-1f5e-11ef-9a51-806e6f6e6963}\\", "")),
    "symlink_absolute": ms(0xA000000C, names("\\??\\C:\\t.txt", "C:\\t.txt", struct.pack("<I", 0), True)),
    "symlink_relative": ms(0xA000000C, names("..\\a\\b", "..\\a\\b", struct.pack("<I", 1), True)),
    "lx_symlink": ms(0xA000001D, struct.pack("<I", 2) + "/mnt/c/\u00e9t\u00e9".encode()),
    "appexeclink": ms(0x8000001B, struct.pack("<I", 3) + w("Pkg_8wekyb3d8bbwe", True)
                      + w("Pkg_8wekyb3d8bbwe!App", True) + w("C:\\Program Files\\WindowsApps\\a.exe", True)
                      + w("0", True)),
    "wof_file_lzx": ms(0x80000017, struct.pack("<IIII", 1, 2, 1, 1)),  # 16 bytes, as Windows stores it
    "wof_wim": ms(0x80000017, struct.pack("<IIIIQ", 1, 1, 1, 0, 7) + bytes(20)),
    "cloud_3": ms(0x9000301A, struct.pack("<HH", 0x8001, 8) + bytes(range(8))),
    "dedup": ms(0x80000013, bytes(range(40))),
    "nfs_lnk": ms(0x80000014, struct.pack("<Q", 0x014B4E4C) + w("../x")),
    "nfs_chr": ms(0x80000014, struct.pack("<QII", 0x524843, 4, 64)),
    "nfs_blk": ms(0x80000014, struct.pack("<QII", 0x4B4C42, 8, 1)),
    "nfs_fifo": ms(0x80000014, struct.pack("<Q", 0x4F464946)),
    "nfs_sock": ms(0x80000014, struct.pack("<Q", 0x4B434F53)),
    "af_unix": ms(0x80000023, b""),
    "wci": ms(0x80000018, struct.pack("<II", 1, 0) + GUID + struct.pack("<H", 8) + w("name")),
    "lx_fifo": ms(0x80000024, b""),
    "unknown_microsoft": ms(0x8000FFFF, b"abc"),
    "third_party": struct.pack("<IHH", 0x00000047, 5, 0) + GUID + b"hello",
    # malformed
    "bad_length_lies": struct.pack("<IHH", 0xA0000003, 0xFFFF, 0) + names("\\??\\C:\\x", "x"),
    "bad_offset_past_end": ms(0xA0000003, struct.pack("<HHHH", 0xFFF0, 16, 0, 4) + w("abcdefgh")),
    "bad_odd_lengths": ms(0xA000000C, struct.pack("<HHHHI", 1, 7, 0, 3, 0) + w("abcdefgh")),
    "bad_overlap": ms(0xA0000003, struct.pack("<HHHH", 0, 16, 8, 8) + w("abcdefgh\0")),
    "bad_appx_no_nul": ms(0x8000001B, struct.pack("<I", 3) + w("abc")),
    "bad_header_only": struct.pack("<IH", 0xA000000C, 4),
    "bad_guid_short": struct.pack("<IHH", 0x00000047, 0, 0) + GUID[:10],
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "reparse")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
