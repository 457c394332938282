#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpus of fuzz_index: the real INDX records and $INDEX_ROOT values of tests/unit/data/
(CC0, see its README) and hand-made variants with keys left in the slack. Each seed is one flag byte
(bit 0: $INDEX_ROOT value, else INDX record; bits 1-7: the directory record the carver expects) then the bytes.

Usage: tests/fuzz/gen_index_corpus.py [DIR]   (default tests/fuzz/corpus/index)
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "unit", "data")


def read(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


def fixed(rec):
    """The record with its update sequence applied (the harness applies it again: seeds stay as stored)."""
    d = bytearray(rec)
    uo, uc = struct.unpack_from("<HH", d, 4)
    for i in range(1, uc):
        d[i * 512 - 2:i * 512] = d[uo + 2 * i:uo + 2 * i + 2]
    return d


def stored(d, rec):
    """Puts the update sequence number back at each sector end, as on disk."""
    d = bytearray(d)
    uo, uc = struct.unpack_from("<HH", d, 4)
    for i in range(1, uc):
        d[uo + 2 * i:uo + 2 * i + 2] = d[i * 512 - 2:i * 512]
        d[i * 512 - 2:i * 512] = rec[uo:uo + 2]
    return bytes(d)


def with_slack(rec):
    """The first entry copied past the end marker, and the last entry's key left behind a shrunk node."""
    d = fixed(rec)
    node = 0x18
    eo, il, al = struct.unpack_from("<III", d, node)
    first = node + eo
    el = struct.unpack_from("<H", d, first + 8)[0]
    at = node + il + 64
    d[at:at + el] = d[first:first + el]
    # make the copy a removed symbolic link: reparse flag and tag in the key
    key = at + 16
    flags = struct.unpack_from("<I", d, key + 0x38)[0] | 0x400
    struct.pack_into("<II", d, key + 0x38, flags, 0xA000000C)
    return stored(d, rec)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus", "index")
    os.makedirs(out, exist_ok=True)
    w10 = read("w10_testdir_indx.bin")
    la = read("lastaccess_root_indx.bin")
    seeds = {
        "real_w10_testdir_indx": bytes([50 << 1]) + w10,
        "real_lastaccess_root_indx": bytes([5 << 1]) + la,
        "real_lastaccess_root_iroot": bytes([5 << 1 | 1]) + read("lastaccess_root_iroot.bin"),
        "real_lastaccess_test_iroot": bytes([39 << 1 | 1]) + read("lastaccess_test_iroot.bin"),
        "real_lastaccess_extend_iroot": bytes([11 << 1 | 1]) + read("lastaccess_extend_iroot.bin"),
        "slack_w10_testdir_indx": bytes([50 << 1]) + with_slack(w10),
        "slack_any_directory": bytes([127 << 1]) + with_slack(w10),
        "cut_indx_header": bytes([50 << 1]) + w10[:0x30],
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
