#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a differencing VHD (disk type 4) over a dynamic VHD parent, holding the bytes [OFFSET, OFFSET+LEN)
of a raw file; every other sector reads from the parent. qemu-img cannot write differencing VHDs ("Backing
file not supported for file format 'vpc'"), so tests/e2e/containers.sh builds one with this, from the
Virtual Hard Disk Image Format Specification (footer, dynamic disk header with the parent's unique id, time
stamp and UTF-16 name, Windows relative and absolute parent locators, BAT, per-block sector bitmaps).

Usage: make-vhd-diff.py PARENT.vhd RAW OFFSET LEN CHILD.vhd
"""
import os
import struct
import sys
import uuid

SECTOR = 512


def checksum(b):
    return (~sum(b)) & 0xFFFFFFFF


def with_checksum(b, at):
    b = bytearray(b)
    b[at:at + 4] = b"\0\0\0\0"
    b[at:at + 4] = struct.pack(">I", checksum(b))
    return bytes(b)


def parse_parent(path):
    """The parent's footer fields: (unique id, time stamp, current size, geometry); it must be a dynamic VHD."""
    with open(path, "rb") as f:
        f.seek(-SECTOR, os.SEEK_END)
        foot = f.read(SECTOR)
    if foot[:8] != b"conectix":
        sys.exit(f"{path}: no VHD footer")
    disk_type = struct.unpack_from(">I", foot, 60)[0]
    if disk_type not in (2, 3):
        sys.exit(f"{path}: disk type {disk_type}, not fixed or dynamic")
    stamp = struct.unpack_from(">I", foot, 24)[0]
    size = struct.unpack_from(">Q", foot, 48)[0]
    geometry = foot[56:60]
    return foot[68:84], stamp, size, geometry


def main():
    parent, raw, off, length, child = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    p_id, p_stamp, size, geometry = parse_parent(parent)
    block = 2 * 1024 * 1024
    spb = block // SECTOR                       # sectors per block
    bitmap = ((spb // 8 + SECTOR - 1) // SECTOR) * SECTOR
    entries = (size + block - 1) // block
    bat_off = 3 * SECTOR                        # footer copy, dynamic header (1024 bytes), then the BAT
    bat_len = ((entries * 4 + SECTOR - 1) // SECTOR) * SECTOR
    data = open(raw, "rb").read()
    first, last = off // SECTOR, (off + length + SECTOR - 1) // SECTOR   # sectors [first, last) are the child's

    # blocks holding those sectors, laid out after the BAT in block order
    bat = [0xFFFFFFFF] * entries
    body = bytearray()
    pos = bat_off + bat_len
    for b in range(first // spb, (last - 1) // spb + 1):
        bat[b] = pos // SECTOR
        bits = bytearray(bitmap)
        blk = bytearray(block)
        for s in range(max(first, b * spb), min(last, (b + 1) * spb)):
            i = s - b * spb
            bits[i // 8] |= 0x80 >> (i % 8)     # the first sector is the most significant bit
            blk[i * SECTOR:(i + 1) * SECTOR] = data[s * SECTOR:(s + 1) * SECTOR]
        body += bits + blk
        pos += bitmap + block

    name = os.path.basename(parent)
    foot = bytearray(SECTOR)
    foot[0:8] = b"conectix"
    struct.pack_into(">IIQI", foot, 8, 2, 0x00010000, SECTOR, p_stamp + 60)
    foot[28:32] = b"ntfl"
    struct.pack_into(">I", foot, 32, 0x00010000)
    foot[36:40] = b"Wi2k"
    struct.pack_into(">QQ", foot, 40, size, size)
    foot[56:60] = geometry
    struct.pack_into(">I", foot, 60, 4)         # differencing
    foot[68:84] = uuid.uuid4().bytes
    foot = with_checksum(foot, 64)

    # parent locators: Windows relative (.\NAME) and absolute paths, UTF-16 LE, one sector each
    rel = (".\\" + name).encode("utf-16-le")
    absolute = ("C:\\vhd\\" + name).encode("utf-16-le")
    loc_off = pos
    locators = [(b"W2ru", rel, loc_off), (b"W2ku", absolute, loc_off + SECTOR)]

    head = bytearray(1024)
    head[0:8] = b"cxsparse"
    struct.pack_into(">QQIII", head, 8, 0xFFFFFFFFFFFFFFFF, bat_off, 0x00010000, entries, block)
    head[40:56] = p_id
    struct.pack_into(">I", head, 56, p_stamp)
    pname = name.encode("utf-16-be")[:512]
    head[64:64 + len(pname)] = pname
    for i, (code, text, at) in enumerate(locators):
        struct.pack_into(">4sIIIQ", head, 576 + 24 * i, code, SECTOR, len(text), 0, at)
    head = with_checksum(head, 36)

    with open(child, "wb") as f:
        f.write(foot)
        f.write(head)
        f.write(b"".join(struct.pack(">I", e) for e in bat).ljust(bat_len, b"\xff"))
        f.write(body)
        for _, text, _ in locators:
            f.write(text.ljust(SECTOR, b"\0"))
        f.write(foot)


if __name__ == "__main__":
    main()
