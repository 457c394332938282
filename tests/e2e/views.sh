#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The two other views of an analysis, checked against the tools that read them:
# - --format bodyfile: sleuthkit's mactime accepts it; the link lines carry "-> target"; every allocated
#   name `fls -r -p` lists is in it; a known file's times equal those of `fls -m`.
# - --format dot: Graphviz renders it; one arrow per reparse point that leads somewhere, one cluster per
#   hard-link set, stale arrows red; the same image gives the same bytes.
set -u
src=${top_srcdir:-.}
work=${top_builddir:-.}/tests/work/views
fixtures=${top_builddir:-.}/tests/work/fixtures
PY=/usr/bin/python3
for tool in jq mactime fls dot; do
	command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
[ -x "$PY" ] || { echo "SKIP: $PY is not installed"; exit 77; }
mkdir -p "$work"
bash "$src/fixtures/unpack.sh" "$fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }

fail=0
check() { # check WHAT COMMAND...: runs the command, reports ok or FAIL
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

# Names of a bodyfile (first column after MD5) without the suffixes we add, allocated lines only.
body_names() {
	cut -d'|' -f2 "$1" | grep -v ' (deleted)$' | sed -e 's/ -> .*$//' -e 's/ (\$FILE_NAME)$//' | sort -u
}

# Allocated names `fls -r -p` lists, as fls -m C: would write them: streams and $OrphanFiles left out.
fls_names() { # fls_names IMAGE SECTOR_OFFSET
	fls -o "$2" -r -p "$1" | grep -v '^[^	]* \* ' | cut -f2- | grep -v '^\$OrphanFiles' |
		sed -e 's/:[^/]*$//' -e 's|^|C:/|' | sort -u
}

# The four times (atime|mtime|ctime|crtime) of the line for NAME in a bodyfile.
times_of() { # times_of FILE NAME
	awk -F'|' -v n="$2" '$2 == n { print $8 "|" $9 "|" $10 "|" $11 }' "$1"
}

bodyfile_case() { # bodyfile_case NAME IMAGE LINK_LINE KNOWN_FILE OPTIONS...
	local name=$1 img=$2 link=$3 known=$4
	shift 4
	local body="$work/$name.body" json="$work/$name.json"
	if ! "$NTFSLINKS" -q "$@" --format bodyfile --drive-prefix C: -o "$body" "$img" ||
		! "$NTFSLINKS" -q "$@" -o "$json" "$img"; then
		echo "FAIL: $name: ntfslinks failed"
		fail=1
		return
	fi
	check "$name: mactime reads the bodyfile" sh -c "mactime -b '$body' -d -y > '$work/$name.timeline'"
	check "$name: timeline shows '$link'" grep -qF -- "$link" "$work/$name.timeline"
	local sector=$(($(jq '.volumes[0].offset' "$json") / 512))
	fls_names "$img" "$sector" >"$work/$name.fls-names"
	body_names "$body" >"$work/$name.body-names"
	local missing
	missing=$(comm -23 "$work/$name.fls-names" "$work/$name.body-names")
	check "$name: every allocated name of fls -r -p is in the bodyfile ($(wc -l <"$work/$name.fls-names") names)" \
		test -z "$missing"
	[ -z "$missing" ] || printf '  missing: %s\n' $missing | head -20
	fls -o "$sector" -m C: -r -p "$img" >"$work/$name.fls-m"
	for line in "$known" "$known (\$FILE_NAME)"; do
		local ours theirs
		ours=$(times_of "$body" "$line")
		theirs=$(times_of "$work/$name.fls-m" "$line")
		check "$name: times of '$line' match fls -m ($ours)" test -n "$ours" -a "$ours" = "$theirs"
	done
}

bodyfile_case demo "$fixtures/demo.E01" 'C:/Documents and Settings -> C:\Users' \
	'C:/Users/alice/Documents/report.docx'
bodyfile_case reparse "$fixtures/reparse.raw" 'C:/junc_ok -> C:\dir1' 'C:/file.txt' --drive C=0

# ---- dot ----
dotfile="$work/demo.dot"
if ! "$NTFSLINKS" -q --format dot -o "$dotfile" "$fixtures/demo.E01" ||
	! "$NTFSLINKS" -q --format dot -o "$work/demo.again.dot" "$fixtures/demo.E01"; then
	echo "FAIL: demo: ntfslinks --format dot failed"
	exit 1
fi
check "demo: dot -Tsvg renders the graph" sh -c "dot -Tsvg '$dotfile' > '$work/demo.svg' 2> '$work/demo.dot.err' && ! test -s '$work/demo.dot.err'"
check "demo: the graph is the same bytes on a second run" cmp -s "$dotfile" "$work/demo.again.dot"
dot -Tjson "$dotfile" >"$work/demo.dot.json" 2>/dev/null
# what the graph must show, from the JSON report of the same image
"$NTFSLINKS" -q -o "$work/demo.json" "$fixtures/demo.E01"
v='.volumes[0]'
edges=$(jq "[$v.reparse_points[] | select(.target or (.app_exec.target_path // \"\") != \"\")] | length" "$work/demo.json")
sets=$(jq "$v.hardlink_sets | length" "$work/demo.json")
stale=$(jq "[$v.reparse_points[] | select(.target.status == \"stale\")] | length" "$work/demo.json")
check "demo: graph has $edges arrows, $sets hard-link clusters, $stale red stale arrows" \
	"$PY" - "$work/demo.dot.json" "$edges" "$sets" "$stale" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))
want_edges, want_sets, want_stale = map(int, sys.argv[2:5])
edges = g.get("edges", [])
clusters = [o["name"] for o in g.get("objects", []) if o["name"].startswith("cluster_v") and "_r" in o["name"]]
stale = [e for e in edges if e.get("label") == "stale"]
bad = [e for e in stale if e.get("color") != "red3"]
ok = len(edges) == want_edges and len(clusters) == want_sets and len(stale) == want_stale and not bad
if not ok:
    print(f"  arrows {len(edges)} (want {want_edges}), clusters {len(clusters)} (want {want_sets}), "
          f"stale {len(stale)} (want {want_stale}), stale not red {len(bad)}")
sys.exit(0 if ok else 1)
EOF

exit $fail
