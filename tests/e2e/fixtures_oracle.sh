#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Check the hand-written fixture expectations (fixtures/*.expect.json) against
# independent readers: The Sleuth Kit (fls, istat, img_stat, mmls), libfsntfs
# (fsntfsinfo) and libewf (ewfinfo). This validates the fixtures themselves, so the
# end-to-end tests of ntfslinks can trust them.
#
# Automake test: exit 0 pass, 1 fail, 77 skip. Environment: top_srcdir, top_builddir.
# Optional: FIXTURES_EXPECT_DIR overrides where *.expect.json are read from (used to
# prove the oracle fails on a wrong expectation). NTFSLINKS_FIXTURES_NO_REAL=1 leaves out
# fixtures/real (about 1.3 GB of disk once unpacked).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 || true)

for t in fls istat img_stat mmls; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "SKIP: $t (sleuthkit) not installed"
        exit 77
    fi
done
if [ -z "$PY" ]; then
    echo "SKIP: no python3 to read the expectations"
    exit 77
fi

WORKDIR=$top_builddir/tests/work/fixtures
if ! sh "$top_srcdir/fixtures/unpack.sh" "$WORKDIR"; then
    echo "FAIL: fixtures/unpack.sh $WORKDIR"
    exit 1
fi

exec "$PY" - "$top_srcdir/fixtures" "$WORKDIR" "${FIXTURES_EXPECT_DIR:-}" <<'PYEOF'
import glob
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import uuid

SRC, WORK, EXPECT_DIR = sys.argv[1], sys.argv[2], sys.argv[3] or None
failures = []
checks = 0


def ok(msg):
    global checks
    checks += 1
    print("  ok   %s" % msg)


def fail(msg):
    failures.append(msg)
    print("  FAIL %s" % msg)


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode("utf-8", "surrogateescape"), p.stderr.decode("utf-8", "replace")


def unpacked(workdir, name):
    """Committed file name -> path of the unpacked file."""
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.join(workdir, name)


FLS_LINE = re.compile(r"^(\S+) (?:(\*) )?([0-9]+)(?:-[0-9]+-[0-9]+)?(?:\(realloc\))?:\t(.*)$")


def fls(image, sector):
    rc, out, err = run(["fls", "-r", "-p", "-o", str(sector), image])
    if rc != 0:
        return None, err.strip()
    entries = []  # (type, deleted, record, path)
    for line in out.splitlines():
        m = FLS_LINE.match(line)
        if m:
            entries.append((m.group(1), m.group(2) == "*", int(m.group(3)), m.group(4)))
    return entries, ""


def fwd(path):
    return path.lstrip("\\").replace("\\", "/")


def is_meta(path):
    top = path.split("/")[0]
    return top.startswith("$") or ":" in path


def check_volume_fls(label, image, vol, full):
    """full: also check completeness (names, hard-link sets, reparse points)."""
    sector = vol["offset"] // 512
    entries, err = fls(image, sector)
    if entries is None:
        fail("%s: fls -o %d cannot open %s: %s" % (label, sector, image, err))
        return
    alloc = {}
    deleted = {}
    for typ, dele, rec, path in entries:
        (deleted if dele else alloc).setdefault(path, []).append((typ, rec))
    names = vol.get("names", [])
    missing = [n for n in names if fwd(n) not in alloc]
    for n in missing:
        fail("%s: name %s not listed (allocated) by fls" % (label, n))
    if not missing:
        ok("%s: all %d names listed by fls" % (label, len(names)))
    dmiss = [n for n in vol.get("deleted_names", []) if fwd(n) not in deleted]
    for n in dmiss:
        fail("%s: deleted name %s not listed as deleted (*) by fls" % (label, n))
    for n in vol.get("deleted_names", []):
        if fwd(n) in alloc:
            fail("%s: deleted name %s is listed as allocated by fls" % (label, n))
    if vol.get("deleted_names") and not dmiss:
        ok("%s: all %d deleted names listed as deleted" % (label, len(vol["deleted_names"])))
    # a stale target's deleted_path is a deleted entry that fls lists, and every part of the target
    # path beyond it is not listed at all (so it is the deepest deleted record that held the path)
    for r in vol.get("reparse_points", []):
        t = r.get("target") or {}
        dp = t.get("deleted_path")
        if not dp:
            continue
        if fwd(dp) not in deleted or fwd(dp) in alloc:
            fail("%s: %s: deleted_path %s is not a deleted entry for fls" % (label, r["path"], dp))
        deeper = [q for q in deleted if q.startswith(fwd(dp) + "/") and fwd(t["path"]).startswith(q)]
        if deeper:
            fail("%s: %s: fls lists deeper deleted entries %s than deleted_path %s" % (label, r["path"], deeper, dp))
        if not deeper and fwd(dp) in deleted:
            ok("%s: %s: deepest deleted entry on its target path is %s" % (label, r["path"], dp))
    # hard-link sets: every path present, one record per set, distinct records
    set_records = {}
    for s in vol.get("hardlink_sets", []):
        recs = set()
        for p in s:
            for typ, rec in alloc.get(fwd(p), []):
                recs.add(rec)
            if fwd(p) not in alloc:
                fail("%s: hard link %s not listed by fls" % (label, p))
        if len(recs) != 1:
            fail("%s: hard-link set %s spans records %s" % (label, s[:3], sorted(recs)))
        else:
            r = recs.pop()
            if r in set_records:
                fail("%s: hard-link sets %s and %s share record %d" % (label, set_records[r][:2], s[:2], r))
            set_records[r] = s
            ok("%s: %d names share record %d (%s ...)" % (label, len(s), r, s[0]))
    if not full:
        return
    # completeness: every allocated non-metafile path fls shows is expected
    expected = set(fwd(n) for n in names)
    extra = sorted(p for p in alloc if not is_meta(p) and p not in expected)
    for p in extra:
        fail("%s: fls lists %s, which the expectation does not name" % (label, p))
    if not extra:
        ok("%s: no unexpected names" % label)
    by_rec = {}
    for p, lst in alloc.items():
        if is_meta(p):
            continue
        for typ, rec in lst:
            by_rec.setdefault(rec, set()).add(p)
    for rec, paths in sorted(by_rec.items()):
        if len(paths) > 1:
            s = set_records.get(rec)
            if s is None or set(fwd(x) for x in s) != paths:
                fail("%s: record %d has names %s, not an expected hard-link set" % (label, rec, sorted(paths)[:4]))
    ok("%s: hard-link sets complete (%d)" % (label, len(set_records)))
    # reparse points: istat shows $REPARSE_POINT exactly on the expected records
    rp_paths = {fwd(r["path"]): r for r in vol.get("reparse_points", [])}
    seen = set()
    bad = 0
    for p, lst in sorted(alloc.items()):
        if is_meta(p):
            continue
        typ, rec = lst[0]
        if rec in seen:
            continue
        seen.add(rec)
        rc, out, err = run(["istat", "-o", str(sector), image, str(rec)])
        has = "$REPARSE_POINT" in out
        want = p in rp_paths or any(p2 in rp_paths for p2 in by_rec.get(rec, ()))
        if rc != 0:
            fail("%s: istat %d (%s) failed: %s" % (label, rec, p, err.strip())); bad += 1
        elif has != want:
            fail("%s: %s (record %d): $REPARSE_POINT %s but expectation says %s"
                 % (label, p, rec, "present" if has else "absent", "reparse point" if want else "none")); bad += 1
        elif want:
            r = rp_paths[p]
            isdir = typ.startswith("d/") or "/d" in typ
            if r.get("is_directory") is not None and isdir != r["is_directory"]:
                fail("%s: %s is_directory=%s but fls type is %s" % (label, p, r["is_directory"], typ)); bad += 1
            if r.get("allocated") is False:
                fail("%s: %s is listed allocated but expectation says allocated=false" % (label, p)); bad += 1
            for msg in check_reparse_bytes(image, sector, rec, r):
                fail("%s: %s (record %d): %s" % (label, p, rec, msg)); bad += 1
    for p in rp_paths:
        if p not in alloc and not rp_paths[p].get("allocated") is False:
            fail("%s: reparse point %s not listed by fls" % (label, p)); bad += 1
    if not bad:
        ok("%s: $REPARSE_POINT on exactly the %d expected records; tags and decoded fields match" % (label, len(rp_paths)))
    # sizes of the unnamed $DATA stream
    for p, size in sorted(vol.get("file_sizes", {}).items()):
        recs = alloc.get(fwd(p))
        if not recs:
            fail("%s: %s (file_sizes) not listed" % (label, p)); continue
        rc, out, err = run(["istat", "-o", str(sector), image, str(recs[0][1])])
        m = re.search(r"^Type: \$DATA \(128-\d+\)\s+Name: N/A\s.*?size: (\d+)", out, re.M)
        if not m or int(m.group(1)) != size:
            fail("%s: %s $DATA size is %s, expected %d" % (label, p, m and m.group(1), size))
        else:
            ok("%s: %s is %d bytes" % (label, p, size))
    # 300-name style files: an $ATTRIBUTE_LIST must be present where promised
    for p in vol.get("attribute_list", []):
        recs = alloc.get(fwd(p))
        if not recs:
            fail("%s: %s (attribute_list) not listed" % (label, p)); continue
        rc, out, err = run(["istat", "-o", str(sector), image, str(recs[0][1])])
        if "$ATTRIBUTE_LIST" in out:
            ok("%s: %s (record %d) has an $ATTRIBUTE_LIST" % (label, p, recs[0][1]))
        else:
            fail("%s: %s (record %d) has no $ATTRIBUTE_LIST" % (label, p, recs[0][1]))


def check_reparse_bytes(image, sector, rec, r):
    """Read the $REPARSE_POINT value with icat and compare it with the expectation."""
    p = subprocess.run(["icat", "-o", str(sector), image, "%d-192" % rec], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    b = p.stdout
    if p.returncode != 0 or len(b) < 8:
        return ["icat %d-192 failed: %s" % (rec, p.stderr.decode(errors="replace").strip())]
    tag, dlen = struct.unpack_from("<IH", b, 0)
    errs = []
    if "tag" in r and int(r["tag"], 16) != tag:
        errs.append("tag is %#010x, expected %s" % (tag, r["tag"]))
    kind = r.get("kind")
    if kind in ("junction", "volume_mount_point", "symlink"):
        so, sl, po, pl = struct.unpack_from("<HHHH", b, 8)
        base = 16
        if tag == 0xA000000C:
            flags = struct.unpack_from("<I", b, 16)[0]
            base = 20
            if "relative" in r and bool(flags & 1) != r["relative"]:
                errs.append("relative flag is %d, expected %s" % (flags & 1, r["relative"]))
        sub = b[base + so:base + so + sl].decode("utf-16-le")
        prn = b[base + po:base + po + pl].decode("utf-16-le")
        if sub != r.get("substitute_name", sub):
            errs.append("substitute name %r, expected %r" % (sub, r["substitute_name"]))
        if prn != r.get("print_name", prn):
            errs.append("print name %r, expected %r" % (prn, r["print_name"]))
    d = r.get("details", {})
    if kind == "lx_symlink" and "target" in d:
        t = b[12:8 + dlen].decode("utf-8")
        if t != d["target"]:
            errs.append("LX target %r, expected %r" % (t, d["target"]))
    if kind == "app_exec_link":
        strs = b[12:8 + dlen].decode("utf-16-le").split("\0")
        for i, k in enumerate(("package_id", "app_user_model_id", "target_path", "app_type")):
            if k in d and (len(strs) <= i or strs[i] != d[k]):
                errs.append("%s %r, expected %r" % (k, strs[i] if len(strs) > i else None, d[k]))
    if kind == "wof":
        v, prov, fv, alg = struct.unpack_from("<IIII", b, 8)
        if (prov, alg) != (d.get("provider", prov), d.get("algorithm", alg)):
            errs.append("WOF provider/algorithm %d/%d, expected %s/%s" % (prov, alg, d.get("provider"), d.get("algorithm")))
    if kind == "third_party" and "guid" in d:
        g = "{%s}" % uuid.UUID(bytes_le=bytes(b[8:24]))
        if g.lower() != d["guid"].lower():
            errs.append("GUID %s, expected %s" % (g, d["guid"]))
    return errs


def check_geometry(label, image, vol, is_ewf):
    """Label, cluster and record size: fsntfsinfo (libfsntfs) on raw forms, fsstat (TSK) on E01."""
    if is_ewf or not shutil.which("fsntfsinfo"):
        if not vol.get("tsk_can_open", True):
            return
        rc, out, err = run(["fsstat", "-o", str(vol["offset"] // 512), image])
        def field(name):
            m = re.search(r"^%s:\s*(.*)$" % re.escape(name), out, re.M)
            return m.group(1).strip() if m else None
        got = {"label": field("Volume Name"), "cluster_size": field("Cluster Size"), "record_size": None}
        tool = "fsstat"
    else:
        rc, out, err = run(["fsntfsinfo", "-o", str(vol["offset"]), image])
        def field(name):
            m = re.search(r"^\s*%s\s*:\s*(.*)$" % re.escape(name), out, re.M)
            return m.group(1).strip() if m else None
        got = {"label": field("Name"), "cluster_size": field("Cluster block size"), "record_size": field("MFT entry size")}
        tool = "fsntfsinfo"
    if got["cluster_size"] is None:
        fail("%s: %s could not read the volume: %s" % (label, tool, (err or out).strip()[-200:]))
        return
    for k in ("label", "cluster_size", "record_size"):
        if got[k] is not None and k in vol and str(vol[k]) != got[k]:
            fail("%s: %s is %r per %s, expectation says %r" % (label, k, got[k], tool, vol[k]))
            return
    ok("%s: %s label=%s cluster=%s record=%s" % (label, tool, got["label"], got["cluster_size"], got["record_size"]))


def check_names_fsntfsinfo(label, image, vol):
    """For volumes TSK cannot open: the allocated hierarchy per libfsntfs (fsntfsinfo -H)."""
    if not shutil.which("fsntfsinfo"):
        return
    rc, out, err = run(["fsntfsinfo", "-H", "-o", str(vol["offset"]), image])
    listed = set(l.strip() for l in out.splitlines() if l.startswith("\\"))
    if rc != 0 or not listed:
        fail("%s: fsntfsinfo -H failed: %s" % (label, err.strip()[-200:]))
        return
    missing = [n for n in vol.get("names", []) if n not in listed]
    for n in missing:
        fail("%s: name %s not listed by fsntfsinfo -H" % (label, n))
    extra = sorted(p for p in listed if not p.split("\\")[1].startswith("$") and ":" not in p
                   and p not in vol.get("names", []) and p != "\\")
    for p in extra:
        fail("%s: fsntfsinfo -H lists %s, which the expectation does not name" % (label, p))
    if not missing and not extra:
        ok("%s: fsntfsinfo -H lists exactly the %d expected names" % (label, len(vol.get("names", []))))


def raw_copy(image, workdir):
    cache = os.path.join(workdir, "cache")
    os.makedirs(cache, exist_ok=True)
    out = os.path.join(cache, os.path.basename(image) + ".img")
    if os.path.exists(out) and os.path.getmtime(out) > os.path.getmtime(image):
        return out
    p = subprocess.run(["sh", "-c", 'img_cat "$1" | cp --sparse=always /dev/stdin "$2"', "sh", image, out + ".tmp"])
    if p.returncode != 0:
        fail("img_cat %s failed" % image)
        return image
    os.replace(out + ".tmp", out)
    return out


def md5_of(path):
    h = hashlib.md5()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def check_ewf(label, image, exp, raw_md5, segments=None, meta=None):
    rc, out, err = run(["img_stat", image])
    if rc != 0 or "ewf" not in out:
        fail("%s: img_stat cannot open %s as ewf: %s" % (label, image, err.strip()))
        return
    ok("%s: img_stat opens %s (ewf)" % (label, os.path.basename(image)))
    if segments is not None:
        paths = [os.path.join(os.path.dirname(image), s) for s in segments]
        missing = [p for p in paths if not os.path.exists(p)]
        if len(segments) < 2 or missing:
            fail("%s: multi-segment EWF needs >1 segment, have %s, missing %s" % (label, segments, missing))
        else:
            ok("%s: %d segment files" % (label, len(segments)))
        sib = sorted(glob.glob(image[:-2] + "[0-9][0-9]"))
        if [os.path.basename(s) for s in sib] != list(segments):
            fail("%s: segment files on disk %s differ from expectation %s" % (label, [os.path.basename(s) for s in sib], segments))
    if shutil.which("ewfinfo"):
        rc, out, err = run(["ewfinfo", image])
        keys = {"case_number": "Case number", "examiner": "Examiner name", "evidence_number": "Evidence number",
                "description": "Description", "notes": "Notes"}
        for k, v in (meta or {}).items():
            m = re.search(r"^\s*%s:\s*(.*)$" % re.escape(keys.get(k, k)), out, re.M)
            if not m or m.group(1).strip() != v:
                fail("%s: ewfinfo %s is %r, expected %r" % (label, k, m and m.group(1).strip(), v))
        if meta:
            ok("%s: ewf metadata (%s)" % (label, ", ".join(sorted(meta))))
        m = re.search(r"^\s*MD5:\s*([0-9a-f]{32})", out, re.M)
        if raw_md5 and m:
            if m.group(1) != raw_md5:
                fail("%s: stored MD5 %s differs from the raw form's %s" % (label, m.group(1), raw_md5))
            else:
                ok("%s: stored MD5 equals the raw form's" % label)


def check_mmls(label, image, parts):
    rc, out, err = run(["mmls", image])
    if rc != 0:
        fail("%s: mmls cannot read %s: %s" % (label, image, err.strip()))
        return
    rows = []
    for line in out.splitlines():
        m = re.match(r"^\s*\d+:\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(.*)$", line)
        if m and m.group(1) not in ("Meta", "-------"):
            rows.append((m.group(1), int(m.group(2)), int(m.group(4)), m.group(5).strip()))
    if len(rows) != len(parts):
        fail("%s: mmls lists %d partitions %s, expected %d" % (label, len(rows), rows, len(parts)))
    for p in parts:
        start = p["offset"] // 512
        hit = [r for r in rows if r[1] == start]
        if not hit:
            fail("%s: no partition at sector %d (offset %d) in mmls" % (label, start, p["offset"]))
            continue
        slot, _, length, desc = hit[0]
        if "slot" in p and p["slot"] != slot:
            fail("%s: partition at sector %d has slot %s, expected %s" % (label, start, slot, p["slot"]))
        if "size" in p and p["size"] != length * 512:
            fail("%s: partition at sector %d has %d bytes, expected %d" % (label, start, length * 512, p["size"]))
        if "description" in p and p["description"] not in desc:
            fail("%s: partition at sector %d is %r, expected %r" % (label, start, desc, p["description"]))
        ok("%s: mmls partition %s at sector %d: %s (ntfs=%s)" % (label, slot, start, desc, p.get("ntfs")))


def check_mft(label, path, vol):
    with open(path, "rb") as f:
        data = f.read()
    rs = vol.get("record_size", 1024)
    if data[:4] != b"FILE" or len(data) % rs:
        fail("%s: %s is not a $MFT (signature %r, size %d)" % (label, path, data[:4], len(data)))
        return
    n = len(data) // rs
    sig = sum(1 for i in range(n) if data[i * rs:i * rs + 4] == b"FILE")
    ok("%s: $MFT file, %d records of %d bytes, %d with FILE signature" % (label, n, rs, sig))


def check_fixture(expect_path, workdir, srcdir):
    with open(expect_path, encoding="utf-8") as f:
        exp = json.load(f)
    name = exp["fixture"]
    files = exp["files"]
    print("fixture %s (%s)" % (name, os.path.basename(expect_path)))
    for k, v in files.items():
        for fn in (v if isinstance(v, list) else [v]):
            if not os.path.exists(os.path.join(srcdir, fn)):
                fail("%s: committed file %s missing" % (name, fn))
    vols = exp["volumes"]
    raw_md5 = None
    forms = []
    if "raw" in files:
        forms.append(("raw", unpacked(workdir, files["raw"])))
        if "split_raw" in files or "ewf" in files or "ewf_multi" in files:
            raw_md5 = md5_of(forms[-1][1])
    if "split_raw" in files:
        forms.append(("split_raw", unpacked(workdir, files["split_raw"])))
        pieces = [unpacked(workdir, p) for p in files.get("split_raw_pieces", [files["split_raw"]])]
        h = hashlib.md5()
        for p in pieces:
            with open(p, "rb") as f:
                h.update(f.read())
        if raw_md5 and h.hexdigest() != raw_md5:
            fail("%s: split pieces do not concatenate to the raw image" % name)
        elif raw_md5:
            ok("%s: %d split pieces concatenate to the raw image" % (name, len(pieces)))
    if "ewf" in files:
        forms.append(("ewf", os.path.join(workdir, files["ewf"])))
    if "ewf_multi" in files:
        forms.append(("ewf_multi", os.path.join(workdir, files["ewf_multi"])))
    meta = exp.get("ewf_metadata", {})
    for form, img in forms:
        if form == "ewf":
            check_ewf("%s[%s]" % (name, form), img, exp, raw_md5, None, meta.get(files["ewf"]))
        if form == "ewf_multi":
            check_ewf("%s[%s]" % (name, form), img, exp, raw_md5, files.get("ewf_multi_segments", []),
                      meta.get(files["ewf_multi"]))
    if "partitions" in exp:
        img = forms[0][1]
        check_mmls("%s[%s]" % (name, forms[0][0]), img, exp["partitions"])
    for vol in vols:
        for i, (form, img) in enumerate(forms):
            label = "%s[%s] volume %d @%d" % (name, form, vol["index"], vol["offset"])
            if i == 0:
                check_geometry(label, img, vol, form.startswith("ewf"))
            if vol.get("tsk_can_open", True):
                full = (i == 0) and vol.get("names_complete", True)
                if full and form.startswith("ewf"):
                    # the completeness checks run istat once per record: on a raw copy
                    # (img_cat) rather than reopening the E01 every time
                    img = raw_copy(img, workdir)
                check_volume_fls(label, img, vol, full=full)
            elif i == 0:
                entries, err = fls(img, vol["offset"] // 512)
                check_names_fsntfsinfo(label, img, vol)
                if entries is None:
                    ok("%s: TSK cannot open it, as expected (%s)" % (label, err.splitlines()[0] if err else ""))
                else:
                    print("  note %s: TSK opens it now although tsk_can_open is false" % label)
    if "mft" in files:
        check_mft(name + "[mft]", unpacked(workdir, files["mft"]), vols[0])


edir = EXPECT_DIR or SRC
expects = sorted(glob.glob(os.path.join(edir, "*.expect.json")))
real = sorted(glob.glob(os.path.join(edir, "real", "*.expect.json")))
if not expects:
    print("FAIL: no *.expect.json in %s" % edir)
    sys.exit(1)
for e in expects:
    check_fixture(e, WORK, SRC)
for e in real:
    if os.environ.get("NTFSLINKS_FIXTURES_NO_REAL"):
        print("fixture %s: skipped (NTFSLINKS_FIXTURES_NO_REAL)" % os.path.basename(e))
        continue
    check_fixture(e, os.path.join(WORK, "real"), os.path.join(SRC, "real"))

print()
if failures:
    print("FAIL: %d of %d checks failed on %d fixtures:" % (len(failures), len(failures) + checks, len(expects) + len(real)))
    for f in failures:
        print("  - " + f)
    sys.exit(1)
print("PASS: %d checks on %d fixtures" % (checks, len(expects) + len(real)))
sys.exit(0)
PYEOF
