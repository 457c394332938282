#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The command line: --help, --version and usage errors with the documented exit statuses.
set -u
fail=0
check() { # check DESCRIPTION EXPECTED_STATUS ACTUAL_STATUS
	if [ "$2" -ne "$3" ]; then echo "FAIL: $1: exit $3, expected $2"; fail=1; else echo "ok: $1"; fi
}
out=$("$NTFSLINKS" --help); check "--help" 0 $?
case $out in *"Usage: ntfslinks"*"--drive X=N"*) echo "ok: --help text";; *) echo "FAIL: --help text"; fail=1;; esac
out=$("$NTFSLINKS" --version); check "--version" 0 $?
case $out in "ntfslinks "[0-9]*) echo "ok: --version text";; *) echo "FAIL: --version text: $out"; fail=1;; esac
"$NTFSLINKS" 2>/dev/null; check "no image" 1 $?
"$NTFSLINKS" --format xml x 2>/dev/null; check "bad format" 1 $?
err=$("$NTFSLINKS" /nonexistent/image.dd 2>&1 >/dev/null); check "missing image" 2 $?
case $err in *"/nonexistent/image.dd"*) echo "ok: error names the file";; *) echo "FAIL: error does not name the file: $err"; fail=1;; esac
exit $fail
