#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Benchmark ntfslinks against the floors on the cached image bench/cache/ntfs-N.raw / .E01 (build it first:
# sudo bench/make-image.sh N): `dd` of $MFT's bytes from the page cache (the true floor), `icat IMAGE 0`
# (TSK reading the same bytes: the issue 15 reference), `fls -r -p` (TSK listing every path), and ntfslinks
# json/ndjson with --threads 1 and 2 on raw and E01: every row of issue 15's table in one run.
# Rows are interleaved: one warm-up round runs every command once (so the page cache is warm for all of
# them), then REPS rounds each run every command once, in the same order; a row's numbers are the medians
# of its REPS runs, with the 1-minute load when each of its runs started (the load column: the first and the
# highest). Prints a Markdown table for bench/RESULTS.md (wall, CPU user+sys, peak RSS, CPU ns per MFT record,
# ratios to the row's floor) and the issue 15 targets. Results are also kept in bench/cache/results-N.tsv;
# when results for another N exist, the scaling ratio is printed too.
#
# Usage: bench/run.sh [N]          (default 100000)
#        bench/run.sh mft N [N ...]  scaling on extracted $MFT files from make-mft.py (bench/run-mft.sh)
# Environment:
#   REPS=3                 timed rounds (after one warm-up round)
#   NTFSLINKS=path         the binary to measure (default: `make ntfslinks` in BUILD, then BUILD/ntfslinks)
#   BUILD=/tmp/b-bench     VPATH build folder used when NTFSLINKS is not given
#   ONLY=regex             only the rows whose label matches (e.g. ONLY=ntfslinks); the other rows
#                          are kept from the last run (ONLY=none: just print the tables again)
#   EXTRA=1                also the slow references ils -e and fsntfsinfo -H (10-15 s each at 1M)
#   BENCH_CACHE=dir        where the images are (default bench/cache)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
if [ "${1:-}" = mft ]; then  # extracted $MFT files from make-mft.py, e.g. bench/run.sh mft 1000000 10000000
    shift
    exec "$HERE/run-mft.sh" "$@"
fi
N=${1:-100000}
REPS=${REPS:-3}
EXTRA=${EXTRA:-0}
ONLY=${ONLY:-.}
CACHE=${BENCH_CACHE:-$HERE/cache}
BUILD=${BUILD:-/tmp/b-bench}
RAW=$CACHE/ntfs-$N.raw
E01=$CACHE/ntfs-$N.E01
OUT=$CACHE/results-$N.tsv

die() { echo "run.sh: $*" >&2; exit 1; }
log() { printf '== %s\n' "$*" >&2; }

[ -f "$RAW" ] && [ -f "$E01" ] || die "no image for N=$N in $CACHE; build it first: sudo $HERE/make-image.sh $N"

if [ ! -x /usr/bin/time ]; then
    if [ "$(id -u)" = 0 ]; then
        log "installing the Debian package time (for /usr/bin/time -v)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null ||
            { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null; }
    fi
    [ -x /usr/bin/time ] || die "/usr/bin/time missing: apt-get install time"
fi
for t in icat ils fls fsntfsinfo; do
    command -v $t >/dev/null || die "missing $t (apt-get install sleuthkit libfsntfs-utils)"
done

GIVEN=${NTFSLINKS:-}
if [ -z "${NTFSLINKS:-}" ]; then
    # (re)build from the working tree, so the binary matches the HEAD printed below
    NTFSLINKS=$BUILD/ntfslinks
    log "building ntfslinks in $BUILD (VPATH build of $TOP)"
    [ -x "$TOP/configure" ] || (cd "$TOP" && autoreconf -fi)
    mkdir -p "$BUILD"
    (cd "$BUILD" && { [ -f Makefile ] || "$TOP/configure" -q; } && make -j2 ntfslinks >"$BUILD/bench-make.log" 2>&1) ||
        die "build failed, see $BUILD/bench-make.log (or set NTFSLINKS=path)"
fi
[ -x "$NTFSLINKS" ] || die "no ntfslinks binary at $NTFSLINKS"

REV=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$TOP" status --porcelain --untracked-files=no -- analyzer parsers report 2>/dev/null | wc -l)
TMP=$(mktemp -d /tmp/ntfslinks-bench-run.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

log "N=$N  REPS=$REPS  ntfslinks=$NTFSLINKS (HEAD $REV, $DIRTY modified source files)  $(nproc) cores"
log "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
if command -v jq >/dev/null; then
    "$NTFSLINKS" -q "$RAW" >"$TMP/report.json" || true
    log "report stats (raw): $(jq -c '.volumes[0].stats' "$TMP/report.json" 2>/dev/null || echo 'invalid JSON')"
    log "mft_records: $(jq -c '.volumes[0].ntfs.mft_records' "$TMP/report.json" 2>/dev/null || echo '?')"
fi

: >"$OUT.tmp"
# MFT records and records in use (one jq over the report: at 1M it is a few hundred MB)
read -r NREC INUSE < <(jq -r '"\(.volumes[0].ntfs.mft_records) \(.volumes[0].stats.records_in_use)"' "$TMP/report.json" 2>/dev/null || echo "0 0") || true

# $MFT's runs on the raw image ("byte_offset:byte_length" each), for the dd floor
MFT_RUNS=$(python3 - "$RAW" "$TOP/tests/hostile" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[2])
import ntfsedit as E
f = open(sys.argv[1], "rb")
boot = f.read(512)
cs, lcn = E.boot_geometry(boot)
c = struct.unpack_from("b", boot, 0x40)[0]
rs = 1 << -c if c < 0 else c * cs
f.seek(lcn * cs)
r = bytearray(f.read(rs))
usa_off, usa_count = struct.unpack_from("<HH", r, 4)
for i in range(1, usa_count):
    r[i * 512 - 2:i * 512] = r[usa_off + 2 * i:usa_off + 2 * i + 2]
off = struct.unpack_from("<H", r, 20)[0]
while off + 16 <= len(r):
    t, ln = struct.unpack_from("<II", r, off)
    if t == 0xFFFFFFFF or ln < 16:
        break
    if t == 0x80 and r[off + 8] == 1 and r[off + 9] == 0:
        rl = struct.unpack_from("<H", r, off + 32)[0]
        print(" ".join("%d:%d" % (l * cs, n * cs) for _, l, n in E.decode_runlist(bytes(r[off + rl:off + ln])) if l is not None))
        break
    off += ln
PY
) || MFT_RUNS=
dd_mft() { # reads $MFT's runs from the page cache in 1 MiB requests, as ntfslinks' scan reads them
    local run
    for run in $MFT_RUNS; do
        dd if="$RAW" of=/dev/null bs=1M iflag=skip_bytes,count_bytes skip="${run%%:*}" count="${run##*:}" status=none
    done
}
[ -n "$MFT_RUNS" ] || log "could not find \$MFT's runs: no dd row"

# The rows: label, the row its ratios are taken against, command (run as "${cmd[@]}" through eval)
LABELS=() FLOORS=() CMDS=()
row() { printf '%s\n' "$1" | grep -Eq -- "$ONLY" || return 0; LABELS+=("$1"); FLOORS+=("$2"); CMDS+=("$3"); }
NL="$NTFSLINKS -q -o /dev/null"
[ -z "$MFT_RUNS" ] || row "dd \$MFT from page cache (true floor)" "icat raw 0 (floor)" "dd_mft"
row "icat raw 0 (floor)"               "icat raw 0 (floor)"     "icat '$RAW' 0"
row "fls -r -p raw"                    "icat raw 0 (floor)"     "fls -r -p '$RAW'"
[ "$EXTRA" = 0 ] || row "ils -e raw"        "icat raw 0 (floor)" "ils -e '$RAW'"
[ "$EXTRA" = 0 ] || row "fsntfsinfo -H raw" "icat raw 0 (floor)" "fsntfsinfo -H '$RAW'"
row "ntfslinks json --threads 1 raw"   "icat raw 0 (floor)"     "$NL --format json --threads 1 '$RAW'"
row "ntfslinks json --threads 2 raw"   "icat raw 0 (floor)"     "$NL --format json --threads 2 '$RAW'"
row "ntfslinks ndjson --threads 2 raw" "icat raw 0 (floor)"     "$NL --format ndjson --threads 2 '$RAW'"
row "icat E01 0 (E01 floor)"           "icat E01 0 (E01 floor)" "icat '$E01' 0"
row "ntfslinks json --threads 1 E01"   "icat E01 0 (E01 floor)" "$NL --format json --threads 1 '$E01'"
row "ntfslinks json --threads 2 E01"   "icat E01 0 (E01 floor)" "$NL --format json --threads 2 '$E01'"
row "ntfslinks ndjson --threads 2 E01" "icat E01 0 (E01 floor)" "$NL --format ndjson --threads 2 '$E01'"

# round 0 is the warm-up; rounds 1..REPS append "wall rss_mib cpu load rc" to $TMP/s.<row>
for round in $(seq 0 "$REPS"); do
    log "round $round of $REPS$([ "$round" != 0 ] || echo ' (warm-up)'), load $(cut -d' ' -f1 /proc/loadavg)"
    for k in "${!LABELS[@]}"; do
        load=$(cut -d' ' -f1 /proc/loadavg)
        rc=0
        t0=$(date +%s%N)
        /usr/bin/time -v -o "$TMP/tv" bash -c "$(declare -f dd_mft); MFT_RUNS='$MFT_RUNS' RAW='$RAW'; ${CMDS[$k]}" \
            >/dev/null 2>"$TMP/err" || rc=$?
        t1=$(date +%s%N)
        [ "$rc" = 0 ] || log "${LABELS[$k]}: exit status $rc: $(head -c 300 "$TMP/err")"
        [ "$round" = 0 ] && continue
        awk -v w=$(( t1 - t0 )) -v load="$load" -v rc="$rc" -F': ' '
            /Maximum resident set size/ { rss = $2 }
            /User time/ { u = $2 } /System time/ { s = $2 }
            END { printf "%.4f %.1f %.3f %s %s\n", w / 1e9, rss / 1024, u + s, load, rc }' "$TMP/tv" >>"$TMP/s.$k"
    done
done

# medians per row: label floor wall rss cpu min_wall loads rc
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for k in "${!LABELS[@]}"; do
    f=$TMP/s.$k
    wall=$(awk '{ print $1 }' "$f" | median)
    rss=$(awk '{ print $2 }' "$f" | median)
    cpu=$(awk '{ print $3 }' "$f" | median)
    mn=$(awk '{ print $1 }' "$f" | sort -g | head -1)
    loads=$(awk 'NR == 1 { first = $4 } { if ($4 > max) max = $4 } END { printf "%s-%s", first, max }' "$f")
    rc=$(awk '$5 != 0 { rc = $5 } END { print rc + 0 }' "$f")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${LABELS[$k]}" "${FLOORS[$k]}" "$wall" "$rss" "$cpu" "$mn" "$loads" "$rc" >>"$OUT.tmp"
    log "$(printf '%-44s wall %8.3f s  rss %7.1f MiB  cpu %7.3f s  (min %s, loads %s)' "${LABELS[$k]}" "$wall" "$rss" "$cpu" "$mn" "$loads")"
done
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ ! -s "$OUT.tmp" ] || echo "ntfslinks $(if [ -n "$GIVEN" ]; then echo "$GIVEN (given, md5 $(md5sum <"$NTFSLINKS" | cut -c1-8))"; else echo "$REV ($DIRTY modified source files)"; fi), $REPS interleaved rounds after 1 warm-up round, $NREC MFT records ($INUSE in use), $(date -u +%Y-%m-%dT%H:%MZ)$([ "$ONLY" = . ] || echo "; only rows matching /$ONLY/ measured then, the others earlier")" >"$TMP/meta"

# keep earlier rows that ONLY skipped this time
if [ -f "$OUT" ] && [ "$ONLY" != . ]; then
    awk -F'\t' 'FILENAME == ARGV[1] { row[$1] = $0; order[++n] = $1; next }
        { if ($1 in row) { print row[$1]; done[$1] = 1 } else print }
        END { for (i = 1; i <= n; i++) if (!(order[i] in done)) print row[order[i]] }' "$OUT.tmp" "$OUT" >"$TMP/merged"
    mv "$TMP/merged" "$OUT.tmp"
fi
mv "$OUT.tmp" "$OUT"
if [ -s "$TMP/meta" ]; then mv "$TMP/meta" "$OUT.meta"; fi
META=$(cat "$OUT.meta" 2>/dev/null || echo "?")

# value LABEL COLUMN (3 wall, 4 rss, 5 cpu) from a results file
value() { awk -F'\t' -v l="$2" -v c="$3" '$1 == l { print $c }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }

echo
echo "### N = $N ($(jq -r '.volumes[0].ntfs.mft_records' "$TMP/report.json" 2>/dev/null || echo '?') MFT records), $META"
echo
NREC=$(awk -F'[(, ]' '{ for (i = 1; i < NF; i++) if ($(i + 1) == "MFT" && $(i + 2) == "records") print $i }' <<<"$META" | head -1)
INUSE=$(awk -F'[(, ]' '{ for (i = 1; i < NF; i++) if ($(i + 1) == "in" && $(i + 2) == "use)") print $i }' <<<"$META" | head -1)
echo "| command | median wall s | ratio to floor (wall) | median CPU s (user+sys) | ratio to floor (CPU) | CPU ns per MFT record | median peak RSS MiB | peak RSS bytes per record in use | min wall s | load at start (first-highest) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
while IFS=$'\t' read -r label floor wall rss cpu mn load rc; do
    r=$(ratio "$wall" "$(value "$OUT" "$floor" 3)")
    rc_=$(ratio "$cpu" "$(value "$OUT" "$floor" 5)")
    ns=$(awk -v c="$cpu" -v n="${NREC:-0}" 'BEGIN { if (n > 0) printf "%.0f", c * 1e9 / n; else print "n/a" }')
    bpr=$(awk -v m="$rss" -v n="${INUSE:-0}" 'BEGIN { if (n > 0) printf "%.0f", m * 1048576 / n; else print "n/a" }')
    [ "$rc" = 0 ] || label="$label (exit $rc)"
    printf '| `%s` | %.3f | %s | %.3f | %s | %s | %.1f | %s | %.3f | %s |\n' "$label" "$wall" "$r" "$cpu" "$rc_" "$ns" "$rss" "$bpr" "$mn" "$load"
done <"$OUT"
echo
echo "Ratios of raw rows are to \`icat raw 0\`, of E01 rows to \`icat E01 0\`. CPU = user+sys of the"
echo "process (all threads); on a loaded machine (load at start > $(nproc)) trust it more than the wall time."

# targets
best_raw=$(value "$OUT" "ntfslinks json --threads 2 raw" 3)
best_e01=$(value "$OUT" "ntfslinks json --threads 2 E01" 3)
maxrss=$(awk -F'\t' '$1 ~ /^ntfslinks/ { if ($4 > m) m = $4 } END { print m + 0 }' "$OUT")
bpr_max=$(awk -v m="$maxrss" -v n="${INUSE:-0}" 'BEGIN { if (n > 0 && m > 0) printf "%.0f", m * 1048576 / n; else print "n/a" }')
check() { # check WHAT VALUE LO HI  (LO/HI may be empty)
    local goal=- ok=-
    if [ -n "$3" ] && [ -n "$4" ]; then goal="$3..$4"; elif [ -n "$4" ]; then goal="<= $4"; elif [ -n "$3" ]; then goal=">= $3"; fi
    if [ "$2" != n/a ] && [ "$goal" != - ]; then
        ok=$(awk -v v="$2" -v lo="$3" -v hi="$4" 'BEGIN { print ((lo == "" || v >= lo + 0) && (hi == "" || v <= hi + 0)) ? "met" : "NOT met" }')
    fi
    printf '| %s | %s | %s | %s |\n' "$1" "$2" "$goal" "$ok"
}
echo
echo "| target (issue 15; ntfslinks json --threads 2) | value | goal | |"
echo "|---|---:|---:|---|"
check "raw wall / icat raw 0" "$(ratio "$best_raw" "$(value "$OUT" "icat raw 0 (floor)" 3)")" "" 1.0
check "raw CPU / icat raw 0 CPU (for reference)" "$(ratio "$(value "$OUT" "ntfslinks json --threads 2 raw" 5)" "$(value "$OUT" "icat raw 0 (floor)" 5)")" "" ""
check "raw wall / dd of \$MFT (for reference)" "$(ratio "$best_raw" "$(value "$OUT" "dd \$MFT from page cache (true floor)" 3)")" "" ""
check "E01 wall / icat E01 0" "$(ratio "$best_e01" "$(value "$OUT" "icat E01 0 (E01 floor)" 3)")" "" 0.6
check "E01 CPU / icat E01 0 CPU (for reference)" "$(ratio "$(value "$OUT" "ntfslinks json --threads 2 E01" 5)" "$(value "$OUT" "icat E01 0 (E01 floor)" 5)")" "" ""
check "raw wall / fls -r -p" "$(ratio "$best_raw" "$(value "$OUT" "fls -r -p raw" 3)")" "" 0.2
check "max peak RSS of ntfslinks rows, bytes per record in use" "$bpr_max" "" 100
for other in "$CACHE"/results-*.tsv; do
    [ -f "$other" ] || continue
    M=${other##*/results-}; M=${M%.tsv}
    [ "$M" != "$N" ] || continue
    if [ "$M" -gt "$N" ]; then big=$other small=$OUT lb=$M ls=$N; else big=$OUT small=$other lb=$N ls=$M; fi
    for l in "ntfslinks json --threads 2 raw" "ntfslinks json --threads 1 raw"; do
        check "scaling $lb/$ls wall (${l#ntfslinks })" \
            "$(ratio "$(value "$big" "$l" 3)" "$(value "$small" "$l" 3)")" 8 12
    done
    check "scaling $lb/$ls CPU (json --threads 1 raw, for reference)" \
        "$(ratio "$(value "$big" "ntfslinks json --threads 1 raw" 5)" "$(value "$small" "ntfslinks json --threads 1 raw" 5)")" "" ""
    check "scaling $lb/$ls icat raw 0 (for reference)" \
        "$(ratio "$(value "$big" "icat raw 0 (floor)" 3)" "$(value "$small" "icat raw 0 (floor)" 3)")" "" ""
done
