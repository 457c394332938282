#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Every report ntfslinks writes validates against report/schema.json (JSON Schema draft 2020-12): the
# JSON document and each NDJSON line, for every fixture in every container form, plus the reports
# fixtures_e2e.sh left in tests/work/e2e/out. A doctored report must fail, so the check can fail.
# Writes only under $top_builddir/tests/work/schema.
set -u
src=${top_srcdir:-.}
build=${top_builddir:-.}
work=$build/tests/work/schema
fixtures=$build/tests/work/fixtures
PY=/usr/bin/python3
SCHEMA=$src/report/schema.json
VALIDATE="$PY $src/tests/e2e/validate_schema.py $SCHEMA"
[ -x "$PY" ] || { echo "SKIP: $PY is not installed"; exit 77; }
$PY -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null ||
	{ echo "SKIP: python3-jsonschema (4.x, draft 2020-12) is not installed"; exit 77; }

fail=0
$VALIDATE --check-schema || exit 1

rm -rf "$work"
mkdir -p "$work/out" "$work/doctored"
bash "$src/fixtures/unpack.sh" "$fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }

# every image of every fixture, with the options its expectation gives, as JSON and as NDJSON
opts_of() { # the "options" array of an expect.json, one per line
	$PY -c 'import json,sys
for o in json.load(open(sys.argv[1])).get("options", []): print(o)' "$1"
}
files_of() { # the image files of an expect.json, one per line (split and multi-segment: the first)
	$PY -c 'import json,sys
f = json.load(open(sys.argv[1])).get("files", {})
for form in ("raw", "split_raw", "ewf", "ewf_multi", "mft"):
    if form in f: print(form, f[form][:-3] if f[form].endswith(".gz") else f[form])' "$1"
}
for exp in "$src"/fixtures/*.expect.json "$src"/fixtures/real/*.expect.json; do
	[ -f "$exp" ] || continue
	name=$(basename "$exp" .expect.json)
	dir=$fixtures
	case $exp in */real/*) dir=$fixtures/real ;; esac
	mapfile -t opts < <(opts_of "$exp")
	while read -r form file; do
		for fmt in json ndjson; do
			out=$work/out/$name.$form.$fmt
			"$NTFSLINKS" -q --format "$fmt" "${opts[@]}" -o "$out" "$dir/$file"
			rc=$?
			if [ $rc -ne 0 ]; then
				echo "FAIL: $name [$form, $fmt]: ntfslinks exited $rc"
				fail=1
			fi
		done
	done < <(files_of "$exp")
done
# the same volume without the options (drive letters inferred, or none) and one volume of a disk
"$NTFSLINKS" -q -o "$work/out/disk-mbr.noopts.json" "$fixtures/disk-mbr.raw" || fail=1
"$NTFSLINKS" -q --format ndjson --partition 1 -o "$work/out/disk-mbr.part1.ndjson" "$fixtures/disk-mbr.raw" || fail=1
# --du adds directory_sizes (JSON) or directory_size lines (NDJSON); a missing --du path, an error
for fmt in json ndjson; do
	"$NTFSLINKS" -q --format $fmt --du '\Windows' --du-depth 2 -o "$work/out/demo.du.$fmt" "$fixtures/demo.E01" || fail=1
	# \Users is on volume 0 of disk-mbr only: volume 1 says why in directory_sizes_error
	"$NTFSLINKS" -q --format $fmt --du '\Users' -o "$work/out/disk-mbr.du-missing.$fmt" "$fixtures/disk-mbr.raw" || fail=1
	# a path on no volume is a usage error: exit 1, no report
	if "$NTFSLINKS" -q --format $fmt --du '\NoSuchDir' -o "$work/nosuchdir.$fmt" "$fixtures/demo.E01" 2>/dev/null ||
	   [ $? -ne 1 ]; then
		echo "FAIL: --du on a path found on no volume did not exit 1"; fail=1
	fi
done
jq -e '.volumes[1].directory_sizes_error | test("no allocated directory \\\\Users on volume 1")' \
	"$work/out/disk-mbr.du-missing.json" >/dev/null || { echo "FAIL: volume 1 of disk-mbr has no directory_sizes_error"; fail=1; }
grep -q '"type":"directory_size"' "$work/out/demo.du.ndjson" || { echo "FAIL: --du wrote no directory_size line"; fail=1; }

# the damaged and hostile images of tests/hostile (own copy of the corpus, not the one run.sh uses):
# every report written with exit status 0 (complete) or 3 (partial)
if [ -f "$src/tests/hostile/make-corpus.py" ] && command -v jq >/dev/null &&
	$PY "$src/tests/hostile/make-corpus.py" "$fixtures" "$work/hostile" >/dev/null 2>&1; then
	while IFS= read -r line; do
		[ -n "$(jq -r '.skip // empty' <<<"$line")" ] && continue
		[ "$(jq -r '.output_is_image // false' <<<"$line")" = true ] && continue
		name=$(jq -r .name <<<"$line")
		mapfile -t args < <(jq -r '.args[]' <<<"$line")
		for fmt in json ndjson; do
			timeout "$(awk -v k="${NTFSLINKS_TIMEOUT_SCALE:-1}" 'BEGIN { print 60 * k }')" "$NTFSLINKS" -q "${args[@]}" --format $fmt -o "$work/out/hostile-$name.$fmt" \
				"$work/hostile/$(jq -r .image <<<"$line")" 2>/dev/null
			rc=$?
			[ $rc -eq 0 ] || [ $rc -eq 3 ] || rm -f "$work/out/hostile-$name.$fmt"
		done
	done <"$work/hostile/manifest.jsonl"
	rm -rf "$work/hostile"
else
	echo "note: no hostile corpus (tests/hostile/make-corpus.py or jq missing, or it failed)"
fi

$VALIDATE "$work"/out/* || fail=1

# the reports fixtures_e2e.sh wrote, once it has finished (make -j may run it beside this test)
e2e=$build/tests/work/e2e/out
if [ -f "$build/tests/e2e/fixtures_e2e.trs" ] && ls "$e2e"/*.json >/dev/null 2>&1; then
	$VALIDATE "$e2e"/*.json "$e2e"/*.ndjson || fail=1
else
	echo "note: no finished reports of fixtures_e2e.sh in $e2e; validated only this test's own"
fi

# the validator must be able to fail: doctored copies of a good report, each wrong in one way
good=$work/out/demo.ewf.json
goodnd=$work/out/demo.ewf.ndjson
doctor() { # doctor NAME IN PYTHON-STATEMENT (on d, the parsed document; lines: d is each line)
	$PY - "$2" "$work/doctored/$1" "$3" <<'EOF'
import json, sys
src, dst, stmt = sys.argv[1:]
if src.endswith(".ndjson"):
    with open(src) as f, open(dst, "w") as o:
        for line in f:
            d = json.loads(line)
            exec(stmt)
            o.write(json.dumps(d) + "\n")
else:
    d = json.load(open(src))
    exec(stmt)
    json.dump(d, open(dst, "w"))
EOF
}
doctor version.json "$good" 'd["schema_version"] = 1'
doctor no-record.json "$good" 'del(d["volumes"][0]["hardlink_sets"][0]["record"])'
doctor bad-status.json "$good" 'd["volumes"][0]["reparse_points"][0]["target"]["status"] = "dangling"'
doctor bad-kind.json "$good" 'd["volumes"][0]["reparse_points"][0]["kind"] = "shortcut"'
doctor string-count.json "$good" 'd["volumes"][0]["stats"]["names"] = "70"'
doctor no-substitute.json "$good" 'del(d["volumes"][0]["reparse_points"][0]["substitute_name"])'
doctor du-no-shared.json "$work/out/demo.du.json" 'del(d["volumes"][0]["directory_sizes"][0]["shared_bytes"])'
doctor no-volume.ndjson "$goodnd" 'd.pop("volume") if d["type"] == "reparse_point" else None'
doctor bad-type.ndjson "$goodnd" 'd.update(type="hardlinkset") if d["type"] == "hardlink_set" else None'
doctor bad-namespace.ndjson "$goodnd" '[n.update(namespace="nt") for n in d.get("names", [])]'
for f in "$work"/doctored/*.json "$work"/doctored/*.ndjson; do
	if [ ! -s "$f" ]; then
		echo "FAIL: could not doctor $f"
		fail=1
	elif $VALIDATE "$f" >"$f.log" 2>&1; then
		echo "FAIL: the doctored report $(basename "$f") validates"
		fail=1
	else
		echo "ok: the doctored report $(basename "$f") is rejected: $(sed -n 2p "$f.log" | sed 's/^ *//')"
	fi
done
exit $fail
