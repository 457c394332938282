#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make check: every fixture (every container form) and every hostile case, in every format, run with
# --threads 1, 2, 3, 8 and 16 must give byte-identical output, exit status and stderr (golden.py threads).
# Env: top_srcdir, top_builddir, NTFSLINKS; GOLDEN_ONLY=regex (see golden.py).
set -u
python=/usr/bin/python3
[ -x "$python" ] || python=python3
exec "$python" "${top_srcdir:-.}/tests/golden/golden.py" threads
