#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks --format csv, --format timesketch and the bodyfile's link modes against hand-written expectations.

usage: check_timelines.py csv CSV EXPECT                 (EXPECT: a fixture's expect.json)
       check_timelines.py timesketch JSONL EXPECT
       check_timelines.py bodyfile BODYFILE EXPECT
The counts below come from how the fixtures are built (fixtures/build.sh) and their expect.json, never
from ntfslinks. Prints one line per mismatch and exits 1 when there is any.
"""
import csv
import datetime
import io
import json
import re
import sys

problems = []
COLUMNS = ("volume,row_type,record,sequence,allocated,path,name,namespace,link_count,names,is_directory,size,"
           "reparse_kind,reparse_tag,reparse_tag_name,substitute_name,print_name,target,target_status,target_path,"
           "target_form,target_reason,fn_created,fn_modified,fn_mft_modified,fn_accessed,si_created,si_modified,"
           "si_mft_modified,si_accessed").split(",")
LINK_KINDS = ("junction", "symlink", "lx_symlink", "volume_mount_point")


def fail(msg):
    problems.append(msg)


def check_csv(path, exp):
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        fail("csv starts with a byte order mark")
    lines = raw.split(b"\r\n")
    if lines[-1] != b"" or any(b"\n" in l and l.count(b'"') % 2 == 0 for l in lines[:-1]):
        fail("csv rows do not all end in CRLF")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    if rows[0] != COLUMNS:
        fail("csv header %r" % rows[0][:5])
    for i, r in enumerate(rows[1:], 2):
        if len(r) != len(COLUMNS):
            fail("csv line %d has %d fields" % (i, len(r)))
    rows = [dict(zip(COLUMNS, r)) for r in rows[1:]]
    ev = exp["volumes"][0]
    links = {r["path"]: r for r in rows if r["row_type"] == "hard_link"}
    want = sorted(p for s in ev["hardlink_sets"] for p in s)
    if sorted(links) != want:
        fail("csv hard_link rows %s..., expected %s..." % (sorted(links)[:3], want[:3]))
    reps = {r["path"]: r for r in rows if r["row_type"] == "reparse_point"}
    if sorted(reps) != sorted(r["path"] for r in ev["reparse_points"]):
        fail("csv reparse_point rows %d, expected %d" % (len(reps), len(ev["reparse_points"])))
    for e in ev["reparse_points"]:
        r = reps.get(e["path"])
        if not r:
            continue
        for k, col in (("kind", "reparse_kind"), ("tag", "reparse_tag"), ("substitute_name", "substitute_name"),
                       ("print_name", "print_name")):
            if k in e and r[col] != e[k]:
                fail("csv %s: %s %r, expected %r" % (e["path"], col, r[col], e[k]))
        t = e.get("target") or {}
        if "status" in t and r["target_status"] != t["status"]:
            fail("csv %s: target_status %r, expected %r" % (e["path"], r["target_status"], t["status"]))
        if "path" in t and r["target_path"] != t["path"]:
            fail("csv %s: target_path %r, expected %r" % (e["path"], r["target_path"], t["path"]))
        if "allocated" in e and r["allocated"] != ("true" if e["allocated"] else "false"):
            fail("csv %s: allocated %r" % (e["path"], r["allocated"]))
    for r in rows:
        for c in COLUMNS[22:]:
            if r[c] and not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$", r[c]):
                fail("csv %s: %s %r is not ISO 8601 UTC" % (r["path"], c, r[c]))
        if not r["fn_created"] or not r["si_created"]:
            fail("csv %s: times missing" % r["path"])


def check_timesketch(path, exp):
    ev = exp["volumes"][0]
    by_type = {}
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        o = json.loads(line)
        for k in ("message", "datetime", "timestamp", "timestamp_desc", "data_type", "record", "path"):
            if k not in o:
                fail("timesketch line %d: no %s" % (n, k))
        m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})\+00:00$", o.get("datetime", ""))
        if not m:
            fail("timesketch line %d: datetime %r" % (n, o.get("datetime")))
            continue
        dt = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
        if int(dt.timestamp()) * 1000000 + int(m.group(2)) != o["timestamp"]:
            fail("timesketch line %d: timestamp %r disagrees with datetime" % (n, o["timestamp"]))
        by_type.setdefault(o["data_type"], []).append(o)
    hl = by_type.get("ntfslinks:hardlink", [])
    names = sum(len(s) for s in ev["hardlink_sets"])
    # ntfs-3g sets all four times of every $FILE_NAME and $STANDARD_INFORMATION: 4 per name, 4 per set
    if len(hl) != 4 * names + 4 * len(ev["hardlink_sets"]):
        fail("timesketch: %d hardlink lines, expected %d" % (len(hl), 4 * names + 4 * len(ev["hardlink_sets"])))
    fn = {(o["path"], o["timestamp_desc"]) for o in hl if o["timestamp_desc"].startswith("$FILE_NAME")}
    for s in ev["hardlink_sets"]:
        for p in s:
            for d in ("Creation Time", "Content Modification Time", "Metadata Modification Time", "Last Access Time"):
                if (p, "$FILE_NAME " + d) not in fn:
                    fail("timesketch: no $FILE_NAME %s line for %s" % (d, p))
    rp = by_type.get("ntfslinks:reparse_point", [])
    if len({o["path"] for o in rp}) != len(ev["reparse_points"]):
        fail("timesketch: reparse lines for %d paths, expected %d" % (len({o["path"] for o in rp}), len(ev["reparse_points"])))
    rm = by_type.get("ntfslinks:removed_name", [])
    want_rm = ev.get("removed_names", [])
    if len(rm) != 4 * len(want_rm):
        fail("timesketch: %d removed_name lines, expected %d" % (len(rm), 4 * len(want_rm)))
    for e in want_rm:
        got = [o for o in rm if o.get("name") == e["name"] and o.get("directory_path") == e["directory_path"]]
        if len(got) != 4 or any(o["removed_kind"] != e["kind"] or o["record"] != e["record"] for o in got):
            fail("timesketch: removed name %s: %s" % (e["name"], [(o["removed_kind"], o["record"]) for o in got][:1]))


def check_bodyfile(path, exp):
    ev = exp["volumes"][0]
    modes = {}
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("|")
        if len(f) != 11:
            fail("bodyfile line with %d columns: %r" % (len(f), line[:60]))
            continue
        name = re.sub(r"( \(\$FILE_NAME\))?( -> .*)?( \(deleted\))?$", "", f[1])
        modes.setdefault(name, set()).add(f[3])
    for e in ev["reparse_points"]:
        p = e["path"].replace("\\", "/")
        got = modes.get(p, set())
        dele = "-" if e.get("allocated") is False else "l"
        if e["kind"] in LINK_KINDS:
            if got != {dele + "/lrwxrwxrwx"}:
                fail("bodyfile %s (%s): modes %s, expected %s/lrwxrwxrwx" % (p, e["kind"], sorted(got), dele))
        elif any(m[2] == "l" for m in got):
            fail("bodyfile %s (%s): mode l on a reparse point that is no link" % (p, e["kind"]))
    # named streams, as fls -m lists them: "NAME:STREAM" with the file's record
    inode = {}
    for line in open(path, encoding="utf-8"):
        f = line.split("|")
        inode.setdefault(f[1], f[2])
    for s in ev.get("streams", []):
        p = s.replace("\\", "/")
        base = p.rsplit(":", 1)[0]
        if p not in inode:
            fail("bodyfile: no line for named stream %s" % p)
        elif inode[p] != inode.get(base):
            fail("bodyfile: stream %s has inode %s, its file %s" % (p, inode[p], inode.get(base)))
    for e in ev.get("removed_names", []):
        p = (e["directory_path"] + "\\" + e["name"]).replace("\\", "/")
        lines = [l for l in open(path, encoding="utf-8") if l.split("|")[1] == p + " ($FILE_NAME) (removed: %s)" % e["kind"]]
        if len(lines) != 1:
            fail("bodyfile: %d lines for removed name %s (%s)" % (len(lines), p, e["kind"]))
        elif lines[0].split("|")[2] != str(e["record"] or 0):
            fail("bodyfile: removed name %s has inode %s" % (p, lines[0].split("|")[2]))


def main(argv):
    kind, path, exp = argv[0], argv[1], json.load(open(argv[2], encoding="utf-8"))
    {"csv": check_csv, "timesketch": check_timesketch, "bodyfile": check_bodyfile}[kind](path, exp)
    for p in problems:
        print("MISMATCH:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
