# SPDX-License-Identifier: Apache-2.0
"""Differential test: ntfslinks against independent readers, on every fixture volume.

1. Hard-link sets vs The Sleuth Kit: `fls -r -p -o SECTOR IMAGE`, allocated entries only, without
   NTFS metafiles, alternate data streams, $OrphanFiles and DOS 8.3 aliases, grouped by MFT record
   number; every group with >= 2 distinct paths must be exactly one report hard-link set (same record,
   same paths), and the report must hold no other set.
2. Hard-link sets vs libfsntfs (also where TSK cannot open the volume): the $FILE_NAME attributes of
   every allocated base record in `fsntfsinfo -E all`, DOS names left out, as (parent record, name);
   every record with >= 2 must be the report set of that record, with the same (parent_record, name)s.
3. Reparse points vs libfsntfs: the records `fsntfsinfo -E all` shows with a $REPARSE_POINT attribute
   must be exactly the report's reparse points, with the same tag and allocation state; for every report
   reparse point carrying substitute/print names, `fsntfsinfo -o OFFSET -E RECORD` must print the same
   names.

Usage: differential.py SRCDIR WORKDIR NTFSLINKS   (WORKDIR/img holds the unpacked fixtures)
Prints one line per check (ok: / FAIL: / note: / skip:); exit 0 all passed, 1 any failure.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

SRC, WORK, NTFSLINKS = sys.argv[1], sys.argv[2], sys.argv[3]
IMG = os.path.join(WORK, "img")
OUT = os.path.join(WORK, "out")
os.makedirs(OUT, exist_ok=True)

failures = 0
checks = 0


def ok(msg):
    global checks
    checks += 1
    print("ok: " + msg)


def fail(msg):
    global failures, checks
    checks += 1
    failures += 1
    print("FAIL: " + msg)


def note(msg):
    print("note: " + msg)


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return (p.returncode, p.stdout.decode("utf-8", "surrogateescape"),
            p.stderr.decode("utf-8", "replace"))


def show(paths, limit=6):
    paths = sorted(paths)
    s = ", ".join(paths[:limit])
    if len(paths) > limit:
        s += ", ... (%d in all)" % len(paths)
    return "{" + s + "}"


# ---------------------------------------------------------------------------------------------
# TSK fls

# "r/r 64-128-2:\tpath", "d/d * 70-144-2:\tpath", "-/r * 16:\t$OrphanFiles/...", "r/r * 64(realloc):\t..."
FLS_LINE = re.compile(r"^(\S+) (?:(\*) )?([0-9]+)(?:-[0-9]+-[0-9]+)?(\(realloc\))?:\t(.*)$")
METAFILES = {"$MFT", "$MFTMirr", "$LogFile", "$Volume", "$AttrDef", "$BadClus", "$Bitmap", "$Boot",
             "$Secure", "$UpCase", "$Extend", "$OrphanFiles", "$Quota", "$ObjId", "$Reparse"}


def fls_allocated(image, sector):
    """-> ({path (fls form, '/'-separated, no leading '/'): set(records)}, error or None)"""
    rc, out, err = run(["fls", "-r", "-p", "-o", str(sector), image])
    if rc != 0:
        return None, "fls exited %d: %s" % (rc, err.strip())
    alloc = {}
    unparsed = []
    for line in out.splitlines():
        m = FLS_LINE.match(line)
        if not m:
            unparsed.append(line)
            continue
        typ, deleted, rec, realloc, path = m.groups()
        if deleted or realloc or typ.startswith("V/"):
            continue
        alloc.setdefault(path, set()).add(int(rec))
    if unparsed:
        note("fls -o %d %s: %d line(s) not understood, e.g. %r"
             % (sector, os.path.basename(image), len(unparsed), unparsed[0]))
    return alloc, None


def is_metafile(path, rec):
    return rec < 16 or path.split("/")[0] in METAFILES


def is_stream(path, rec, alloc):
    """fls lists an alternate data stream as 'PATH:STREAM' with the record of PATH."""
    last = path.rsplit("/", 1)[-1]
    if ":" not in last:
        return False
    base = path[: len(path) - len(last)] + last.split(":", 1)[0]
    return rec in alloc.get(base, ())


def winpath(path):
    return "\\" + path.replace("/", "\\")


def check_hardlinks(label, image, offset, rvol):
    alloc, err = fls_allocated(image, offset // 512)
    if alloc is None:
        fail("%s: %s" % (label, err))
        return
    # DOS 8.3 aliases the report knows: (directory, alias), case-insensitive
    aliases = set()
    for s in rvol.get("hardlink_sets", []):
        for n in s.get("names", []):
            if n.get("dos_name"):
                d = n["path"].rsplit("\\", 1)[0]
                aliases.add((d.upper(), n["dos_name"].upper()))
    groups = {}
    n_paths = dropped_alias = 0
    for path, recs in alloc.items():
        for rec in recs:
            if is_metafile(path, rec) or is_stream(path, rec, alloc):
                continue
            wp = winpath(path)
            d, base = wp.rsplit("\\", 1)
            if (d.upper(), base.upper()) in aliases:
                dropped_alias += 1
                continue
            n_paths += 1
            groups.setdefault(rec, set()).add(wp)
    if dropped_alias:
        note("%s: fls lists %d DOS 8.3 alias(es) as separate entries; left out" % (label, dropped_alias))
    tsk = {rec: paths for rec, paths in groups.items() if len(paths) >= 2}

    rep = {}
    for s in rvol.get("hardlink_sets", []):
        rec = s.get("record")
        paths = set(n.get("path") for n in s.get("names", []))
        if rec in rep:
            fail("%s: the report holds two hard-link sets for record %s" % (label, rec))
        rep[rec] = paths

    if not tsk and not rep:
        ok("%s: no hard-link sets, neither in the report nor per fls (%d allocated non-metafile paths)"
           % (label, n_paths))
        return
    by_paths = {frozenset(p): r for r, p in tsk.items()}
    for rec in sorted(set(tsk) | set(rep), key=lambda r: (r is None, r if r is not None else 0)):
        t, r = tsk.get(rec), rep.get(rec)
        if t is not None and r is not None:
            if t == r:
                ok("%s: record %d: report hard-link set equals fls's %d paths %s"
                   % (label, rec, len(t), show(t, 3)))
            else:
                fail("%s: record %d: paths only in report %s; only in fls %s"
                     % (label, rec, show(r - t), show(t - r)))
        elif r is not None:
            other = by_paths.get(frozenset(r))
            if other is not None:
                fail("%s: report set %s has record %s, fls lists these paths under record %d"
                     % (label, show(r, 3), rec, other))
            else:
                fls_recs = {}
                for p in r:
                    for x in alloc.get(p.lstrip("\\").replace("\\", "/"), ()):
                        fls_recs.setdefault(x, []).append(p)
                fail("%s: report hard-link set record %s %s is not a set per fls (fls records of these "
                     "paths: %s)" % (label, rec, show(r), {k: len(v) for k, v in fls_recs.items()} or "none"))
        else:
            if frozenset(t) in {frozenset(p) for p in rep.values()}:
                continue  # reported above as a record mismatch
            fail("%s: fls shows record %d with %d names %s; the report has no such hard-link set"
                 % (label, rec, len(t), show(t)))


# ---------------------------------------------------------------------------------------------
# libfsntfs fsntfsinfo

ENTRY = re.compile(r"^MFT entry: ([0-9]+) information:")
FIELD = re.compile(r"^\t([A-Za-z][^\t:]*?)\t*: ?(.*)$")


def fsntfsinfo(image, offset, entry):
    """-> ({record: {"allocated", "base", "reparse": [{"tag", "substitute", "print"}],
                    "names": [{"parent", "namespace", "name"}]}}, error)"""
    rc, out, err = run(["fsntfsinfo", "-o", str(offset), "-E", str(entry), image])
    if rc != 0:
        return None, "fsntfsinfo -o %d -E %s exited %d: %s" % (offset, entry, rc, err.strip()[-300:])
    entries = {}
    cur = attr = None
    for line in out.splitlines():
        m = ENTRY.match(line)
        if m:
            cur = entries.setdefault(int(m.group(1)), {"allocated": None, "base": None, "reparse": [],
                                                             "names": []})
            attr = None
            continue
        if cur is None:
            continue
        if line.startswith("Attribute:"):
            attr = {}
            continue
        m = FIELD.match(line)
        if not m:
            continue
        key, val = m.group(1).strip(), m.group(2)
        if attr is None:
            if key == "Is allocated":
                cur["allocated"] = val.strip() == "true"
            elif key == "Base record file reference":
                b = val.strip()
                if not b.startswith("Not set"):
                    cur["base"] = int(b.split("-")[0])
            continue
        if key == "Type":
            attr["type"] = val
            if val.startswith("$REPARSE_POINT"):
                cur["reparse"].append(attr)
            elif val.startswith("$FILE_NAME"):
                cur["names"].append(attr)
        elif key == "Parent file reference":
            attr["parent"] = int(val.split("-")[0])
        elif key == "Name space":
            m = re.search(r"\(([0-9]+)\)", val)
            attr["namespace"] = int(m.group(1)) if m else None
        elif key == "Name":
            attr["name"] = val
        elif key == "Tag":
            attr["tag"] = val.strip()
        elif key == "Substitute name":
            attr["substitute"] = val
        elif key == "Print name":
            attr["print"] = val
    return entries, None


def libfsntfs_skew(text):
    """What fsntfsinfo 20200921 (Debian libfsntfs-utils) prints for TEXT: it decodes every UTF-16
    surrogate pair to a code point 0x3FF too low (U+1F600 prints as U+1F201; the image holds D83D DE00).
    Applied to a report name only when the plain comparison fails, and said so in a note."""
    if text is None:
        return None
    return "".join(chr(ord(c) - 0x3FF) if ord(c) > 0xFFFF else c for c in text)


def skewed(names):
    return set((p, libfsntfs_skew(n)) for p, n in names)


def check_hardlinks_lib(label, entries, rvol):
    """Hard-link sets vs the $FILE_NAME attributes fsntfsinfo shows: (parent record, name) pairs of
    every allocated base record with >= 2 names, DOS 8.3 names (namespace 2) left out."""
    lib = {}
    for rec, e in entries.items():
        if e["base"] is not None or not e["allocated"]:
            continue
        names = set((a.get("parent"), a.get("name")) for a in e["names"] if a.get("namespace") != 2)
        if len(names) >= 2:
            lib[rec] = names
    rep = {}
    for s in rvol.get("hardlink_sets", []):
        rep[s.get("record")] = set((n.get("parent_record"), n.get("name")) for n in s.get("names", []))
    if not lib and not rep:
        ok("%s: no hard-link sets, neither in the report nor per fsntfsinfo" % label)
        return
    fmt = lambda names: show(["%s/%s" % pn for pn in names], 3)
    for rec in sorted(set(lib) | set(rep), key=lambda r: r if isinstance(r, int) else -1):
        l, r = lib.get(rec), rep.get(rec)
        if l is None:
            fail("%s: report hard-link set record %s %s: fsntfsinfo shows no allocated record with these "
                 "names" % (label, rec, fmt(r)))
        elif r is None:
            fail("%s: fsntfsinfo shows record %d with %d names (parent/name) %s; the report has no such "
                 "hard-link set" % (label, rec, len(l), fmt(l)))
        elif l != r and l == skewed(r):
            note("%s: record %d: fsntfsinfo decodes the non-BMP names %s 0x3FF too low (libfsntfs defect)"
                 % (label, rec, fmt(sorted(x for x in r if libfsntfs_skew(x[1]) != x[1]))))
            ok("%s: record %d: report hard-link set equals fsntfsinfo's %d $FILE_NAMEs (parent/name), "
               "modulo that defect" % (label, rec, len(l)))
        elif l != r:
            fail("%s: record %d: names (parent/name) only in report %s; only in fsntfsinfo %s"
                 % (label, rec, fmt(r - l), fmt(l - r)))
        else:
            ok("%s: record %d: report hard-link set equals fsntfsinfo's %d $FILE_NAMEs (parent/name)"
               % (label, rec, len(l)))


def check_libfsntfs(label, image, offset, rvol):
    entries, err = fsntfsinfo(image, offset, "all")
    if entries is None:
        fail("%s: %s" % (label, err))
        return
    check_hardlinks_lib(label, entries, rvol)
    lib = {}
    for rec, e in entries.items():
        for a in e["reparse"]:
            base = e["base"] if e["base"] is not None else rec
            alloc = entries.get(base, e)["allocated"]
            lib[base] = (int(a.get("tag", "-1"), 0), alloc)
    rep = {}
    for rp in rvol.get("reparse_points", []):
        rep[rp.get("record")] = rp
    # the set of reparse points, their tags and allocation state
    diffs = []
    for rec in sorted(set(lib) | set(rep), key=lambda r: r if isinstance(r, int) else -1):
        if rec not in rep:
            diffs.append("record %d: fsntfsinfo shows $REPARSE_POINT tag 0x%08x (allocated %s), the report "
                         "has no reparse point" % (rec, lib[rec][0], lib[rec][1]))
        elif rec not in lib:
            diffs.append("record %s (%s): in the report (tag %s), fsntfsinfo shows no $REPARSE_POINT"
                         % (rec, rep[rec].get("path"), rep[rec].get("tag")))
        else:
            tag, alloc = lib[rec]
            rtag = int(str(rep[rec].get("tag")), 0) if rep[rec].get("tag") is not None else None
            if rtag != tag:
                diffs.append("record %d (%s): report tag %s, fsntfsinfo tag 0x%08x"
                             % (rec, rep[rec].get("path"), rep[rec].get("tag"), tag))
            if alloc is not None and rep[rec].get("allocated") != alloc:
                diffs.append("record %d (%s): report allocated=%s, fsntfsinfo allocated=%s"
                             % (rec, rep[rec].get("path"), rep[rec].get("allocated"), alloc))
    if diffs:
        for d in diffs:
            fail("%s: reparse points: %s" % (label, d))
    else:
        ok("%s: the %d records with $REPARSE_POINT per fsntfsinfo are the report's reparse points, "
           "tags and allocation agree" % (label, len(rep)))
    # substitute / print names, one fsntfsinfo -E RECORD per reparse point
    for rec, rp in sorted(rep.items(), key=lambda kv: kv[0] if isinstance(kv[0], int) else -1):
        has_names = rp.get("substitute_name") is not None or rp.get("print_name") is not None
        what = "%s: record %s %s (%s)" % (label, rec, rp.get("path"), rp.get("kind"))
        if not has_names:
            a = (entries.get(rec, {}).get("reparse") or [{}])[0]
            if "substitute" in a or "print" in a:
                note("%s: fsntfsinfo decodes names (%r, %r) the report does not carry"
                     % (what, a.get("substitute"), a.get("print")))
            continue
        one, err = fsntfsinfo(image, offset, rec)
        if one is None:
            fail("%s: %s" % (what, err))
            continue
        attrs = (one.get(rec) or {}).get("reparse") or []
        if not attrs:
            fail("%s: fsntfsinfo -E %s shows no $REPARSE_POINT" % (what, rec))
            continue
        a = attrs[0]
        if "substitute" not in a and "print" not in a:
            note("%s: fsntfsinfo prints no substitute/print name for tag %s; not compared"
                 % (what, a.get("tag")))
            continue
        # fsntfsinfo leaves out an empty name (e.g. the print name of a volume mount point)
        lsub, lprint = a.get("substitute", ""), a.get("print", "")
        rsub, rprint = rp.get("substitute_name") or "", rp.get("print_name") or ""
        if (lsub, lprint) == (rsub, rprint):
            ok("%s: substitute %r, print %r as fsntfsinfo prints" % (what, rsub, rprint))
        elif (lsub, lprint) == (libfsntfs_skew(rsub), libfsntfs_skew(rprint)):
            note("%s: fsntfsinfo decodes non-BMP characters 0x3FF too low (libfsntfs defect)" % what)
            ok("%s: substitute %r, print %r as fsntfsinfo prints, modulo that defect" % (what, rsub, rprint))
        else:
            fail("%s: report substitute %r print %r; fsntfsinfo substitute %r print %r"
                 % (what, rsub, rprint, lsub, lprint))


# ---------------------------------------------------------------------------------------------

def raw_for_libfsntfs(name, form, image):
    """fsntfsinfo reads single raw files only: export an E01 once, join split pieces once."""
    if form == "raw":
        return image
    dst = os.path.join(WORK, "raw", name + ".raw")
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.exists(dst) and os.path.getmtime(dst) >= os.path.getmtime(image):
        return dst
    if form == "ewf":
        if not shutil.which("ewfexport"):
            return None
        target = dst[:-4]
        rc, out, err = run(["ewfexport", "-q", "-u", "-f", "raw", "-t", target, image])
        if rc != 0 or not os.path.exists(dst):
            note("ewfexport %s failed: %s" % (image, err.strip()))
            return None
        return dst
    if form == "split_raw":
        pieces = sorted(glob.glob(image[:-4] + ".[0-9][0-9][0-9]"))
        with open(dst + ".tmp", "wb") as o:
            for p in pieces:
                with open(p, "rb") as i:
                    shutil.copyfileobj(i, o)
        os.replace(dst + ".tmp", dst)
        return dst
    return None


def main():
    exps = sorted(glob.glob(os.path.join(SRC, "fixtures", "*.expect.json"))) + \
        sorted(glob.glob(os.path.join(SRC, "fixtures", "real", "*.expect.json")))
    if not exps:
        fail("no fixtures/*.expect.json under %s" % SRC)
    for exp_path in exps:
        with open(exp_path, encoding="utf-8") as f:
            exp = json.load(f)
        name = exp["fixture"]
        imgdir = os.path.join(IMG, "real") if os.sep + "real" + os.sep in exp_path else IMG
        form = next((f for f in ("raw", "split_raw", "ewf") if exp.get("files", {}).get(f)), None)
        if form is None:
            note("%s: no raw, split raw or E01 form; skipped" % name)
            continue
        image = os.path.join(imgdir, exp["files"][form][:-3] if exp["files"][form].endswith(".gz")
                             else exp["files"][form])
        out = os.path.join(OUT, name + ".json")
        rc, _, err = run([NTFSLINKS, "-q"] + list(exp.get("options") or []) + ["-o", out, image])
        if rc != 0:
            fail("%s: ntfslinks exited %d: %s" % (name, rc, err.strip()))
            continue
        with open(out, encoding="utf-8") as f:
            report = json.load(f)
        rvols = {v.get("offset"): v for v in report.get("volumes", [])}
        libimg = raw_for_libfsntfs(name, form, image)
        for vol in exp.get("volumes", []):
            label = "%s vol %d @%d" % (name, vol["index"], vol["offset"])
            rvol = rvols.get(vol["offset"])
            if rvol is None:
                fail("%s: the report has no volume at offset %d" % (label, vol["offset"]))
                continue
            if vol.get("tsk_can_open", True):
                check_hardlinks(label, image, vol["offset"], rvol)
            else:
                print("skip: %s: hard links vs fls (tsk_can_open: false)" % label)
            if libimg is None:
                print("skip: %s: hard links and reparse points vs fsntfsinfo (no single raw file of %s)" % (label, form))
            else:
                check_libfsntfs(label, libimg, vol["offset"], rvol)
    print("%d checks, %d failed" % (checks, failures))
    return 1 if failures else 0


sys.exit(main())
