#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Regenerates every golden in tests/golden/expected/ from the current build (tests/golden/README.md).
# Usage: tests/golden/update.sh            (in a source tree built in place)
#        top_builddir=BUILD tests/golden/update.sh   (VPATH build: BUILD holds ntfslinks)
# Then review `git diff tests/golden` and explain every change in the commit message.
set -eu
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
top_builddir=$(cd "${top_builddir:-$top_srcdir}" && pwd)
NTFSLINKS=${NTFSLINKS:-$top_builddir/ntfslinks}
export top_srcdir top_builddir NTFSLINKS
make -s -C "$top_builddir" ntfslinks
python=/usr/bin/python3
[ -x "$python" ] || python=python3
"$python" "$top_srcdir/tests/golden/golden.py" update
git -C "$top_srcdir" status --short -- tests/golden/expected | head -n 40
