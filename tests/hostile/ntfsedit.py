# SPDX-License-Identifier: Apache-2.0
"""A small NTFS reader/patcher for building damaged test images from the clean fixtures.

Just enough NTFS to find things by meaning (boot sector, $MFT runlist, records, attributes, names) and to
patch them with correct update sequences, so that each hostile case breaks exactly one thing.
"""
import struct

AT_STANDARD_INFORMATION = 0x10
AT_ATTRIBUTE_LIST = 0x20
AT_FILE_NAME = 0x30
AT_DATA = 0x80
AT_INDEX_ROOT = 0x90
AT_INDEX_ALLOCATION = 0xA0
AT_REPARSE_POINT = 0xC0
AT_END = 0xFFFFFFFF


def boot_geometry(boot):
    """(cluster size, $MFT's first LCN) from an NTFS boot sector."""
    spc = boot[0x0D]
    spc = 1 << (256 - spc) if spc > 0x80 else spc
    return struct.unpack_from("<H", boot, 0x0B)[0] * spc, struct.unpack_from("<Q", boot, 0x30)[0]


def ewf_sections(b):
    """[(type, offset of descriptor, size)] of an EWF1 segment file."""
    out, off = [], 13
    while off + 76 <= len(b):
        t = b[off:off + 16].rstrip(b"\0").decode("ascii", "replace")
        nxt, size = struct.unpack_from("<QQ", b, off + 16)
        out.append((t, off, size))
        if t in ("done", "next") or nxt <= off:
            break
        off = nxt
    return out


def decode_runlist(b):
    """Mapping pairs -> [(vcn, lcn or None for sparse, length)]."""
    runs, pos, vcn, lcn = [], 0, 0, 0
    while pos < len(b) and b[pos] != 0:
        h = b[pos]
        ln, lo = h & 0xF, h >> 4
        length = int.from_bytes(b[pos + 1:pos + 1 + ln], "little", signed=False)
        if lo:
            lcn += int.from_bytes(b[pos + 1 + ln:pos + 1 + ln + lo], "little", signed=True)
            runs.append((vcn, lcn, length))
        else:
            runs.append((vcn, None, length))
        vcn += length
        pos += 1 + ln + lo
    return runs


def encode_pair(length, lcn_delta, length_bytes=None, signed_length=False):
    """One mapping pair; length_bytes forces the width of the length field."""
    def width(v, signed):
        for n in range(1, 9):
            try:
                v.to_bytes(n, "little", signed=signed)
                return n
            except OverflowError:
                pass
        raise ValueError(v)
    ln = length_bytes or width(length, signed_length)
    lb = length.to_bytes(ln, "little", signed=signed_length)
    if lcn_delta is None:
        return bytes([ln]) + lb
    lo = width(lcn_delta, True)
    return bytes([ln | (lo << 4)]) + lb + lcn_delta.to_bytes(lo, "little", signed=True)


class Attr:
    """One attribute of a (fixed-up) record buffer, by offset."""

    def __init__(self, rec, off):
        self.rec, self.off = rec, off
        b = rec.buf
        self.type, self.length = struct.unpack_from("<II", b, off)
        self.non_resident = b[off + 8]
        self.name_length = b[off + 9]
        self.name_offset = struct.unpack_from("<H", b, off + 10)[0]
        self.name = b[off + self.name_offset:off + self.name_offset + 2 * self.name_length].decode("utf-16-le")
        if self.non_resident:
            self.runlist_offset = struct.unpack_from("<H", b, off + 32)[0]
            self.allocated_size, self.data_size = struct.unpack_from("<QQ", b, off + 40)
        else:
            self.value_length, self.value_offset = struct.unpack_from("<IH", b, off + 16)

    def value_pos(self):
        return self.off + self.value_offset

    def value(self):
        return bytes(self.rec.buf[self.value_pos():self.value_pos() + self.value_length])

    def runlist(self):
        return decode_runlist(bytes(self.rec.buf[self.off + self.runlist_offset:self.off + self.length]))


class Record:
    """One MFT record: the raw bytes, fixed up in buf, written back protected by write()."""

    def __init__(self, vol, number):
        self.vol, self.number = vol, number
        self.pos = vol.record_pos(number)
        self.buf = bytearray(vol.data[self.pos:self.pos + vol.record_size])
        self.ok = self.buf[:4] == b"FILE"
        if not self.ok:
            return
        self.usa_off, self.usa_count = struct.unpack_from("<HH", self.buf, 4)
        for i in range(1, self.usa_count):
            end = i * 512 - 2
            self.buf[end:end + 2] = self.buf[self.usa_off + 2 * i:self.usa_off + 2 * i + 2]
        self.sequence, self.link_count, self.attrs_offset, self.flags = struct.unpack_from("<HHHH", self.buf, 16)
        self.bytes_in_use, self.bytes_allocated = struct.unpack_from("<II", self.buf, 24)
        self.base_ref = struct.unpack_from("<Q", self.buf, 32)[0]

    @property
    def in_use(self):
        return self.ok and bool(self.flags & 1)

    @property
    def is_dir(self):
        return self.ok and bool(self.flags & 2)

    def attrs(self):
        off = self.attrs_offset
        while off + 8 <= self.bytes_in_use:
            t, ln = struct.unpack_from("<II", self.buf, off)
            if t == AT_END or ln < 16:
                break
            yield Attr(self, off)
            off += ln

    def attr(self, atype, name=""):
        for a in self.attrs():
            if a.type == atype and a.name == name:
                return a
        return None

    def names(self):
        """[(parent record, name, attribute)] of the record's $FILE_NAMEs."""
        out = []
        for a in self.attrs():
            if a.type == AT_FILE_NAME and not a.non_resident:
                v = a.value()
                n = v[64]
                out.append((struct.unpack_from("<Q", v, 0)[0] & 0xFFFFFFFFFFFF, v[66:66 + 2 * n].decode("utf-16-le", "replace"), a))
        return out

    def resize_attr(self, a, new_length):
        """Grows or shrinks attribute a to new_length bytes (multiple of 8), moving the attributes after it."""
        assert new_length % 8 == 0
        delta = new_length - a.length
        end = a.off + a.length
        assert self.bytes_in_use + delta <= self.bytes_allocated, "no room in the record"
        tail = bytes(self.buf[end:self.bytes_in_use])
        self.buf[a.off + new_length:a.off + new_length + len(tail)] = tail
        if delta < 0:
            self.buf[self.bytes_in_use + delta:self.bytes_in_use] = bytes(-delta)
        self.bytes_in_use += delta
        struct.pack_into("<I", self.buf, 24, self.bytes_in_use)
        struct.pack_into("<I", self.buf, a.off + 4, new_length)
        a.length = new_length

    def set_runlist(self, a, pairs):
        """Replaces a non-resident attribute's mapping pairs (terminator added), resizing the attribute."""
        rl = bytes(pairs) + b"\0"
        need = (a.runlist_offset + len(rl) + 7) & ~7
        self.resize_attr(a, need)
        self.buf[a.off + a.runlist_offset:a.off + need] = rl + bytes(need - a.runlist_offset - len(rl))

    def write(self, bad_sector=None):
        """Protects buf with the update sequence and writes it into the volume image. bad_sector=i leaves
        sector i's last two bytes different from the update sequence number (a torn write)."""
        b = bytearray(self.buf)
        usn = struct.unpack_from("<H", b, self.usa_off)[0]
        for i in range(1, self.usa_count):
            end = i * 512 - 2
            b[self.usa_off + 2 * i:self.usa_off + 2 * i + 2] = b[end:end + 2]
            struct.pack_into("<H", b, end, usn ^ (0x5A5A if i == bad_sector else 0))
        self.vol.data[self.pos:self.pos + len(b)] = b


class Volume:
    """A bare NTFS volume image in memory (bytearray), or an extracted $MFT (mft_file=True)."""

    def __init__(self, data, mft_file=False):
        self.data = data if isinstance(data, bytearray) else bytearray(data)
        self.mft_file = mft_file
        if mft_file:
            self.record_size = struct.unpack_from("<I", self.data, 28)[0]
            self.mft_runs = None
            return
        b = self.data
        self.bytes_per_sector = struct.unpack_from("<H", b, 0x0B)[0]
        spc = b[0x0D]
        spc = 1 << (256 - spc) if spc > 0x80 else spc
        self.cluster_size = self.bytes_per_sector * spc
        self.total_sectors = struct.unpack_from("<Q", b, 0x28)[0]
        self.mft_lcn, self.mftmirr_lcn = struct.unpack_from("<QQ", b, 0x30)
        cpr = struct.unpack_from("<b", b, 0x40)[0]
        self.record_size = 1 << -cpr if cpr < 0 else cpr * self.cluster_size
        self.mft_runs = None
        rec0 = Record(self, 0)
        self.mft_runs = rec0.attr(AT_DATA).runlist()

    def record_pos(self, n):
        if self.mft_file or self.mft_runs is None:
            base = 0 if self.mft_file else self.mft_lcn * self.cluster_size
            return base + n * self.record_size
        return self.vcn_pos(self.mft_runs, n * self.record_size)

    def vcn_pos(self, runs, byte):
        """Image offset of byte `byte` of an attribute with these runs."""
        vcn, within = divmod(byte, self.cluster_size)
        for v, lcn, ln in runs:
            if v <= vcn < v + ln:
                return (lcn + vcn - v) * self.cluster_size + within
        raise KeyError(byte)

    def record_count(self):
        if self.mft_file:
            return len(self.data) // self.record_size
        return sum(ln for _, _, ln in self.mft_runs) * self.cluster_size // self.record_size

    def record(self, n):
        return Record(self, n)

    def records(self):
        for n in range(self.record_count()):
            r = Record(self, n)
            if r.ok:
                yield r

    def find(self, name, parent=None):
        """The in-use record with a $FILE_NAME `name` (under record `parent` when given)."""
        for r in self.records():
            if r.in_use:
                for p, n, _ in r.names():
                    if n == name and (parent is None or p == parent):
                        return r
        raise KeyError(name)

    def free_record(self):
        """A record number inside the MFT that is not in use."""
        for n in range(self.record_count() - 1, 24, -1):
            if not Record(self, n).in_use:
                return n
        raise KeyError("no free record")


def file_name_value(parent, name, is_dir=False, parent_seq=1):
    """The value of a $FILE_NAME attribute (POSIX namespace) naming `name` in record `parent`."""
    nm = name.encode("utf-16-le")
    fn = bytearray(66) + nm
    struct.pack_into("<Q", fn, 0, (parent_seq << 48) | parent)
    struct.pack_into("<I", fn, 56, 0x10000000 if is_dir else 0x20)
    fn[64] = len(nm) // 2
    fn[65] = 0  # POSIX
    return bytes(fn)


class NonResident:
    """A non-resident value for make_record's extra: mapping pairs (terminator added) and the data size."""

    def __init__(self, pairs, data_size, cluster_size=4096):
        self.pairs, self.data_size = bytes(pairs) + b"\0", data_size
        self.allocated = (data_size + cluster_size - 1) // cluster_size * cluster_size
        self.clusters = self.allocated // cluster_size


def make_record(number, size, parent, name, is_dir=True, sequence=1, parent_seq=1, extra=()):
    """A minimal valid FILE record (fixups applied) holding one $FILE_NAME (POSIX namespace), then the
    attributes `extra` ([(type, value bytes or NonResident)], in type order: more $FILE_NAMEs (file_name_value,
    counted in the link count), $DATA, $REPARSE_POINT).
    A $REPARSE_POINT sets FILE_ATTRIBUTE_REPARSE_POINT in $STANDARD_INFORMATION."""
    b = bytearray(size)
    usa_off, usa_count = 0x30, size // 512 + 1
    attrs = (usa_off + 2 * usa_count + 7) & ~7
    b[0:4] = b"FILE"
    links = 1 + sum(1 for t, _ in extra if t == AT_FILE_NAME)
    struct.pack_into("<HHQHHHH", b, 4, usa_off, usa_count, 0, sequence, links, attrs, 1 | (2 if is_dir else 0))
    struct.pack_into("<IIQHHI", b, 24, 0, size, 0, 3, 0, number & 0xFFFFFFFF)
    # $STANDARD_INFORMATION, resident, 48 bytes
    off = attrs
    si = bytearray(48)
    struct.pack_into("<I", si, 32, (0x10 if is_dir else 0x20) | (0x400 if any(t == AT_REPARSE_POINT for t, _ in extra) else 0))
    struct.pack_into("<IIBBHHHIHBB", b, off, AT_STANDARD_INFORMATION, 24 + 48, 0, 0, 0, 0, 0, 48, 24, 0, 0)
    b[off + 24:off + 72] = si
    off += 72
    fn = file_name_value(parent, name, is_dir, parent_seq)
    alen = (24 + len(fn) + 7) & ~7
    struct.pack_into("<IIBBHHHIHBB", b, off, AT_FILE_NAME, alen, 0, 0, 0, 0, 1, len(fn), 24, 1, 0)
    b[off + 24:off + 24 + len(fn)] = fn
    off += alen
    for i, (atype, val) in enumerate(extra):
        if isinstance(val, NonResident):  # 64-byte header, mapping pairs after it
            alen = (64 + len(val.pairs) + 7) & ~7
            struct.pack_into("<IIBBHHHQQHH4xQQQ", b, off, atype, alen, 1, 0, 64, 0, 2 + i, 0,
                             max(val.clusters - 1, 0), 64, 0, val.allocated, val.data_size, val.data_size)
            b[off + 64:off + 64 + len(val.pairs)] = val.pairs
            off += alen
            continue
        alen = (24 + len(val) + 7) & ~7
        struct.pack_into("<IIBBHHHIHBB", b, off, atype, alen, 0, 0, 0, 0, 2 + i, len(val), 24, 0, 0)
        b[off + 24:off + 24 + len(val)] = val
        off += alen
    struct.pack_into("<II", b, off, AT_END, 0)
    struct.pack_into("<I", b, 24, off + 8)
    usn = 1
    struct.pack_into("<H", b, usa_off, usn)
    for i in range(1, usa_count):
        end = i * 512 - 2
        b[usa_off + 2 * i:usa_off + 2 * i + 2] = b[end:end + 2]
        struct.pack_into("<H", b, end, usn)
    return bytes(b)


# ---- issue 16: names that are markup, for the HTML report (--format html) ----
HOSTILE_NAMES = {
    "dir": "<img src=x onerror=document.title='PWNED'>",
    "file": "</script><img src=x onerror=document.title='PWNED'>.txt",
    "link2": "\"><svg onload=document.title='PWNED'>",
    "junction": "j'\"<b>bold</b>",
    "junction_target": "C:\\</title><script>document.title='PWNED'</script>",
    "bidi": "invoice\u202egpj.exe",
    "control": "a\x1bb",
}


def hostile_names_mft(path):
    """An extracted $MFT whose names are markup: a folder (16) and a file (17) named with <img onerror>,
    the file hard-linked a second time as "><svg onload> inside the folder (a hard-link set), a junction
    (18) named with quotes and <b> whose target is C:\\</title><script>...</script> (stale with --drive
    C=0), and two more hard-link sets: a file named with a right-to-left override beside invoice.exe (19),
    one named with an escape character beside plain (20)."""
    n = HOSTILE_NAMES
    sub, prn = ("\\??\\" + n["junction_target"]).encode("utf-16-le"), n["junction_target"].encode("utf-16-le")
    body = struct.pack("<HHHH", 0, len(sub), len(sub) + 2, len(prn)) + sub + b"\0\0" + prn + b"\0\0"
    junction = struct.pack("<IHH", 0xA0000003, len(body), 0) + body
    with open(path, "wb") as f:
        for r in range(16):
            f.write(make_record(r, 1024, 5, "$MFT" if r == 0 else "." if r == 5 else "$meta%d" % r, is_dir=(r == 5)))
        f.write(make_record(16, 1024, 5, n["dir"], is_dir=True))
        f.write(make_record(17, 1024, 5, n["file"], is_dir=False,
                            extra=[(AT_FILE_NAME, file_name_value(16, n["link2"])), (AT_DATA, b"hostile\n")]))
        f.write(make_record(18, 1024, 5, n["junction"], is_dir=True, extra=[(AT_REPARSE_POINT, junction)]))
        f.write(make_record(19, 1024, 5, n["bidi"], is_dir=False,
                            extra=[(AT_FILE_NAME, file_name_value(5, "invoice.exe")), (AT_DATA, b"MZ")]))
        f.write(make_record(20, 1024, 5, n["control"], is_dir=False,
                            extra=[(AT_FILE_NAME, file_name_value(5, "plain")), (AT_DATA, b"x")]))
