#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One entry point for a fresh Debian/Ubuntu machine: install what is missing, build, then
#   ./setup.sh demo   run ntfslinks on fixtures/demo.E01, write report.json, print a summary
#   ./setup.sh test   run the whole test suite (make check)
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential autoconf automake pkg-config libtsk-dev libewf-dev libdeflate-dev libregf-dev libbfio-dev libvshadow-dev libvshadow-utils libjansson-dev
	libcriterion-dev sleuthkit libfsntfs-utils ewf-tools python3 python3-jsonschema jq gzip graphviz libhivex-bin
	libvhdi-dev libvmdk-dev libqcow-dev qemu-utils libssl-dev
	chromium liblnk-utils fdisk strace)

die() { echo "setup.sh: $*" >&2; exit 1; }

# Installs only the packages that are not installed yet (apt-get update first, once).
install_missing() {
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "setup.sh: installing ${missing[*]}"
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -q || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" \
		|| die "apt-get install ${missing[*]} failed"
}

# Configures (once) and builds; configure is re-run when configure.ac or Makefile.am changed.
build() {
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
		autoreconf -fi || die "autoreconf failed"
	fi
	if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
		./configure -q ${CONFIGURE_FLAGS:-} || die "configure failed"
	fi
	make -j"$(nproc)" || die "build failed"
}

# Runs the demo: a report of the bundled demo image, and a summary of it.
demo() {
	./ntfslinks -o report.json fixtures/demo.E01 || die "ntfslinks failed on fixtures/demo.E01"
	echo "setup.sh: wrote report.json"
	jq -r '.volumes[] | "volume \(.index) at offset \(.offset): \(.stats.records_in_use) records in use, \(.stats.hardlink_sets) hard-link sets, \(.stats.reparse_points) reparse points, \(.stats.stale_links) stale links, \(.stats.anomalies) anomalies",
		(.reparse_points[] | select(.target != null and .target.status != "ok") | "  \(.target.status): \(.path) -> \(.print_name // .substitute_name // .kind)")' report.json
}

# Runs the whole test suite and shows Criterion's synthesis lines.
run_tests() {
	local status=0
	make -j"$(nproc)" check || status=$?
	for f in tests/unit/*.log tests/e2e/*.log; do
		[ -f "$f" ] || continue
		grep -h 'Synthesis' "$f" | sed "s|^|${f%.log}: |" || true
	done
	if [ $status -ne 0 ]; then
		for f in tests/unit/*.log tests/e2e/*.log; do
			[ -f "$f" ] && grep -q '^:test-result: \(FAIL\|ERROR\)' "${f%.log}.trs" 2>/dev/null && { echo "==== $f"; grep -h '^FAIL' "$f" | head -n 20; tail -n 40 "$f"; }
		done
		die "tests failed"
	fi
}

case "${1:-}" in
demo) install_missing; build; demo ;;
test) install_missing; build; run_tests ;;
*) echo "usage: $0 demo|test" >&2; exit 1 ;;
esac
