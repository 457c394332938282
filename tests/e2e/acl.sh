#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Security descriptors (issue 13) on the acl fixture: the report's SDDL of each file and folder against
# the bytes ntfs-3g handed back through getfattr (decoded by tests/e2e/acl_oracle.py, not by ntfslinks),
# and writable_by / parent_writable_by against the hand-written expectation.
set -u
src=${top_srcdir:-.}
work=${top_builddir:-.}/tests/work/acl
fixtures=${top_builddir:-.}/tests/work/fixtures
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "SKIP: $PY is not installed"; exit 77; }
mkdir -p "$work"
bash "$src/fixtures/unpack.sh" "$fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }
"$NTFSLINKS" -q -o "$work/acl.json" "$fixtures/acl.raw" || { echo "FAIL: ntfslinks exited $?"; exit 1; }
fail=0
$PY "$src/tests/e2e/acl_oracle.py" "$work/acl.json" "$src/fixtures/acl.ntfs_acl.txt" || fail=1
$PY "$src/tests/e2e/check_expect.py" "$work/acl.json" "$src/fixtures/acl.expect.json" || fail=1
# the set's one ACL, its names' two folders: what the README shows
$PY - "$work/acl.json" <<'PYEOF' || fail=1
import json, sys
v = json.load(open(sys.argv[1], encoding="utf-8"))["volumes"][0]
s = next(s for s in v["hardlink_sets"] if any(n["path"] == "\\public\\report.txt" for n in s["names"]))
who = {n["path"]: sorted(w["sid"] for w in n["parent_writable_by"]) for n in s["names"]}
file_writers = [w["sid"] for w in s["security"]["writable_by"]]
assert file_writers == ["S-1-5-21-1004336348-1177238915-682003330-1001"], file_writers
assert "S-1-1-0" in who["\\public\\report.txt"] and "S-1-1-0" not in who["\\private\\report.txt"], who
print("ok: one ACL (writable by the user only), two parent ACLs (\\public: Everyone; \\private: the user)")
PYEOF
exit $fail
