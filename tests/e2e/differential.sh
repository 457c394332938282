#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Differential test: ntfslinks against independent readers on every fixture volume and every real
# Windows image (fixtures/real). Hard-link sets must equal what TSK's fls shows (names grouped by MFT
# record, allocated only, no metafiles, streams or DOS aliases); reparse points (records, tags,
# allocation, substitute and print names) must equal what libfsntfs' fsntfsinfo shows.
# The work is done by differential.py beside this script.
#
# Automake test: exit 0 pass, 1 fail, 77 skip. Environment: top_srcdir, top_builddir, NTFSLINKS.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
NTFSLINKS=${NTFSLINKS:-$top_builddir/ntfslinks}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 || true)

if [ -z "$PY" ]; then
    echo "SKIP: no python3"
    exit 77
fi
for t in fls fsntfsinfo; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "SKIP: $t not installed (sleuthkit, libfsntfs-utils)"
        exit 77
    fi
done
if [ ! -x "$NTFSLINKS" ]; then
    echo "FAIL: no ntfslinks binary at $NTFSLINKS"
    exit 1
fi

work=$top_builddir/tests/work/diff
fixtures=$top_builddir/tests/work/fixtures   # shared with the other end-to-end tests
if ! sh "$top_srcdir/fixtures/unpack.sh" "$fixtures" >/dev/null; then
    echo "FAIL: fixtures/unpack.sh $fixtures"
    exit 1
fi
mkdir -p "$work" && ln -sfn "$fixtures" "$work/img"

exec "$PY" "$top_srcdir/tests/e2e/differential.py" "$top_srcdir" "$work" "$NTFSLINKS"
