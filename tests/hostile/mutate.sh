#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make check: the mutation test (tests/hostile/mutate.py): a few hundred seeded mutants of a fixture's $MFT,
# each run must end in exit 0 (complete) or 3 (partial) with valid JSON, or exit 2. Env: top_srcdir, top_builddir, NTFSLINKS, and
# MUTATE_SEED / MUTATE_CASES / MUTATE_JOBS / MUTATE_ONLY (see mutate.py).
set -u
src=${top_srcdir:-.}
build=${top_builddir:-.}
python=/usr/bin/python3
[ -x "$python" ] || python=python3
fx=$build/tests/work/fixtures
bash "$src/fixtures/unpack.sh" "$fx" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }
exec "$python" "$src/tests/hostile/mutate.py" "${NTFSLINKS:-$build/ntfslinks}" "$fx" "$build/tests/work/mutate"
