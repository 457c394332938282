#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes an extracted $MFT of N 1 KiB records directly (no FUSE, no root), shaped like a system volume.

Usage: bench/make-mft.py N OUT [--plan PLAN.jsonl] [--jobs J] [--max-lcn L]

Layout (every record a pure function of N and its number, so J processes write blocks independently):
- records 0-11 the system files ($MFT ... $Extend, root directory 5), 12-23 unused, user records from 24;
- user records in blocks of 1000: 7 % directories (each under an earlier directory, most under a recent
  one, never deeper than a depth drawn for it from a fixed distribution: mean depth 5.8, 94 % at 3 to 8, none
  below 13, the same for any N), the rest files under a directory of an earlier block or an
  earlier directory of the same block;
- names: WIN32+DOS pairs for long names (8.3 short name in a second $FILE_NAME), WIN32_AND_DOS for short
  ones, lengths 5-120 characters (most 8-30);
- 10 % of files have a second name in another directory (a hard link); 1 block in 3 holds a file with
  12-21 names: its base record holds $STANDARD_INFORMATION, an $ATTRIBUTE_LIST and $DATA, the names sit in
  the extension records after it;
- 0.5 % junctions (directories with a mount-point reparse point to another directory's path, some
  missing), 0.5 % symbolic links (to a path under another directory, absolute or relative, many stale);
- 4 % deleted files (records not in use, names kept), 1 % slots never used (zeros);
- $DATA resident (0-600 bytes) for half the files, else non-resident with one or two runs below --max-lcn.

--plan writes one JSON object per record written (in-use or deleted), what the generator meant it to hold:
{"rec", "seq", "in_use", "dir", "base", "links" (the header's link count), "names": [[parent, parent_seq,
name, namespace]], "reparse": tag or null, "data": ["res", size] | ["nonres", size, [[lcn, clusters]...]] |
null, "ext": [extension records]}. tests/e2e/make_mft.sh compares it with TSK's istat of a volume built
around the records and with ntfslinks' report.
"""
import bisect
import json
import os
import random
import re
import struct
import sys
from multiprocessing import Pool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import reparse  # noqa: E402

RS = 1024
FIRST_USER = 24
BLOCK = 1000
ROOT = 5
EPOCH = 132000000000000000  # 2019-04 in FILETIME
AT_SI, AT_AL, AT_FN, AT_DATA, AT_IR, AT_RP = 0x10, 0x20, 0x30, 0x80, 0x90, 0xC0
NS_POSIX, NS_WIN32, NS_DOS, NS_BOTH = 0, 1, 2, 3

_layout = random.Random(20261201)
DIR_POS = sorted([0] + _layout.sample(range(1, BLOCK), 69))  # 70 directories per block of 1000
DIR_SET = set(DIR_POS)
DIR_IDX = {p: i for i, p in enumerate(DIR_POS)}
WORDS = ("system program data config windows update driver cache temp user local roaming microsoft "
         "office package assembly manifest resource policy store backup log report setting profile "
         "service network security font image media sample index module library runtime native "
         "component catalog shell common public document desktop download").split()
EXTS = ("dll", "exe", "sys", "mui", "cat", "manifest", "txt", "log", "dat", "xml", "ini", "json", "png", "etl")


def fast_random(r):
    """r's randrange(n) (Python 3.11's _randbelow_with_getrandbits, same draws and results) and random(),
    without random.py's argument checks: rb(n) is r.randrange(n), lo + rb(hi - lo) r.randrange(lo, hi),
    lo + rb(hi - lo + 1) r.randint(lo, hi), seq[rb(len(seq))] r.choice(seq)."""
    getrandbits = r.getrandbits

    def rb(n):
        k = n.bit_length()
        x = getrandbits(k)
        while x >= n:
            x = getrandbits(k)
        return x
    return rb, r.random


# ---- names and the directory tree (pure functions of a directory's index) ----

def dir_record(k):
    """Record number of the k-th directory."""
    b, i = divmod(k, len(DIR_POS))
    return FIRST_USER + b * BLOCK + DIR_POS[i]


def seq_of(rec):
    return 5 if rec == ROOT else 1 + rec % 7


def mix(k, salt):
    """A 32-bit hash of k (the same in every process)."""
    h = (k * 0x9E3779B1 + salt * 0x85EBCA77) & 0xFFFFFFFF
    h ^= h >> 15
    h = (h * 0x2C1B3C6D) & 0xFFFFFFFF
    return h ^ (h >> 12)


# The deepest each directory may be (a child of the root is at depth 1), as on a Windows system volume and the
# same for any N; a directory under a shallower candidate is shallower: depths come out at mean 5.8 (3 to 8 for
# 94 %, at most 13) for 100k to 10M records. The first 8 directories are the root's children.
DEPTH_WEIGHTS = (0, 2, 5, 8, 11, 13, 13, 12, 10, 8, 6, 4, 3, 2, 1.5, 1, .6, .4, .3, .2)  # depths 1..20
_DEPTH_CDF = [round(sum(DEPTH_WEIGHTS[:i + 1]) / sum(DEPTH_WEIGHTS) * (1 << 32)) for i in range(len(DEPTH_WEIGHTS))]
_PARENT, _DEPTH = [], []  # each directory's parent index (-1: the root) and depth, computed up to the highest asked


def _parent_candidate(k):
    """An earlier directory to hang directory k under: most often a recent one (3 in 4), else any."""
    h = mix(k, 1)
    if h & 3:
        lo = max(0, k - 40)
        return lo + (h >> 2) % (k - lo)
    return (h >> 2) % k


def _target_depth(k):
    """The deepest directory k may be: drawn from DEPTH_WEIGHTS by a hash of k."""
    return bisect.bisect_right(_DEPTH_CDF, mix(k, 3)) + 1


def dir_parent(k):
    """Index of directory k's parent directory (-1: the root): the candidate, or its ancestor one level above
    k's target depth when the candidate is as deep as that or deeper (a pure function of k)."""
    while len(_PARENT) <= k:
        j = len(_PARENT)
        p = -1
        if j >= 8:
            p, t = _parent_candidate(j), _target_depth(j)
            while _DEPTH[p] >= t:
                p = _PARENT[p]
        _PARENT.append(p)
        _DEPTH.append(1 if p < 0 else _DEPTH[p] + 1)
    return _PARENT[k]


def word_name(rb, rnd, lo, hi):
    """A name of about lo..hi characters from WORDS (ASCII), sometimes with digits or spaces."""
    want = lo + rb(hi - lo + 1)
    parts, have = [], 0
    while have < want:
        parts.append(WORDS[rb(len(WORDS))] if rnd() < 0.8 else "%d" % rb(1000))
        have += len(parts[-1]) + 1
    sep = ("", "-", "_", " ", ".")[rb(5)]
    return sep.join(parts)[:max(hi, 1)].rstrip(" .") or "x"


def name_length_range(rnd):
    x = rnd()
    return (5, 12) if x < 0.35 else (12, 30) if x < 0.85 else (30, 60) if x < 0.97 else (60, 120)


def _pool(seed, n, ext):
    rb, rnd = fast_random(random.Random(seed))
    out = []
    for _ in range(n):
        lo, hi = name_length_range(rnd)
        out.append(word_name(rb, rnd, lo, hi) + ("." + EXTS[rb(len(EXTS))] if ext else ""))
    return out


DIR_NAMES = _pool(1, 4096, False)
FILE_NAMES = _pool(2, 1 << 16, True)  # names repeat across directories, as on real volumes


def dir_name(k):
    return "%s%d" % (DIR_NAMES[mix(k, 2) & 4095], k % 97)


def dir_path(k, cache):
    """Windows path of directory k from the root, C:\\..."""
    if k in cache:
        return cache[k]
    chain = []
    j = k
    while j >= 0 and j not in cache:
        chain.append(j)
        j = dir_parent(j)
    base = cache[j] if j >= 0 else "C:"
    for d in reversed(chain):
        base = base + "\\" + dir_name(d)
        cache[d] = base
    return base


DIRS_BELOW = [sum(1 for p in DIR_POS if p < i) for i in range(BLOCK + 1)]


def dirs_before(rec):
    """Number of directories whose records are below rec."""
    b, i = divmod(rec - FIRST_USER, BLOCK)
    return b * len(DIR_POS) + DIRS_BELOW[i]


def dos_name(name, n):
    """An 8.3 short name for a long name (NAME~n.EXT); cached (the names repeat)."""
    d = _DOS.get((name, n))
    if d is None:
        if len(_DOS) > 200000:
            _DOS.clear()
        d = _DOS[(name, n)] = _dos_name(name, n)
    return d


def _dos_name(name, n):
    stem, _, ext = name.rpartition(".")
    if not stem:
        stem, ext = name, ""
    s = "".join(filter(str.isalnum, stem.upper()))[:6] or "X"
    e = "".join(filter(str.isalnum, ext.upper()))[:3]
    return "%s~%d%s" % (s, n, "." + e if e else "")


SHORT_OK = re.compile(r"[A-Z0-9_-]{1,8}(\.[A-Z0-9_-]{1,3})?\Z")


def needs_dos(name):
    """True when name is not a valid 8.3 name in upper case (Windows gives it a short name); cached."""
    v = _NEEDS_DOS.get(name)
    if v is None:
        if len(_NEEDS_DOS) > 200000:
            _NEEDS_DOS.clear()
        v = _NEEDS_DOS[name] = SHORT_OK.match(name) is None
    return v


_DOS, _NEEDS_DOS = {}, {}


# ---- record bytes (precompiled struct layouts, one join per attribute and per record) ----

ZERO = bytes(RS)
PAD8 = [bytes(i) for i in range(8)]
_RES = struct.Struct("<IIBBHHHIHBB").pack  # resident attribute header (24 bytes)
_RES_FN = struct.Struct("<IIBBHHHIHBBQQQQQQQIIBB").pack  # unnamed resident header + $FILE_NAME value head
_SI = struct.Struct("<QQQQIIIIIIQQ").pack
_HDR = struct.Struct("<4sHHQHHHHIIQHHI").pack  # FILE record header up to the update sequence (0x30 bytes)
USA = struct.pack("<HHH", 1, 0, 0) + bytes(2)  # update sequence number 1, two entries, padding to 0x38
END = struct.pack("<II", 0xFFFFFFFF, 0)
TAIL = b"\x01\x00" + bytes(510) + b"\x01\x00"  # bytes 510-1023 of a record whose used part ends by 510
_U16 = {}


def u16(name):
    """name in UTF-16LE (cached: most names come from the pools and repeat)."""
    b = _U16.get(name)
    if b is None:
        if len(_U16) > 200000:
            _U16.clear()
        b = _U16[name] = name.encode("utf-16-le")
    return b


def attr_resident(atype, aid, value, name="", indexed=False):
    lv = len(value)
    if not name:
        return b"".join((_RES(atype, (24 + lv + 7) & ~7, 0, 0, 24, 0, aid, lv, 24, 1 if indexed else 0, 0),
                         value, PAD8[-lv & 7]))
    nm = u16(name)
    voff = (24 + len(nm) + 7) & ~7
    alen = (voff + lv + 7) & ~7
    h = _RES(atype, alen, 0, len(name), 24, 0, aid, lv, voff, 1 if indexed else 0, 0)
    return b"".join((h, nm, ZERO[:voff - 24 - len(nm)], value, ZERO[:alen - voff - lv]))


def fn_attr(aid, parent, pseq, name, ns, t, flags, size):
    """attr_resident(AT_FN, aid, fn_value(parent, pseq, name, ns, t, flags, size), indexed=True)."""
    nm = u16(name)
    lv = 66 + len(nm)
    return b"".join((_RES_FN(AT_FN, (24 + lv + 7) & ~7, 0, 0, 24, 0, aid, lv, 24, 1, 0,
                             (pseq << 48) | parent, t, t, t, t, (size + 4095) & ~4095, size, flags, 0,
                             len(nm) // 2, ns), nm, PAD8[-lv & 7]))


def runlist(runs):
    out, prev = b"", 0
    for lcn, n in runs:
        ln = (n.bit_length() + 8) >> 3
        d = lcn - prev
        lo = (d.bit_length() + 8) >> 3 or 1
        out += BYTE[ln | (lo << 4)] + n.to_bytes(ln, "little") + d.to_bytes(lo, "little", signed=True)
        prev = lcn
    return out + b"\0"


BYTE = [bytes((i,)) for i in range(256)]
_NONRES = struct.Struct("<IIBBHHHQQHH4xQQQ").pack


def attr_nonresident(atype, aid, size, runs, cluster=4096):
    rl = runlist(runs)
    clusters = runs[0][1] if len(runs) == 1 else sum(n for _, n in runs)
    alen = (64 + len(rl) + 7) & ~7
    return b"".join((_NONRES(atype, alen, 1, 0, 64, 0, aid, 0, max(clusters - 1, 0), 64, 0, clusters * cluster,
                             size, size), rl, PAD8[alen - 64 - len(rl)]))


def si_value(t, flags, sec_id):
    return _SI(t, t + 1000, t + 2000, t + 3000, flags, 0, 0, 0, 0, sec_id, 0, 0)


_RES_SI = struct.Struct("<IIBBHHHIHBBQQQQIIIIIIQQ").pack  # resident header (attribute id 0) + 72-byte value


def si_attr(t, flags, sec_id):
    """attr_resident(AT_SI, 0, si_value(t, flags, sec_id)) in one pack."""
    return _RES_SI(AT_SI, 96, 0, 0, 24, 0, 0, 72, 24, 0, 0, t, t + 1000, t + 2000, t + 3000, flags, 0, 0, 0, 0,
                   sec_id, 0, 0)


def fn_value(parent, pseq, name, ns, t, flags, size):
    nm = u16(name)
    return struct.pack("<QQQQQQQIIBB", (pseq << 48) | parent, t, t, t, t, (size + 4095) & ~4095, size, flags, 0,
                       len(nm) // 2, ns) + nm


def record(rec, seq, flags, links, attrs, base=0, base_seq=0):
    """A FILE record (update sequence applied) holding the attribute byte strings attrs."""
    body = b"".join(attrs)
    used = 0x38 + len(body) + 8
    if used > RS:
        raise ValueError("record %d: %d bytes" % (rec, used))
    h = _HDR(b"FILE", 0x30, 3, 0, seq, links, 0x38, flags, used, RS,
             ((base_seq << 48) | base) if base else 0, len(attrs) + 1, 0, rec)
    if used <= 510:  # the two sector ends hold zeros: the update sequence array keeps zeros
        return b"".join((h, USA, body, END, ZERO[:510 - used], TAIL))
    b = b"".join((h, USA, body, END, ZERO[:RS - used]))
    return b"".join((b[:0x32], b[510:512], b[1022:1024], b[0x36:510], b"\x01\x00", b[512:1022], b"\x01\x00"))


EMPTY_INDEX_ROOT = struct.pack("<IIIB3x", AT_FN, 1, 4096, 1) + struct.pack("<IIIB3x", 16, 32, 32, 0) + \
    struct.pack("<QHHI", 0, 16, 0, 2)


def unused_record(rec):
    return record(rec, 1, 0, 0, [attr_resident(AT_SI, 0, si_value(EPOCH, 6, 0))])


# ---- the system files ----

SYSTEM = [(0, "$MFT", False), (1, "$MFTMirr", False), (2, "$LogFile", False), (3, "$Volume", False),
          (4, "$AttrDef", False), (5, ".", True), (6, "$Bitmap", False), (7, "$Boot", False),
          (8, "$BadClus", False), (9, "$Secure", False), (10, "$UpCase", False), (11, "$Extend", True)]


def system_record(n, total, mft_lcn, plan):
    rec, name, is_dir = SYSTEM[n]
    t = EPOCH
    attrs = [attr_resident(AT_SI, 0, si_value(t, 6, 256 + n))]
    fnv = fn_value(ROOT, 5, name, NS_BOTH, t, 0x10000000 if is_dir else 6, 0)
    attrs.append(attr_resident(AT_FN, 1, fnv, indexed=True))
    data = None
    if n == 0:
        clusters = (total * RS + 4095) // 4096
        attrs.append(attr_nonresident(AT_DATA, 2, total * RS, [(mft_lcn, clusters)]))
        data = ["nonres", total * RS, [[mft_lcn, clusters]]]
    elif is_dir:
        attrs.append(attr_resident(AT_IR, 2, EMPTY_INDEX_ROOT, name="$I30"))
    else:
        attrs.append(attr_resident(AT_DATA, 2, b""))
        data = ["res", 0]
    plan.append({"rec": rec, "seq": seq_of(rec), "in_use": True, "dir": is_dir, "base": 0, "links": 1,
                 "names": [[ROOT, 5, name, NS_BOTH]], "reparse": None, "data": data, "ext": []})
    return record(rec, seq_of(rec), 3 if is_dir else 1, 1, attrs)


# ---- user records ----

def data_attr(rb, rnd, aid, max_lcn, room=RS):
    """$DATA: resident (0-600 bytes) for half the files when it fits in room bytes, else non-resident."""
    if rnd() < 0.5:
        v = 1 + rb(599)
        size = (0, 0, v)[rb(3)]
        if 24 + size + 8 > room:
            size = 0
        return attr_resident(AT_DATA, aid, ZERO[:size]), ["res", size]
    size = 700 + rb((1 << 22) - 700)
    clusters = (size + 4095) // 4096
    if clusters > 1 and rnd() < 0.3:
        a = 1 + rb(clusters - 1)
        l1 = 100 + rb(max_lcn - a - 100)
        runs = [(l1, a), (100 + rb(max_lcn - (clusters - a) - 100), clusters - a)]
    else:
        runs = [(100 + rb(max_lcn - clusters - 100), clusters)]
    return attr_nonresident(AT_DATA, aid, size, runs), ["nonres", size, [list(x) for x in runs]]


def file_name_attrs(rnd, parent, pseq, name, t, flags, size, aid, names, dos_n):
    """$FILE_NAME attribute(s) for one name: WIN32 + DOS pair for long names, else WIN32_AND_DOS."""
    nd = needs_dos(name)
    if nd and rnd() < 0.7:
        d = dos_name(name, dos_n)
        names += [[parent, pseq, name, NS_WIN32], [parent, pseq, d, NS_DOS]]
        return [fn_attr(aid, parent, pseq, name, NS_WIN32, t, flags, size),
                fn_attr(aid + 1, parent, pseq, d, NS_DOS, t, flags, size)]
    ns = NS_POSIX if nd else NS_BOTH
    names.append([parent, pseq, name, ns])
    return [fn_attr(aid, parent, pseq, name, ns, t, flags, size)]


def pick_dir(rb, rnd, rec):
    """A directory (index) whose record is below rec: usually of the same or a recent block."""
    n = dirs_before(rec)
    if n == 0:
        return -1
    if rnd() < 0.8:
        lo = max(0, n - 140)
        return lo + rb(n - lo)
    return rb(n)


def short_dir_path(rb, rec, paths):
    """The path of a directory below rec whose path is at most 80 characters (so the reparse point stays
    resident in its record), else C:\\Windows."""
    for _ in range(8):
        p = dir_path(rb(dirs_before(rec)), paths)
        if len(p) <= 80:
            return p
    return "C:\\Windows"


def dir_ref(k):
    rec = ROOT if k < 0 else dir_record(k)
    return rec, seq_of(rec)


def user_block(b, total, max_lcn, want_plan):
    """Bytes of block b's records (those below total) and their plan entries."""
    r = random.Random(b * 1000003 + 17)
    rb, rnd = fast_random(r)
    getrandbits = r.getrandbits
    start = FIRST_USER + b * BLOCK
    end = min(start + BLOCK, total)
    out = [None] * (end - start)
    plan = []
    paths = {}
    many_at = rb(BLOCK - 20) if b % 3 == 1 else -1
    i = 0
    while i < end - start:
        rec = start + i
        seq = seq_of(rec)
        t = EPOCH + rec * 10000000 + rb(10000000)
        if i in DIR_SET:
            k = b * len(DIR_POS) + DIR_IDX[i]
            prec, pseq = dir_ref(dir_parent(k))
            names = []
            attrs = [si_attr(t, 0x10, 300 + rec % 50)]
            attrs += file_name_attrs(rnd, prec, pseq, dir_name(k), t, 0x10000000, 0, 1, names, 1 + rec % 4)
            attrs.append(attr_resident(AT_IR, len(attrs), EMPTY_INDEX_ROOT, name="$I30"))
            out[i] = record(rec, seq, 3, len(names), attrs)
            if want_plan:
                plan.append({"rec": rec, "seq": seq, "in_use": True, "dir": True, "base": 0,
                             "links": len(names), "names": names, "reparse": None,
                             "data": None, "ext": []})
            i += 1
            continue
        if out[i] is not None:  # an extension record of a file before it
            i += 1
            continue
        x = rnd()
        if x < 0.01:
            out[i] = bytes(RS)  # never used
            i += 1
            continue
        in_use = x >= 0.05  # 4 % deleted
        if i == many_at and end - start - i > 12:
            in_use = x >= 0.02  # mostly in use
            # a file with 12-21 names: base (SI, attribute list, data) + extension records holding the names
            count = 12 + rb(10)  # the attribute list (32 bytes a name) stays resident
            pk = pick_dir(rb, rnd, rec)
            stem = FILE_NAMES[getrandbits(16)]
            names, fn_attrs = [], []
            for m in range(count):
                prec, pseq = dir_ref(pk if m == 0 else pick_dir(rb, rnd, rec))
                nm = "%d-%s" % (m, stem)
                names.append([prec, pseq, nm, NS_POSIX])
                fn_attrs.append(fn_value(prec, pseq, nm, NS_POSIX, t, 0x20, 4096))
            exts, cur, used = [], [], 0x38 + 8
            for v in fn_attrs:
                a = (24 + len(v) + 7) & ~7
                if used + a > RS - 16:
                    exts.append(cur)
                    cur, used = [], 0x38 + 8
                cur.append(v)
                used += a
            exts.append(cur)
            ext_recs = [rec + 1 + j for j in range(len(exts))]
            while any(x_ in DIR_SET or x_ - start >= end - start for x_ in (e - start for e in ext_recs)):
                ext_recs = [e + 1 for e in ext_recs]  # past the directories of the block
            if ext_recs[-1] >= end:
                many_at = -1
                continue
            entries = []
            def al_entry(atype, ref_rec, ref_seq, aid, name=""):
                nm = name.encode("utf-16-le")
                ln = (26 + len(nm) + 7) & ~7
                return struct.pack("<IHBBQQH", atype, ln, len(name), 26, 0, (ref_seq << 48) | ref_rec, aid) + nm + \
                    bytes(ln - 26 - len(nm))
            entries.append(al_entry(AT_SI, rec, seq, 0))
            aid = 1
            for j, e in enumerate(ext_recs):
                for _ in exts[j]:
                    entries.append((AT_FN, e, aid))
                    aid += 1
            al = entries[0] + b"".join(al_entry(AT_FN, e, seq_of(e), a) for _, e, a in entries[1:]) + \
                al_entry(AT_DATA, rec, seq, aid)
            flags = 1 if in_use else 0
            attrs = [attr_resident(AT_SI, 0, si_value(t, 0x20, 300 + rec % 50)), attr_resident(AT_AL, aid + 1, al)]
            data = data_attr(*fast_random(random.Random(rec)), aid, max_lcn, RS - 0x38 - 8 - sum(map(len, attrs)))
            attrs.append(data[0])
            out[i] = record(rec, seq, flags, count, attrs)
            if want_plan:
                plan.append({"rec": rec, "seq": seq, "in_use": in_use, "dir": False, "base": 0, "links": count,
                             "names": names, "reparse": None, "data": data[1], "ext": ext_recs})
            aid = 1
            for j, e in enumerate(ext_recs):
                ea = []
                for v in exts[j]:
                    ea.append(attr_resident(AT_FN, aid, v, indexed=True))
                    aid += 1
                out[e - start] = record(e, seq_of(e), flags, 0, ea, base=rec, base_seq=seq)
                if want_plan:
                    plan.append({"rec": e, "seq": seq_of(e), "in_use": in_use, "dir": False, "base": rec,
                                 "links": 0, "names": [], "reparse": None, "data": None, "ext": []})
            many_at = -1
            i += 1
            continue
        kind = rnd()
        pk = pick_dir(rb, rnd, rec)
        prec, pseq = dir_ref(pk)
        names = []
        is_dir = False
        rp = None
        if kind < 0.005 and dirs_before(rec) > 2:
            # junction: a directory with a mount point to another directory (1 in 5 missing)
            is_dir = True
            target = short_dir_path(rb, rec, paths) + ("\\missing%d" % rec if rnd() < 0.2 else "")
            rp = reparse.junction("\\??\\" + target, target)
            nm = "junction-%d" % rec
        elif kind < 0.01 and dirs_before(rec) > 2:
            target = short_dir_path(rb, rec, paths) + "\\" + word_name(rb, rnd, 5, 20) + ".txt"
            if rnd() < 0.5:
                rp = reparse.symlink("\\??\\" + target, target)
            else:
                rel = "..\\" * (1 + rb(3)) + target.split("\\", 1)[1]
                rp = reparse.symlink(rel, rel, relative=True)
            nm = "symlink-%d.txt" % rec
        else:
            nm = FILE_NAMES[getrandbits(16)]
        attr_flags = (0x10 if is_dir else 0x20) | (0x400 if rp else 0)
        attrs = [si_attr(t, attr_flags, 300 + rec % 50)]
        fflags = (0x10000000 if is_dir else 0x20) | (0x400 if rp else 0)
        attrs += file_name_attrs(rnd, prec, pseq, nm, t, fflags, 0, 1, names, 1)
        if not rp and rnd() < 0.1 and sum(map(len, attrs)) + 2 * len(nm) < 560:
            # hard link: a second name in another directory (when it and $DATA fit in the record)
            qrec, qseq = dir_ref(pick_dir(rb, rnd, rec))
            nm2 = "link-%d-%s" % (rec, nm)
            attrs.append(fn_attr(len(attrs), qrec, qseq, nm2, NS_POSIX, t, fflags, 0))
            names.append([qrec, qseq, nm2, NS_POSIX])
        dplan = None
        if is_dir:
            attrs.append(attr_resident(AT_IR, len(attrs), EMPTY_INDEX_ROOT, name="$I30"))
        else:
            used = 0x38 + 8 + sum(map(len, attrs)) + ((24 + len(rp) + 7) & ~7 if rp else 0)
            da, dplan = data_attr(rb, rnd, len(attrs), max_lcn, RS - used)
            attrs.append(da)
        if rp:
            attrs.append(attr_resident(AT_RP, len(attrs), rp))
        links = len(names)  # the header counts every $FILE_NAME, DOS names too (as Windows writes it)
        flags = (1 if in_use else 0) | (2 if is_dir else 0)
        out[i] = record(rec, seq, flags, links, attrs)
        if want_plan:
            plan.append({"rec": rec, "seq": seq, "in_use": in_use, "dir": is_dir, "base": 0, "links": links,
                         "names": names, "reparse": struct.unpack_from("<I", rp)[0] if rp else None,
                         "data": dplan, "ext": []})
        i += 1
    return b"".join(out), plan if want_plan else []


_OUT = {}


def _job(args):
    """Writes block b's records at their place in the file (each worker its own descriptor: the bytes do not
    travel through the pool's pipe), returns the block's plan entries."""
    b, total, max_lcn, want_plan, path = args
    data, plan = user_block(b, total, max_lcn, want_plan)
    fd = _OUT.get(path)
    if fd is None:
        fd = _OUT[path] = os.open(path, os.O_WRONLY)
    os.pwrite(fd, data, (FIRST_USER + b * BLOCK) * RS)
    return plan


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--plan")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--max-lcn", type=int, default=1 << 28, help="non-resident $DATA runs stay below this cluster")
    ap.add_argument("--mft-lcn", type=int, default=786432, help="the LCN record 0's $DATA says $MFT starts at")
    a = ap.parse_args(argv[1:])
    if a.n < FIRST_USER + 1:
        raise SystemExit("make-mft.py: N must be at least %d" % (FIRST_USER + 1))
    plan = []
    head = [system_record(n, a.n, a.mft_lcn, plan) for n in range(len(SYSTEM))]
    head += [unused_record(n) for n in range(len(SYSTEM), FIRST_USER)]
    blocks = (a.n - FIRST_USER + BLOCK - 1) // BLOCK
    tmp = a.out + ".tmp"
    pf = open(a.plan + ".tmp", "w") if a.plan else None
    with open(tmp, "wb") as f:
        f.write(b"".join(head))
        if pf:
            for p in plan:
                pf.write(json.dumps(p) + "\n")
        f.flush()
        jobs = [(b, a.n, a.max_lcn, bool(pf), tmp) for b in range(blocks)]
        with Pool(a.jobs) as pool:
            for bplan in pool.imap(_job, jobs, chunksize=4):
                if pf:
                    for p in bplan:
                        pf.write(json.dumps(p) + "\n")
    if pf:
        pf.close()
        os.replace(a.plan + ".tmp", a.plan)
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main(sys.argv)
