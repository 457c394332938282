#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The two other views of an analysis, checked against the tools that read them:
# - --format bodyfile: sleuthkit's mactime accepts it; the link lines carry "-> target"; every allocated
#   name `fls -r -p` lists is in it; a known file's times equal those of `fls -m`.
# - --format dot: Graphviz renders it; by default the stale links and the findings' records (marked), with
#   --graph all one arrow per reparse point that leads somewhere and one cluster per hard-link set; the cap
#   holds and the note counts what was left out or out of scope; the same image gives the same bytes.
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
# dot_case NAME IMAGE SCOPE NODES: --format dot --graph SCOPE --graph-nodes NODES, rendered by Graphviz, the same
# bytes twice, and what it draws checked against the JSON report of the same image (tests/e2e/dot_check.py)
dot_case() {
	local name=$1 img=$2 scope=$3 nodes=$4
	local dotfile="$work/$name.dot"
	if ! "$NTFSLINKS" -q --format dot --graph "$scope" --graph-nodes "$nodes" -o "$dotfile" "$img" ||
		! "$NTFSLINKS" -q --format dot --graph "$scope" --graph-nodes "$nodes" -o "$work/$name.again.dot" "$img" ||
		! "$NTFSLINKS" -q -o "$work/$name.json" "$img"; then
		echo "FAIL: $name: ntfslinks failed"
		fail=1
		return
	fi
	check "$name: dot -Tsvg renders the graph" sh -c "dot -Tsvg '$dotfile' > '$work/$name.svg' 2> '$work/$name.dot.err' && ! test -s '$work/$name.dot.err'"
	check "$name: the graph is the same bytes on a second run" cmp -s "$dotfile" "$work/$name.again.dot"
	dot -Tjson "$dotfile" >"$work/$name.dot.json" 2>/dev/null
	check "$name (--graph $scope, --graph-nodes $nodes): arrows, clusters, finding marks, legend and note as the report says" \
		"$PY" "$src/tests/e2e/dot_check.py" "$work/$name.dot.json" "$work/$name.json" "$scope" "$nodes"
}
dot_case demo-all "$fixtures/demo.E01" all 0
dot_case demo "$fixtures/demo.E01" suspicious 0
dot_case attacks "$fixtures/attacks.raw" suspicious 0
dot_case attacks-all "$fixtures/attacks.raw" all 0
dot_case attacks-cap "$fixtures/attacks.raw" all 20
dot_case attacks-cap-suspicious "$fixtures/attacks.raw" suspicious 12
"$NTFSLINKS" -q --format dot -o "$work/default.dot" "$fixtures/attacks.raw" &&
	check "the default graph is --graph suspicious --graph-nodes 1000" cmp -s "$work/default.dot" <("$NTFSLINKS" -q --format dot --graph suspicious --graph-nodes 1000 "$fixtures/attacks.raw")
for bad in "--graph all" "--graph-nodes 10" "--format dot --graph some" "--format dot --graph-nodes -1"; do
	out=$("$NTFSLINKS" -q $bad "$fixtures/demo.E01" 2>&1 >/dev/null)
	check "$bad: exit 1 (${out%%$'\n'*})" test $? = 1
done

exit $fail
