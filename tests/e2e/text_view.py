#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The text view (issue 16) and --only in every format, on images whose content is known by construction.

textview.mft is an extracted $MFT built here (tests/hostile/ntfsedit.py) with long names, a 120-character
component, spaces, CJK names, a stale junction behind a long path, a good one, and hard-link sets of the three
groups: across user profiles / top-level folders, within one folder (13 of them, more than the view lists), and
the component store's. The expectations below are written from that construction, not from ntfslinks' output.
Checks:
  - COLUMNS=60, 100 (unset: the default), 200 and 20 (clamped to 40): no line wider than the width (columns as
    a terminal counts them: East Asian wide characters 2), so no exception is needed: a word longer than a line
    is broken at a path separator, else at the line's end, onto a continuation line;
  - every record number of the JSON report appears whole ("record N") in the text, and every path and reason
    appears whole once the wrapping is undone (no ellipsis, nothing dropped);
  - the order of the sections and of the set groups; the cut list's hint runs as printed and shows the rest;
  - the context: drive letter and its source, owner and writable_by, the folders' writable_by that differ;
  - --only stale|links|sets|findings (and a comma list, and a repeated option) in json, ndjson, text, csv,
    timesketch, bodyfile and dot: exactly the records expected, stats and exit status unchanged, the JSON
    keeping every key; an unknown value is a usage error (exit 1).
"""
import csv
import io
import json
import os
import re
import shlex
import subprocess
import sys
import unicodedata

SRC = os.path.abspath(os.environ.get("top_srcdir", "."))
BUILD = os.path.abspath(os.environ.get("top_builddir", "."))
NTFSLINKS = os.path.abspath(os.environ.get("NTFSLINKS", os.path.join(BUILD, "ntfslinks")))
WORK = os.path.join(BUILD, "tests", "work", "text_view")
FIXTURES = os.path.join(BUILD, "tests", "work", "fixtures")
sys.path.insert(0, os.path.join(SRC, "tests", "hostile"))
import ntfsedit as E  # noqa: E402

failures = 0


def check(ok, what):
    global failures
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        failures += 1


def reparse_value(tag, data):
    return E.struct.pack("<IHH", tag, len(data), 0) + data


def junction_value(target):
    sub, prn = ("\\??\\" + target).encode("utf-16-le"), target.encode("utf-16-le")
    body = E.struct.pack("<HHHH", 0, len(sub), len(sub) + 2, len(prn)) + sub + b"\0\0" + prn + b"\0\0"
    return reparse_value(0xA0000003, body)


LONG = "a" * 120                      # one component wider than a 60- or 100-column line
GONE = "C:\\Program Files\\Gone Away\\" + "b" * 90 + "\\bin"
# (record, parent, name, is_dir, more names [(parent, name)], reparse target)
TREE = [
    (16, 5, "Users", True, [], None),
    (17, 16, "alice", True, [], None),
    (18, 16, "bob", True, [], None),
    (19, 5, "Program Files", True, [], None),
    (20, 19, "Vendor Application With A Rather Long Name", True, [], None),
    (21, 17, LONG, True, [], None),
    (22, 21, "shared report.txt", False, [(18, "copy of the shared report.txt")], None),  # across profiles
    (23, 20, "tool.exe", False, [(20, "tool-old.exe")], None),                      # within one folder
    (24, 5, "Windows", True, [], None),
    (25, 24, "WinSxS", True, [], None),
    (26, 24, "System32", True, [], None),
    (27, 25, "x.dll", False, [(26, "x.dll")], None),                                  # the component store
    (28, 21, "link to the old vendor folder", True, [], GONE),                        # stale: Program Files\Gone Away
    (29, 18, "alice", True, [], "C:\\Users\\alice"),                                  # ok
    (30, 18, "文档资料", True, [], None),
    (31, 30, "报告.txt", False, [(19, "报告.txt")], None),                              # across top-level folders
    (32, 5, "Data", True, [], None),
] + [(33 + i, 32, "f%02d.a" % i, False, [(32, "f%02d.b" % i)], None) for i in range(12)]  # within one folder
SETS = {22, 23, 27, 31} | set(range(33, 45))
ACROSS, WITHIN, STORE = {22, 31}, {23} | set(range(33, 45)), {27}
LINKS, STALE = {28, 29}, {28}


def build_mft(path):
    recs = [E.make_record(n, 1024, 5, "$MFT" if n == 0 else "." if n == 5 else "$meta%d" % n, is_dir=(n == 5))
            for n in range(16)]
    for n, parent, name, is_dir, more, target in TREE:
        extra = [(E.AT_FILE_NAME, E.file_name_value(p, nm)) for p, nm in more]
        if target:
            extra.append((E.AT_REPARSE_POINT, junction_value(target)))
        recs.append(E.make_record(n, 1024, parent, name, is_dir=is_dir, extra=extra))
    with open(path, "wb") as f:
        f.write(b"".join(recs))


def run(args, cwd, env_columns=None, stdout_file=None):
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    if env_columns is not None:
        env["COLUMNS"] = str(env_columns)
    p = subprocess.run(["ntfslinks"] + args, executable=NTFSLINKS, cwd=cwd, env=env, capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def columns(line):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def squash(s):
    return re.sub(r"\s+", "", s)


def json_records(rep):
    """(sets, links, findings' records) of a JSON report, all volumes."""
    sets, links, named = set(), set(), set()
    for v in rep["volumes"]:
        sets |= {s["record"] for s in v.get("hardlink_sets", [])}
        links |= {r["record"] for r in v.get("reparse_points", [])} | {r["record"] for r in v.get("posix_links", [])}
        for f in v.get("findings", []):
            named |= set(f["records"])
    return sets, links, named


def text_checks(img, cwd, rep):
    paths = [n["path"] for s in rep["volumes"][0]["hardlink_sets"] for n in s["names"]]
    paths += [r["path"] for r in rep["volumes"][0]["reparse_points"]]
    reasons = [r["target"]["reason"] for r in rep["volumes"][0]["reparse_points"]]
    records = sorted(json_records(rep)[0] | json_records(rep)[1])
    for cols, width in ((60, 60), (None, 100), (200, 200), (20, 40)):
        label = "COLUMNS=%s" % cols if cols is not None else "COLUMNS unset"
        for extra in ([], ["--all"]):
            rc, out, err = run(["--format", "text"] + extra + [img], cwd, cols)
            lines = out.split("\n")
            widest = max(columns(line) for line in lines)
            check(rc == 0 and widest <= width, "%s %s: exit %d, widest line %d columns (width %d)"
                  % (label, " ".join(extra), rc, widest, width))
            if not extra:
                continue
            missing = [r for r in records if not re.search(r"\brecord %d\b" % r, out)]
            check(not missing, "%s --all: every record number of the JSON appears whole (%d; missing %s)"
                  % (label, len(records), missing))
            flat = squash(out)
            lost = [p for p in paths + reasons if squash(p) not in flat]
            check(not lost and "…" not in out, "%s --all: every path and reason appears whole (%d; lost %s)"
                  % (label, len(paths + reasons), lost[:3]))
    rc, out, _ = run(["--format", "text", img], cwd)
    order = [out.find(h) for h in ("\n  Stale links (1)\n", "\n  Other links (1): 1 junction\n",
                                    "\n  Hard-link sets (16): 2 across folders or profiles, 13 within one folder, 1 in "
                                    "the component store\n", "    Across top-level folders or user profiles (2)\n",
                                    "    Within one top-level folder (13)\n",
                                    "    Component store (\\Windows\\WinSxS with System32, SysWOW64 and \\Windows) (1)\n",
                                    "\n  Anomalies (")]
    check(-1 not in order and order == sorted(order), "sections in order: stale, other links, sets across, within, "
          "component store, anomalies (%s)" % order)
    # the groups hold the sets they should, in the order most names, then size, then record
    def group(title):
        start = out.find(title)
        if start < 0:
            return []
        body = out[start + len(title):]
        nxt = re.search(r"^ {4}[A-Z]|^$", body, re.M)  # the next group's heading, or the section's end
        return [int(m) for m in re.findall(r"^      record (\d+):", body[:nxt.start()] if nxt else body, re.M)]
    check(sorted(group("Across top-level folders")) == sorted(ACROSS), "across: records %s" % sorted(ACROSS))
    check(group("Component store (") == sorted(STORE), "component store: records %s" % sorted(STORE))
    within = group("Within one top-level folder")
    check(len(within) == 10 and set(within) <= WITHIN, "within one folder: the first 10 of 13 listed (%s)" % within)
    m = re.search(r"^      \.\.\. 3 more sets within one folder: (.*(?:\n {10}.*)*)", out, re.M)
    check(m is not None, "the cut says how many are left and the command")
    if m:
        cmd = shlex.split(" ".join(m.group(1).split("\n")))
        check(cmd[1:] == ["--only", "sets", "--all", "--format", "text", os.path.basename(img)],
              "the command: %s" % cmd)
        p = subprocess.run(["ntfslinks"] + cmd[1:], executable=NTFSLINKS, cwd=cwd, capture_output=True, timeout=60, text=True)
        shown = {int(x) for x in re.findall(r"^      record (\d+):", p.stdout, re.M)}
        check(p.returncode == 0 and shown == SETS and "more" not in p.stdout and "Stale links" not in p.stdout,
              "the command runs and lists all 16 sets, nothing else (%s)" % sorted(shown))
    stale = re.search(r"\n  Stale links \(1\)\n(.*?)\n\n", out, re.S)
    check(stale is not None and "record 28" in stale.group(1) and
          squash("\\Program Files\\Gone Away does not exist") in squash(stale.group(1)),
          "the stale junction with its whole reason")


def tty_checks():
    """Without COLUMNS, on a terminal: the terminal's own width (TIOCGWINSZ), here a pseudo-terminal 73 wide."""
    import fcntl
    import pty
    import struct
    import termios
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 73, 0, 0))
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    p = subprocess.Popen(["ntfslinks", "-q", "demo.E01"], executable=NTFSLINKS, cwd=FIXTURES, env=env,
                         stdout=slave, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        try:
            b = os.read(master, 65536)
        except OSError:
            break
        if not b:
            break
        chunks.append(b)
    rc = p.wait(timeout=60)
    os.close(master)
    lines = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
    widest = max(columns(line) for line in lines)
    check(rc == 0 and "Stale links (2)" in "\n".join(lines) and 60 < widest <= 73,
          "on a 73-column terminal without COLUMNS: the text view, widest line %d" % widest)


def acl_checks():
    """Owner, writable_by and the folders' writable_by on acl.raw (README "Hard links and ACLs")."""
    rc, out, _ = run(["--format", "text", "acl.raw"], FIXTURES)
    user = "S-1-5-21-1004336348-1177238915-682003330-1001"
    block = out[out.find("record 66:"):]
    block = block[:block.find("record 67:")]
    flat = " ".join(block.split())
    check(rc == 0 and ("owner %s; writable by %s" % (user, user)) in flat, "acl: set 66's owner and writable_by")
    check(re.search(r"\\public\\report\.txt folder writable by Everyone, NT AUTHORITY\\Authenticated Users, "
                    r"BUILTIN\\Users, NT AUTHORITY\\INTERACTIVE", flat) is not None and
          ("\\private\\report.txt folder writable by %s" % user) in flat, "acl: the two folders' writable_by differ")
    link = out[out.find("\\public\\to-report"):]
    check("owner BUILTIN\\Administrators; writable by BUILTIN\\Users" in " ".join(link.split()[:20]),
          "acl: the symlink's owner and writable_by")
    rc, out, _ = run(["--format", "text", "registry-mbr.raw"], FIXTURES)
    check("Volume 0 at byte 1048576, 8.0 MiB, drive C: (registry)" in out and
          "Volume 1 at byte 9437184, 8.0 MiB, drive D: (registry)" in out, "registry-mbr: drive letters from the registry")
    rc, out, _ = run(["--format", "text", "--drive", "E=1", "registry-mbr.raw"], FIXTURES)
    check("drive E: (--drive)" in out, "registry-mbr --drive E=1: the letter from the option")
    rc, out, _ = run(["--format", "text", "demo.E01"], FIXTURES)
    check("drive C: (inferred)" in out, "demo: drive C: inferred")


def records_of(fmt, out):
    """(sets, links, other) records a view shows, read the way each format writes them."""
    sets, links, other = set(), set(), set()
    if fmt in ("json", "ndjson"):
        objs = [json.loads(line) for line in out.splitlines() if line] if fmt == "ndjson" else None
        if fmt == "json":
            s, l, n = json_records(json.loads(out))
            return s, l, n
        for o in objs:
            t = o.get("type")
            if t == "hardlink_set":
                sets.add(o["record"])
            elif t in ("reparse_point", "posix_link"):
                links.add(o["record"])
            elif t == "finding":
                other |= set(o["records"])
            elif t in ("anomaly", "removed_name", "shadow_copy"):
                other.add(("item", t))
        return sets, links, other
    if fmt == "csv":
        for row in csv.DictReader(io.StringIO(out, newline="")):
            (sets if row["row_type"] == "hard_link" else links).add(int(row["record"]))
        return sets, links, other
    if fmt == "timesketch":
        for line in out.splitlines():
            o = json.loads(line)
            {"ntfslinks:hardlink": sets, "ntfslinks:reparse_point": links}.get(o["data_type"], other).add(o["record"])
        return sets, links, other
    if fmt == "bodyfile":
        return {int(line.split("|")[2]) for line in out.splitlines()}, set(), other
    if fmt == "dot":
        sets = {int(x) for x in re.findall(r"subgraph cluster_v\d+_r(\d+)", out)}
        links = set(re.findall(r"^  (\S+) -> ", out, re.M))
        return sets, links, other
    if fmt == "text":
        return ({int(x) for x in re.findall(r"^      record (\d+):", out, re.M)},
                {int(x) for x in re.findall(r"^ {8,10}(?:junction, )?record (\d+)\b", out, re.M)},
                {int(x) for r in re.findall(r"^      records ([\d ]+)$", out, re.M) for x in r.split()})
    raise ValueError(fmt)


def only_checks(img, cwd):
    rc0, full, _ = run(["--format", "json", img], cwd)
    rep = json.loads(full)
    # what each --only keeps, by construction; record 23 (tool.exe, also tool-old.exe) is the one finding
    # (executable_renamed), so --only findings keeps it where a view has no findings list (csv, bodyfile)
    check([f["rule"] for f in rep["volumes"][0]["findings"]] == ["executable_renamed"] and
          rep["volumes"][0]["findings"][0]["records"] == [23], "textview.mft: the one finding, on record 23")
    expect = {"stale": (set(), STALE), "links": (set(), LINKS), "sets": (SETS, set()),
              "stale,sets": (SETS, STALE), "findings": (set(), set())}
    for only, (want_sets, want_links) in expect.items():
        named = {23} if only == "findings" else set()
        rc, out, _ = run(["--only", only, "--format", "json", img], cwd)
        r = json.loads(out)
        s, l, _ = json_records(r)
        v, v0 = r["volumes"][0], rep["volumes"][0]
        check(rc == rc0 and s == want_sets and l == want_links and v["stats"] == v0["stats"] and
              set(v) == set(v0) and r["run"]["only"] == only.split(",") and v["anomalies"] == [] and
              v["removed_names"] == [], "--only %s json: sets %s, links %s, stats and keys unchanged, run.only"
              % (only, sorted(s), sorted(l)))
        for fmt in ("ndjson", "csv", "bodyfile", "text"):  # (no times in this $MFT: timesketch on demo.E01)
            rc, out, _ = run(["--only", only, "--all", "--format", fmt, img], cwd)
            s, l, o = records_of(fmt, out)
            if fmt == "bodyfile":  # one line per name of each record kept
                ok = s == want_sets | want_links | named
            elif fmt == "text":
                ok = s == want_sets and l == want_links and o == named
            elif fmt == "csv":
                ok = s == want_sets | named and l == want_links
            else:
                ok = s == want_sets and l == want_links and not [x for x in o if isinstance(x, tuple)]
            check(rc == rc0 and ok, "--only %s %s: sets %s, links %s" % (only, fmt, sorted(s), sorted(l)))
    # the reports --only writes validate against the schema (when python3-jsonschema is installed)
    try:
        import jsonschema  # noqa: F401
        files = []
        for only, fmt in (("stale", "json"), ("findings,sets", "ndjson")):
            rc, out, _ = run(["--only", only, "--format", fmt, img], cwd)
            files.append(os.path.join(WORK, "only-%s.%s" % (only.replace(",", "-"), fmt)))
            open(files[-1], "w").write(out)
        p = subprocess.run([sys.executable, os.path.join(SRC, "tests", "e2e", "validate_schema.py"),
                            os.path.join(SRC, "report", "schema.json")] + files, capture_output=True, text=True)
        check(p.returncode == 0, "--only reports validate against report/schema.json %s" % p.stdout.strip().split("\n"))
    except ImportError:
        print("skip: python3-jsonschema not installed: --only reports not validated")
    rc, out, _ = run(["--only", "stale", "--only", "sets", "--format", "json", img], cwd)
    check(json.loads(out)["run"]["only"] == ["stale", "sets"], "--only repeated: the union, in the fixed order")
    rc, dot_all, _ = run(["--format", "dot", "--graph", "all", img], cwd)
    rc, dot_sets, _ = run(["--only", "sets", "--format", "dot", img], cwd)
    rc, dot_stale, _ = run(["--only", "stale", "--format", "dot", img], cwd)
    a, sd, st = records_of("dot", dot_all), records_of("dot", dot_sets), records_of("dot", dot_stale)
    check(a[0] == SETS and len(a[1]) == 2 and sd[0] == SETS and not sd[1] and not st[0] and len(st[1]) == 1,
          "dot: --only sets keeps the %d clusters and no arrow, --only stale one arrow and no cluster" % len(SETS))
    for bad in ("bogus", "", "stale,", "links,nothing", "STALE"):
        rc, out, err = run(["--only", bad, img], cwd)
        check(rc == 1 and out == "" and "--only" in err, "--only '%s': usage error, exit 1" % bad)


def timesketch_checks():
    """demo.E01 (README: stale 113 and 114; links 107-114; sets 93-96): --only in the Timesketch lines."""
    for only, want_sets, want_links in (("stale", set(), {113, 114}), ("links", set(), set(range(107, 115))),
                                        ("sets", {93, 94, 95, 96}, set()), ("findings", set(), set())):
        rc, out, _ = run(["--only", only, "--format", "timesketch", "demo.E01"], FIXTURES)
        s, l, o = records_of("timesketch", out)
        check(rc == 0 and s == want_sets and l == want_links and not o,
              "--only %s timesketch (demo.E01): sets %s, links %s" % (only, sorted(s), sorted(l)))
    rc, out, _ = run(["--format", "timesketch", "demo.E01"], FIXTURES)
    s, l, o = records_of("timesketch", out)
    check(s == {93, 94, 95, 96} and l == set(range(107, 115)), "timesketch (demo.E01) without --only: every set and link")


def findings_checks():
    """attacks.raw: --only findings keeps the findings in JSON and text, the records they name elsewhere."""
    exp = json.load(open(os.path.join(SRC, "fixtures", "attacks.expect.json")))
    rc0, full, _ = run(["--format", "json", "attacks.raw"], FIXTURES)
    rep = json.loads(full)
    sets, links, named = json_records(rep)
    rc, out, _ = run(["--only", "findings", "--format", "json", "attacks.raw"], FIXTURES)
    r = json.loads(out)
    s, l, n = json_records(r)
    nfind = len(exp["findings"]) if isinstance(exp.get("findings"), list) else None
    check(rc == rc0 and not s and not l and len(r["volumes"][0]["findings"]) == len(rep["volumes"][0]["findings"])
          and (nfind is None or nfind == len(r["volumes"][0]["findings"])) and
          r["volumes"][0]["stats"] == rep["volumes"][0]["stats"], "--only findings json: %d findings, no other item"
          % len(r["volumes"][0]["findings"]))
    for fmt in ("csv", "timesketch"):
        rc, out, _ = run(["--only", "findings", "--format", fmt, "attacks.raw"], FIXTURES)
        s, l, _ = records_of(fmt, out)
        check(rc == rc0 and s == sets & named and l == links & named and s | l,
              "--only findings %s: exactly the sets and links the findings name (%d)" % (fmt, len(s | l)))
    rc, out, _ = run(["--only", "findings", "--format", "text", "attacks.raw"], FIXTURES)
    check(rc == rc0 and out.count("\n    [") == len(rep["volumes"][0]["findings"]) and "Stale links" not in out and
          "Hard-link sets (" not in out and "(--only findings: the other sections are left out)" in out,
          "--only findings text: the findings section only")


def main():
    os.makedirs(WORK, exist_ok=True)
    img = os.path.join(WORK, "textview.mft")
    build_mft(img)
    rc, out, err = run(["--format", "json", "textview.mft"], WORK)
    check(rc == 0, "textview.mft: exit %d %s" % (rc, err.strip()))
    rep = json.loads(out)
    s, l, _ = json_records(rep)
    check(s == SETS and l == LINKS and {r["record"] for r in rep["volumes"][0]["reparse_points"]
                                        if r["target"]["status"] == "stale"} == STALE,
          "textview.mft holds the sets and links it was built with")
    text_checks("textview.mft", WORK, rep)
    only_checks("textview.mft", WORK)
    acl_checks()
    tty_checks()
    timesketch_checks()
    findings_checks()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
