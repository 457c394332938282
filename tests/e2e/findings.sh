#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The findings pass on fixtures/attacks beyond what fixtures_e2e.sh checks (the exact list of every fixture):
# each finding's records are the records TSK's ifind gives for its paths; --no-baseline adds exactly what the
# baseline kept quiet; --baseline FILE keeps a site's patterns quiet and rejects bad files (exit 1); the text
# view shows findings first; NDJSON carries them as "finding" lines; --threads does not change them.
set -u
src=${top_srcdir:-.}
work=${top_builddir:-.}/tests/work/findings
fixtures=${top_builddir:-.}/tests/work/fixtures
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "SKIP: $PY is not installed"; exit 77; }
command -v ifind >/dev/null || { echo "SKIP: ifind (sleuthkit) is not installed"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
bash "$src/fixtures/unpack.sh" "$fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }
img=$fixtures/attacks.raw
exp=$src/fixtures/attacks.expect.json
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

"$NTFSLINKS" -q -o "$work/default.json" "$img" || bad "default run exited $?"
"$NTFSLINKS" -q --no-baseline -o "$work/all.json" "$img" || bad "--no-baseline run exited $?"
"$NTFSLINKS" -q --threads 1 -o "$work/t1.json" "$img" || bad "--threads 1 run exited $?"

# records: TSK's ifind -n for every path of every expected finding (nothing of ntfslinks' own)
$PY - "$exp" "$work/default.json" "$work/all.json" "$img" <<'PYEOF' || fail=1
import json, subprocess, sys
exp, default, everything, img = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), sys.argv[4]
ev, bad = exp["volumes"][0], []
def key(f):
    return (f["rule"], f["severity"], tuple(sorted(f["paths"])))
def ifind(path):
    p = subprocess.run(["ifind", "-n", path.replace("\\", "/").lstrip("/"), img], capture_output=True, text=True)
    return int(p.stdout.split("-")[0]) if p.returncode == 0 and p.stdout.strip() else None
for name, report, want in (("default", default, ev["findings"]), ("--no-baseline", everything, ev["findings"] + ev["findings_suppressed"])):
    got = {key(f): f for f in report["volumes"][0]["findings"]}
    if sorted(got) != sorted(key(f) for f in want):
        bad.append(f"{name}: findings {sorted(got)} != expected {sorted(key(f) for f in want)}")
        continue
    for w in want:
        recs = {ifind(p) for p in w["paths"]}
        have = set(got[key(w)]["records"])
        if None in recs or have != recs:
            bad.append(f"{name}: {key(w)}: records {sorted(have)}, ifind gives {sorted(recs, key=str)}")
    print(f"ok: {name}: {len(want)} findings, records as ifind gives them")
sup = everything["volumes"][0]["stats"]["baseline_suppressed"]
if sup != 0:
    bad.append(f"--no-baseline: baseline_suppressed {sup}, expected 0")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PYEOF
$PY -c 'import json,sys; a,b=(json.load(open(p))["volumes"] for p in sys.argv[1:]); sys.exit(a!=b)' "$work/default.json" "$work/t1.json" &&
	ok "--threads 1 gives the same volumes" || bad "--threads 1 changes the volumes"

# a site's baseline: two patterns keep three findings quiet (one link, one hard-link set within a folder, and
# by "*" the state.db set's rule 4 finding); the built-in patterns stay
cat >"$work/site.json" <<'JSON'
{
 "ntfslinks_baseline": 1,
 "description": "site patterns for the attacks fixture",
 "patterns": [
  {"rule": "junction_loop", "path": "\\Tools\\loop", "target": "\\Tools", "note": "the build tool's loop"},
  {"rule": "*", "path": "\\ProgramData\\VendorCache\\*", "target": ["\\ProgramData\\VendorCache\\*"]},
  {"rule": "junction_loop", "path": "\\Tools\\loop", "target": "\\Elsewhere"}
 ]
}
JSON
"$NTFSLINKS" -q --baseline "$work/site.json" -o "$work/site.out.json" "$img" || bad "--baseline run exited $?"
$PY - "$work/default.json" "$work/site.out.json" <<'PYEOF' && ok "--baseline FILE keeps exactly its patterns quiet" || fail=1
import json, sys
d, s = (json.load(open(p))["volumes"][0] for p in sys.argv[1:])
gone = [f["paths"] for f in d["findings"] if f not in s["findings"]]
want = [["\\ProgramData\\VendorCache\\state.db", "\\ProgramData\\VendorCache\\state-link.db"], ["\\Tools\\loop"]]
ok = sorted(map(sorted, gone)) == sorted(map(sorted, want)) and s["stats"]["baseline_suppressed"] == d["stats"]["baseline_suppressed"] + 2
ok = ok and all(f in d["findings"] for f in s["findings"])
if not ok:
    print("FAIL: --baseline removed", gone, "suppressed", s["stats"]["baseline_suppressed"])
sys.exit(0 if ok else 1)
PYEOF

# bad baseline files are usage errors that name the mistake
badfile() { # badfile NAME CONTENT EXPECTED-TEXT
	printf '%s' "$2" >"$work/$1.json"
	local out rc
	out=$("$NTFSLINKS" -q --baseline "$work/$1.json" -o "$work/$1.out" "$img" 2>&1)
	rc=$?
	if [ $rc = 1 ] && [[ $out == *"$3"* ]] && [ ! -s "$work/$1.out" ]; then ok "bad baseline $1: exit 1, '$3'"; else bad "bad baseline $1: exit $rc: $out"; fi
}
badfile notjson '{"ntfslinks_baseline": 1, "patterns": [' 'line'
badfile version '{"ntfslinks_baseline": 2, "patterns": []}' '"ntfslinks_baseline": 1'
badfile rule '{"ntfslinks_baseline": 1, "patterns": [{"rule": "nope", "path": "\\x"}]}' "unknown rule 'nope'"
badfile nopath '{"ntfslinks_baseline": 1, "patterns": [{"rule": "*"}]}' 'needs "path"'
badfile key '{"ntfslinks_baseline": 1, "patterns": [{"rule": "*", "path": "\\x", "paths": "\\y"}]}' "unknown key 'paths'"
badfile target '{"ntfslinks_baseline": 1, "patterns": [{"rule": "*", "path": "\\x", "target": 5}]}' '"target" must be'
out=$("$NTFSLINKS" -q --baseline "$work/site.json" --no-baseline "$img" 2>&1 >/dev/null); rc=$?
[ $rc = 1 ] && [[ $out == *contradict* ]] && ok "--baseline with --no-baseline: exit 1" || bad "--baseline with --no-baseline: exit $rc: $out"
out=$("$NTFSLINKS" -q --baseline "$work/missing.json" "$img" 2>&1 >/dev/null); rc=$?
[ $rc = 1 ] && [[ $out == *"not a readable file"* ]] && ok "--baseline missing file: exit 1" || bad "--baseline missing file: exit $rc: $out"

# the text view: findings first (before stale links and the other lists), every one with its rule
"$NTFSLINKS" -q --format text -o "$work/text.txt" "$img" || bad "text run exited $?"
fl=$(grep -n '^  Findings (19; 4 normal Windows links kept quiet by the baseline):' "$work/text.txt" | cut -d: -f1)
sl=$(grep -n '^  Stale links' "$work/text.txt" | cut -d: -f1)
n=$(grep -c '^    \[\(high\|medium\|low\)\] ' "$work/text.txt")
if [ -n "$fl" ] && [ -n "$sl" ] && [ "$fl" -lt "$sl" ] && [ "$n" = 19 ]; then ok "text view: 19 findings first"; else bad "text view: findings at line ${fl:-none}, stale links at ${sl:-none}, $n entries"; fi
"$NTFSLINKS" -q --format text -o "$work/demo.txt" "$fixtures/demo.E01" || bad "demo text run exited $?"
grep -q 'Findings' "$work/demo.txt" && bad "text view of demo.E01 shows a Findings section" || ok "text view of demo.E01: no findings section"

# NDJSON: one "finding" line per finding, after its volume line and before the volume's other items
"$NTFSLINKS" -q --format ndjson -o "$work/all.ndjson" "$img" || bad "ndjson run exited $?"
$PY - "$work/all.ndjson" "$work/default.json" <<'PYEOF' && ok "NDJSON: the findings as finding lines, first" || fail=1
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
doc = json.load(open(sys.argv[2]))["volumes"][0]["findings"]
types = [l["type"] for l in lines]
got = [{k: v for k, v in l.items() if k not in ("type", "volume")} for l in lines if l["type"] == "finding"]
first = types.index("finding")
ok = got == doc and types[first - 1] == "volume" and all(t == "finding" for t in types[first:first + len(doc)])
ok = ok and all(l["volume"] == 0 for l in lines if l["type"] == "finding")
if not ok:
    print("FAIL: NDJSON findings", types[:25])
sys.exit(0 if ok else 1)
PYEOF
exit $fail
