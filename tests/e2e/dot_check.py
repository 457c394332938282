#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks a rendered --format dot graph (dot -Tjson) against the JSON report of the same image.

Usage: dot_check.py GRAPH.json REPORT.json SCOPE NODES
  SCOPE: suspicious or all, as given to --graph; NODES: as given to --graph-nodes (0: no cap).
The scope the report says the graph must draw, with --graph suspicious: every stale link (allocated, with a
target whose status is neither ok nor external/remote) and every reparse point and hard-link set whose record
a finding names (those marked "finding: RULE"); with --graph all every reparse point that leads somewhere and
every set. With a cap, what is drawn counts no more nodes than the cap and the note says how many were left
out, so that drawn + left out is the scope. The legend has its five sample arrows and the note counts what
was drawn and what is out of scope.
"""
import json
import re
import sys


def num(s):
    return int(s.replace(",", ""))


def main(argv):
    g, rep = json.load(open(argv[1])), json.load(open(argv[2]))
    scope, cap = argv[3], int(argv[4]) or None
    objs = g.get("objects", [])
    name = {o["_gvid"]: o["name"] for o in objs}
    all_edges = g.get("edges", [])
    edges = [e for e in all_edges if not name[e["tail"]].startswith("legend_")]
    legend_edges = [e for e in all_edges if name[e["tail"]].startswith("legend_")]
    sets = [o for o in objs if re.match(r"cluster_v\d+_r\d+$", o["name"])]
    set_recs = sorted(int(o["name"].split("_r")[1]) for o in sets)
    marked_sets = sorted(int(o["name"].split("_r")[1]) for o in sets if "finding: " in o.get("label", ""))
    marked_links = [o for o in objs if "nodes" not in o and "finding: " in o.get("label", "")
                    and not o["name"].startswith("legend_") and o["name"] != "note"]
    notes = [o["label"] for o in objs if o["name"] == "note"]
    legend = [o for o in objs if o["name"] == "cluster_legend"]

    v = rep["volumes"][0]
    flagged = {r for f in v["findings"] for r in f["records"]}
    arrows = [r for r in v["reparse_points"] if r.get("target") or (r.get("app_exec") or {}).get("target_path")]
    stale = [r for r in arrows if r.get("target") and r["allocated"] and r["target"]["status"] not in ("ok", "external", "remote")]
    if scope == "all":
        want_links, want_sets = arrows, v["hardlink_sets"]
    else:
        want_links = [r for r in arrows if r in stale or r["record"] in flagged]
        want_sets = [s for s in v["hardlink_sets"] if s["record"] in flagged]
    want_marked_sets = sorted(s["record"] for s in want_sets if s["record"] in flagged)
    want_marked_links = [r for r in want_links if r["record"] in flagged]

    bad = []
    note = notes[0] if notes else ""
    drawn = re.search(r"drawn: ([\d,]+) links?, ([\d,]+) hard-link sets?", note)
    capped = re.search(r"left out at the cap of ([\d,]+) nodes: ([\d,]+) links?, ([\d,]+) hard-link sets?", note)
    out = re.search(r"neither stale nor in a finding: ([\d,]+) links?, ([\d,]+) hard-link sets?", note)
    if not legend or len(legend_edges) != 5 or not drawn:
        bad.append(f"legend {len(legend)}, legend arrows {len(legend_edges)}, note {note!r}")
    elif (num(drawn[1]), num(drawn[2])) != (len(edges), len(sets)):
        bad.append(f"note says {drawn[0]!r}, the graph has {len(edges)} arrows and {len(sets)} sets")
    left_links, left_sets = (num(capped[2]), num(capped[3])) if capped else (0, 0)
    if len(edges) + left_links != len(want_links) or len(sets) + left_sets != len(want_sets):
        bad.append(f"{len(edges)} arrows + {left_links} left out for {len(want_links)} links, "
                   f"{len(sets)} clusters + {left_sets} left out for {len(want_sets)} sets")
    if cap is None and set_recs != sorted(s["record"] for s in want_sets):
        bad.append(f"sets {set_recs}, want {sorted(s['record'] for s in want_sets)}")
    if cap is None and (marked_sets != want_marked_sets or len(marked_links) != len(want_marked_links)):
        bad.append(f"finding marks on sets {marked_sets} (want {want_marked_sets}), "
                   f"on {len(marked_links)} links (want {len(want_marked_links)})")
    rest_links, rest_sets = len(arrows) - len(want_links), len(v["hardlink_sets"]) - len(want_sets)
    if scope == "all" and out:
        bad.append(f"--graph all, but the note says {out[0]!r}")
    if scope != "all" and (rest_links or rest_sets) and (not out or (num(out[1]), num(out[2])) != (rest_links, rest_sets)):
        bad.append(f"out of scope: note {out[0] if out else None!r}, want {rest_links} links, {rest_sets} sets")
    if cap is not None:
        nodes = 2 * len(edges) + sum(len(o.get("nodes", [])) for o in sets)
        if nodes > cap or not capped or num(capped[1]) != cap:
            bad.append(f"cap {cap}: {nodes} nodes counted, note {capped[0] if capped else None!r}")
    elif capped:
        bad.append(f"no cap, but the note says {capped[0]!r}")
    for b in bad:
        print("  " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
