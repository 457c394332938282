#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Builds the hostile-image corpus from the clean fixtures (never from hand-edited binaries).

Usage: make-corpus.py FIXTURES_DIR OUTDIR
FIXTURES_DIR holds the unpacked fixtures (fixtures/unpack.sh). Writes OUTDIR/cases/* and
OUTDIR/manifest.jsonl, one JSON object per case:
  name, image (path relative to OUTDIR), args (extra options), exit (list of allowed statuses),
  checks (jq boolean expressions over the report that must hold when the exit status is 0),
  stderr (extended regex stderr must match), stderr_lines (exact number of stderr lines), skip (reason),
  output_is_image (bool: -o names the image), output_to (-o names this file, relative to OUTDIR),
  stdout_to (no -o: standard output is appended to this file, relative to OUTDIR), timeout (s); for a
  report that is not JSON (bodyfile, text): report_lines (exact line count), report_max_line and
  report_min_line (bounds on the longest line, in bytes).
run.sh also checks that exit 0 goes with run.complete true and exit 3 (partial scan) with run.complete
false and exactly one "warning: partial scan" line on stderr.
Every offset is found by parsing the image (tests/hostile/ntfsedit.py), never hard-coded.
"""
import json
import os
import random
import shutil
import stat
import struct
import zlib
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ntfsedit as E  # noqa: E402

FX, OUT = sys.argv[1], sys.argv[2]
CASES = os.path.join(OUT, "cases")
os.makedirs(CASES, exist_ok=True)
manifest = []


def write_sparse(path, data):
    """Writes data leaving all-zero 64 KiB blocks as holes (the fixtures are mostly empty)."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        blk = 65536
        zero = bytes(blk)
        for off in range(0, len(data), blk):
            chunk = data[off:off + blk]
            if chunk == zero[:len(chunk)]:
                f.seek(len(chunk), 1)
            else:
                f.write(chunk)
        f.truncate(len(data))
    os.replace(tmp, path)


def load(name):
    with open(os.path.join(FX, name), "rb") as f:
        return bytearray(f.read())


def anomaly(t, rec=None):
    if rec is None:
        return 'any(.volumes[].anomalies[]; .type == "%s")' % t
    return 'any(.volumes[].anomalies[]; .type == "%s" and .record == %d)' % (t, rec)


COMPLETE = ".run.complete == true and all(.volumes[]; .scan.complete == true)"
PARTIAL = ".run.complete == false and any(.volumes[]; .scan.complete == false)"


def case(name, image, exit_codes, checks=(), stderr=None, args=(), skip=None, timeout=60, **kw):
    d = {"name": name, "image": os.path.relpath(image, OUT) if image else None, "exit": list(exit_codes),
         "checks": list(checks), "args": list(args), "timeout": timeout}
    if stderr:
        d["stderr"] = stderr
    if skip:
        d["skip"] = skip
    d.update(kw)
    manifest.append(d)


def vol_case(name, vol, exit_codes, checks=(), **kw):
    path = os.path.join(CASES, name + ".raw")
    write_sparse(path, vol.data)
    case(name, path, exit_codes, checks, **kw)


def reparse_vol():
    return E.Volume(load("reparse.raw"))


# ---- truncations ----
v = reparse_vol()
mft_off = v.vcn_pos(v.mft_runs, 0)
cut = v.vcn_pos(v.mft_runs, 40 * v.record_size) + 300  # inside record 40 of $MFT
v.data = v.data[:cut]
vol_case("truncated_in_mft", v, [3], [PARTIAL, anomaly("read_error")], stderr="partial scan",
         what="image cut inside $MFT record 40 (records 40.. are past the end)")

h = E.Volume(load("hardlinks.raw"))
many = h.find("many", 5)
ia = many.attr(E.AT_INDEX_ALLOCATION, "$I30").runlist()
mft_end = max((lcn + ln) * h.cluster_size for _, lcn, ln in h.mft_runs)
vcn, lcn, ln = ia[1]  # a later run of \many's $I30 index: well past the end of $MFT
assert lcn * h.cluster_size > mft_end
h.data = h.data[:lcn * h.cluster_size + h.cluster_size * (ln // 2) + 100]
vol_case("truncated_in_index", h, [0],
         ['[.volumes[0].hardlink_sets[] | select((.names | length) == 300)] | length == 1'],
         what="image cut inside a run of \\many's $INDEX_ALLOCATION (after $MFT): names come from $MFT, none lost")

open(os.path.join(CASES, "empty.raw"), "wb").close()
case("empty_file", os.path.join(CASES, "empty.raw"), [2], stderr="empty")

d = os.path.join(CASES, "a_directory")
os.makedirs(d, exist_ok=True)
case("directory", d, [2], stderr="is a directory")

fifo = os.path.join(CASES, "fifo")
if not os.path.exists(fifo):
    os.mkfifo(fifo)
case("fifo", fifo, [2], stderr="not a regular file", timeout=20)

unread = os.path.join(CASES, "unreadable.raw")
write_sparse(unread, load("reparse.raw"))
os.chmod(unread, 0)
case("unreadable_file", unread, [2], stderr="[Pp]ermission denied",
     skip="running as root: chmod 000 does not stop root from reading" if os.geteuid() == 0 else None)

ext2 = os.path.join(CASES, "ext2.img")
mke2fs = shutil.which("mke2fs") or shutil.which("/sbin/mke2fs") or shutil.which("/usr/sbin/mke2fs")
if mke2fs:
    with open(ext2, "wb") as f:
        f.truncate(4 << 20)
    subprocess.run([mke2fs, "-q", "-F", "-t", "ext2", ext2], check=True, stdout=subprocess.DEVNULL)
case("ext2", ext2, [2], stderr="no NTFS", skip=None if mke2fs else "mke2fs not installed (e2fsprogs)")

fat = os.path.join(CASES, "fat.img")
mkfat = shutil.which("mkfs.fat") or shutil.which("/sbin/mkfs.fat") or shutil.which("/usr/sbin/mkfs.fat")
if mkfat:
    with open(fat, "wb") as f:
        f.truncate(4 << 20)
    subprocess.run([mkfat, fat], check=True, stdout=subprocess.DEVNULL)
case("fat", fat, [2], stderr="no NTFS", skip=None if mkfat else "mkfs.fat not installed (dosfstools)")

rnd = random.Random(6)
with open(os.path.join(CASES, "random.img"), "wb") as f:
    f.write(bytes(rnd.getrandbits(8) for _ in range(1 << 20)) if not hasattr(rnd, "randbytes") else rnd.randbytes(1 << 20))
case("random_bytes", os.path.join(CASES, "random.img"), [2], stderr="no NTFS")

# ---- boot sector and $MFT record 0 ----
v = reparse_vol()
v.data[0:512] = bytes(512)
vol_case("boot_sector_zeroed", v, [0], [anomaly("backup_boot_sector_used"), COMPLETE])

v = reparse_vol()
r0 = v.record(0)
p = r0.pos
v.data[p:p + 4] = b"BAD!"
vol_case("mft_record0_damaged", v, [0], [anomaly("mft_mirror_used"), COMPLETE,
                                         '.volumes[0].stats.reparse_points == 24'])

v = reparse_vol()
for lcn in (v.mft_lcn, v.mftmirr_lcn):
    p = lcn * v.cluster_size
    v.data[p:p + 4] = b"BAD!"
vol_case("mft_and_mirror_damaged", v, [2], stderr="MFTMirr")

# ---- damaged records ----
v = reparse_vol()
r = v.find("junc_ok", 5)
r.write(bad_sector=2)
vol_case("bad_fixup", v, [0], [anomaly("bad_fixup", r.number),
                               'any(.volumes[0].reparse_points[]; .record == %d)' % r.number])

v = reparse_vol()
r = v.find("junc_missing", 5)
a = list(r.attrs())[1]
struct.pack_into("<I", r.buf, a.off + 4, 0)
r.write()
vol_case("attribute_length_zero", v, [0], [anomaly("bad_attribute", r.number), COMPLETE])

v = reparse_vol()
r = v.find("junc_file", 5)
a = list(r.attrs())[1]
struct.pack_into("<I", r.buf, a.off + 4, 0x10000)
r.write()
vol_case("attribute_past_record", v, [0], [anomaly("bad_attribute", r.number), COMPLETE])

v = reparse_vol()
r = v.find("junc_via", 5)
_, _, fa = r.names()[0]
r.buf[fa.value_pos() + 64] = 255
r.write()
vol_case("file_name_length_past_attribute", v, [0], [anomaly("bad_file_name", r.number), COMPLETE])

v = reparse_vol()
r = v.find("junc_root", 5)
a = r.attr(E.AT_REPARSE_POINT)
r.buf[a.off + 9] = 200  # attribute name of 200 UTF-16 units inside a ~100-byte attribute
r.write()
vol_case("attribute_name_past_attribute", v, [0], [anomaly("bad_attribute", r.number), COMPLETE])


def patch_attr_list(vol, rec, new_ref):
    """Points the first attribute-list entry that names an extension record at new_ref instead."""
    al = rec.attr(E.AT_ATTRIBUTE_LIST)
    runs = al.runlist()
    base = runs[0][1] * vol.cluster_size
    pos = 0
    while pos < al.data_size:
        t, ln = struct.unpack_from("<IH", vol.data, base + pos)
        ref = struct.unpack_from("<Q", vol.data, base + pos + 16)[0]
        if (ref & 0xFFFFFFFFFFFF) != rec.number and t == E.AT_FILE_NAME:
            struct.pack_into("<Q", vol.data, base + pos + 16, (1 << 48) | new_ref)
            return ref & 0xFFFFFFFFFFFF
        pos += ln
    raise KeyError("no entry")


h = E.Volume(load("hardlinks.raw"))
r = [x for x in h.records() if x.in_use and x.attr(E.AT_ATTRIBUTE_LIST)][0]
assert r.attr(E.AT_ATTRIBUTE_LIST).runlist()[0][2] >= 1
patch_attr_list(h, r, r.number)
vol_case("attribute_list_points_to_itself", h, [0],
         ['[.volumes[0].hardlink_sets[] | select((.names | length) == 300)] | length == 1', COMPLETE])

h = E.Volume(load("hardlinks.raw"))
r = [x for x in h.records() if x.in_use and x.attr(E.AT_ATTRIBUTE_LIST)][0]
patch_attr_list(h, r, h.free_record())
vol_case("attribute_list_points_to_free_record", h, [0],
         ['[.volumes[0].hardlink_sets[] | select((.names | length) == 300)] | length == 1', COMPLETE])


def insert_attr_list_mft(vol, target):
    """Gives $MFT (record 0) a resident $ATTRIBUTE_LIST whose $DATA entry names record `target`."""
    r0 = vol.record(0)
    ent = bytearray(32)
    struct.pack_into("<IHBBQQH", ent, 0, E.AT_DATA, 32, 0, 26, 0, (1 << 48) | target, 0)
    ent2 = bytearray(32)
    struct.pack_into("<IHBBQQH", ent2, 0, E.AT_DATA, 32, 0, 26, 0, 0, 1)  # and record 0 itself
    val = bytes(ent2 + ent)
    alen = 24 + len(val)
    attr = bytearray(alen)
    struct.pack_into("<IIBBHHHIHBB", attr, 0, E.AT_ATTRIBUTE_LIST, alen, 0, 0, 24, 0, 9, len(val), 24, 0, 0)
    attr[24:] = val
    first = next(r0.attrs())  # $STANDARD_INFORMATION; the list goes right after it
    at = first.off + first.length
    assert r0.bytes_in_use + alen <= r0.bytes_allocated
    tail = bytes(r0.buf[at:r0.bytes_in_use])
    r0.buf[at:at + alen] = attr
    r0.buf[at + alen:at + alen + len(tail)] = tail
    r0.bytes_in_use += alen
    struct.pack_into("<I", r0.buf, 24, r0.bytes_in_use)
    r0.write()


v = reparse_vol()
insert_attr_list_mft(v, v.free_record())
vol_case("mft_attribute_list_points_to_free_record", v, [0], [anomaly("mft_mirror_used"), COMPLETE])

v = reparse_vol()
insert_attr_list_mft(v, 0)
vol_case("mft_attribute_list_points_to_itself", v, [0], [COMPLETE, '.volumes[0].stats.reparse_points == 24'])

# ---- runlists ----
RUNLISTS = {
    "lcn_past_volume": lambda vol, ln: E.encode_pair(ln, vol.total_sectors * vol.bytes_per_sector // vol.cluster_size + 1000),
    "negative_lcn": lambda vol, ln: E.encode_pair(ln, -1000),
    "length_2p60": lambda vol, ln: E.encode_pair(1 << 60, 100),
    "negative_length": lambda vol, ln: E.encode_pair(-5, 100, signed_length=True),
    "lcn_sum_overflows": lambda vol, ln: E.encode_pair(1, (1 << 63) - 1) + E.encode_pair(1, (1 << 63) - 1),
}
for kind, mk in RUNLISTS.items():
    # $UpCase (record 10) is read through its runlist: a broken one costs the volume's table only
    v = reparse_vol()
    r = v.record(10)
    a = r.attr(E.AT_DATA)
    r.set_runlist(a, mk(v, a.runlist()[0][2]))
    r.write()
    vol_case("runlist_%s_upcase" % kind, v, [0], [anomaly("upcase_unreadable", 10), COMPLETE])
    # $MFT's own $DATA: fall back to $MFTMirr
    v = reparse_vol()
    r = v.record(0)
    a = r.attr(E.AT_DATA)
    r.set_runlist(a, mk(v, a.runlist()[0][2]))
    r.write()
    vol_case("runlist_%s_mft" % kind, v, [0], [anomaly("mft_mirror_used"), COMPLETE])

v = reparse_vol()
r = v.find("blob.bin", 5)
a = r.attr(E.AT_DATA)
r.set_runlist(a, E.encode_pair(1 << 60, 100))
r.write()
vol_case("runlist_length_2p60_file", v, [0], [COMPLETE, '.volumes[0].stats.reparse_points == 24'])

v = reparse_vol()
r = v.record(0)
a = r.attr(E.AT_DATA)
struct.pack_into("<QQQ", r.buf, a.off + 40, 1 << 62, 1 << 62, 1 << 62)  # sizes far beyond the runs
r.write()
vol_case("mft_data_size_huge", v, [0], [anomaly("mft_runlist_short"), COMPLETE])

# ---- parent chains ----
v = reparse_vol()
a_ = v.find("dir1", 5)
b_ = v.find("sub", a_.number)
for rec, parent in ((a_, b_), ):
    _, _, fa = rec.names()[0]
    struct.pack_into("<Q", rec.buf, fa.value_pos(), (parent.sequence << 48) | parent.number)
    rec.write()
vol_case("parent_loop_two", v, [0], [anomaly("parent_cycle"), COMPLETE])

v = reparse_vol()
rec = v.find("dir2", 5)
_, _, fa = rec.names()[0]
struct.pack_into("<Q", rec.buf, fa.value_pos(), (rec.sequence << 48) | rec.number)
rec.write()
vol_case("parent_is_itself", v, [0], [anomaly("parent_cycle", rec.number), COMPLETE])

DEPTH = 100000
deep = os.path.join(CASES, "deep_chain.mft")
if not os.path.exists(deep) or os.path.getsize(deep) != (16 + DEPTH) * 1024:
    with open(deep + ".tmp", "wb") as f:
        f.write(E.make_record(0, 1024, 5, "$MFT", is_dir=False))
        for n in range(1, 16):
            f.write(E.make_record(n, 1024, 5, "." if n == 5 else "$meta%d" % n, is_dir=(n == 5)))
        for n in range(16, 16 + DEPTH):
            f.write(E.make_record(n, 1024, 5 if n == 16 else n - 1, "d%d" % n))
    os.replace(deep + ".tmp", deep)
case("parent_chain_100000_deep", deep, [0], [anomaly("path_too_deep"), COMPLETE], timeout=120)

# ---- reparse buffers that lie ----
v = reparse_vol()
LIES = [("junc_ok", 4, 0xFFFF), ("junc_missing", 4, 2), ("junc_file", 8, 0xFFF0), ("junc_via", 10, 0xFFFE),
        ("junc_root", 12, 0x7FF1), ("file_abs", 14, 0x1001), ("dir_abs", 10, 3), ("rel_dir", 12, 0xFFFF)]
lied = []
for nm, field, val in LIES:
    rec = v.find(nm)
    a = rec.attr(E.AT_REPARSE_POINT)
    struct.pack_into("<H", rec.buf, a.value_pos() + field, val)
    rec.write()
    lied.append(rec.number)
vol_case("reparse_lengths_lie", v, [0],
         [anomaly("malformed_reparse", n) for n in lied] +
         ['any(.volumes[0].reparse_points[]; .record == %d and .target.status == "malformed")' % n for n in lied] +
         [COMPLETE])

# ---- E01 ----
d = os.path.join(CASES, "ewf_missing_segment")
os.makedirs(d, exist_ok=True)
shutil.copyfile(os.path.join(FX, "reparse-multi.E01"), os.path.join(d, "reparse-multi.E01"))
case("ewf_missing_segment", os.path.join(d, "reparse-multi.E01"), [2], stderr="E02|missing")


e = bytearray(load("reparse.E01"))
secs = E.ewf_sections(e)
table = [s for s in secs if s[0] == "table"][0]
toff = table[1] + 76
count, base = struct.unpack_from("<I4xQ", e, toff)
entries = [struct.unpack_from("<I", e, toff + 24 + 4 * i)[0] for i in range(count)]
chunk = 1  # chunk 1 holds $MFT records of the fixture ($MFT starts at byte 16384, chunks are 32 KiB)
start = base + (entries[chunk] & 0x7FFFFFFF)
end = base + (entries[chunk + 1] & 0x7FFFFFFF)
mid = (start + end) // 2
for i in range(mid, mid + 16):
    e[i] ^= 0xFF
path = os.path.join(CASES, "ewf_corrupt_chunk.E01")
with open(path, "wb") as f:
    f.write(e)
case("ewf_corrupt_chunk", path, [3],
     [PARTIAL, anomaly("checksum_error"), '.image.checksum_errors[0].offset == 32768'], stderr="partial scan",
     what="16 bytes flipped inside chunk %d (%s) at file offset %d" %
     (chunk, "compressed" if entries[chunk] & 0x80000000 else "stored", mid), chunk=chunk)

# ---- issue 10 item 1: --du on a volume without a root directory ----
# Fewer than 6 records: no record 5 to size from. --du says there is nothing to size (exit 0, the
# report's directory_sizes_error) and never reads past the record table.
NO_ROOT = ['.volumes[0].directory_sizes == []',
           '.volumes[0].directory_sizes_error | test("nothing to size: volume 0 has no root directory")']
mft4k = os.path.join(CASES, "du_mft_4k.mft")
with open(os.path.join(FX, "reparse.mft"), "rb") as f:
    head = f.read(4096)
assert struct.unpack_from("<I", head, 28)[0] * 4 == 4096  # four 1 KiB records: 0-3, no root
with open(mft4k, "wb") as f:
    f.write(head)
case("du_mft_4k", mft4k, [0], [COMPLETE] + NO_ROOT, args=["--du"],
     what="the first 4 KiB of reparse.mft (records 0-3)")


def mbr_partition(disk, slot=0):
    """(offset, length) in bytes of MBR partition entry `slot`, from the table itself."""
    assert disk[510:512] == b"\x55\xaa"
    lba, sectors = struct.unpack_from("<II", disk, 0x1BE + 16 * slot + 8)
    return lba * 512, sectors * 512


real = os.path.join(FX, "real", "ntfs-lastaccess.raw")
if os.path.exists(real):
    disk = load(os.path.join("real", "ntfs-lastaccess.raw"))
    off, ln = mbr_partition(disk)
    v = E.Volume(disk[off:off + ln])
    r = v.record(0)
    a = r.attr(E.AT_DATA)
    assert a.non_resident
    four = 4 * v.record_size
    struct.pack_into("<QQQ", r.buf, a.off + 40, four, four, four)  # allocated, data, initialized: 4 records
    r.write()
    disk[off:off + ln] = v.data
    path = os.path.join(CASES, "du_real_4_records.raw")
    write_sparse(path, disk)
    case("du_real_4_records", path, [0], NO_ROOT + ['.volumes[0].ntfs.mft_records == 4'], args=["--du"],
         what="ntfs-lastaccess.raw (Windows 10) with $MFT's $DATA sizes set to 4 records")
else:
    case("du_real_4_records", None, [0], skip="fixtures/real not unpacked (NTFSLINKS_FIXTURES_NO_REAL)")

# ---- issue 10 item 6: 320,000 names "a" in one directory ----
# Identical (directory, name) keys in the name index: chained, not clustered by linear probing.
# An extracted $MFT: the 16 system records, then 320,000 files in the root called "a" or "A" (the same
# upcased key). One record is built and stamped with each number (the number sits outside the
# update-sequence positions), so the 330 MB file is written in a few seconds.
SAME = 320000
same = os.path.join(CASES, "same_name_320k.mft")
if not os.path.exists(same) or os.path.getsize(same) != (16 + SAME) * 1024:
    with open(same + ".tmp", "wb") as f:
        f.write(b"".join(E.make_record(n, 1024, 5, "$MFT" if n == 0 else "." if n == 5 else "$meta%d" % n,
                                       is_dir=(n == 5)) for n in range(16)))
        tmpl = [bytearray(E.make_record(0, 1024, 5, nm, is_dir=False)) for nm in ("a", "A")]
        chunk = []
        for n in range(16, 16 + SAME):
            t = tmpl[n & 1]
            struct.pack_into("<I", t, 44, n)
            chunk.append(bytes(t))
            if len(chunk) == 8192:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))
    os.replace(same + ".tmp", same)
case("same_name_320k", same, [0], [COMPLETE, '.volumes[0].stats.records_in_use == %d' % (16 + SAME),
                                   '.volumes[0].directory_sizes[0].names == %d' % (SAME + 15)],
     args=["--du"], timeout=120, what="320,000 files \\a and \\A in one directory")

# ---- issue 11 finding 8: --du descends into cloud placeholders, never into name surrogates ----
# A synthetic extracted $MFT: \OneDrive (IO_REPARSE_TAG_CLOUD_7) holds a.txt (100 bytes), b.txt (250)
# and \OneDrive\Docs (IO_REPARSE_TAG_CLOUD) with c.txt (400); \junc is a junction (a name surrogate)
# holding d.txt (700), which no size counts; \e.txt has 30 bytes. Sizes below are worked out by hand.
def reparse_value(tag, data):
    return struct.pack("<IHH", tag, len(data), 0) + data


def junction_value(target):
    sub, prn = ("\\??\\" + target).encode("utf-16-le"), target.encode("utf-16-le")
    body = struct.pack("<HHHH", 0, len(sub), len(sub) + 2, len(prn)) + sub + b"\0\0" + prn + b"\0\0"
    return reparse_value(0xA0000003, body)


CLOUD = [(16, 5, "OneDrive", True, [(E.AT_REPARSE_POINT, reparse_value(0x9000701A, bytes(8)))]),
         (17, 16, "a.txt", False, [(E.AT_DATA, bytes(100))]),
         (18, 16, "b.txt", False, [(E.AT_DATA, bytes(250))]),
         (19, 16, "Docs", True, [(E.AT_REPARSE_POINT, reparse_value(0x9000001A, bytes(8)))]),
         (20, 19, "c.txt", False, [(E.AT_DATA, bytes(400))]),
         (21, 5, "junc", True, [(E.AT_REPARSE_POINT, junction_value("C:\\Elsewhere"))]),
         (22, 21, "d.txt", False, [(E.AT_DATA, bytes(700))]),
         (23, 5, "e.txt", False, [(E.AT_DATA, bytes(30))])]
cloud = os.path.join(CASES, "du_cloud_placeholders.mft")
with open(cloud, "wb") as f:
    for n in range(16):
        f.write(E.make_record(n, 1024, 5, "$MFT" if n == 0 else "." if n == 5 else "$meta%d" % n, is_dir=(n == 5)))
    for n, parent, name, is_dir, extra in CLOUD:
        f.write(E.make_record(n, 1024, parent, name, is_dir=is_dir, extra=extra))


def du_is(path, names_bytes, files):
    return ('[.volumes[0].directory_sizes[] | select(.path == "%s") | [.names_bytes, .records_bytes, .files]] == [[%d, %d, %d]]'
            % (path.replace("\\", "\\\\"), names_bytes, names_bytes, files))


case("du_cloud_placeholders", cloud, [0],
     [COMPLETE, du_is("\\", 100 + 250 + 400 + 30, 15 + 4), du_is("\\OneDrive", 100 + 250 + 400, 3),
      du_is("\\OneDrive\\Docs", 400, 1),
      '[.volumes[0].directory_sizes[].path] == ["\\\\", "\\\\OneDrive", "\\\\OneDrive\\\\Docs"]',
      '[.volumes[0].reparse_points[] | [.path, .kind]] == [["\\\\OneDrive", "cloud"], ["\\\\OneDrive\\\\Docs", "cloud"], ["\\\\junc", "junction"]]'],
     args=["--du", "--du-depth", "3"], what="cloud-tagged directories with files, beside a junction with a file")
# ---- issue 10 item 3: an extracted $MFT whose records have a non-resident $SECURITY_DESCRIPTOR ----
AT_SECURITY_DESCRIPTOR = 0x50


def sd_owner(sd):
    """The owner SID of a self-relative security descriptor, as text."""
    o = struct.unpack_from("<I", sd, 4)[0]
    n = sd[o + 1]
    auth = int.from_bytes(sd[o + 2:o + 8], "big")
    subs = struct.unpack_from("<%dI" % n, sd, o + 8)
    return "S-%d-%d" % (sd[o], auth) + "".join("-%d" % x for x in subs)


def make_sd_nonresident(vol, rec, like):
    """Replaces rec's resident $SECURITY_DESCRIPTOR with a non-resident one sharing record `like`'s runs."""
    la = like.attr(AT_SECURITY_DESCRIPTOR)
    assert la.non_resident
    hdr = bytes(like.buf[la.off + 16:la.off + 64])  # VCNs, runlist offset, sizes
    rl = bytes(like.buf[la.off + la.runlist_offset:la.off + la.length])
    a = rec.attr(AT_SECURITY_DESCRIPTOR)
    assert a is not None and not a.non_resident
    attr_id = struct.unpack_from("<H", rec.buf, a.off + 14)[0]
    rec.resize_attr(a, (64 + len(rl) + 7) & ~7)
    struct.pack_into("<IIBBHHH", rec.buf, a.off, AT_SECURITY_DESCRIPTOR, a.length, 1, 0, 0x40, 0, attr_id)
    rec.buf[a.off + 16:a.off + 64] = hdr
    struct.pack_into("<H", rec.buf, a.off + 32, 0x40)
    rec.buf[a.off + 64:a.off + a.length] = (rl + bytes(64))[:a.length - 64]
    rec.write()
    sd = b"".join(bytes(vol.data[lcn * vol.cluster_size:(lcn + ln) * vol.cluster_size]) for _, lcn, ln in la.runlist())
    return sd_owner(sd[:la.data_size])


def extract_mft(vol):
    """$MFT's $DATA as `icat volume 0` writes it."""
    size = vol.record(0).attr(E.AT_DATA).data_size
    return b"".join(bytes(vol.data[lcn * vol.cluster_size:(lcn + ln) * vol.cluster_size])
                    for _, lcn, ln in vol.mft_runs)[:size]


h = E.Volume(load("hardlinks.raw"))
hl = [x for x in h.records() if x.in_use and len([n for n in x.names() if n[2].rec.buf[n[2].value_pos() + 65] != 2]) == 2
      and x.attr(AT_SECURITY_DESCRIPTOR) is not None and not x.attr(AT_SECURITY_DESCRIPTOR).non_resident][0]
root_owner = make_sd_nonresident(h, hl, h.record(5))
vol_case("volume_nonresident_sd", h, [0],
         [COMPLETE, 'any(.volumes[0].hardlink_sets[]; .record == %d and .owner_sid == "%s")' % (hl.number, root_owner)],
         what="the same edit on the volume: the owner is read from the descriptor's cluster")
path = os.path.join(CASES, "mft_file_nonresident_sd.mft")
write_sparse(path, extract_mft(h))
case("mft_file_nonresident_sd", path, [0],
     [COMPLETE, anomaly("security_descriptor_unavailable", hl.number),
      'any(.volumes[0].hardlink_sets[]; .record == %d and .owner_sid == null)' % hl.number],
     what="extracted $MFT; record %d (a hard-link set) has a non-resident $SECURITY_DESCRIPTOR" % hl.number)

# ---- issue 13: security descriptors whose ACLs lie (count, ACE size) ----
def sd_damage(name, how):
    """A hard-link set of the hardlinks fixture whose own resident descriptor's DACL is damaged by how(buf, dacl)."""
    h = E.Volume(load("hardlinks.raw"))
    rec = [x for x in h.records() if x.in_use and x.attr(AT_SECURITY_DESCRIPTOR) is not None
           and not x.attr(AT_SECURITY_DESCRIPTOR).non_resident and len(x.names()) >= 2][0]
    a = rec.attr(AT_SECURITY_DESCRIPTOR)
    sd = a.value_pos()
    control, dacl = struct.unpack_from("<H", rec.buf, sd + 2)[0], struct.unpack_from("<I", rec.buf, sd + 16)[0]
    assert control & 0x4 and dacl, "the fixture's descriptor has a DACL"
    what = how(rec.buf, sd + dacl)
    rec.write()
    return h, rec, what


def lying_count(buf, dacl):
    n = struct.unpack_from("<H", buf, dacl + 4)[0]
    struct.pack_into("<H", buf, dacl + 4, n + 200)
    return "the DACL declares %d ACEs, holds %d" % (n + 200, n)


def ace_size_zero(buf, dacl):
    struct.pack_into("<H", buf, dacl + 8 + 2, 0)
    return "the DACL's first ACE has size 0"


for name, how, words in (("acl_count_lies", lying_count, "declares"), ("ace_size_zero", ace_size_zero, "ACE size 0")):
    h, rec, what = sd_damage(name, how)
    vol_case(name, h, [0],
             [COMPLETE, anomaly("security_descriptor_damaged", rec.number),
              'any(.volumes[0].hardlink_sets[]; .record == %d and .security.writable_by == null and .security.sddl == null '
              'and (.security.error | contains("%s")) and .owner_sid != null)' % (rec.number, words)],
             what="record %d (a hard-link set), own $SECURITY_DESCRIPTOR: %s" % (rec.number, what))

# ---- issue 10 item 4: sparse runs whose byte length overflows 64 bits ----
def sparse_only(vol, rec_no, atype, name, clusters):
    """Makes attribute (atype, name) of record rec_no one sparse run of `clusters` clusters."""
    r = vol.record(rec_no)
    a = r.attr(atype, name)
    assert a.non_resident
    r.set_runlist(a, E.encode_pair(clusters, None))
    r.write()


v = reparse_vol()
assert (1 << 52) * v.cluster_size == 1 << 64
sparse_only(v, 10, E.AT_DATA, "", 1 << 52)
vol_case("sparse_overflow_upcase", v, [0], [anomaly("upcase_unreadable", 10), COMPLETE], timeout=30,
         what="$UpCase's only run: 2^52 sparse clusters of 4 KiB (2^64 bytes)")

v = reparse_vol()
assert ((1 << 62) * v.cluster_size) % (1 << 64) == 0
sparse_only(v, 9, E.AT_DATA, "$SDS", 1 << 62)
vol_case("sparse_overflow_sds", v, [0], [anomaly("secure_unreadable", 9), COMPLETE], timeout=30,
         what="$Secure:$SDS's only run: 2^62 sparse clusters of 4 KiB")

v = E.Volume(load("clusters2m.raw"))
assert v.cluster_size == 2 << 20
sparse_only(v, 10, E.AT_DATA, "", 1 << 43)
vol_case("sparse_overflow_2m", v, [0], [anomaly("upcase_unreadable", 10), COMPLETE], timeout=30,
         what="2 MiB clusters: $UpCase's only run is 2^43 sparse clusters (2^64 bytes)")

# ---- issue 10 item 5: a 1 MiB image whose boot sector and $MFT claim far more than it holds ----
def claims_records(records):
    """reparse.raw cut to 1 MiB; the boot sector says 512 TiB, $MFT's one run and sizes `records` records."""
    v = reparse_vol()
    struct.pack_into("<Q", v.data, 0x28, (512 << 40) // v.bytes_per_sector)
    r = v.record(0)
    a = r.attr(E.AT_DATA)
    size = records * v.record_size
    r.set_runlist(a, E.encode_pair(size // v.cluster_size, v.mft_lcn))
    a = r.attr(E.AT_DATA)
    struct.pack_into("<QQQ", r.buf, a.off + 40, size, size, size)
    struct.pack_into("<Q", r.buf, a.off + 24, size // v.cluster_size - 1)  # highest VCN
    r.write()
    v.data = v.data[:1 << 20]
    present = (len(v.data) - v.mft_lcn * v.cluster_size) // v.record_size
    return v, present


for exp in (26, 32):
    v, present = claims_records(1 << exp)
    vol_case("claims_2p%d_records" % exp, v, [3],
             [PARTIAL, anomaly("read_error", present), '.volumes[0].ntfs.mft_records == %d' % (1 << exp),
              '.volumes[0].scan.unreadable_records == %d' % ((1 << exp) - present)],
             stderr="partial scan", timeout=60,
             what="1 MiB image, boot sector claims 512 TiB, $MFT claims 2^%d records: records %d.. are one lost range"
             % (exp, present))

# ---- issue 10 item 11: an extracted $MFT cut in the middle of a record ----
m = E.Volume(load("reparse.mft"), mft_file=True)
last = m.record_count() - 1
cut_rec = [x for x in m.records() if x.in_use and x.number < last][-1].number  # an in-use record, not the last
m.data = m.data[:cut_rec * m.record_size + 300]
path = os.path.join(CASES, "mft_file_cut_mid_record.mft")
write_sparse(path, m.data)
case("mft_file_cut_mid_record", path, [3],
     [PARTIAL, anomaly("mft_record_truncated", cut_rec), anomaly("read_error", cut_rec),
      'any(.volumes[0].anomalies[]; .type == "mft_record_truncated" and (.detail | test("ends 300 bytes into record %d")))'
      % cut_rec, '.volumes[0].scan.unreadable_records == 1'],
     stderr="partial scan", what="reparse.mft cut 300 bytes into in-use record %d" % cut_rec)

# ---- issue 11 wrong finding 5: an extension record whose base lies past the end of the $MFT ----
v = reparse_vol()
r = v.find("blob.bin", 5)
far = v.record_count() + 1000
struct.pack_into("<Q", r.buf, 32, (7 << 48) | far)
r.write()
vol_case("orphan_extension_base_past_mft", v, [0],
         [COMPLETE, anomaly("orphan_extension", r.number),
          'any(.volumes[0].anomalies[]; .type == "orphan_extension" and .record == %d and '
          '(.detail | test("base record %d \\\\(sequence 7\\\\)")))' % (r.number, far)],
         what="\\blob.bin's header names base record %d (sequence 7), past the end of $MFT" % far)

# ---- issue 11 wrong finding 4: an empty $SECURITY_DESCRIPTOR after one too long for the owner cache ----
h = E.Volume(load("hardlinks.raw"))
sets = [x for x in h.records() if x.in_use and x.attr(AT_SECURITY_DESCRIPTOR) is not None
        and not x.attr(AT_SECURITY_DESCRIPTOR).non_resident and len(x.names()) >= 2]
first, second = [(a, b) for a, b in zip(sets, sets[1:]) if b.number == a.number + 1][0]
a = first.attr(AT_SECURITY_DESCRIPTOR)
owner = sd_owner(a.value())
pad = 256  # a descriptor longer than the scan's 256-byte cache, with the same owner
old_len = a.value_length
first.resize_attr(a, (24 + old_len + pad + 7) & ~7)
struct.pack_into("<I", first.buf, a.off + 16, old_len + pad)
first.buf[a.off + 24 + old_len:a.off + a.length] = bytes(a.length - 24 - old_len)
first.write()
b = second.attr(AT_SECURITY_DESCRIPTOR)
second.resize_attr(b, 24)
struct.pack_into("<I", second.buf, b.off + 16, 0)  # an empty descriptor: it shows no owner
second.write()
vol_case("owner_cache_empty_sd", h, [0],
         [COMPLETE, 'any(.volumes[0].hardlink_sets[]; .record == %d and .owner_sid == "%s")' % (first.number, owner),
          'any(.volumes[0].hardlink_sets[]; .record == %d and .owner_sid == null)' % second.number],
         args=["--threads", "1"],
         what="record %d's descriptor padded past 256 bytes, record %d's emptied" % (first.number, second.number))

# ---- issue 15 session 9: a hard-link set's own resident descriptor with no owner is still its descriptor ----
# (it was reported as "no $SECURITY_DESCRIPTOR and no security id": the descriptors pass looked only at the
# owner the scan had found). The owner offset of the self-relative descriptor (value byte 4) set to 0 in the
# first hard-link set without an attribute list (the scan keeps its bytes) and in the 300-name file, whose base
# record holds its descriptor beside an $ATTRIBUTE_LIST (read again by the descriptors pass).
h = E.Volume(load("hardlinks.raw"))
sets = [r for r in h.records() if r.in_use and r.attr(AT_SECURITY_DESCRIPTOR) is not None
        and not r.attr(AT_SECURITY_DESCRIPTOR).non_resident and len(r.names()) >= 2]
x = [r for r in sets if r.attr(E.AT_ATTRIBUTE_LIST) is None][0]
y = [r for r in sets if r.attr(E.AT_ATTRIBUTE_LIST) is not None][0]
for r in (x, y):
    a = r.attr(AT_SECURITY_DESCRIPTOR)
    voff = a.off + struct.unpack_from("<H", r.buf, a.off + 20)[0]
    assert struct.unpack_from("<I", r.buf, voff + 4)[0] != 0
    struct.pack_into("<I", r.buf, voff + 4, 0)
    r.write()
vol_case("sd_without_owner", h, [0],
         [COMPLETE] + ['any(.volumes[0].hardlink_sets[]; .record == %d and .owner_sid == null and '
                       '.security.source == "record" and .security.sddl == "G:BAD:(A;OICI;FA;;;WD)" and '
                       '.security.owner_sid == null and (.security | has("error") | not) and '
                       '([.security.writable_by[].sid] | index("S-1-1-0")) != null)' % r.number for r in (x, y)] +
         ['all(.volumes[0].anomalies[]; .record != %d and .record != %d)' % (x.number, y.number)],
         what="records %d's and %d's own $SECURITY_DESCRIPTOR (the second beside an $ATTRIBUTE_LIST) with their "
              "owner offset 0: no owner, group and DACL kept" % (x.number, y.number))

# ---- issue 10 item 6: paths capped at Windows' limit of 32,767 UTF-16 units ----
# Synthetic extracted $MFTs: directories nested `levels` deep, each name 255 units. A component is
# 256 units with its backslash, so the path of the directory at depth 127 (32,512 units) is the last
# that fits: the one at depth 128 (record 16 + 127) is where paths cross the limit, its path_truncated
# anomaly the only one, and every path beneath it is cut to those 127 components (32,512 units).
LONG = 255


def deep_name(k):
    return ("d%05d" % k) + "x" * (LONG - 6)


def deep_mft(path, levels, set_every=0, pad_to=0):
    """Writes the chain (records 16.. 16+levels-1); with set_every, a file with the two names "link1"
    and "link2" in every set_every-th directory (records after the chain); zero records up to pad_to."""
    recs = [E.make_record(n, 1024, 5, "$MFT" if n == 0 else "." if n == 5 else "$meta%d" % n, is_dir=(n == 5))
            for n in range(16)]
    recs += [E.make_record(16 + k, 1024, 5 if k == 0 else 15 + k, deep_name(k + 1)) for k in range(levels)]
    if set_every:
        for k in range(set_every, levels + 1, set_every):
            n, d = len(recs), 15 + k
            recs.append(E.make_record(n, 1024, d, "link1", is_dir=False,
                                      extra=[(E.AT_FILE_NAME, E.file_name_value(d, "link2"))]))
    recs += [bytes(1024)] * max(0, pad_to - len(recs))
    data = b"".join(recs)
    if not os.path.exists(path) or os.path.getsize(path) != len(data):
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.replace(path + ".tmp", path)


CUT_UNITS = 127 * 256
deep16 = os.path.join(CASES, "deep_dirs_16k.mft")
deep_mft(deep16, 16000, set_every=32)
# 500 sets, one in every 32nd directory (depth 32, 64, ... 16,000): the sets at depth 32, 64 and 96 fit,
# the 497 from depth 128 on are cut (994 names)
case("deep_dirs_16k", deep16, [0],
     [COMPLETE, anomaly("path_truncated", 16 + 127),
      '[.volumes[0].anomalies[] | select(.type == "path_truncated")] | length == 1',
      '.volumes[0].hardlink_sets | length == 500',
      '[.volumes[0].hardlink_sets[].names[] | select(.path_truncated)] | length == 994',
      '[.volumes[0].hardlink_sets[].names[] | select(.path_truncated) | .path | length] | unique == [%d]' % CUT_UNITS,
      '[.volumes[0].hardlink_sets[].names[] | select(.path_truncated | not) | .path | length] == '
      '[32 * 256 + 6, 32 * 256 + 6, 64 * 256 + 6, 64 * 256 + 6, 96 * 256 + 6, 96 * 256 + 6]',
      '.volumes[0].hardlink_sets[-1].names[0].path | startswith("\\\\%s\\\\%s\\\\")' % (deep_name(1), deep_name(2))],
     timeout=120, what="16,000 nested directories with 255-unit names, a two-name file in every 32nd")

deep1k = os.path.join(CASES, "deep_dirs_1000.mft")
deep_mft(deep1k, 1000, pad_to=1024)  # a 1 MiB $MFT
# two lines (the $FILE_NAME and the $STANDARD_INFORMATION one) for each of the 1,000 directories and the
# 15 system files in the root; the longest line holds a cut path (127 components) and its columns
case("deep_dirs_1000_bodyfile", deep1k, [0], [], args=["--format", "bodyfile"], timeout=120,
     report_lines=2 * (1000 + 15), report_max_line=CUT_UNITS + 200, report_min_line=CUT_UNITS,
     what="a 1 MiB $MFT with 1,000 nested directories with 255-unit names, as a bodyfile")

# ---- issue 10 item 2 / issue 11: link resolution without a root record, cycles and chains ----
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures"))
import reparse as RP  # noqa: E402

# A 2-record extracted $MFT ($MFT itself and one relative symbolic link to "."): record 5 does not
# exist, so the link's directory cannot be found; nothing may be read past the record table and no
# target may be said to exist. A 3-record one adds a rooted link ("\", relative): the root is missing.
head = load("reparse.mft")[:1024]
assert struct.unpack_from("<I", head, 28)[0] == 1024
dot = E.make_record(1, 1024, 5, "dot", is_dir=False, extra=[(E.AT_REPARSE_POINT, RP.symlink(".", ".", True))])
rooted = E.make_record(2, 1024, 5, "rooted", is_dir=True, extra=[(E.AT_REPARSE_POINT, RP.symlink("\\", "\\", True))])
NOT_EXISTS = ['[.volumes[0].reparse_points[] | select(.target.status == "ok")] | length == 0',
              'all(.volumes[0].reparse_points[]; .target.record == null)',
              'all(.volumes[0].reparse_points[]; .target.reason | test("exists \\\\(record") | not)']
for name, recs, extra_checks in (
        ("resolve_no_root", [head, dot], []),
        ("resolve_no_root_rooted", [head, dot, rooted],
         ['any(.volumes[0].reparse_points[]; .path == "\\\\rooted" or .path == "\\\\$OrphanFiles\\\\rooted")',
          '[.volumes[0].reparse_points[] | select(.target.form == "rooted") | .target.reason | '
          'test("no root directory, record 5")] == [true]'])):
    path = os.path.join(CASES, name + ".mft")
    with open(path, "wb") as f:
        f.write(b"".join(recs))
    case(name, path, [0], ['.volumes[0].stats.reparse_points == %d' % (len(recs) - 1),
                           'all(.volumes[0].reparse_points[]; .target.status == "stale")'] + NOT_EXISTS + extra_checks,
         what="extracted $MFT of %d records: no record 5; relative symlink to '.'%s" %
         (len(recs), ", rooted symlink to '\\'" if len(recs) > 2 else ""))

# 2,000 links, each through a directory cycle of 4,089 components and a chain of 63 symbolic links. A
# synthetic volume (4 KiB clusters, 1 KiB records): \c (record 16) holds b (17), and b holds a second
# name of c, "a", so \c\b\a\b\a... walks a cycle. L01..L62 in \c chain to \c\target.txt (L_k -> L_k+1,
# relative). t0000..t1999 in \c share one non-resident 16 KiB buffer: the relative target b\a\ x 2,044
# then L01 (4,089 components), so each follows 63 links in all (itself and L01..L62): ok. over -> t0000
# is 64: loop. Before: every hop re-walked the whole path from the root (32 s).
def synthetic_volume(path, records, data_clusters, cluster=4096, rec_size=1024):
    """Writes boot sector (the reparse fixture's, re-pointed), `data_clusters` (bytes, from cluster 1)
    and an $MFT of `records` right after them; returns the $MFT's first cluster."""
    boot = bytearray(load("reparse.raw")[:512])
    assert struct.unpack_from("<H", boot, 0x0B)[0] * boot[0x0D] == cluster
    mft_lcn = 1 + (len(data_clusters) + cluster - 1) // cluster
    nrec = (len(records) + 3) // 4 * 4
    mft_clusters = nrec * rec_size // cluster
    total = mft_lcn + mft_clusters + 1
    struct.pack_into("<QQQ", boot, 0x28, total * (cluster // 512) - 1, mft_lcn, mft_lcn)
    rec0 = E.make_record(0, rec_size, 5, "$MFT", is_dir=False,
                         extra=[(E.AT_DATA, E.NonResident(E.encode_pair(mft_clusters, mft_lcn), nrec * rec_size))])
    recs = [rec0] + records[1:] + [bytes(rec_size)] * (nrec - len(records))
    img = bytes(boot) + bytes(cluster - 512) + data_clusters
    img += bytes(mft_lcn * cluster - len(img)) + b"".join(recs)
    img += bytes(total * cluster - len(img))
    write_sparse(path, img)
    return mft_lcn


CHAIN, TLINKS, PAIRS = 62, 2000, 2044
text = "b\\a\\" * PAIRS + "L01"
assert text.count("\\") + 1 == 4089
shared = RP.symlink(text, "", True)
assert len(shared) <= 16384
recs = [None] + [E.make_record(n, 1024, 5, "." if n == 5 else "$meta%d" % n, is_dir=(n == 5)) for n in range(1, 16)]
recs.append(E.make_record(16, 1024, 5, "c", extra=[(E.AT_FILE_NAME, E.file_name_value(17, "a", True))]))
recs.append(E.make_record(17, 1024, 16, "b"))
for k in range(1, CHAIN + 1):
    nxt = "L%02d" % (k + 1) if k < CHAIN else "target.txt"
    recs.append(E.make_record(len(recs), 1024, 16, "L%02d" % k, is_dir=False,
                              extra=[(E.AT_REPARSE_POINT, RP.symlink(nxt, nxt, True))]))
recs.append(E.make_record(len(recs), 1024, 16, "target.txt", is_dir=False))
for j in range(TLINKS):
    recs.append(E.make_record(len(recs), 1024, 16, "t%04d" % j, is_dir=False,
                              extra=[(E.AT_REPARSE_POINT, E.NonResident(E.encode_pair(4, 1), len(shared)))]))
recs.append(E.make_record(len(recs), 1024, 16, "over", is_dir=False,
                          extra=[(E.AT_REPARSE_POINT, RP.symlink("t0000", "t0000", True))]))
cyc = os.path.join(CASES, "symlink_cycles_2000.raw")
synthetic_volume(cyc, recs, shared + bytes(4 * 4096 - len(shared)))
T_OK = ('[.volumes[0].reparse_points[] | select(.path | test("^\\\\\\\\c\\\\\\\\t[0-9]{4}$")) | '
        'select(.target.status == "ok" and .target.path == "\\\\c\\\\target.txt")] | length == %d' % TLINKS)
case("symlink_cycles_2000", cyc, [0],
     ['.volumes[0].stats.reparse_points == %d' % (CHAIN + TLINKS + 1), T_OK,
      '[.volumes[0].reparse_points[] | select(.path | test("^\\\\\\\\c\\\\\\\\L[0-9]{2}$")) | .target.status] | '
      'unique == ["ok"]',
      'any(.volumes[0].reparse_points[]; .path == "\\\\c\\\\over" and .target.status == "loop" and '
      '(.target.reason | test("more than 63 links")))'],
     timeout=120, what="2,000 links through a 4,089-component directory cycle and a chain of 63 symbolic links")

# Wrong finding 7: on an E01 with checksum errors the scan is partial before links are resolved, so
# every stale reason carries the caveat (the chunk is the one ewf_corrupt_chunk corrupts).
case("ewf_corrupt_chunk_stale_caveat", os.path.join(CASES, "ewf_corrupt_chunk.E01"), [3],
     [PARTIAL, '[.volumes[0].reparse_points[] | select(.target.status == "stale")] | length > 0',
      'all(.volumes[0].reparse_points[] | select(.target.status == "stale"); '
      '.target.reason | test("scan of this volume is partial"))'], args=["--drive", "C=0"],
     stderr="partial scan", what="ewf_corrupt_chunk.E01 with --drive C=0: its stale links")

# ---- the report over the image ----
v = reparse_vol()
path = os.path.join(CASES, "output_is_image.raw")
write_sparse(path, v.data)
case("output_is_image", path, [1], output_is_image=True, stderr="refusing")

# ---- issue 10 item 12: a partial scan exits 3 and warns in one line, even under -q ----
v = reparse_vol()
v.data = v.data[:v.vcn_pos(v.mft_runs, 40 * v.record_size) + 300]  # inside record 40 of $MFT
vol_case("partial_quiet", v, [3], [PARTIAL, anomaly("read_error")], args=["-q"],
         stderr="^ntfslinks: warning: partial scan: ", stderr_lines=1,
         what="truncated_in_mft under -q: the warning line is the only line on stderr")

# ---- issue 10 item 10: split raw sets with a gap, or a middle segment cut short or empty ----
def split_set(name, keep, resize=None):
    """Copies the reparse.raw.NNN fixture segments numbered in keep into cases/NAME/; resize(n, data) may
    shorten segment n. Returns the path of the .001 segment."""
    d = os.path.join(CASES, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for n in keep:
        seg = load("reparse.raw.%03d" % n)
        if resize:
            seg = resize(n, seg)
        with open(os.path.join(d, "reparse.raw.%03d" % n), "wb") as f:
            f.write(seg)
    return os.path.join(d, "reparse.raw.001")


nsplit = len([f for f in os.listdir(FX) if f.startswith("reparse.raw.") and f[12:].isdigit()])
assert nsplit >= 4, "the split fixture has %d segments" % nsplit
everything = range(1, nsplit + 1)
case("split_missing_middle", split_set("split_missing_middle", [n for n in everything if n != 2]), [2],
     stderr="segment [^ ]*reparse\\.raw\\.002 is missing \\([^ ]*reparse\\.raw\\.003 is present",
     what=".002 of %d segments removed (was analysed as a shorter raw image, complete)" % nsplit)
case("split_missing_third", split_set("split_missing_third", [n for n in everything if n != 3]), [2],
     stderr="segment [^ ]*reparse\\.raw\\.003 is missing", what=".003 removed: .001 and .002 alone were read")
case("split_short_middle", split_set("split_short_middle", everything,
                                     lambda n, b: b[:len(b) // 2 + 512] if n == 2 else b), [2],
     stderr="segment [^ ]*reparse\\.raw\\.002 is [0-9]+ bytes, shorter than the first",
     what=".002 cut to half its size plus a sector (shifted all later data)")
case("split_empty_middle", split_set("split_empty_middle", everything, lambda n, b: b"" if n == 2 else b), [2],
     stderr="segment [^ ]*reparse\\.raw\\.002 is 0 bytes, shorter than the first",
     what=".002 empty (shifted all later data)")
case("split_short_last", split_set("split_short_last", everything,
                                   lambda n, b: b[:len(b) // 2] if n == nsplit else b), [0],
     [COMPLETE, '.image.format == "split_raw"', '.volumes[0].stats.reparse_points == 24'],
     what="only the last segment cut short (after $MFT): a set may end anywhere, so it is read, not refused")

# ---- issue 10 proof: a corrupt E01 table entry (libewf leaks on it; tests/lsan.supp names that leak) ----
# Chunk 1's entry in both offset tables ("table" and its copy "table2") points at chunk 2's data, so chunk
# 1 has no bytes of its own. libewf then reads the set as failing its checksums: a partial scan (exit 3)
# with a checksum_error. libewf 20140813 keeps the buffers of such chunks after libewf_handle_free: under
# ASan this case passes only because tests/lsan.supp suppresses that one libewf leak.
e = bytearray(load("reparse.E01"))
tables = [s for s in E.ewf_sections(e) if s[0] in ("table", "table2")]
assert len(tables) == 2
for _, off, _ in tables:
    t = off + 76
    n = struct.unpack_from("<I", e, t)[0]
    assert n > 3
    e1, e2 = struct.unpack_from("<II", e, t + 24 + 4 * 1)
    struct.pack_into("<I", e, t + 24 + 4 * 1, (e1 & 0x80000000) | (e2 & 0x7FFFFFFF))
path = os.path.join(CASES, "ewf_corrupt_table_entry.E01")
with open(path, "wb") as f:
    f.write(e)
case("ewf_corrupt_table_entry", path, [3], [PARTIAL, anomaly("checksum_error")], stderr="partial scan",
     what="chunk 1's entry in table and table2 points at chunk 2's data")

# ---- issue 10 item 8: standard output appended to the evidence (ntfslinks img >> img) ----
v = reparse_vol()
path = os.path.join(CASES, "stdout_is_image.raw")
write_sparse(path, v.data)
case("stdout_is_image", path, [1], stdout_to=os.path.relpath(path, OUT), stderr="refusing.*standard output",
     what="ntfslinks img >> img: refused before the scan, the image unchanged")
first = split_set("stdout_is_split_segment", everything)
case("stdout_is_split_segment", first, [1],
     stdout_to=os.path.relpath(first[:-3] + "%03d" % nsplit, OUT), stderr="refusing.*reparse\\.raw\\.%03d" % nsplit,
     what="standard output appended to the last segment of a split raw set")
d = os.path.join(CASES, "stdout_is_ewf_segment")
os.makedirs(d, exist_ok=True)
for seg in ("reparse-multi.E01", "reparse-multi.E02"):
    shutil.copyfile(os.path.join(FX, seg), os.path.join(d, seg))
case("stdout_is_ewf_segment", os.path.join(d, "reparse-multi.E01"), [1],
     stdout_to=os.path.relpath(os.path.join(d, "reparse-multi.E02"), OUT), stderr="refusing.*E02",
     what="standard output appended to the second segment of an E01 set")
case("output_is_ewf_segment", os.path.join(d, "reparse-multi.E01"), [1],
     output_to=os.path.relpath(os.path.join(d, "reparse-multi.E02"), OUT), stderr="refusing.*E02",
     what="-o names the second segment of an E01 set")

# ---- issue 11 finding 3: one read_error per contiguous range of lost records, for any --threads ----
# $MFT gets three runs: its own 100 records, then 6,000 records in clusters past the end of the (cut)
# image, then one zeroed cluster inside it. The lost records lie inside the record table and span two
# scan chunks and many worker blocks: they must be one read_error naming records 100-6099.
v = reparse_vol()
r = v.record(0)
a = r.attr(E.AT_DATA)
(_, mft_lcn, _), = a.runlist()
own = 100 * v.record_size // v.cluster_size  # the clusters of its 100 records
assert struct.unpack_from("<Q", r.buf, a.off + 48)[0] == 100 * v.record_size
upcase_end = max(lcn + ln for _, lcn, ln in v.record(10).attr(E.AT_DATA).runlist())
cut = upcase_end + 64  # past $MFT, $Secure and $UpCase: the volume itself stays readable
far, lost_clusters = cut + 64, 6000 * v.record_size // v.cluster_size
assert far + lost_clusters <= v.total_sectors * v.bytes_per_sector // v.cluster_size  # inside the volume
zero = next(c for c in range(mft_lcn + own + 8, cut)
            if v.data[c * v.cluster_size:(c + 1) * v.cluster_size] == bytes(v.cluster_size))
r.set_runlist(a, E.encode_pair(own, mft_lcn) + E.encode_pair(lost_clusters, far - mft_lcn) +
              E.encode_pair(1, zero - far))
size = (own + lost_clusters + 1) * v.cluster_size
struct.pack_into("<QQQ", r.buf, a.off + 40, size, size, size)
r.write()
v.data = v.data[:cut * v.cluster_size]
lost_last = 100 + lost_clusters * v.cluster_size // v.record_size - 1
vol_case("mft_run_past_image_end", v, [3],
         [PARTIAL, '[.volumes[0].anomalies[] | select(.type == "read_error")] | length == 1',
          'any(.volumes[0].anomalies[]; .type == "read_error" and .record == 100 and '
          '(.detail | startswith("records 100-%d unreadable")))' % lost_last,
          '.volumes[0].scan.unreadable_records == 6000', '.volumes[0].stats.reparse_points == 24'],
         stderr="partial scan",
         what="$MFT's second run (6,000 records) lies past the end of the cut image, its third inside")
# the same image as split raw (1 MiB segments): read ahead chunk by chunk by one thread, not block by block
seg = 1 << 20
for i in range(0, -(-len(v.data) // seg)):
    write_sparse(os.path.join(CASES, "mft_run_past_image_end.split.%03d" % (i + 1)), v.data[i * seg:(i + 1) * seg])
case("mft_run_past_image_end_split", os.path.join(CASES, "mft_run_past_image_end.split.001"), [3],
     [PARTIAL, '.image.format == "split_raw"',
      '[.volumes[0].anomalies[] | select(.type == "read_error")] | length == 1',
      'any(.volumes[0].anomalies[]; .type == "read_error" and .record == 100 and '
      '(.detail | startswith("records 100-%d unreadable")))' % lost_last,
      '.volumes[0].scan.unreadable_records == 6000', '.volumes[0].stats.reparse_points == 24'],
     stderr="partial scan", what="mft_run_past_image_end as split raw segments of 1 MiB")

# ---- issue 10 item 9: an E01 whose chunk 0 (the MBR) fails its checksum ----
def corrupt_chunk0(e, path):
    """Flips 16 bytes in the middle of chunk 0's stored data (found through the table section) of the E01
    bytes e, writes them to path, and returns chunk 0 as it was (decompressed when it was compressed)."""
    t = [x for x in E.ewf_sections(e) if x[0] == "table"][0][1] + 76
    n, base = struct.unpack_from("<I4xQ", e, t)
    assert n >= 2
    ent = [struct.unpack_from("<I", e, t + 24 + 4 * i)[0] for i in (0, 1)]
    first, second = (base + (x & 0x7FFFFFFF) for x in ent)
    stored = bytes(e[first:second])
    chunk0 = zlib.decompress(stored) if ent[0] & 0x80000000 else stored[:-4]
    mid = (first + second) // 2
    for i in range(mid, mid + 16):
        e[i] ^= 0xFF
    with open(path, "wb") as f:
        f.write(e)
    return chunk0


def e01_of(src, name):
    """An E01 of src made with ewfacquire (fast compression, 32 KiB chunks), chunk 0 corrupted; None
    without ewfacquire."""
    tool = shutil.which("ewfacquire")
    if not tool:
        return None
    d = os.path.join(CASES, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    subprocess.run([tool, "-q", "-u", "-t", os.path.join(d, "img"), "-c", "fast", "-b", "64", "-S", "1.5GiB", src],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    path = os.path.join(d, "img.E01")
    corrupt_chunk0(bytearray(open(path, "rb").read()), path)
    return path


path = os.path.join(CASES, "ewf_chunk0_checksum.E01")
mbr = corrupt_chunk0(bytearray(load("demo.E01")), path)  # demo.E01 is a whole disk with an MBR
assert mbr[510:512] == b"\x55\xaa"
ntfs_starts = [struct.unpack_from("<I", mbr, 446 + 16 * i + 8)[0] * 512 for i in range(4) if mbr[446 + 16 * i + 4] == 0x07]
assert ntfs_starts, "no NTFS partition in demo.E01's MBR"
case("ewf_chunk0_checksum", path, [3],
     ['.run.complete == false', '.image.checksum_errors[0].offset == 0',
      '[.volumes[] | .offset] == %s' % json.dumps(ntfs_starts),
      '[.image.partitions[] | .table] == %s' % json.dumps(["scan"] * len(ntfs_starts)),
      'all(.volumes[]; any(.anomalies[]; .type == "checksum_error" and (.detail | test("partition table"))))',
      'all(.volumes[]; .stats.reparse_points > 0)'],
     stderr="partial scan",
     what="demo.E01 (an MBR disk) with chunk 0 corrupted: its NTFS volume found by its boot sector")
rnd_path = os.path.join(CASES, "random.img")
path = e01_of(rnd_path, "ewf_chunk0_checksum_no_ntfs")
case("ewf_chunk0_checksum_no_ntfs", path, [2],
     stderr="no NTFS volume found: E01 chunk at media bytes 0-32767, which holds the partition table, failed its checksum",
     skip=None if path else "ewfacquire not installed (ewf-tools)",
     what="1 MiB of random bytes as E01 with chunk 0 corrupted: the error names the checksum error")

# ---- issue 12 section 3: directory index slack that lies ----
def slack_vol():
    return E.Volume(load("slack.raw"))


def set_nonresident_sizes(r, a, size):
    """Sets a non-resident attribute's allocated, data and initialized sizes."""
    struct.pack_into("<QQQ", r.buf, a.off + 40, size, size, size)


def indx_records(vol, rec):
    """[(image offset, fixed-up bytes)] of the INDX records of rec's $INDEX_ALLOCATION:$I30."""
    a = rec.attr(E.AT_INDEX_ALLOCATION, "$I30")
    rs = struct.unpack_from("<I", rec.attr(E.AT_INDEX_ROOT, "$I30").value(), 8)[0]
    out = []
    for i in range(a.data_size // rs):
        pos = vol.vcn_pos(a.runlist(), i * rs)
        b = bytearray(vol.data[pos:pos + rs])
        if b[:4] != b"INDX":
            continue
        uo, uc = struct.unpack_from("<HH", b, 4)
        for k in range(1, uc):
            b[k * 512 - 2:k * 512] = b[uo + 2 * k:uo + 2 * k + 2]
        out.append((pos, b))
    return out


def indx_write(vol, pos, b):
    """Protects an INDX record with its update sequence and writes it back."""
    b = bytearray(b)
    uo, uc = struct.unpack_from("<HH", b, 4)
    for k in range(1, uc):
        b[uo + 2 * k:uo + 2 * k + 2] = b[k * 512 - 2:k * 512]
        b[k * 512 - 2:k * 512] = b[uo:uo + 2]
    vol.data[pos:pos + len(b)] = b


def slack_key(b, name):
    """Offset in INDX record b of the $FILE_NAME key of `name` past the node's index length (in the slack)."""
    il = struct.unpack_from("<I", b, 0x18 + 4)[0]
    k = b.find(name.encode("utf-16-le"), 0x18 + il) - 66
    assert k > 0x18 + il, name
    return k


v = slack_vol()
big = v.find("big", parent=5)
a = big.attr(E.AT_INDEX_ALLOCATION, "$I30")
total = struct.unpack_from("<Q", v.data, 0x28)[0] * 512 // v.cluster_size
# 40 runs each mapping the whole volume again (alternating LCN 1 and 0), sizes claiming 2^62 bytes: the pass
# may read no more INDX bytes than the volume holds, then says so
pairs = b"".join(E.encode_pair(total - 1, 1 if i % 2 == 0 else -1) for i in range(40))
big.set_runlist(a, pairs)
set_nonresident_sizes(big, big.attr(E.AT_INDEX_ALLOCATION, "$I30"), 1 << 62)
big.write()
vol_case("slack_indx_claims_huge", v, [0, 3],
         [anomaly("index_slack_budget", big.number),
          '[.volumes[0].removed_names[] | select(.kind == "removed_hard_link")] | length <= 1',
          '.volumes[0].removed_names_stats.index_records * 4096 <= .volumes[0].length + 4096'],
         timeout=30, what="slack.raw: \\big's $INDEX_ALLOCATION is 40 runs over the whole volume and claims 2^62 bytes")

v = slack_vol()
big = v.find("big", parent=5)
for pos, b in indx_records(v, big):
    if b.find("zz-plain.txt".encode("utf-16-le")) < 0:
        continue
    k = slack_key(b, "zz-plain.txt")
    b[k + 64] = 255                                  # its name runs past the end of the record
    k = slack_key(b, "zz-h2.txt")
    struct.pack_into("<HH", b, k - 8, 0xFFF8, 0xFFF0)  # its header's entry and key lengths lie
    k = slack_key(b, "zz-h3.txt")
    struct.pack_into("<H", b, k - 8, 0xFFF8)          # entry length lies, key length still right
    indx_write(v, pos, b)
vol_case("slack_lying_lengths", v, [0],
         [COMPLETE,
          'all(.volumes[0].removed_names[]; .name != "zz-plain.txt")',
          'any(.volumes[0].removed_names[]; .name == "zz-h2.txt" and .record == null and .record_state == "unknown")',
          'any(.volumes[0].removed_names[]; .name == "zz-h3.txt" and .record == 129 and .kind == "removed_hard_link")',
          'any(.volumes[0].removed_names[]; .name == "zz-sym" and .record == 132)'],
         timeout=30, what="slack.raw: removed names in \\big's slack with lying lengths (a name past the record, "
                          "entry and key lengths of 0xFFF8/0xFFF0)")
# ---- issue 15 session 7 (slim): removed names the live MFT still lists, looked up without the name index ----
v = slack_vol()
big = v.find("big", parent=5)
plain_ref = None
for pos, b in indx_records(v, big):
    if b.find("zz-plain.txt".encode("utf-16-le")) >= 0:
        plain_ref = struct.unpack_from("<Q", b, slack_key(b, "zz-plain.txt") - 16)[0]  # its entry header
assert plain_ref and plain_ref >> 48, "zz-plain.txt's slack key has no reference"


def deleted_record_named(vol, name, parent):
    """The record, not in use, whose $FILE_NAME is `name` under record `parent`."""
    for r in vol.records():
        if not r.in_use and any(p == parent and n == name for p, n, _ in r.names()):
            return r
    raise KeyError(name)


# zz-plain.txt's record allocated again with the sequence its slack key names (a key with a reference: the
# record's own names are read), zz-c-first.txt's record allocated again (its key has no reference: every
# name of the volume is walked): both names are live in \big by the MFT, though \big's index lacks them
for nm, seq in (("zz-plain.txt", plain_ref >> 48), ("zz-c-first.txt", None)):
    r = deleted_record_named(v, nm, big.number)
    struct.pack_into("<H", r.buf, 22, r.flags | 1)
    if seq is not None:
        struct.pack_into("<H", r.buf, 16, seq)
    r.write()
vol_case("slack_names_live_in_mft", v, [0],
         [COMPLETE,
          'all(.volumes[0].removed_names[]; .name != "zz-plain.txt" and .name != "zz-c-first.txt")',
          'any(.volumes[0].removed_names[]; .name == "zz-sym" and .record == 132)',
          '.volumes[0].removed_names_stats.removed == (.volumes[0].removed_names | length)',
          '.volumes[0].removed_names_stats.by_kind.removed_name == 0'],
         timeout=30, what="slack.raw: the records of \\big's removed zz-plain.txt (its slack key's sequence) and "
                          "zz-c-first.txt (key without a reference) allocated again: neither is a removed name")
# ---- issue 12 item 4: shadow copy catalogs that lie (the real Windows Server 2003 disk, six stores) ----
# vss_2003.tgz (../shared/realdata, GPL-3.0 test data, not copied into the repo) is a 128 GiB sparse disk
# holding ~80 MB: extracted sparse once (well under a second), each case a sparse copy with a few bytes of
# its VSS catalog or of a store's block list changed. The volume is found by its MBR entry, the VSS volume
# header at byte 0x1e00 of the volume, the catalog by the header's offset, the first store's block list by
# the catalog's first type-3 entry: nothing hard-coded.
VSS_REAL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "realdata",
                        "vss_2003.tgz")
VSS_OK = ['.volumes[0].scan.complete == true', '.volumes[0].stats.records_in_use > 0']
VSS_REFUSED = VSS_OK + ['.volumes[0].shadow_copies == []', anomaly("shadow_copy_unreadable")]


def vss_base():
    """The extracted disk (path) and (volume offset, catalog offset), or None without the shared data."""
    if not os.path.exists(VSS_REAL) or not shutil.which("tar"):
        return None
    d = os.path.join(CASES, "vss_base")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    subprocess.run(["tar", "xzf", VSS_REAL, "--sparse", "-C", d], check=True)
    path = os.path.join(d, "vss_2003.raw")
    with open(path, "rb") as f:
        vol, _ = mbr_partition(f.read(512))
        f.seek(vol + 0x1E00)
        h = f.read(512)
    assert h[:16] == bytes.fromhex("6b87083876c1484eb7ae04046e6cc752"), "no VSS volume header"
    punch_logfile(path, vol)
    return path, vol, struct.unpack_from("<Q", h, 48)[0]


def punch_logfile(path, vol):
    """Makes the live volume's $LogFile (64 of the disk's ~73 MB of data, never read by ntfslinks) a hole, so
    each case costs ~9 MB of disk: its clusters from TSK's istat, the cluster size from the boot sector.
    Without istat or fallocate the cases keep it."""
    if not shutil.which("istat") or not shutil.which("fallocate"):
        return
    with open(path, "rb") as f:
        f.seek(vol)
        boot = f.read(512)
    csize = struct.unpack_from("<H", boot, 11)[0] * boot[13]
    out = subprocess.run(["istat", "-o", str(vol // 512), path, "2"], check=True, capture_output=True, text=True).stdout
    data = out.split("Type: $DATA", 1)[1].split("\n", 1)[1].split("Type:", 1)[0]  # its cluster list only
    clusters = sorted(int(c) for c in data.split() if c.isdigit())
    runs, start, prev = [], None, None
    for c in clusters + [None]:
        if start is not None and c != prev + 1:
            runs.append((start, prev - start + 1))
            start = None
        if c is not None and start is None:
            start = c
        prev = c
    for first, n in runs:
        subprocess.run(["fallocate", "-p", "-o", str(vol + first * csize), "-l", str(n * csize), path], check=True)


def vss_case(name, base, mutate, checks, what):
    """A sparse copy of the disk with mutate(f, vol, catalog) applied to it."""
    path = os.path.join(CASES, name + ".raw")
    subprocess.run(["cp", "--sparse=always", base[0], path], check=True)
    with open(path, "r+b") as f:
        mutate(f, base[1], base[2])
    case(name, path, [0], [COMPLETE] + checks, what=what, timeout=60)


def first_store_entry(f, vol, cat):
    """Offset (in the image) of the catalog's first type-3 entry (a store's block locations)."""
    f.seek(vol + cat)
    blk = f.read(16384)
    for i in range(1, 128):
        if struct.unpack_from("<Q", blk, 128 * i)[0] == 3:
            return vol + cat + 128 * i
    raise AssertionError("no type-3 catalog entry")


def put_u64(f, off, v):
    f.seek(off)
    f.write(struct.pack("<Q", v))


def catalog_loop(f, vol, cat):
    put_u64(f, vol + cat + 40, cat)  # the catalog block's next offset names itself


def block_list_loop(f, vol, cat):
    f.seek(first_store_entry(f, vol, cat) + 8)
    bl = struct.unpack("<Q", f.read(8))[0]
    put_u64(f, vol + bl + 40, bl)  # the store block list's next offset names itself


def store_past_end(f, vol, cat):
    e = first_store_entry(f, vol, cat)
    for o in (8, 32, 40):  # block list, store header, block range list
        put_u64(f, e + o, 1 << 50)


def random_bytes(f, off, n, seed):
    r = random.Random(seed)
    f.seek(off)
    f.write(bytes(r.randrange(256) for _ in range(n)))


def catalog_garbage(f, vol, cat):
    random_bytes(f, vol + cat + 128, 16384 - 128, 12)  # every entry after the block header


def block_list_garbage(f, vol, cat):
    f.seek(first_store_entry(f, vol, cat) + 8)
    bl = struct.unpack("<Q", f.read(8))[0]
    random_bytes(f, vol + bl + 128, 16384 - 128, 7)  # the first store's block descriptors


base = vss_base()
VSS_CASES = [
    ("vss_catalog_loop", catalog_loop, VSS_REFUSED + ['any(.volumes[0].anomalies[]; .detail | test("loops"))'],
     "the VSS catalog block's next offset names itself: refused before libvshadow reads it"),
    ("vss_block_list_loop", block_list_loop, VSS_REFUSED + ['any(.volumes[0].anomalies[]; .detail | test("block list: its chain of blocks loops"))'],
     "the first store's block list names itself as its next block (libvshadow 20190323 loops forever on it): refused"),
    ("vss_store_past_end", store_past_end, VSS_REFUSED + ['any(.volumes[0].anomalies[]; .detail | test("past the volume"))'],
     "the first store's block list, header and range list offsets at 2^50: refused"),
    ("vss_catalog_garbage", catalog_garbage, VSS_REFUSED,
     "random bytes over every catalog entry: libvshadow refuses the catalog, an anomaly says so"),
    ("vss_block_list_garbage", block_list_garbage,
     VSS_OK + ['[.volumes[0].shadow_copies[] | .scanned] == [false, true, true, true, true, true]',
               '.volumes[0].shadow_copies[0].identifier == "12e5a133-8722-11e9-9178-525400123456"',
               'any(.volumes[0].anomalies[]; .type == "shadow_copy_unreadable" and (.detail | test("store 1 ")))'],
     "random bytes over the first store's block descriptors: that store unreadable (an anomaly), the other five scanned"),
]
for name, mutate, checks, what in VSS_CASES:
    if base:
        vss_case(name, base, mutate, checks, what)
    else:
        case(name, None, [0], skip="../shared/realdata/vss_2003.tgz not present")
if base:
    shutil.rmtree(os.path.dirname(base[0]))

# ---- issue 10 item 6: mft_16k_extensions ----
# A synthetic volume with 1 KiB clusters (one $MFT record per cluster). $MFT's $DATA is 1 + 16,000
# pieces: VCN 0-31 in record 0, then piece k (64 one-cluster runs from VCN 32 + 64 k) in extension record
# 24 + k, whose base is record 0. Record 0's non-resident $ATTRIBUTE_LIST names each piece, so opening
# the volume reads 16,000 extension records, each through the runs found so far (record 24 + k is at
# VCN 24 + k, already mapped), and collects 1,024,032 runs. Only the first 16,032 clusters are real (the
# $MFT's data size, 16,032 records); the runs after them are sparse (allocated, never read). Before
# 5c8071b every extension record re-sorted and re-checked all the runs so far: quadratic in the runs.
EXT_N, EXT_FIRST, EXT_HEAD, EXT_RUNS = 16000, 24, 32, 64


def raw_record(number, attrs, base=0, is_dir=False, links=0, size=1024):
    """A FILE record (fixups applied) holding the attribute bytes `attrs` (each 8-aligned), base reference
    `base` (record number, sequence 1) when nonzero."""
    b = bytearray(size)
    usa_off, usa_count = 0x30, size // 512 + 1
    off = (usa_off + 2 * usa_count + 7) & ~7
    b[0:4] = b"FILE"
    struct.pack_into("<HHQHHHH", b, 4, usa_off, usa_count, 0, 1, links, off, 1 | (2 if is_dir else 0))
    struct.pack_into("<IIQHHI", b, 24, 0, size, (1 << 48) | base if base else 0, 8, 0, number)
    for a in attrs:
        assert len(a) % 8 == 0
        b[off:off + len(a)] = a
        off += len(a)
    assert off + 8 <= size
    struct.pack_into("<II", b, off, E.AT_END, 0)
    struct.pack_into("<I", b, 24, off + 8)
    struct.pack_into("<H", b, usa_off, 1)
    for i in range(1, usa_count):
        end = i * 512 - 2
        b[usa_off + 2 * i:usa_off + 2 * i + 2] = b[end:end + 2]
        struct.pack_into("<H", b, end, 1)
    return bytes(b)


def nonres_attr(atype, attr_id, lowest, highest, pairs, allocated=0, size=0):
    """A non-resident attribute (no name): 64-byte header, the mapping pairs (terminated) after it."""
    pairs = bytes(pairs) + b"\0"
    alen = (64 + len(pairs) + 7) & ~7
    a = bytearray(alen)
    struct.pack_into("<IIBBHHHQQHH4xQQQ", a, 0, atype, alen, 1, 0, 64, 0, attr_id, lowest, highest, 64, 0,
                     allocated, size, size)
    a[64:64 + len(pairs)] = pairs
    return bytes(a)


def res_attr(atype, attr_id, value):
    alen = (24 + len(value) + 7) & ~7
    a = bytearray(alen)
    struct.pack_into("<IIBBHHHIHBB", a, 0, atype, alen, 0, 0, 24, 0, attr_id, len(value), 24, 0, 0)
    a[24:24 + len(value)] = value
    return bytes(a)


def list_entry(atype, lowest, rec, attr_id):
    e = bytearray(32)
    struct.pack_into("<IHBBQQH", e, 0, atype, 32, 0, 26, lowest, (1 << 48) | rec, attr_id)
    return bytes(e)


def one_cluster_runs(vcn, count, real, lcn_of):
    """Mapping pairs (no terminator) of `count` one-cluster runs from VCN vcn: those below VCN `real` at
    LCN lcn_of(vcn), the rest sparse."""
    out, prev = bytearray(), 0
    for v in range(vcn, vcn + count):
        if v >= real:
            out += b"\x01\x01"  # length 1, no LCN: sparse
            continue
        delta = lcn_of(v) - prev
        d = delta.to_bytes(8, "little", signed=True)
        while len(d) > 1 and ((d[-1] == 0 and d[-2] < 0x80) or (d[-1] == 0xFF and d[-2] >= 0x80)):
            d = d[:-1]
        out += bytes([len(d) << 4 | 1, 1]) + d
        prev = lcn_of(v)
    return bytes(out)


def mft_16k_extensions(path):
    """Writes the volume; returns (records, clusters its $MFT's runs cover)."""
    boot = bytearray(load("reparse.raw")[:512])
    cs = 1024
    struct.pack_into("<HB", boot, 0x0B, 512, cs // 512)  # 1 KiB clusters; records stay 1 KiB (0x40: 2^10)
    assert struct.unpack_from("b", boot, 0x40)[0] == -10
    nrec = EXT_HEAD + EXT_N  # records 0 .. 16,031: the real part of the $MFT
    mapped = EXT_HEAD + EXT_N * EXT_RUNS
    entries = [list_entry(E.AT_STANDARD_INFORMATION, 0, 0, 0), list_entry(E.AT_FILE_NAME, 0, 0, 2),
               list_entry(E.AT_DATA, 0, 0, 3)]
    entries += [list_entry(E.AT_DATA, EXT_HEAD + k * EXT_RUNS, EXT_FIRST + k, 0) for k in range(EXT_N)]
    al = b"".join(entries)
    al_clusters = (len(al) + cs - 1) // cs
    mft_lcn = 1 + al_clusters
    total = mft_lcn + nrec + 1
    struct.pack_into("<QQQ", boot, 0x28, total * (cs // 512) - 1, mft_lcn, mft_lcn)
    si = bytearray(48)
    struct.pack_into("<I", si, 32, 0x06)
    rec0 = raw_record(0, [res_attr(E.AT_STANDARD_INFORMATION, 0, bytes(si)),
                          nonres_attr(E.AT_ATTRIBUTE_LIST, 1, 0, al_clusters - 1, E.encode_pair(al_clusters, 1),
                                      al_clusters * cs, len(al)),
                          res_attr(E.AT_FILE_NAME, 2, E.file_name_value(5, "$MFT")),
                          nonres_attr(E.AT_DATA, 3, 0, EXT_HEAD - 1, E.encode_pair(EXT_HEAD, mft_lcn),
                                      mapped * cs, nrec * cs)], links=1)
    recs = [rec0] + [E.make_record(n, 1024, 5, "." if n == 5 else "$meta%d" % n, is_dir=(n == 5))
                     for n in range(1, EXT_FIRST)]
    for k in range(EXT_N):
        vcn = EXT_HEAD + k * EXT_RUNS
        pairs = one_cluster_runs(vcn, EXT_RUNS, nrec, lambda v: mft_lcn + v)
        recs.append(raw_record(EXT_FIRST + k, [nonres_attr(E.AT_DATA, 0, vcn, vcn + EXT_RUNS - 1, pairs)], base=0))
    recs += [bytes(1024)] * (nrec - len(recs))
    assert len(recs) == nrec
    img = bytes(boot) + bytes(cs - 512) + al + bytes(al_clusters * cs - len(al)) + b"".join(recs)
    img += bytes(total * cs - len(img))
    write_sparse(path, img)
    return nrec, mapped

path = os.path.join(CASES, "mft_16k_extensions.raw")
nrec, mapped = mft_16k_extensions(path)
# all 16,000 pieces collected: the runs cover exactly the allocated size (no mft_runlist_size_mismatch),
# the data size is mapped (no mft_runlist_short), record 0 itself is used (no mft_mirror_used); records
# 0-23 and the 16,000 extension records are in use; $Secure and $UpCase are empty stand-ins (records 9, 10)
case("mft_16k_extensions", path, [0],
     [COMPLETE, '.volumes[0].stats.records_in_use == %d' % (EXT_FIRST + EXT_N),
      '.volumes[0].scan.unreadable_records == 0',
      '[.volumes[0].anomalies[] | .type] | sort == ["secure_unreadable", "upcase_unreadable"]',
      '[.volumes[0].anomalies[] | .record] | sort == [9, 10]'],
     timeout=20, what="$MFT's attribute list names 16,000 extension records holding %d runs of its $DATA" % (mapped - EXT_HEAD))

# ---- issue 12: the change journal ($Extend\$UsnJrnl:$J) lies ----
def usn_vol():
    v = E.Volume(load("usn.raw"))
    j = v.find("$UsnJrnl", 11)
    return v, j, j.attr(E.AT_DATA, "$J")


def usn_records(v, a):
    """[(image offset, stream offset, length)] of the USN records in $J's allocated runs (parsed, not assumed)."""
    out = []
    for vcn, lcn, n in a.runlist():
        if lcn is None:
            continue
        for page in range(n * v.cluster_size // 4096):
            pos, so, off = lcn * v.cluster_size + page * 4096, vcn * v.cluster_size + page * 4096, 0
            while off + 8 <= 4096:
                ln = struct.unpack_from("<I", v.data, pos + off)[0]
                if ln == 0:
                    break
                out.append((pos + off, so + off, ln))
                off += ln
    return out


# runs that claim terabytes: 120 runs each mapping the whole volume again, and a data size of 4 TiB; reading
# stops at the volume's size (an anomaly, the journal incomplete), the report is written at once
v, j, a = usn_vol()
clusters = v.total_sectors * v.bytes_per_sector // v.cluster_size
j.set_runlist(a, E.encode_pair(clusters, 0) * 120)
a = j.attr(E.AT_DATA, "$J")
struct.pack_into("<QQ", j.buf, a.off + 0x10, 0, 120 * clusters - 1)
struct.pack_into("<QQQ", j.buf, a.off + 0x28, 1 << 42, 1 << 42, 1 << 42)
j.write()
vol_case("usn_runs_claim_terabytes", v, [0],
         [COMPLETE, anomaly("usn_runs_exceed_volume"), '.volumes[0].usn.complete == false',
          '.volumes[0].usn.stream_size == %d' % (1 << 42),
          '.volumes[0].usn.bytes_read <= %d' % len(v.data)], timeout=30,
         what="$J of 120 runs each mapping the whole 8 MiB volume, data size 4 TiB: read up to the volume's size")

# a record whose length lies (past its page): that record is damage, the journal resynchronises on the next
# header, every other record is still counted, and the other link events are kept
v, j, a = usn_vol()
recs = usn_records(v, a)
assert len(recs) == 27, len(recs)
hl = [r for r in recs if struct.unpack_from("<I", v.data, r[0] + 0x28)[0] == 0x10000]  # V2 reason: HARD_LINK_CHANGE
pos, so, ln = hl[0]
struct.pack_into("<I", v.data, pos, 4096 + 8)
vol_case("usn_record_length_lies", v, [0],
         [COMPLETE, anomaly("usn_damaged"), '.volumes[0].usn.complete == false',
          '.volumes[0].usn.events_total == 26', '.volumes[0].usn.damaged_bytes == %d' % ln,
          '.volumes[0].usn.by_reason.HARD_LINK_CHANGE == 4',
          '[.volumes[0].usn.link_events[] | select(.usn == %d)] == []' % so,
          '[.volumes[0].usn.link_events[] | select(.reasons == ["HARD_LINK_CHANGE"])] | length == 0'],
         args=["--drive", "C=0"],
         what="the USN record of \\backup\\report-link.txt's HARD_LINK_CHANGE says it is 4104 bytes long")

# ---- issue 13 (registry): hives whose file sizes lie, damaged hives, a MountedDevices value of odd length ----
# From fixtures/registry-mbr.raw (fixtures/build.sh build_registry, hives.py): volume 0 at the first MBR entry
# holds \Windows\System32\config\SYSTEM, SOFTWARE and SAM; every offset is found by parsing.
REG_D = "d1d1d1d1-0000-4000-8000-00000000000d"


def registry_case(name, patch, exit_codes, checks, what):
    disk = load("registry-mbr.raw")
    off, ln = mbr_partition(disk, 0)
    v = E.Volume(disk[off:off + ln])
    config = v.find("config", v.find("System32", v.find("Windows", 5).number).number)
    patch(v, config)
    disk[off:off + ln] = v.data
    path = os.path.join(CASES, name + ".raw")
    write_sparse(path, disk)
    case(name, path, exit_codes, checks, what=what)


def hive_record(v, config, hive):
    return v.find(hive, config.number)


def hive_bytes_at(v, rec):
    """Byte offset in the volume of the hive file's first cluster (it is contiguous: 8 KiB)."""
    a = rec.attr(E.AT_DATA)
    assert a.non_resident
    runs = a.runlist()
    return runs[0][1] * v.cluster_size


def set_sizes(size, allocated):
    def patch(v, config):
        rec = hive_record(v, config, "SYSTEM")
        a = rec.attr(E.AT_DATA)
        struct.pack_into("<QQQ", rec.buf, a.off + 40, allocated, size, size)  # allocated, data, initialized
        rec.write()
        patch.record = rec.number
    return patch


huge = set_sizes(1 << 40, 1 << 40)
registry_case("registry_hive_size_huge", huge, [0],
              [COMPLETE, 'any(.volumes[0].anomalies[]; .type == "hive_unreadable" and (.detail | test("1099511627776")))',
               '.volumes[0].drive_letter_source == "inferred"', '.volumes[1].drive_letter == null'],
              "SYSTEM's $DATA claims 1 TiB (allocated, data and initialized sizes): refused by the hive cap, never allocated")
past = set_sizes(100 << 20, 100 << 20)
registry_case("registry_hive_size_past_runs", past, [0],
              [COMPLETE, 'any(.volumes[0].anomalies[]; .type == "hive_unreadable" and (.detail | test("runs map")))',
               '.volumes[0].drive_letter_source == "inferred"'],
              "SYSTEM's $DATA claims 100 MiB (under the cap) but its runs map 8 KiB: a lie, not a 100 MiB allocation")


def odd_mounted_device(v, config):
    """\\DosDevices\\D:'s value: its data size field (vk + 4) made 11, an odd length."""
    rec = hive_record(v, config, "SYSTEM")
    base = hive_bytes_at(v, rec)
    pos = v.data.find(b"\\DosDevices\\D:", base, base + 8192)
    vk = pos - 20
    assert pos > 0 and v.data[vk:vk + 2] == b"vk", "no vk cell for \\DosDevices\\D:"
    size = struct.unpack_from("<I", v.data, vk + 4)[0]
    assert size == 12
    struct.pack_into("<I", v.data, vk + 4, 11)


registry_case("registry_mounted_device_odd_length", odd_mounted_device, [0],
              [COMPLETE, 'any(.volumes[0].anomalies[]; .type == "mounted_device_malformed" and (.detail | test("D:")))',
               '.volumes[0].drive_letter == "C" and .volumes[0].drive_letter_source == "registry"',
               '.volumes[1].drive_letter == null', '.volumes[1].volume_guids == ["%s"]' % REG_D,
               'any(.volumes[0].reparse_points[]; .path == "\\\\links\\\\guid_report" and .target.status == "ok")'],
              "MountedDevices' \\DosDevices\\D: value is 11 bytes long: D: is not mapped, its volume GUID still is")


def sam_signature(v, config):
    rec = hive_record(v, config, "SAM")
    base = hive_bytes_at(v, rec)
    assert v.data[base:base + 4] == b"regf"
    v.data[base:base + 4] = b"XXXX"
    sam_signature.record = rec.number


registry_case("registry_sam_not_a_hive", sam_signature, [0],
              [COMPLETE, 'any(.volumes[0].anomalies[]; .type == "hive_damaged" and (.detail | test("SAM")))',
               'all(.volumes[0].accounts[]; .source != "sam" or (.name == "carol"))',
               '.volumes[0].hardlink_sets[0].owner_name == "alice"'],
              "the SAM's regf signature overwritten: no local users from it (ProfileList still names alice, Windows.old's SAM carol)")


def system_bin_garbage(v, config):
    rec = hive_record(v, config, "SYSTEM")
    base = hive_bytes_at(v, rec)
    assert v.data[base + 4096:base + 4100] == b"hbin"
    v.data[base + 4096:base + 8192] = bytes((i * 37 + 11) & 0xFF for i in range(4096))


registry_case("registry_system_bins_garbage", system_bin_garbage, [0],
              [COMPLETE, 'any(.volumes[0].anomalies[]; .type == "hive_damaged")',
               '.volumes[1].drive_letter == null'],
              "SYSTEM's only hive bin overwritten with a byte pattern: the hive is damaged, no letter from it")

# ---- issue 13 (shortcuts): .lnk files that lie (truncated, string and ID list sizes past the end, sizes that
# claim far more than the runs hold, ID list items of size zero) ----
# From fixtures/shortcuts.raw (fixtures/build.sh build_shortcuts, lnk.py): volume 0 at the first MBR entry holds
# alice's Recent and Desktop shortcuts; every offset is found by parsing the image and the shell link itself.
SC_RECENT = "\\\\Users\\\\alice\\\\AppData\\\\Roaming\\\\Microsoft\\\\Windows\\\\Recent\\\\"
SC_DESK = "\\\\Users\\\\alice\\\\Desktop\\\\"


def sc_record(v, *path):
    rec = 5
    for name in path:
        rec = v.find(name, rec).number
    return v.record(rec)


def sc_desktop(v, name):
    return sc_record(v, "Users", "alice", "Desktop", name)


def sc_recent(v, name):
    return sc_record(v, "Users", "alice", "AppData", "Roaming", "Microsoft", "Windows", "Recent", name)


def lnk_strings(value):
    """Offset of the StringData in a shell link written by lnk.py (after the header, ID list and LinkInfo)."""
    flags = struct.unpack_from("<I", value, 20)[0]
    pos = 0x4C
    if flags & 1:
        pos += 2 + struct.unpack_from("<H", value, pos)[0]
    if flags & 2:
        pos += struct.unpack_from("<I", value, pos)[0]
    return pos


def shortcut_case(name, patch, exit_codes, checks, what, **kw):
    disk = load("shortcuts.raw")
    off, ln = mbr_partition(disk, 0)
    v = E.Volume(disk[off:off + ln])
    rec = patch(v)
    disk[off:off + ln] = v.data
    path = os.path.join(CASES, name + ".raw")
    write_sparse(path, disk)
    case(name, path, exit_codes, [c.replace("REC", str(rec)) for c in checks], what=what, **kw)


def sc_of(path):
    return '(.volumes[0].shortcuts[] | select(.path == "%s"))' % path


def truncate_value(v):
    r = sc_recent(v, "report.txt.lnk")
    a = r.attr(E.AT_DATA)
    assert not a.non_resident and a.value_length > 0x60
    struct.pack_into("<I", r.buf, a.off + 16, 0x50)  # the header and 4 bytes of the LinkInfo
    r.write()
    return r.number


shortcut_case("shortcut_truncated", truncate_value, [0],
              [COMPLETE, 'any(.volumes[0].anomalies[]; .type == "malformed_shortcut" and .record == REC)',
               sc_of(SC_RECENT + "report.txt.lnk") + ' | .decoded == false and .target.status == "malformed" and .size == 80',
               sc_of(SC_RECENT + "gone.txt.lnk") + ' | .target.status == "stale"'],
              "Recent\\report.txt.lnk's resident $DATA cut to 80 bytes: the header and 4 bytes of its LinkInfo")


def string_past_end(v):
    r = sc_record(v, "ProgramData", "Microsoft", "Windows", "Start Menu", "Programs", "OldApp.lnk")
    a = r.attr(E.AT_DATA)
    s = lnk_strings(a.value())
    assert struct.unpack_from("<H", a.value(), s)[0] > 0  # RELATIVE_PATH's character count
    struct.pack_into("<H", r.buf, a.value_pos() + s, 0xFFFF)
    r.write()
    return r.number


shortcut_case("shortcut_string_past_end", string_past_end, [0],
              [COMPLETE, 'any(.volumes[0].anomalies[]; .type == "malformed_shortcut" and .record == REC and (.detail | test("RELATIVE_PATH")))',
               '(.volumes[0].shortcuts[] | select(.record == REC)) | .decoded == false and .target.status == "malformed" and .local_base_path != null'],
              "OldApp.lnk's RELATIVE_PATH claims 65,535 characters in a 342-byte file")


def idlist_past_end(v):
    r = sc_desktop(v, "thispc.lnk")
    a = r.attr(E.AT_DATA)
    struct.pack_into("<H", r.buf, a.value_pos() + 0x4C, 0xFFF0)
    r.write()
    return r.number


shortcut_case("shortcut_idlist_past_end", idlist_past_end, [0],
              [COMPLETE, 'any(.volumes[0].anomalies[]; .type == "malformed_shortcut" and .record == REC and (.detail | test("LinkTargetIDList")))',
               sc_of(SC_DESK + "thispc.lnk") + ' | .target.status == "malformed"'],
              "thispc.lnk's IDListSize says 65,520 bytes in a file of about 100")


def idlist_zero_items(v):
    r = sc_desktop(v, "thispc.lnk")
    a = r.attr(E.AT_DATA)
    p = a.value_pos() + 0x4C + 2
    assert struct.unpack_from("<H", r.buf, p)[0] == 20
    struct.pack_into("<H", r.buf, p, 0)  # the first item's size 0: a walker of items that trusts it never moves
    r.write()
    return r.number


shortcut_case("shortcut_idlist_zero_item", idlist_zero_items, [0],
              [COMPLETE, '[.volumes[0].anomalies[] | select(.record == REC)] == []',
               sc_of(SC_DESK + "thispc.lnk") + ' | .decoded == true and .has_id_list and .target.status == "unknown"'],
              "thispc.lnk's ID list item of size 0 (the ID list is skipped by its own size, its items are not walked)",
              timeout=20)


def size_claims(size, allocated, runs=None):
    def patch(v):
        r = sc_desktop(v, "tool.lnk")
        a = r.attr(E.AT_DATA)
        assert a.non_resident
        if runs:
            lcn = a.runlist()[0][1]
            r.set_runlist(a, E.encode_pair(1, lcn) + E.encode_pair(runs - 1, None))
            a = r.attr(E.AT_DATA)
            struct.pack_into("<Q", r.buf, a.off + 0x18, runs - 1)  # highest VCN
        init = struct.unpack_from("<Q", r.buf, a.off + 56)[0]
        struct.pack_into("<QQQ", r.buf, a.off + 40, allocated, size, min(init, size))
        r.write()
        return r.number
    return patch


shortcut_case("shortcut_size_huge", size_claims(1 << 40, 1 << 40), [0],
              [COMPLETE, 'any(.volumes[0].anomalies[]; .type == "shortcut_unreadable" and .record == REC and (.detail | test("runs map")))',
               '[.volumes[0].shortcuts[] | select(.record == REC)] == []', '.volumes[0].stats.shortcuts.total == 9'],
              "tool.lnk's $DATA claims 1 TiB (allocated and data size) over its one 4 KiB cluster: refused, never allocated")
shortcut_case("shortcut_size_past_cap", size_claims(2 << 20, 2 << 20, runs=512), [0],
              [COMPLETE, 'any(.volumes[0].anomalies[]; .type == "shortcut_oversized" and .record == REC)',
               sc_of(SC_DESK + "tool.lnk") + ' | .read_truncated and .size == %d and .target.status == "ok"' % (2 << 20)],
              "tool.lnk's $DATA made 2 MiB (its cluster, then 511 sparse ones): the first 1 MiB is read and decoded")


# ---- issue 16 Inputs: virtual disk headers that lie about sizes ----
QEMU_IMG = shutil.which("qemu-img")


def container_of(fmt, name, mutate):
    """reparse.raw converted with qemu-img to fmt, then mutate(bytearray) applied; the case's path or None."""
    if not QEMU_IMG:
        return None
    path = os.path.join(CASES, name + "." + fmt)
    opts = ["-o", "force_size=on"] if fmt == "vpc" else []
    subprocess.run([QEMU_IMG, "convert", "-q", "-O", fmt] + opts + [os.path.join(FX, "reparse.raw"), path],
                   check=True)
    b = bytearray(open(path, "rb").read())
    mutate(b)
    with open(path, "wb") as f:
        f.write(b)
    return path


QCOW_SIZE, QCOW_L1_SIZE = 24, 36  # qcow2 header: virtual size (u64 BE), L1 table entries (u32 BE)


def qcow_field(off, fmt, value):
    def mutate(b):
        assert b[:4] == b"QFI\xfb"
        struct.pack_into(fmt, b, off, value)
    return mutate


def vhd_size(value):
    """Both copies of a dynamic VHD's footer (at 0 and at the end): original and current size, checksum redone."""
    def mutate(b):
        for off in (0, len(b) - 512):
            assert b[off:off + 8] == b"conectix"
            struct.pack_into(">QQ", b, off + 40, value, value)
            struct.pack_into(">I", b, off + 64, 0)
            struct.pack_into(">I", b, off + 64, ~sum(b[off:off + 512]) & 0xffffffff)
    return mutate


def vmdk_grain_entries(value):
    """The sparse extent header's number of grain table entries (u32 LE at 44, after 'KDMV')."""
    def mutate(b):
        assert b[:4] == b"KDMV"
        struct.pack_into("<I", b, 44, value)
    return mutate


NO_QEMU = None if QEMU_IMG else "qemu-img not installed (qemu-utils)"
CUT = [anomaly("upcase_unreadable"), anomaly("secure_unreadable")]  # what reparse.raw cut to 1 MiB gives
for fmt, name, mutate, exits, checks, err, what in (
        ("qcow2", "qcow2_size_claims_4eib", qcow_field(QCOW_SIZE, ">Q", 1 << 62), [0],
         [COMPLETE, ".image.size == %d" % (1 << 62), ".volumes[0].stats.reparse_points == 24"], None,
         "qcow2 of reparse.raw whose header claims a 4 EiB disk: the 16 MiB volume is scanned whole"),
        ("qcow2", "qcow2_size_claims_1mib", qcow_field(QCOW_SIZE, ">Q", 1 << 20), [0],
         [COMPLETE, ".image.size == 1048576"] + CUT, None,
         "qcow2 of reparse.raw whose header says 1 MiB: read as the volume cut to 1 MiB"),
        ("qcow2", "qcow2_l1_size_lies", qcow_field(QCOW_L1_SIZE, ">I", 0x7fffffff), [2], [],
         "level1 table size", "qcow2 whose L1 table claims 2^31 entries (16 GiB): refused before any allocation"),
        ("vpc", "vhd_size_claims_4eib", vhd_size(1 << 62), [0],
         [COMPLETE, ".image.size == %d" % (1 << 62), ".volumes[0].stats.reparse_points == 24"], None,
         "dynamic VHD whose footer (both copies, checksums redone) claims 4 EiB"),
        ("vpc", "vhd_size_claims_1mib", vhd_size(1 << 20), [0], [COMPLETE, ".image.size == 1048576"] + CUT, None,
         "dynamic VHD whose footer says 1 MiB: read as the volume cut to 1 MiB"),
        ("vmdk", "vmdk_grain_entries_zero", vmdk_grain_entries(0), [2], [], "grain table entries",
         "sparse VMDK whose header has 0 grain table entries per table: refused naming the field")):
    path = container_of(fmt, name, mutate)
    case(name, path or os.path.join(CASES, name + "." + fmt), exits, checks, stderr=err, skip=NO_QEMU,
         what=what)

# ---- issue 16: the HTML report (--format html) of names that are markup ----
# tests/hostile/ntfsedit.py hostile_names_mft: a folder and a file named with <img onerror>, the file's second
# name "><svg onload>, a junction named j'"<b>bold</b> onto C:\</title><script>...</script>, a right-to-left
# override and an escape character (two more hard-link sets). The page must hold exactly its own one <script>
# and one <svg> (the graph), no <img> or <b>, no <title> but its own (the page's and the tooltips of the
# graph's four nodes: the executable_renamed finding of record 19, its set, the stale junction and its target),
# and every name as escaped text.
hostile_html = os.path.join(CASES, "html_hostile_names.mft")
E.hostile_names_mft(hostile_html)
case("html_hostile_names", hostile_html, [0], args=["--drive", "C=0"], report_format="html",
     report_count={"<script": 1, "</script>": 1, "<svg": 1, "<title>": 5, "<img": 0, "<b>": 0, "\u202e": 0},
     report_contains=["&lt;/script&gt;&lt;img src=x onerror=document.title=&#39;PWNED&#39;&gt;.txt",
                      "&quot;&gt;&lt;svg onload=document.title=&#39;PWNED&#39;&gt;",
                      "j&#39;&quot;&lt;b&gt;bold&lt;/b&gt;",
                      "C:\\&lt;/title&gt;&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;",
                      "invoice\\u202Egpj.exe", "a\\x1Bb"],
     what="names that are markup, in the HTML report")


# ---- issue 15 (session 6): the sizes of a base record that an extension record without an attribute list joins ----
# The scan keeps the sizes only of the records that may hold links; \file.txt's header is rewritten to name
# \blob.bin (one name, no attribute list: nothing to keep at first sight) as its base, so the merge gives
# blob.bin file.txt's name and makes it a hard-link set: its size is blob.bin's own $DATA's, read again.
v = reparse_vol()
base = v.find("blob.bin", 5)
ext = v.find("file.txt", 5)
bd = base.attr(E.AT_DATA)
assert bd.non_resident and base.attr(E.AT_ATTRIBUTE_LIST) is None
struct.pack_into("<Q", ext.buf, 32, (base.sequence << 48) | base.number)
ext.write()
vol_case("extension_joins_plain_base", v, [0],
         [COMPLETE,
          'any(.volumes[0].hardlink_sets[]; .record == %d and .names_found == 2 and .size == %d and '
          '.allocated_size == %d)' % (base.number, bd.data_size, bd.allocated_size),
          'all(.volumes[0].hardlink_sets[]; .record != %d)' % ext.number],
         what="\\file.txt's header names \\blob.bin (no attribute list) as its base: a hard-link set with "
              "blob.bin's own sizes")


# ---- issue 15 session 7: descriptors behind attribute lists ----
# hardlinks.raw's file of 300 names holds its own resident $SECURITY_DESCRIPTOR (owner S-1-5-32-544) and a
# non-resident $ATTRIBUTE_LIST whose $SECURITY_DESCRIPTOR entry names the base record itself. The scan keeps
# the base's descriptor and list attributes, and the descriptors pass follows the list from them without
# reading the record again: what it shows must stay what reading the record gives (volume_load_attr), which
# reads every record the list names for an unnamed $SECURITY_DESCRIPTOR other than the base, fails when one
# claims another base, and otherwise keeps the first resident one found: the base's own.
def list_entries(vol, rec):
    """(type, record, sequence, image offset) of each entry of rec's non-resident $ATTRIBUTE_LIST."""
    al = rec.attr(E.AT_ATTRIBUTE_LIST)
    runs = al.runlist()
    out, pos = [], 0
    while pos < al.data_size:
        at = vol.vcn_pos(runs, pos)
        t, ln = struct.unpack_from("<IH", vol.data, at)
        assert ln >= 26
        ref = struct.unpack_from("<Q", vol.data, vol.vcn_pos(runs, pos + 16))[0]
        assert vol.vcn_pos(runs, pos + 23) == vol.vcn_pos(runs, pos + 16) + 7  # the reference in one cluster
        out.append((t, ref & 0xFFFFFFFFFFFF, ref >> 48, at, vol.vcn_pos(runs, pos + 16)))
        pos += ln
    return out


AT_SD = 0x50


def many_sd_vol():
    """hardlinks.raw, its 300-name base record, the list entries, and that record's own descriptor value."""
    vol = E.Volume(load("hardlinks.raw"))
    base = [x for x in vol.records() if x.in_use and x.attr(E.AT_ATTRIBUTE_LIST)][0]
    assert base.attr(E.AT_ATTRIBUTE_LIST).non_resident and len(base.names()) <= 8
    sd = base.attr(AT_SD)
    assert sd is not None and not sd.non_resident
    ents = list_entries(vol, base)
    assert [(t, r) for t, r, _, _, _ in ents if t == AT_SD] == [(AT_SD, base.number)]
    return vol, base, ents, sd.value()


def many_set(rec):
    return '.volumes[0].hardlink_sets[] | select(.record == %d)' % rec


OWN_SD = '(%s | .names_found == 300 and .owner_sid == "S-1-5-32-544" and .security.source == "record" and ' \
         '.security.sddl == "O:BAG:BAD:(A;OICI;FA;;;WD)" and .security.owner_sid == "S-1-5-32-544")'

# the list's descriptor entry names another file's record (in use, its own descriptor, base reference 0):
# reading the record fails there, so the base shows no security (not its own descriptor, not the other's)
v, base, ents, own = many_sd_vol()
other = [x for x in v.records() if x.in_use and x.base_ref == 0 and x.number > 16 and x.number != base.number
         and x.attr(AT_SD) is not None and not x.attr(AT_SD).non_resident and x.attr(E.AT_ATTRIBUTE_LIST) is None][0]
ref_at = [e for e in ents if e[0] == AT_SD][0][4]
struct.pack_into("<Q", v.data, ref_at, (other.sequence << 48) | other.number)
vol_case("sd_list_names_other_base", v, [0],
         [COMPLETE,
          '(%s | .names_found == 300 and .owner_sid == "S-1-5-32-544" and .security.source == "record" and '
          '.security.sddl == null and .security.error == "$SECURITY_DESCRIPTOR unreadable: attribute list of record %d '
          'names record %d, whose base is 0")' % (many_set(base.number), base.number, other.number)],
         what="the $SECURITY_DESCRIPTOR entry of a base's attribute list names another file's record (its own "
              "descriptor, base 0): security unreadable, as reading the record says; the owner stays the base's")

# a second descriptor entry (a $FILE_NAME entry of an extension retyped), naming an extension that claims the base,
# with another sequence (not checked): it is read, holds none, and the base's own descriptor stays
v, base, ents, own = many_sd_vol()
ext = [e for e in ents if e[0] == E.AT_FILE_NAME and e[1] != base.number][0]
assert v.record(ext[1]).base_ref & 0xFFFFFFFFFFFF == base.number and v.record(ext[1]).attr(AT_SD) is None
struct.pack_into("<I", v.data, ext[3], AT_SD)
struct.pack_into("<Q", v.data, ext[4], ((ext[2] + 5) << 48) | ext[1])
vol_case("sd_list_two_entries", v, [0], [COMPLETE, OWN_SD % many_set(base.number)],
         what="two $SECURITY_DESCRIPTOR entries in a base's attribute list, one naming an extension of the "
              "base (wrong sequence) that holds none: the base's own descriptor")

# the descriptor entry named, pointing at another file's record: named entries are not the descriptor, skipped
v, base, ents, own = many_sd_vol()
sd_ent = [e for e in ents if e[0] == AT_SD][0]
assert v.data[sd_ent[3] + 6] == 0 and v.data[sd_ent[3] + 7] >= 26
name_len = (struct.unpack_from("<H", v.data, sd_ent[3] + 4)[0] - v.data[sd_ent[3] + 7]) // 2
assert name_len >= 1  # the entry's padding after its fixed part holds a one-unit name
v.data[sd_ent[3] + 6] = 1
struct.pack_into("<H", v.data, sd_ent[3] + v.data[sd_ent[3] + 7], ord("X"))
struct.pack_into("<Q", v.data, sd_ent[4], (other.sequence << 48) | other.number)
vol_case("sd_list_named_entry", v, [0], [COMPLETE, OWN_SD % many_set(base.number)],
         what="the base's $SECURITY_DESCRIPTOR list entry is named and names another file's record: skipped, "
              "the base's own descriptor")

# ---- issue 15 session 8 (sdext): a base's only $SECURITY_DESCRIPTOR in an extension record ----
# hardlinks.raw is an NTFS 1.x-style volume (ntfs-3g: 48-byte $STANDARD_INFORMATION, no security ids): each record
# holds its own descriptor. Its 300-name file's descriptor is taken out of the base record and a new one (owner
# S-1-5-21-7-8-9-1001, DACL Everyone full control) put into the extension record with room for it, with the list's
# $SECURITY_DESCRIPTOR entry retargeted there: the owner and ACL must be that descriptor's, as reading the record
# through its list gives. The descriptor in an extension the list does not name, or in one the merge rejects (its
# base reference's sequence is wrong), is not the file's.
SDX_OWNER = "S-1-5-21-7-8-9-1001"
SDX_SDDL = "O:%sD:(A;;FA;;;WD)" % SDX_OWNER


def sdx_sid(text):
    parts = [int(x) for x in text.split("-")[1:]]
    return struct.pack("<BB", parts[0], len(parts) - 2) + parts[1].to_bytes(6, "big") + \
        b"".join(struct.pack("<I", x) for x in parts[2:])


def sdx_descriptor():
    """Self-relative: owner SDX_OWNER, no group, a DACL of one ACE allowing Everyone full control (0x1F01FF)."""
    owner, everyone = sdx_sid(SDX_OWNER), sdx_sid("S-1-1-0")
    ace = struct.pack("<BBHI", 0, 0, 8 + len(everyone), 0x1F01FF) + everyone
    acl = struct.pack("<BBHHH", 2, 0, 8 + len(ace), 1, 0) + ace
    return struct.pack("<BBHIIII", 1, 0, 0x8004, 20, 0, 0, 20 + len(owner)) + owner + acl


def sdx_remove_attr(rec, a):
    """Takes attribute a out of rec (the attributes after it move up)."""
    end, n = a.off + a.length, a.length
    tail = bytes(rec.buf[end:rec.bytes_in_use])
    rec.buf[a.off:a.off + len(tail)] = tail
    rec.buf[rec.bytes_in_use - n:rec.bytes_in_use] = bytes(n)
    rec.bytes_in_use -= n
    struct.pack_into("<I", rec.buf, 24, rec.bytes_in_use)


def sdx_insert_resident(rec, atype, value):
    """Adds a resident unnamed attribute before the first attribute of a higher type; returns its attribute id."""
    at = rec.attrs_offset
    for a in rec.attrs():
        if a.type > atype:
            break
        at = a.off + a.length
    length = (24 + len(value) + 7) & ~7
    assert rec.bytes_in_use + length <= rec.bytes_allocated, "no room in the record"
    attr_id = struct.unpack_from("<H", rec.buf, 40)[0]
    struct.pack_into("<H", rec.buf, 40, attr_id + 1)
    attr = bytearray(length)
    struct.pack_into("<IIBBHHHIHBB", attr, 0, atype, length, 0, 0, 24, 0, attr_id, len(value), 24, 0, 0)
    attr[24:24 + len(value)] = value
    tail = bytes(rec.buf[at:rec.bytes_in_use])
    rec.buf[at:at + length] = attr
    rec.buf[at + length:at + length + len(tail)] = tail
    rec.bytes_in_use += length
    struct.pack_into("<I", rec.buf, 24, rec.bytes_in_use)
    return attr_id


def sdx_list_value(vol, rec):
    al = rec.attr(E.AT_ATTRIBUTE_LIST)
    return al, al.runlist(), bytearray(vol.data[vol.vcn_pos(al.runlist(), i)] for i in range(al.data_size))


def sdx_build(retarget=True, drop_entry=False):
    """hardlinks.raw with the 300-name file's descriptor moved: (volume, base, extension that holds the new one)."""
    vol = E.Volume(load("hardlinks.raw"))
    base = [x for x in vol.records() if x.in_use and x.attr(E.AT_ATTRIBUTE_LIST)][0]
    si = base.attr(E.AT_STANDARD_INFORMATION)
    assert si.value_length == 48, "no security id: the record's own descriptor is its security"
    al, runs, lv = sdx_list_value(vol, base)
    entries, pos = [], 0
    while pos < len(lv):
        t, ln = struct.unpack_from("<IH", lv, pos)
        entries.append((pos, t, struct.unpack_from("<Q", lv, pos + 16)[0] & 0xFFFFFFFFFFFF, ln))
        pos += ln
    sd_ents = [e for e in entries if e[1] == AT_SD]
    assert [e[2] for e in sd_ents] == [base.number]
    value = sdx_descriptor()
    need = (24 + len(value) + 7) & ~7
    named = sorted({e[2] for e in entries if e[2] != base.number})
    ext = [vol.record(n) for n in named if vol.record(n).bytes_allocated - vol.record(n).bytes_in_use >= need][0]
    assert ext.base_ref & 0xFFFFFFFFFFFF == base.number and ext.attr(AT_SD) is None
    sdx_remove_attr(base, base.attr(AT_SD))
    attr_id = sdx_insert_resident(ext, AT_SD, value)
    ext.write()
    epos = sd_ents[0][0]
    if retarget:
        struct.pack_into("<QH", lv, epos + 16, (ext.sequence << 48) | ext.number, attr_id)
    if drop_entry:
        ln = sd_ents[0][3]
        lv = lv[:epos] + lv[epos + ln:]
        al = base.attr(E.AT_ATTRIBUTE_LIST)
        struct.pack_into("<QQ", base.buf, al.off + 48, len(lv), len(lv))  # data and initialized size
    lv += bytes(al.data_size - len(lv))  # a dropped entry's bytes: zeros past the new end
    for i, b in enumerate(lv):
        vol.data[vol.vcn_pos(runs, i)] = b
    base.write()
    return vol, base, ext


SDX_NONE = '(%s | .names_found == %d and .owner_sid == null and .security.sddl == null and ' \
           '.security.error == "no $SECURITY_DESCRIPTOR and no security id")'

v, base, ext = sdx_build()
vol_case("sd_in_extension", v, [0],
         [COMPLETE,
          '(%s | .names_found == 300 and .owner_sid == "%s" and .security.source == "record" and .security.sddl == "%s" '
          'and .security.owner_sid == "%s" and .security.group_sid == null and '
          '([.security.writable_by[].sid] | index("S-1-1-0")) != null)'
          % (many_set(base.number), SDX_OWNER, SDX_SDDL, SDX_OWNER),
          'all(.volumes[0].anomalies[]; .record != %d and .record != %d)' % (base.number, ext.number)],
         what="the 300-name file's only $SECURITY_DESCRIPTOR lies in extension record %d, which its attribute list "
              "names: that descriptor's owner and ACL" % ext.number)

v, base, ext = sdx_build(retarget=False, drop_entry=True)
vol_case("sd_in_unlisted_extension", v, [0], [COMPLETE, SDX_NONE % (many_set(base.number), 300)],
         what="the only $SECURITY_DESCRIPTOR lies in extension record %d of the base, which its attribute list does "
              "not name for one (no descriptor entry): not the file's" % ext.number)

v, base, ext = sdx_build()
struct.pack_into("<Q", ext.buf, 32, ((base.sequence + 1) << 48) | base.number)
ext.write()
vol_case("sd_in_orphan_extension", v, [0],
         [COMPLETE, anomaly("orphan_extension", ext.number), SDX_NONE % (many_set(base.number), 300 - len([n for n in ext.names() if n[2].value()[65] != 2]))],
         what="the list names extension record %d for the descriptor, but its base reference has the wrong sequence: "
              "the merge rejects it (names and descriptor alike)" % ext.number)


with open(os.path.join(OUT, "manifest.jsonl"), "w") as f:
    for m in manifest:
        f.write(json.dumps(m) + "\n")
print("%d cases in %s" % (len(manifest), OUT))
