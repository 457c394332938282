#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpora of fuzz_boot, fuzz_record, fuzz_runlist and fuzz_security.

Real structures come from tests/unit/data/ (Windows 10-made, CC0; see its README.md), hand-made edge
cases are built here. Usage: tests/fuzz/gen_corpus.py   (from the source tree's top directory)
"""
import os
import struct
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(TOP, "tests", "unit", "data")
OUT = os.path.join(TOP, "tests", "fuzz", "corpus")


def read(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


def write(family, name, data):
    d = os.path.join(OUT, family)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def fixed(rec):
    """Applies the update sequence fixups (512-byte stride) to a copy of a record."""
    r = bytearray(rec)
    uo, uc = struct.unpack_from("<HH", r, 4)
    for i in range(uc - 1):
        t = (i + 1) * 512 - 2
        r[t:t + 2] = r[uo + 2 + 2 * i:uo + 4 + 2 * i]
    return bytes(r)


def attributes(rec):
    """Yields (type, non_resident, raw attribute bytes) of a fixed-up record."""
    r = fixed(rec)
    pos = struct.unpack_from("<H", r, 0x14)[0]
    end = struct.unpack_from("<I", r, 0x18)[0]
    while pos + 8 <= end:
        typ, ln = struct.unpack_from("<II", r, pos)
        if typ == 0xFFFFFFFF or ln == 0:
            break
        yield typ, r[pos + 8], r[pos:pos + ln]
        pos += ln


def boot_corpus():
    boot = read("lastaccess_boot.bin")
    write("boot", "real_lastaccess.bin", boot)

    def variant(name, **kw):
        b = bytearray(boot)
        for off, (fmt, val) in kw.items():
            struct.pack_into(fmt, b, int(off[1:], 16), val)
        write("boot", name, bytes(b))

    variant("cluster_2mib.bin", x0D=("<B", 0xF4), x28=("<Q", 1 << 30))
    variant("cluster_64k.bin", x0D=("<B", 0x80), x30=("<Q", 4))
    variant("sector_4k.bin", x0B=("<H", 4096), x0D=("<B", 1), x40=("<b", -12))
    variant("record_positive.bin", x0D=("<B", 2), x40=("<b", 1))
    variant("mft_past_end.bin", x30=("<Q", 64767))
    variant("bad_spc.bin", x0D=("<B", 0x81))
    variant("fat_field.bin", x0E=("<H", 1))


def record_corpus():
    for name in sorted(os.listdir(DATA)):
        if "_rec" in name:
            write("record", "real_" + name, read(name))
    # A 4 KiB record: the $MFT record grown to 8 strides, protected again.
    rec = bytearray(fixed(read("lastaccess_rec0_mft.bin")) + bytes(3072))
    struct.pack_into("<HH", rec, 4, 0x30, 9)
    struct.pack_into("<I", rec, 0x1C, 4096)
    struct.pack_into("<H", rec, 0x14, 0x48)
    body = fixed(read("lastaccess_rec0_mft.bin"))[0x38:0x1A0]
    rec[0x48:0x48 + len(body)] = body
    struct.pack_into("<I", rec, 0x18, 0x48 + len(body))
    struct.pack_into("<H", rec, 0x30, 7)
    for i in range(8):
        t = (i + 1) * 512 - 2
        rec[0x32 + 2 * i:0x34 + 2 * i] = rec[t:t + 2]
        struct.pack_into("<H", rec, t, 7)
    write("record", "made_4k_record.bin", bytes(rec))
    # A record with a resident $ATTRIBUTE_LIST, $VOLUME_NAME and $VOLUME_INFORMATION after its $FILE_NAME.
    base = bytearray(fixed(read("lastaccess_rec43_1txt.bin")))
    end = struct.unpack_from("<I", base, 0x18)[0] - 8
    alist = b"".join(struct.pack("<IHBBQQH", t, 32, 0, 0x1A, 0, (43 | (1 << 48)), i) + bytes(6)
                     for i, t in enumerate((0x10, 0x30, 0x80)))
    extra = b""
    for typ, val in ((0x20, alist), (0x60, "Fuzz".encode("utf-16-le")), (0x70, bytes(8) + b"\x03\x01\x01\x00")):
        ln = (0x18 + len(val) + 7) & ~7
        extra += struct.pack("<IIBBHHHIHBB", typ, ln, 0, 0, 0, 0, 9, len(val), 0x18, 0, 0) + val + bytes(ln - 0x18 - len(val))
    base[end:end + len(extra) + 8] = extra + b"\xff\xff\xff\xff" + bytes(4)
    struct.pack_into("<I", base, 0x18, end + len(extra) + 8)
    for i in range(2):  # store it protected, as on disk
        t = (i + 1) * 512 - 2
        base[0x32 + 2 * i:0x34 + 2 * i] = base[t:t + 2]
        base[t:t + 2] = base[0x30:0x32]
    write("record", "made_attr_list_volume.bin", bytes(base))


def runlist_corpus():
    # Every non-resident attribute of the unit-test records and of the extra real records in corpus/record
    # (taken with dd from shared/realdata, see README.md).
    recs = [(n, read(n)) for n in sorted(os.listdir(DATA)) if "_rec" in n]
    rdir = os.path.join(OUT, "record")
    for n in sorted(os.listdir(rdir)) if os.path.isdir(rdir) else []:
        if n.startswith("real_") and not os.path.exists(os.path.join(DATA, n[5:])):
            with open(os.path.join(rdir, n), "rb") as f:
                recs.append((n[5:], f.read()))
    for name, rec in recs:
        for i, (typ, nonres, raw) in enumerate(attributes(rec)):
            if nonres != 1:
                continue
            mp = struct.unpack_from("<H", raw, 0x20)[0]
            vcn = struct.unpack_from("<Q", raw, 0x10)[0]
            write("runlist", "real_%s_%x_%d.bin" % (name[:-4], typ, i),
                  struct.pack("<IH", 0 if "ptrn" in name else 64767, vcn & 0xFFFF) + raw[mp:])
    made = {
        "sparse_mix.bin": bytes([0x21, 0x01, 0x54, 0x54, 0x21, 0x01, 0xD1, 0xAB, 0x01, 0x10, 0x11, 0x02, 0x80, 0]),
        "eight_byte_fields.bin": bytes([0x88]) + struct.pack("<qq", 5, 100) + b"\0",
        "overflow_vcn.bin": bytes([0x08]) + struct.pack("<q", 2 ** 63 - 1) + bytes([0x01, 0x01, 0]),
        "no_terminator.bin": bytes([0x11, 0x05, 0x0A]),
        "negative_lcn.bin": bytes([0x11, 0x05, 0xFB, 0]),
    }
    for name, mp in made.items():
        write("runlist", name, struct.pack("<IH", 1000, 0) + mp)
    write("runlist", "unknown_volume.bin", struct.pack("<IH", 0, 7) + made["eight_byte_fields.bin"])


def security_corpus():
    sds = read("lastaccess_sds_head.bin")
    write("security", "real_sds_head.bin", sds)
    pos = 0
    while pos + 20 <= len(sds):
        ln = struct.unpack_from("<I", sds, pos + 16)[0]
        if ln < 20 or pos + ln > len(sds):
            break
        write("security", "real_sds_%d.bin" % struct.unpack_from("<I", sds, pos + 4)[0], sds[pos:pos + ln])
        write("security", "real_sd_%d.bin" % struct.unpack_from("<I", sds, pos + 4)[0], sds[pos + 20:pos + ln])
        pos += (ln + 15) & ~15
    for typ, nonres, raw in attributes(read("lastaccess_rec5_root.bin")):
        if typ == 0x50 and nonres == 0:
            vl, vo = struct.unpack_from("<IH", raw, 0x10)
            write("security", "real_root_sd.bin", raw[vo:vo + vl])
    write("security", "sid_system.bin", bytes([1, 1, 0, 0, 0, 0, 0, 5]) + struct.pack("<I", 18))
    write("security", "sid_hex_authority.bin", bytes([1, 1, 0, 1, 0, 0, 0, 0]) + struct.pack("<I", 1))
    write("security", "sid_15_subs.bin", bytes([1, 15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) + b"\xff" * 60)


def main():
    boot_corpus()
    record_corpus()
    runlist_corpus()
    security_corpus()
    return 0


if __name__ == "__main__":
    sys.exit(main())
