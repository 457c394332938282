#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a differencing VHDX over a VHDX parent, holding the bytes [OFFSET, OFFSET+LEN) of a raw file;
every other sector reads from the parent. qemu-img cannot write differencing VHDX files ("Backing file not
supported for file format 'vhdx'"), so tests/e2e/containers.sh builds one with this, from Microsoft's VHDX
Format Specification 1.00: file identifier, two headers and two region tables (CRC-32C), an empty log, the
BAT (payload entries with a sector bitmap entry after every chunk ratio of them), the metadata region (file
parameters with HasParent, size, identifier, sector sizes and the parent locator: parent_linkage is the
parent's current DataWriteGuid, relative_path and absolute_win32_path its name), partially present payload
blocks and their sector bitmap block.

Usage: make-vhdx-diff.py PARENT.vhdx RAW OFFSET LEN CHILD.vhdx
"""
import os
import struct
import sys
import uuid

KIB, MIB = 1024, 1024 * 1024
SECTOR = 512
BLOCK = 1 * MIB                                  # payload block size of the child
CHUNK_RATIO = (1 << 23) * SECTOR // BLOCK        # payload blocks per sector bitmap block

BAT_GUID = uuid.UUID("2dc27766-f623-4200-9d64-115e9bfd4a08")
META_GUID = uuid.UUID("8b7ca206-4790-4b9a-b8fe-575f050f886e")
FILE_PARAMS = uuid.UUID("caa16737-fa36-4d43-b3b6-33f0aa44e76b")
DISK_SIZE = uuid.UUID("2fa54224-cd1b-4876-b211-5dbed83bf4b8")
DISK_ID = uuid.UUID("beca12ab-b2e6-4523-93ef-c309e000c746")
LOGICAL_SECTOR = uuid.UUID("8141bf1d-a96f-4709-ba47-f233a8faab5f")
PHYSICAL_SECTOR = uuid.UUID("cda348c7-445d-4471-9cc9-e9885251c556")
PARENT_LOCATOR = uuid.UUID("a8d35f2d-b30b-454d-abf7-d3d84834ab0c")
VHDX_LOCATOR_TYPE = uuid.UUID("b04aefb7-d19e-4a81-b789-25b8e9445913")


def crc32c_table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


TABLE = crc32c_table()


def crc32c(b):
    c = 0xFFFFFFFF
    for x in b:
        c = TABLE[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def with_crc(b):
    """b with its CRC-32C (over all of b, the field zeroed) at offset 4."""
    b = bytearray(b)
    b[4:8] = b"\0\0\0\0"
    b[4:8] = struct.pack("<I", crc32c(b))
    return bytes(b)


def parent_info(path):
    """The parent's virtual disk size and current DataWriteGuid (the header with the higher sequence)."""
    with open(path, "rb") as f:
        b = f.read(4 * MIB)
    if b[:8] != b"vhdxfile":
        sys.exit(f"{path}: not a VHDX file")
    heads = [b[o:o + 4 * KIB] for o in (64 * KIB, 128 * KIB) if b[o:o + 4] == b"head"]
    cur = max(heads, key=lambda h: struct.unpack_from("<Q", h, 8)[0])
    data_write = uuid.UUID(bytes_le=cur[32:48])
    rt = b[192 * KIB:256 * KIB]
    for i in range(struct.unpack_from("<I", rt, 8)[0]):
        e = 16 + 32 * i
        if uuid.UUID(bytes_le=rt[e:e + 16]) == META_GUID:
            meta = struct.unpack_from("<Q", rt, e + 16)[0]
    with open(path, "rb") as f:
        f.seek(meta)
        m = f.read(64 * KIB)
        for i in range(struct.unpack_from("<H", m, 10)[0]):
            e = 32 + 32 * i
            if uuid.UUID(bytes_le=m[e:e + 16]) == DISK_SIZE:
                f.seek(meta + struct.unpack_from("<I", m, e + 16)[0])
                size = struct.unpack("<Q", f.read(8))[0]
    return size, data_write


def locator(pairs):
    """A VHDX parent locator item: type, count, key/value entries, then the UTF-16LE strings."""
    head = bytearray(VHDX_LOCATOR_TYPE.bytes_le + struct.pack("<HH", 0, len(pairs)))
    strings = bytearray()
    entries = []
    base = len(head) + 12 * len(pairs)
    for k, v in pairs:
        kb, vb = k.encode("utf-16-le"), v.encode("utf-16-le")
        ko = base + len(strings)
        strings += kb
        vo = base + len(strings)
        strings += vb
        entries.append(struct.pack("<IIHH", ko, vo, len(kb), len(vb)))
    return bytes(head + b"".join(entries) + strings)


def main():
    parent, raw, off, length, child = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    size, parent_write = parent_info(parent)
    name = os.path.basename(parent)
    data = open(raw, "rb").read()
    first, last = off // SECTOR, (off + length + SECTOR - 1) // SECTOR   # sectors [first, last) are the child's
    blocks = (size + BLOCK - 1) // BLOCK
    if blocks > CHUNK_RATIO:
        sys.exit("one sector bitmap block only: the disk must be at most 4 GiB")

    log_off, bat_off, meta_off, payload_off = 1 * MIB, 2 * MIB, 3 * MIB, 4 * MIB
    out = bytearray(payload_off)
    out[0:8] = b"vhdxfile"
    creator = "ntfslinks tests".encode("utf-16-le")
    out[8:8 + len(creator)] = creator

    # payload blocks holding [first, last), then the one sector bitmap block (bit i of byte j: sector 8j+i)
    bat = [0] * (CHUNK_RATIO + 1)
    bitmap = bytearray(MIB)
    pos = payload_off
    for b in range(first * SECTOR // BLOCK, ((last * SECTOR) - 1) // BLOCK + 1):
        blk = bytearray(BLOCK)
        spb = BLOCK // SECTOR
        for s in range(max(first, b * spb), min(last, (b + 1) * spb)):
            i = s - b * spb
            blk[i * SECTOR:(i + 1) * SECTOR] = data[s * SECTOR:(s + 1) * SECTOR]
            bitmap[s // 8] |= 1 << (s % 8)
        bat[b] = 7 | (pos // MIB) << 20               # PAYLOAD_BLOCK_PARTIALLY_PRESENT
        out += blk
        pos += BLOCK
    bat[CHUNK_RATIO] = 6 | (pos // MIB) << 20         # SB_BLOCK_PRESENT
    out += bitmap
    out[bat_off:bat_off + 8 * len(bat)] = b"".join(struct.pack("<Q", e) for e in bat)

    # metadata region: table, then the items from 64 KiB
    items = [
        (FILE_PARAMS, struct.pack("<II", BLOCK, 2), 0x4),            # HasParent
        (DISK_SIZE, struct.pack("<Q", size), 0x6),
        (DISK_ID, uuid.uuid4().bytes_le, 0x6),
        (LOGICAL_SECTOR, struct.pack("<I", SECTOR), 0x6),
        (PHYSICAL_SECTOR, struct.pack("<I", SECTOR), 0x6),
        (PARENT_LOCATOR, locator([("parent_linkage", "{%s}" % parent_write),
                                  ("relative_path", ".\\" + name),
                                  ("absolute_win32_path", "C:\\vhd\\" + name)]), 0x4),
    ]
    table = bytearray(b"metadata" + struct.pack("<HH", 0, len(items)) + bytes(20))
    at = 64 * KIB
    for g, value, flags in items:
        table += g.bytes_le + struct.pack("<IIII", at, len(value), flags, 0)
        out[meta_off + at:meta_off + at + len(value)] = value
        at += (len(value) + 7) // 8 * 8
    out[meta_off:meta_off + len(table)] = table

    # two region tables (BAT, metadata) and two headers (no log to replay)
    rt = bytearray(64 * KIB)
    rt[0:16] = b"regi" + struct.pack("<III", 0, 2, 0)
    rt[16:48] = BAT_GUID.bytes_le + struct.pack("<QII", bat_off, MIB, 1)
    rt[48:80] = META_GUID.bytes_le + struct.pack("<QII", meta_off, MIB, 1)
    rt = with_crc(rt)
    out[192 * KIB:256 * KIB] = rt
    out[256 * KIB:320 * KIB] = rt
    data_write = uuid.uuid4()
    for seq, at in ((1, 64 * KIB), (2, 128 * KIB)):
        h = bytearray(4 * KIB)
        h[0:16] = b"head" + struct.pack("<IQ", 0, seq)
        h[16:32] = uuid.uuid4().bytes_le                             # FileWriteGuid
        h[32:48] = data_write.bytes_le                               # DataWriteGuid
        h[64:80] = struct.pack("<HHIQ", 0, 1, MIB, log_off)          # log version, version, log length, offset
        out[at:at + 4 * KIB] = with_crc(h)
    with open(child, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
