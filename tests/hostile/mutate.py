#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Mutation test: changes seeded random bytes of fixture images and checks that ntfslinks ends in a
documented way on every mutant: exit 0 (a valid JSON report, run.complete true) or 3 (partial: run.complete
false and one warning line) or 2, never a signal, a timeout, another status, a sanitizer report (a leak
included), or a change to the image files (their size and modification time are compared before and after
the run).

Targets, taken in turn (case i mutates TARGETS[i % 8]):
  raw, mft        the $MFT region of reparse.raw (found through record 0's runlist) and the extracted
                  reparse.mft (record 0 and the fallbacks are in play)
  win10_*         the three Windows 10 disks of fixtures/real/ (MBR, NTFS at sector 128): their $MFT
                  records up to the last one in use, with now and then the partition's boot sector or the MBR
  e01 (x3)        the two-segment E01 set reparse-multi.E01/.E02: section descriptors (type, next offset,
                  size), the table entries and anywhere in the segment files (chunk data, headers, hashes)
The default 800 cases make 100 of each of raw, mft and the three disks and 300 of the E01 set.

Usage: mutate.py NTFSLINKS FIXTURES_DIR WORKDIR
Env: MUTATE_SEED (default 20260601; case i uses seed SEED+i, so a case can be replayed alone),
     MUTATE_CASES (default 800), MUTATE_JOBS (default: CPUs), MUTATE_TIMEOUT (seconds, default 60: a hang
     guard, generous for the sanitizer builds; times NTFSLINKS_TIMEOUT_SCALE), MUTATE_ONLY=i (run case i only), MUTATE_TARGETS=regex (only
     cases whose target matches). Failing mutants are kept in WORKDIR/failures/ with the command line.
     Work copies of the images stay in WORKDIR between runs (the bytes a case changed are restored after
     it, and checked against the fixture when a run starts).
"""
import concurrent.futures
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ntfsedit as E  # noqa: E402

ntfslinks, fx, work = sys.argv[1:4]
seed = int(os.environ.get("MUTATE_SEED", "20260601"))
ncases = int(os.environ.get("MUTATE_CASES", "800"))
jobs = int(os.environ.get("MUTATE_JOBS", str(os.cpu_count() or 2)))
# NTFSLINKS_TIMEOUT_SCALE (set by .ci/run for the ThreadSanitizer build) stretches every hang guard
limit = float(os.environ.get("MUTATE_TIMEOUT", "60")) * float(os.environ.get("NTFSLINKS_TIMEOUT_SCALE") or 1)
only = os.environ.get("MUTATE_ONLY")
only_targets = os.environ.get("MUTATE_TARGETS")
os.makedirs(work, exist_ok=True)
fail_dir = os.path.join(work, "failures")
INTERESTING = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE, 0x10, 0x18, 0x20, 0x30, 0x40]
BIG = 64 << 20   # images larger than this get one work copy, shared by the lanes in turn


class Target:
    """One image (one or more files) and where its mutations go.
    files: source paths; regions: [(file index, start, length, record size or 0, weight)]."""

    def __init__(self, name, files, regions, fields=()):
        self.name, self.files, self.regions = name, files, regions
        self.fields = list(fields)   # [(file index, offset, length)]: structure fields aimed at directly
        self.sizes = [os.path.getsize(f) for f in files]
        self.shared = sum(self.sizes) > BIG
        self.locks = {}
        self.lock = threading.Lock()

    def pristine(self, fi, off, n):
        with open(self.files[fi], "rb") as f:
            f.seek(off)
            return f.read(n)


def mft_records_region(path, offset):
    """(start, length, record size) in the image of the $MFT records 0..last in use of the volume at offset
    (parsed from $MFT's first MiB read as an extracted $MFT: the images are large)."""
    with open(path, "rb") as f:
        f.seek(offset)
        boot = f.read(512)
        cs, mft_lcn = E.boot_geometry(boot)
        f.seek(offset + mft_lcn * cs)
        head = f.read(1 << 20)
    vol = E.Volume(head, mft_file=True)
    rs = vol.record_size
    _, lcn, ln = vol.record(0).attr(E.AT_DATA).runlist()[0]
    assert lcn == mft_lcn, "%s: $MFT's first run does not start at the boot sector's LCN" % path
    last = max(n for n in range(min(len(head), ln * cs) // rs) if E.Record(vol, n).in_use)
    return offset + mft_lcn * cs, (last + 1) * rs, rs


def make_targets():
    raw = os.path.join(fx, "reparse.raw")
    with open(raw, "rb") as f:
        vol = E.Volume(f.read())
    mft = os.path.join(fx, "reparse.mft")
    targets = {
        "raw": Target("raw", [raw], [(0, lcn * vol.cluster_size, ln * vol.cluster_size, vol.record_size, 1)
                                     for _, lcn, ln in vol.mft_runs]),
        "mft": Target("mft", [mft], [(0, 0, os.path.getsize(mft), 1024, 1)]),
    }
    for name in ("ntfs-lastaccess", "ntfs-si-vs-fn", "ntfs-ptrn"):
        path = os.path.join(fx, "real", name + ".raw")
        start, length, rs = mft_records_region(path, 65536)
        key = "win10_" + name[5:].replace("-", "_")
        targets[key] = Target(key, [path], [(0, start, length, rs, 18), (0, 65536, 512, 0, 1), (0, 0, 512, 0, 1)])
    segs = [os.path.join(fx, "reparse-multi.E01"), os.path.join(fx, "reparse-multi.E02")]
    fields = []
    for fi, seg in enumerate(segs):
        with open(seg, "rb") as f:
            b = f.read()
        fields.append((fi, 0, 13))   # file header: signature, segment number
        for t, off, size in E.ewf_sections(b):
            fields += [(fi, off, 16), (fi, off + 16, 8), (fi, off + 24, 8)]   # type, next, size
            if t in ("table", "table2") and size > 76 + 24:
                n = min(struct.unpack_from("<I", b, off + 76)[0], (size - 76 - 24) // 4)
                fields.append((fi, off + 76, 24))                           # entry count, base offset
                fields.append((fi, off + 76 + 24, 4 * n))                   # the entries (chunk offsets)
            elif t in ("volume", "disk", "header", "header2", "hash", "digest", "error2"):
                fields.append((fi, off + 76, max(1, min(size - 76, 1052))))
    targets["e01"] = Target("e01", segs, [(fi, 0, os.path.getsize(s), 0, 1) for fi, s in enumerate(segs)], fields)
    return targets


TARGETS = make_targets()
SCHEDULE = ["raw", "mft", "win10_lastaccess", "win10_si_vs_fn", "win10_ptrn", "e01", "e01", "e01"]


def mutate(i):
    """Returns (target name, list of (file index, offset, new byte)) for case i."""
    rnd = random.Random(seed + i)
    t = TARGETS[SCHEDULE[i % len(SCHEDULE)]]
    weights = [r[4] for r in t.regions]
    edits = []
    for _ in range(rnd.choice([1, 1, 2, 4, 8, 16, 64])):
        if t.fields and rnd.random() < 0.5:   # a structure field of the container
            fi, start, length = rnd.choice(t.fields)
            off = start + rnd.randrange(length)
        else:
            fi, start, length, rs, _ = rnd.choices(t.regions, weights)[0]
            off = start + rnd.randrange(length)
            if rs and rnd.random() < 0.6:   # aim at headers: a record's first 256 bytes hold most lengths and offsets
                rec = (off - start) // rs
                off = start + rec * rs + rnd.randrange(min(256, rs))
        how = rnd.random()
        old = t.pristine(fi, off, 1)[0]
        new = old ^ (1 << rnd.randrange(8)) if how < 0.4 else rnd.choice(INTERESTING) if how < 0.8 else rnd.randrange(256)
        edits.append((fi, off, new))
    return t.name, edits


def sparse_copy(src, dst):
    """Copies src to dst keeping holes (SEEK_DATA/SEEK_HOLE, copy_file_range)."""
    tmp = dst + ".tmp"
    fi = os.open(src, os.O_RDONLY)
    fo = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        size, off = os.fstat(fi).st_size, 0
        while off < size:
            try:
                data = os.lseek(fi, off, os.SEEK_DATA)
            except OSError:
                break
            hole = os.lseek(fi, data, os.SEEK_HOLE)
            pos = data
            while pos < hole:
                n = os.copy_file_range(fi, fo, hole - pos, pos, pos)
                if n <= 0:
                    os.lseek(fi, pos, os.SEEK_SET)
                    os.lseek(fo, pos, os.SEEK_SET)
                    shutil.copyfileobj(os.fdopen(os.dup(fi), "rb"), os.fdopen(os.dup(fo), "wb"))
                    break
                pos += n
            off = hole
        os.ftruncate(fo, size)
    finally:
        os.close(fi)
        os.close(fo)
    os.replace(tmp, dst)


def workcopy(t, slot):
    """The work copy (list of paths) of target t for a lane; made once, its mutable bytes checked at start."""
    key = 0 if t.shared else slot
    with t.lock:
        lock = t.locks.setdefault(key, threading.Lock())
    d = os.path.join(work, "copy-%d" % key, t.name)
    paths = [os.path.join(d, os.path.basename(f)) for f in t.files]
    with lock:
        if not getattr(t, "checked_%d" % key, False):
            os.makedirs(d, exist_ok=True)
            for src, dst, size in zip(t.files, paths, t.sizes):
                if not os.path.exists(dst) or os.path.getsize(dst) != size:
                    sparse_copy(src, dst)
            # restore every byte a case may have changed (a run killed mid-case leaves its edits)
            spans = [(fi, s, n) for fi, s, n, _, _ in t.regions] + list(t.fields)
            for fi, s, n in spans:
                want = t.pristine(fi, s, n)
                with open(paths[fi], "r+b") as f:
                    f.seek(s)
                    if f.read(n) != want:
                        f.seek(s)
                        f.write(want)
            setattr(t, "checked_%d" % key, True)
    return paths, lock


def file_state(paths):
    out = []
    for p in paths:
        st = os.stat(p)
        out.append((st.st_size, st.st_mtime_ns))
    return out


def judge(status, err, out):
    """The problem with one run, or None."""
    if status == "timeout":
        return "timed out after %gs" % limit
    if status < 0:
        return "killed by signal %d" % -status
    if status not in (0, 2, 3):
        return "exit status %d" % status
    if "Sanitizer" in err or "runtime error:" in err:
        return "sanitizer report"
    if status in (0, 3):
        try:
            with open(out) as f:
                rep = json.load(f)
        except (OSError, ValueError) as e:
            return "exit %d but no valid JSON report (%s)" % (status, e)
        if rep.get("run", {}).get("complete") is not (status == 0):
            return "exit %d but run.complete is %s" % (status, rep.get("run", {}).get("complete"))
        if status == 3 and err.count("warning: partial scan") != 1:
            return "exit 3 without exactly one 'partial scan' warning line"
    return None


def noticed_damage(status, out):
    if status == 2 or status == 3:
        return True
    try:
        with open(out) as f:
            rep = json.load(f)
        return any(v.get("anomalies") for v in rep.get("volumes", []))
    except (OSError, ValueError):
        return False


def run(i, slot):
    name, edits = mutate(i)
    t = TARGETS[name]
    paths, lock = workcopy(t, slot)
    with lock:
        fds = [os.open(p, os.O_WRONLY) for p in paths]
        try:
            for fi, off, new in edits:
                os.pwrite(fds[fi], bytes([new]), off)
            for p in paths:   # an old time stamp: a write by ntfslinks, however soon, changes it
                os.utime(p, ns=(10 ** 18, 10 ** 18))
            out = os.path.join(work, "report-%d.json" % slot)
            if os.path.exists(out):
                os.remove(out)
            before = file_state(paths)
            try:
                p = subprocess.run([ntfslinks, "-q", "--threads", "2", "-o", out, paths[0]], capture_output=True,
                                   timeout=limit)
                status, err = p.returncode, p.stderr.decode("utf-8", "replace")
            except subprocess.TimeoutExpired:
                status, err = "timeout", ""
            problem = judge(status, err, out)
            if not problem and file_state(paths) != before:
                problem = "the image was written (size or modification time changed)"
            noticed = not problem and noticed_damage(status, out)
            if problem:
                keep = os.path.join(fail_dir, "case-%d.%s" % (i, name))
                os.makedirs(keep, exist_ok=True)
                for src in paths:
                    sparse_copy(src, os.path.join(keep, os.path.basename(src)))
                with open(keep + ".txt", "w") as f:
                    f.write("MUTATE_SEED=%d MUTATE_ONLY=%d: %s\n%s %s\nedits (file, offset, byte): %s\n\n%s" %
                            (seed, i, problem, ntfslinks, os.path.join(keep, os.path.basename(paths[0])), edits, err))
            return i, name, status, problem, err, noticed
        finally:
            for fi, off, _ in edits:   # restore the pristine bytes for the next case on this copy
                os.pwrite(fds[fi], t.pristine(fi, off, 1), off)
            for fd in fds:
                os.close(fd)


started = time.monotonic()
cases = [int(only)] if only else list(range(ncases))
if only_targets:
    cases = [i for i in cases if re.search(only_targets, SCHEDULE[i % len(SCHEDULE)])]
statuses = {}
per_target = {}
failures = noticed = 0
with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
    # lane = one worker running its cases one after another on its own copies (one shared copy per big image)
    def lane(slot):
        return [run(i, slot) for i in cases[slot::jobs]]
    for results in ex.map(lane, range(min(jobs, len(cases)))):
        for i, name, status, problem, err, seen in results:
            statuses[status] = statuses.get(status, 0) + 1
            per_target[name] = per_target.get(name, 0) + 1
            noticed += seen
            if problem:
                failures += 1
                print("FAIL: case %d (%s, MUTATE_SEED=%d MUTATE_ONLY=%d): %s" % (i, name, seed, i, problem))
                print("\n".join("    " + line for line in err.splitlines()[:30]))
print("mutate: %d cases from seed %d (%s) in %.0f s, exit statuses %s, %d noticed the damage (exit 2 or 3, or anomalies), "
      "%d failure(s)%s" %
      (len(cases), seed, ", ".join("%s %d" % kv for kv in sorted(per_target.items())), time.monotonic() - started,
       json.dumps({str(k): v for k, v in sorted(statuses.items(), key=str)}), noticed, failures,
       " (kept in %s)" % fail_dir if failures else ""))
sys.exit(1 if failures else 0)
