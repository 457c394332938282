#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/make-mft.py writes what it plans: 2,500 generated records (directories, files with 8.3 names,
# hard links, a file whose names sit in extension records behind an $ATTRIBUTE_LIST, junctions,
# symbolic links, deleted records) compared with TSK's istat of a mkntfs volume built around them, and
# with ntfslinks' counts on the extracted $MFT and on that volume (tests/e2e/make_mft_check.py).
set -u
top=${top_srcdir:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in mkntfs istat; do
	command -v $t >/dev/null || { echo "FAIL: $t missing (setup.sh installs ntfs-3g and sleuthkit)"; exit 1; }
done
# 64 MiB volume: 16,384 clusters of 4 KiB; the generated $DATA runs stay below cluster 16,000
/usr/bin/python3 "$top/bench/make-mft.py" --jobs 1 --max-lcn 16000 --plan "$tmp/plan.jsonl" 2500 "$tmp/gen.mft" ||
	{ echo "FAIL: make-mft.py exited $?"; exit 1; }
truncate -s 64M "$tmp/vol.raw" && mkntfs -q -F -f -s 512 -c 4096 "$tmp/vol.raw" >/dev/null 2>&1 ||
	{ echo "FAIL: mkntfs"; exit 1; }
if /usr/bin/python3 "$top/tests/e2e/make_mft_check.py" "$tmp/gen.mft" "$tmp/plan.jsonl" "$tmp/vol.raw" "$NTFSLINKS"; then
	echo "ok: make-mft.py's plan is what istat and ntfslinks read"
else
	echo "FAIL: make-mft.py's records differ from its plan"
	exit 1
fi
# the check can fail: one planned name changed must be found
/usr/bin/python3 - "$tmp/plan.jsonl" "$tmp/bad.jsonl" <<'PY' || { echo "FAIL: no planned name to change"; exit 1; }
import json, sys
plan = [json.loads(line) for line in open(sys.argv[1])]
first = next(p for p in plan if p["rec"] >= 24 and p["names"])  # the first user record: always compared
first["names"][0][2] += "X"
open(sys.argv[2], "w").write("".join(json.dumps(p) + "\n" for p in plan))
PY
truncate -s 0 "$tmp/vol.raw" && truncate -s 64M "$tmp/vol.raw" && mkntfs -q -F -f -s 512 -c 4096 "$tmp/vol.raw" >/dev/null 2>&1
if /usr/bin/python3 "$top/tests/e2e/make_mft_check.py" "$tmp/gen.mft" "$tmp/bad.jsonl" "$tmp/vol.raw" "$NTFSLINKS" >/dev/null; then
	echo "FAIL: a changed plan still passed the check"
	exit 1
fi
echo "ok: a plan with one name changed fails the check"
