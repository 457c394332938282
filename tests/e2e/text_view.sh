#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The text view's width, wrapping, order and cut hints, and --only in every format (tests/e2e/text_view.py).
bash "${top_srcdir:-.}/fixtures/unpack.sh" "${top_builddir:-.}/tests/work/fixtures" >/dev/null ||
	{ echo "FAIL: unpacking fixtures"; exit 1; }
exec /usr/bin/python3 "${top_srcdir:-.}/tests/e2e/text_view.py"
