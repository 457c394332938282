#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Compares an ntfslinks report with a fixture's hand-written expectation (fixtures/NAME.expect.json).

usage: check_expect.py REPORT EXPECT [--form raw|split_raw|ewf|ewf_multi|mft]
       check_expect.py --same REPORT_A REPORT_B     (reports agree except for "image" and "run")
       check_expect.py --ndjson NDJSON REPORT        (the NDJSON lines carry the same items)
Prints one line per mismatch and exits 1 when there is any.
"""
import json
import sys

problems = []


def fail(msg):
    problems.append(msg)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def pick_volume(report, exp_vol, form):
    """The report volume matching an expected one: by index (the $MFT form has one volume at 0)."""
    vols = report.get("volumes", [])
    if form == "mft":
        return vols[0] if vols else None
    for v in vols:
        if v.get("index") == exp_vol.get("index"):
            return v
    return None


def check_hardlinks(rv, ev, where):
    got = {frozenset(n["path"] for n in s["names"]) for s in rv.get("hardlink_sets", [])}
    want = {frozenset(s) for s in ev.get("hardlink_sets", [])}
    for s in sorted(want - got, key=sorted):
        fail(f"{where}: missing hard-link set {sorted(s)[:4]}{'...' if len(s) > 4 else ''} ({len(s)} names)")
    for s in sorted(got - want, key=sorted):
        fail(f"{where}: unexpected hard-link set {sorted(s)[:4]} ({len(s)} names)")
    for s in rv.get("hardlink_sets", []):
        for key in ("record", "sequence"):
            if not isinstance(s.get(key), int):
                fail(f"{where}: hard-link set without {key}: {s.get('names', [{}])[0].get('path')}")


DETAIL_MAP = {
    "lx_symlink": {"target": ("lx_target",)},
    "app_exec_link": {k: ("app_exec", k) for k in ("package_id", "app_user_model_id", "target_path", "app_type")},
    "wof": {"provider": ("wof", "provider"), "algorithm": ("wof", "algorithm")},
    "third_party": {"guid": ("guid",)},
}


def dig(obj, keys):
    for k in keys:
        if not isinstance(obj, dict) or k not in obj:
            return None
        obj = obj[k]
    return obj


def check_reparse(rv, ev, where, form):
    got = {}
    for rp in rv.get("reparse_points", []):
        if not isinstance(rp.get("record"), int) or not isinstance(rp.get("sequence"), int):
            fail(f"{where}: reparse point without record/sequence: {rp.get('path')}")
        got.setdefault(rp.get("path"), []).append(rp)
    want = ev.get("reparse_points", [])
    for e in want:
        path = e["path"]
        cands = got.get(path)
        if not cands:
            fail(f"{where}: missing reparse point {path}")
            continue
        rp = cands[0]
        w = f"{where}: {path}"
        for key in ("kind", "tag", "is_directory", "allocated", "substitute_name", "print_name", "relative"):
            if key in e and rp.get(key) != e[key]:
                fail(f"{w}: {key} is {rp.get(key)!r}, expected {e[key]!r}")
        for key, want_val in (e.get("details") or {}).items():
            loc = DETAIL_MAP.get(e["kind"], {}).get(key)
            if loc is None:
                continue
            have = dig(rp, loc)
            if isinstance(want_val, str) and isinstance(have, str) and key == "guid":
                have, want_val = have.lower(), want_val.lower()
            if have != want_val:
                fail(f"{w}: {'.'.join(loc)} is {have!r}, expected {want_val!r}")
        et = e.get("target")
        if et:
            rt = rp.get("target") or {}
            if rt.get("status") != et.get("status"):
                fail(f"{w}: target status {rt.get('status')!r} ({rt.get('reason')}), expected {et.get('status')!r}")
            if "path" in et and rt.get("path") != et["path"]:
                fail(f"{w}: target path {rt.get('path')!r}, expected {et['path']!r}")
            if et.get("reason_mentions_deleted") and "deleted" not in (rt.get("reason") or ""):
                fail(f"{w}: target reason does not mention the deleted record: {rt.get('reason')!r}")
            for key in ("form", "volume", "shadow_copy", "deleted_path"):
                if key in et and rt.get(key) != et[key]:
                    fail(f"{w}: target {key} {rt.get(key)!r}, expected {et[key]!r}")
            if "deleted_path" in et and not isinstance(rt.get("deleted_record"), int):
                fail(f"{w}: stale target without deleted_record")
            for text in et.get("reason_mentions", []):
                if text not in (rt.get("reason") or ""):
                    fail(f"{w}: target reason {rt.get('reason')!r} does not mention {text!r}")
            if rt.get("status") == "ok" and not isinstance(rt.get("record"), int):
                fail(f"{w}: resolved target without a record")
    extra = set(got) - {e["path"] for e in want}
    for path in sorted(p for p in extra if p is not None):
        fail(f"{where}: unexpected reparse point {path} ({got[path][0].get('kind')})")


REMOVED_KEYS = ("record", "sequence", "record_state", "kind", "reparse_tag", "found_in")


def check_removed_names(rv, ev, where, form):
    """Names left in directory index slack (issue 12 section 3), when the expectation lists them."""
    if "removed_names" not in ev:
        return
    got = {(r.get("directory_path"), r.get("name")): r for r in rv.get("removed_names", [])}
    if form == "mft":  # an extracted $MFT has no clusters: only resident $INDEX_ROOTs are carved
        want = [e for e in ev["removed_names"] if e.get("found_in") == "index_root"]
    else:
        want = ev["removed_names"]
    for e in want:
        key = (e["directory_path"], e["name"])
        r = got.pop(key, None)
        if r is None:
            fail(f"{where}: missing removed name {key}")
            continue
        for k in REMOVED_KEYS:
            if k in e and r.get(k) != e[k]:
                fail(f"{where}: removed name {key}: {k} is {r.get(k)!r}, expected {e[k]!r}")
        for k in ("created", "modified", "mft_modified", "accessed"):
            if not isinstance(r.get(k), str) or not r[k].endswith("Z"):
                fail(f"{where}: removed name {key}: {k} is {r.get(k)!r}")
        if not isinstance(r.get("copies"), int) or r["copies"] < 1:
            fail(f"{where}: removed name {key}: copies {r.get('copies')!r}")
    for key in sorted(got, key=str):
        fail(f"{where}: unexpected removed name {key} ({got[key].get('kind')}, record {got[key].get('record')})")
    stats = rv.get("removed_names_stats", {})
    if stats.get("reported") != len(rv.get("removed_names", [])):
        fail(f"{where}: removed_names_stats.reported {stats.get('reported')!r} disagrees with the list")


def writers(lst):
    """writable_by / parent_writable_by as {sid: rights}."""
    return {w.get("sid"): w.get("rights") for w in (lst or [])}


def check_security(rv, ev, where):
    """security objects of sets and reparse points, parent_writable_by of a set's names (issue 13)."""
    sets = {n["path"]: s for s in rv.get("hardlink_sets", []) for n in s["names"]}
    rps = {rp.get("path"): rp for rp in rv.get("reparse_points", [])}
    for e in ev.get("security", []):
        if "set" in e:
            obj, w = sets.get(e["set"]), f"{where}: set of {e['set']}"
        else:
            obj, w = rps.get(e["reparse_point"]), f"{where}: reparse point {e['reparse_point']}"
        if obj is None:
            fail(f"{w}: not in the report")
            continue
        sec = obj.get("security") or {}
        for key in ("sddl", "owner_sid", "owner_name", "group_name"):
            if key in e and sec.get(key) != e[key]:
                fail(f"{w}: security.{key} {sec.get(key)!r}, expected {e[key]!r}")
        if "writable_by" in e and writers(sec.get("writable_by")) != e["writable_by"]:
            fail(f"{w}: writable_by {writers(sec.get('writable_by'))}, expected {e['writable_by']}")
        names = {n["path"]: n for n in obj.get("names", [])}
        for path, want in (e.get("parent_writable_by") or {}).items():
            got = writers((names.get(path) or {}).get("parent_writable_by"))
            if got != want:
                fail(f"{w}: {path} parent_writable_by {got}, expected {want}")
        for path, want in (e.get("parent_sddl") or {}).items():
            got = (names.get(path) or {}).get("parent_sddl")
            if got != want:
                fail(f"{w}: {path} parent_sddl {got!r}, expected {want!r}")



def check_posix_links(rv, ev, where):
    """Interix and Cygwin links (issue 13): every expected one with its kind, stored target and resolution."""
    if "posix_links" not in ev:
        return
    got = {p.get("path"): p for p in rv.get("posix_links", [])}
    for e in ev["posix_links"]:
        p = got.pop(e["path"], None)
        if p is None:
            fail(f"{where}: missing posix link {e['path']}")
            continue
        for key in ("kind", "posix_target"):
            if p.get(key) != e[key]:
                fail(f"{where}: {e['path']}: {key} {p.get(key)!r}, expected {e[key]!r}")
        t = p.get("target") or {}
        for key, want in e["target"].items():
            if t.get(key) != want:
                fail(f"{where}: {e['path']}: target {key} {t.get(key)!r} ({t.get('reason')}), expected {want!r}")
        if t.get("status") == "ok" and not isinstance(t.get("record"), int):
            fail(f"{where}: {e['path']}: resolved target without a record")
        if "deleted_path" in e["target"] and not isinstance(t.get("deleted_record"), int):
            fail(f"{where}: {e['path']}: stale target without deleted_record")
    for path in sorted(got, key=str):
        fail(f"{where}: unexpected posix link {path} ({got[path].get('kind')})")


def check_shortcuts(rv, ev, where):
    """Shell shortcuts (issue 13): exactly the expected .lnk files, each with the fields given, and stats that
    count the list."""
    if "shortcuts" not in ev:
        return
    got = {p.get("path"): p for p in rv.get("shortcuts", [])}
    for e in ev["shortcuts"]:
        p = got.pop(e["path"], None)
        if p is None:
            fail(f"{where}: missing shortcut {e['path']}")
            continue
        for key, want in e.items():
            if key in ("path", "target"):
                continue
            if p.get(key) != want:
                fail(f"{where}: shortcut {e['path']}: {key} {p.get(key)!r}, expected {want!r}")
        t = p.get("target") or {}
        for key, want in e.get("target", {}).items():
            if t.get(key) != want:
                fail(f"{where}: shortcut {e['path']}: target {key} {t.get(key)!r} ({t.get('reason')}), expected {want!r}")
        if t.get("status") == "ok" and not isinstance(t.get("record"), int):
            fail(f"{where}: shortcut {e['path']}: ok target without a record")
        if "deleted_path" in e.get("target", {}) and not isinstance(t.get("deleted_record"), int):
            fail(f"{where}: shortcut {e['path']}: stale target without deleted_record")
    for path in sorted(got, key=str):
        fail(f"{where}: unexpected shortcut {path} ({(got[path].get('target') or {}).get('status')})")
    st = rv.get("stats", {}).get("shortcuts", {})
    items = rv.get("shortcuts", [])
    want = {"total": len(items), "deleted": sum(1 for i in items if not i["allocated"])}
    for status in ("ok", "stale", "external", "remote", "unknown", "malformed"):
        want[status] = sum(1 for i in items if i["target"]["status"] == status)
    for key, n in want.items():
        if st.get(key) != n:
            fail(f"{where}: stats.shortcuts.{key} {st.get(key)!r}, the list has {n}")


def check_sids_named(rv, where):
    """Every SID the volume's security objects name with an account name (owner, group, writable_by,
    parent_writable_by) is in its accounts[] with that name (issue 13: the SIDs of its descriptors are
    listed there, source security_descriptor when its own hives do not name them)."""
    named = {}
    def sec(o):
        if not o:
            return
        for sid, name in ((o.get("owner_sid"), o.get("owner_name")), (o.get("group_sid"), o.get("group_name"))):
            if sid and name:
                named[sid] = name
        for w in o.get("writable_by") or []:
            if w.get("name"):
                named[w["sid"]] = w["name"]
    for s in rv.get("hardlink_sets", []):
        sec(s.get("security"))
        for n in s.get("names", []):
            for w in n.get("parent_writable_by") or []:
                if w.get("name"):
                    named[w["sid"]] = w["name"]
    for r in rv.get("reparse_points", []):
        sec(r.get("security"))
    accounts = {a["sid"]: a for a in rv.get("accounts", [])}
    for sid, name in sorted(named.items()):
        a = accounts.get(sid)
        if a is None:
            fail(f"{where}: {sid} ({name}) is in a security descriptor but not in accounts[]")
        elif a.get("name") != name:
            fail(f"{where}: accounts[] names {sid} {a.get('name')!r}, the security objects {name!r}")


def check_anomalies(rv, ev, where):
    got = sorted(a["type"] for a in rv.get("anomalies", []))
    want = sorted(a["type"] for a in ev.get("anomalies", []))
    if got != want:
        details = "; ".join(f"{a['type']}@{a.get('record')}: {a.get('detail')}" for a in rv.get("anomalies", []))
        fail(f"{where}: anomalies {got}, expected {want} ({details})")
    stats = rv.get("stats", {})
    if stats.get("hardlink_sets") != len(rv.get("hardlink_sets", [])):
        fail(f"{where}: stats.hardlink_sets {stats.get('hardlink_sets')} != {len(rv.get('hardlink_sets', []))} sets")
    if stats.get("reparse_points") != len(rv.get("reparse_points", [])):
        fail(f"{where}: stats.reparse_points disagrees with the list")
    if stats.get("anomalies") != len(rv.get("anomalies", [])):
        fail(f"{where}: stats.anomalies disagrees with the list")


def check_registry(rv, ev, where, form):
    """volume_guids (the exact set), accounts (each expected one present as given; none other from the
    registry), owner_names (hard-link set, by its first path, to the owner's name)."""
    if form == "mft":
        return
    if "volume_guids" in ev and sorted(rv.get("volume_guids", [])) != sorted(ev["volume_guids"]):
        fail(f"{where}: volume_guids {rv.get('volume_guids')!r}, expected {ev['volume_guids']!r}")
    if "accounts" in ev:
        got = {a.get("sid"): a for a in rv.get("accounts", [])}
        for a in ev["accounts"]:
            g = got.get(a["sid"])
            if g is None:
                fail(f"{where}: account {a['sid']} missing")
                continue
            for key, val in a.items():
                if g.get(key) != val:
                    fail(f"{where}: account {a['sid']} {key} {g.get(key)!r}, expected {val!r}")
        want = {a["sid"] for a in ev["accounts"]}
        for sid, g in got.items():
            if g.get("source") in ("sam", "profile_list") and sid not in want:
                fail(f"{where}: unexpected account {sid} ({g.get('name')!r}, {g.get('source')})")
    for path, name in (ev.get("owner_names") or {}).items():
        sets = [s for s in rv.get("hardlink_sets", []) if any(n.get("path") == path for n in s.get("names", []))]
        if len(sets) != 1 or sets[0].get("owner_name") != name:
            fail(f"{where}: owner_name of the set holding {path}: "
                 f"{[s.get('owner_name') for s in sets]!r}, expected {name!r}")
def check_added_later(rv, ev, where):
    """Each listed hard-link set (by one of its paths) names exactly the expected names as added later."""
    for first, want in (ev.get("added_later") or {}).items():
        sets = [s for s in rv.get("hardlink_sets", []) if first in (n["path"] for n in s["names"])]
        if not sets:
            fail(f"{where}: no hard-link set holds {first}")
            continue
        s = sets[0]
        got = sorted(a["path"] for a in s.get("added_later", []))
        if got != sorted(want):
            fail(f"{where}: {first}: added_later {got}, expected {sorted(want)}")
        created = (s.get("standard_information") or {}).get("created")
        for a in s.get("added_later", []):
            if not created or not a.get("created") or a["created"] <= created:
                fail(f"{where}: {a['path']} added at {a.get('created')}, not after the record's creation {created}")


def link_records(rv):
    """{path: (record, sequence)} of every hard-link name and reparse point of a report volume."""
    out = {}
    for s in rv.get("hardlink_sets", []):
        for n in s["names"]:
            out[n["path"]] = (s["record"], s["sequence"])
    for rp in rv.get("reparse_points", []):
        out[rp.get("path")] = (rp["record"], rp["sequence"])
    return out


def check_usn(rv, ev, where, form):
    """The change journal's counts and link events against the hand-written expectation (in USN order)."""
    want = ev.get("usn")
    got = rv.get("usn")
    if want is None or form == "mft":
        if form == "mft" and got is not None:
            fail(f"{where}: an extracted $MFT alone has no journal, but usn is {str(got)[:80]}")
        return
    if not isinstance(got, dict):
        fail(f"{where}: no usn object")
        return
    for key in ("source", "complete", "stream_size", "events_total", "by_reason"):
        if key in want and got.get(key) != want[key]:
            fail(f"{where}: usn.{key} {got.get(key)!r}, expected {want[key]!r}")
    events = got.get("link_events", [])
    if len(events) != len(want["link_events"]):
        fail(f"{where}: {len(events)} link events, expected {len(want['link_events'])}")
    usns = [e.get("usn") for e in events]
    if usns != sorted(usns) or len(set(usns)) != len(usns):
        fail(f"{where}: link events not in strictly increasing USN order")
    links, seen = link_records(rv), {}
    for i, (g, w) in enumerate(zip(events, want["link_events"])):
        at = f"{where}: link event {i} ({w['name']} {w['reasons']})"
        for key in ("time", "name", "reasons", "path", "parent_state", "version"):
            if g.get(key) != w[key]:
                fail(f"{at}: {key} {g.get(key)!r}, expected {w[key]!r}")
        ref = (g.get("record"), g.get("sequence"))
        if seen.setdefault((w["file"], w.get("file_sequence")), ref) != ref:
            fail(f"{at}: record {ref}, but an earlier event of {w['file']} had {seen[(w['file'], w.get('file_sequence'))]}")
        if w["file"] in links and links[w["file"]] != ref and w.get("file_sequence") != "previous":
            fail(f"{at}: record {ref}, expected {w['file']}'s {links[w['file']]}")
        if w.get("file_sequence") == "previous" and ref in links.values():
            fail(f"{at}: record {ref} should be a record reused since, not a link now")
        if g.get("parent_reused") != (w["parent_state"] == "reused"):
            fail(f"{at}: parent_reused {g.get('parent_reused')!r} disagrees with parent_state")


def finding_key(f):
    return (f["rule"], f["severity"], tuple(sorted(f["paths"])))


def check_findings(rv, ev, where):
    """Every finding the expectation lists (none when it lists none), nothing more; the evidence fields it names."""
    got = rv.get("findings")
    if not isinstance(got, list):
        fail(f"{where}: no findings list")
        return
    want = ev.get("findings", [])
    gk = sorted(finding_key(f) for f in got)
    wk = sorted(finding_key(f) for f in want)
    for k in sorted(set(wk) - set(gk)):
        fail(f"{where}: missing finding {k}")
    for f in got:
        if finding_key(f) not in wk:
            fail(f"{where}: unexpected finding {finding_key(f)}: {f.get('title')}")
    if gk != wk and set(gk) == set(wk):
        fail(f"{where}: findings repeated: {gk}")
    by_key = {finding_key(f): f for f in got}
    for w in want:
        f = by_key.get(finding_key(w))
        if not f:
            continue
        for name, value in (w.get("evidence") or {}).items():
            have = f.get("evidence", {}).get(name)
            have = have if isinstance(have, list) else [have]
            if not any(isinstance(h, str) and (h == value or h.startswith(value + " ")) for h in have):
                fail(f"{where}: finding {finding_key(w)}: evidence {name} is {have!r}, expected {value!r}")
        for key in ("title", "reference"):
            if not isinstance(f.get(key), str) or not f[key]:
                fail(f"{where}: finding {finding_key(w)} without {key}")
        if not f.get("records") or not all(isinstance(r, int) for r in f["records"]):
            fail(f"{where}: finding {finding_key(w)} without records")
    stats = rv.get("stats", {})
    if stats.get("findings") != len(got):
        fail(f"{where}: stats.findings {stats.get('findings')} != {len(got)} findings")
    if "baseline_suppressed" in ev and stats.get("baseline_suppressed") != ev["baseline_suppressed"]:
        fail(f"{where}: stats.baseline_suppressed {stats.get('baseline_suppressed')}, expected {ev['baseline_suppressed']}")


def check(report_path, expect_path, form):
    report, expect = load(report_path), load(expect_path)
    if report.get("schema_version") != "1":
        fail(f"schema_version {report.get('schema_version')!r}")
    for ev in expect["volumes"]:
        where = f"{expect['fixture']}[{form}] volume {ev.get('index')}"
        rv = pick_volume(report, ev, form)
        if rv is None:
            fail(f"{where}: not in the report")
            continue
        if form != "mft" and rv.get("offset") != ev.get("offset"):
            fail(f"{where}: offset {rv.get('offset')}, expected {ev.get('offset')}")
        if "error" in rv:
            fail(f"{where}: not scanned: {rv['error']}")
            continue
        ntfs = rv.get("ntfs", {})
        if form != "mft" and "cluster_size" in ev and ntfs.get("cluster_size") != ev["cluster_size"]:
            fail(f"{where}: cluster_size {ntfs.get('cluster_size')}, expected {ev['cluster_size']}")
        if form != "mft" and ev.get("label") and ntfs.get("label") != ev["label"]:
            fail(f"{where}: label {ntfs.get('label')!r}, expected {ev['label']!r}")
        for key in ("drive_letter_source",):
            if key in ev and rv.get(key) != ev[key]:
                fail(f"{where}: {key} {rv.get(key)!r}, expected {ev[key]!r}")
        if form != "mft" and "drive_letter" in ev and not expect.get("options") and rv.get("drive_letter") != ev["drive_letter"]:
            fail(f"{where}: drive_letter {rv.get('drive_letter')!r}, expected {ev['drive_letter']!r}")
        if "stale_links" in ev and rv.get("stats", {}).get("stale_links") != ev["stale_links"]:
            fail(f"{where}: stats.stale_links {rv.get('stats', {}).get('stale_links')!r}, expected {ev['stale_links']!r}")
        check_hardlinks(rv, ev, where)
        check_reparse(rv, ev, where, form)
        check_removed_names(rv, ev, where, form)
        check_anomalies(rv, ev, where)
        if form != "mft":
            check_security(rv, ev, where)
            check_posix_links(rv, ev, where)
            check_shortcuts(rv, ev, where)
        check_registry(rv, ev, where, form)
        if form != "mft":
            check_sids_named(rv, where)
        check_added_later(rv, ev, where)
        check_usn(rv, ev, where, form)
        check_findings(rv, ev, where)
    exp_parts = [p for ev in expect["volumes"] for p in (ev.get("partitions") or [])]
    if exp_parts and form != "mft":
        got = {(p["offset"], p["ntfs"]) for p in report["image"].get("partitions", [])}
        for p in exp_parts:
            if (p["offset"], p["ntfs"]) not in got:
                fail(f"{expect['fixture']}: partition at {p['offset']} (ntfs={p['ntfs']}) not listed")


def strip(report):
    """The parts of a report that must not depend on the container."""
    out = []
    for v in report["volumes"]:
        v = dict(v)
        v.pop("partition", None)
        v.pop("offset", None)
        v.pop("length", None)
        out.append(v)
    return out


def same(a_path, b_path):
    a, b = strip(load(a_path)), strip(load(b_path))
    if a != b:
        for va, vb in zip(a, b):
            for key in va:
                if va.get(key) != vb.get(key):
                    fail(f"{a_path} and {b_path} differ in volume field {key!r}")
        if len(a) != len(b):
            fail(f"{a_path} has {len(a)} volumes, {b_path} {len(b)}")


def ndjson(nd_path, report_path):
    report = load(report_path)
    counts = {}
    with open(nd_path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                obj = json.loads(line)
            except ValueError as e:
                fail(f"{nd_path}:{n}: not JSON: {e}")
                continue
            t = obj.get("type")
            if t in ("hardlink_set", "reparse_point", "anomaly", "removed_name", "finding", "shortcut") and not isinstance(obj.get("volume"), int):
                fail(f"{nd_path}:{n}: {t} line without volume")
            counts[t] = counts.get(t, 0) + 1
    want = {"report": 1, "volume": len(report["volumes"])}
    for key, t in (("hardlink_sets", "hardlink_set"), ("reparse_points", "reparse_point"), ("anomalies", "anomaly"),
                   ("removed_names", "removed_name"), ("findings", "finding"), ("shortcuts", "shortcut")):
        want[t] = sum(len(v.get(key, [])) for v in report["volumes"])
    for t, n in want.items():
        if counts.get(t, 0) != n:
            fail(f"{nd_path}: {counts.get(t, 0)} {t} lines, the JSON report has {n}")


def main(argv):
    if len(argv) >= 3 and argv[0] == "--same":
        same(argv[1], argv[2])
    elif len(argv) >= 3 and argv[0] == "--ndjson":
        ndjson(argv[1], argv[2])
    else:
        form = argv[argv.index("--form") + 1] if "--form" in argv else "raw"
        check(argv[0], argv[1], form)
    for p in problems:
        print("MISMATCH:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
