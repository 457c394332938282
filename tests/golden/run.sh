#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make check: every fixture (every container form) and every hostile case, in every format, against the
# committed goldens in tests/golden/expected/ (tests/golden/README.md). Env: top_srcdir, top_builddir,
# NTFSLINKS; GOLDEN_ONLY=regex, GOLDEN_DIFF_LINES=N, GOLDEN_KEEP=1 (see golden.py).
set -u
python=/usr/bin/python3
[ -x "$python" ] || python=python3
exec "$python" "${top_srcdir:-.}/tests/golden/golden.py" check
