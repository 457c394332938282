#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Benchmark ntfslinks against the floor (TSK reading $MFT's bytes) and other tools on the cached
# image bench/cache/ntfs-N.raw / .E01 (build it first: sudo bench/make-image.sh N).
# Every command runs once as a warm-up (so the page cache is warm for all of them), then REPS times;
# prints medians of wall time and peak RSS, ratios, a Markdown table for bench/RESULTS.md, and the
# targets. Results are also kept in bench/cache/results-N.tsv; when results for another N exist,
# the scaling ratio is printed too.
#
# Usage: bench/run.sh [N]          (default 100000)
#        bench/run.sh mft N [N ...]  scaling on extracted $MFT files from make-mft.py (bench/run-mft.sh)
# Environment:
#   REPS=5                 timed runs per command (after one warm-up)
#   NTFSLINKS=path         the binary to measure (default: `make ntfslinks` in BUILD, then BUILD/ntfslinks)
#   BUILD=/tmp/b-bench     VPATH build folder used when NTFSLINKS is not given
#   ONLY=regex             only the rows whose label matches (e.g. ONLY=ntfslinks); the other rows
#                          are kept from the last run (ONLY=none: just print the tables again)
#   BENCH_CACHE=dir        where the images are (default bench/cache)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
if [ "${1:-}" = mft ]; then  # extracted $MFT files from make-mft.py, e.g. bench/run.sh mft 1000000 10000000
    shift
    exec "$HERE/run-mft.sh" "$@"
fi
N=${1:-100000}
REPS=${REPS:-5}
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
# measure LABEL FLOOR_LABEL CMD...   (FLOOR_LABEL: the row the ratio is taken against)
measure() {
    local label=$1 floor=$2 i t0 t1 rc load
    shift 2
    printf '%s\n' "$label" | grep -Eq -- "$ONLY" || return 0
    load=$(cut -d' ' -f1 /proc/loadavg)
    rc=0
    "$@" >/dev/null 2>"$TMP/err" || rc=$?
    [ "$rc" = 0 ] || { log "$label: exit status $rc: $(head -c 300 "$TMP/err")"; }
    : >"$TMP/samples"
    for i in $(seq "$REPS"); do
        t0=$(date +%s%N)
        /usr/bin/time -v -o "$TMP/tv" "$@" >/dev/null 2>"$TMP/err" || rc=$?
        t1=$(date +%s%N)
        awk -v w=$(( t1 - t0 )) -F': ' '
            /Maximum resident set size/ { rss = $2 }
            /User time/ { u = $2 } /System time/ { s = $2 }
            END { printf "%.4f %.1f %.2f\n", w / 1e9, rss / 1024, u + s }' "$TMP/tv" >>"$TMP/samples"
    done
    # median of each column; min wall
    local med
    med=$(for c in 1 2 3; do
        awk -v c=$c '{ print $c }' "$TMP/samples" | sort -g |
            awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
    done | tr '\n' ' ')
    local mn
    mn=$(awk '{ print $1 }' "$TMP/samples" | sort -g | head -1)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$floor" $med "$mn" "$load" "$rc" >>"$OUT.tmp"
    log "$(printf '%-44s wall %8.3f s  rss %7.1f MiB  cpu %7.2f s  (min %s, load %s)' "$label" $med "$mn" "$load")"
}

NL="$NTFSLINKS -q -o /dev/null"
measure "icat raw 0 (floor)"              "icat raw 0 (floor)" icat "$RAW" 0
measure "ils -e raw"                      "icat raw 0 (floor)" ils -e "$RAW"
measure "fls -r -p raw"                   "icat raw 0 (floor)" fls -r -p "$RAW"
measure "fsntfsinfo -H raw"               "icat raw 0 (floor)" fsntfsinfo -H "$RAW"
measure "ntfslinks json --threads 1 raw"   "icat raw 0 (floor)" $NL --format json --threads 1 "$RAW"
measure "ntfslinks json --threads 2 raw"   "icat raw 0 (floor)" $NL --format json --threads 2 "$RAW"
measure "ntfslinks ndjson --threads 1 raw" "icat raw 0 (floor)" $NL --format ndjson --threads 1 "$RAW"
measure "ntfslinks ndjson --threads 2 raw" "icat raw 0 (floor)" $NL --format ndjson --threads 2 "$RAW"
measure "icat E01 0 (E01 floor)"          "icat E01 0 (E01 floor)" icat "$E01" 0
measure "ntfslinks json --threads 1 E01"   "icat E01 0 (E01 floor)" $NL --format json --threads 1 "$E01"
measure "ntfslinks json --threads 2 E01"   "icat E01 0 (E01 floor)" $NL --format json --threads 2 "$E01"
measure "ntfslinks ndjson --threads 1 E01" "icat E01 0 (E01 floor)" $NL --format ndjson --threads 1 "$E01"
measure "ntfslinks ndjson --threads 2 E01" "icat E01 0 (E01 floor)" $NL --format ndjson --threads 2 "$E01"
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ ! -s "$OUT.tmp" ] || echo "ntfslinks $(if [ -n "$GIVEN" ]; then echo "$GIVEN (given, md5 $(md5sum <"$NTFSLINKS" | cut -c1-8))"; else echo "$REV ($DIRTY modified source files)"; fi), $REPS runs after 1 warm-up, $(date -u +%Y-%m-%dT%H:%MZ)$([ "$ONLY" = . ] || echo "; only rows matching /$ONLY/ measured then, the others earlier")" >"$TMP/meta"

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
echo "| command | median wall s | median peak RSS MiB | ratio to floor (wall) | median CPU s (user+sys) | ratio to floor (CPU) | min wall s | load at start |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
while IFS=$'\t' read -r label floor wall rss cpu mn load rc; do
    r=$(ratio "$wall" "$(value "$OUT" "$floor" 3)")
    rc_=$(ratio "$cpu" "$(value "$OUT" "$floor" 5)")
    [ "$rc" = 0 ] || label="$label (exit $rc)"
    printf '| `%s` | %.3f | %.1f | %s | %.2f | %s | %.3f | %s |\n' "$label" "$wall" "$rss" "$r" "$cpu" "$rc_" "$mn" "$load"
done <"$OUT"
echo
echo "Ratios of raw rows are to \`icat raw 0\`, of E01 rows to \`icat E01 0\`. CPU = user+sys of the"
echo "process (all threads); on a loaded machine (load at start > $(nproc)) trust it more than the wall time."

# targets
best_raw=$(value "$OUT" "ntfslinks json --threads 2 raw" 3)
best_e01=$(value "$OUT" "ntfslinks json --threads 2 E01" 3)
maxrss=$(awk -F'\t' '$1 ~ /^ntfslinks/ { if ($4 > m) m = $4 } END { print m + 0 }' "$OUT")
check() { # check WHAT VALUE LO HI  (LO/HI may be empty)
    local goal=- ok=-
    if [ -n "$3" ] && [ -n "$4" ]; then goal="$3..$4"; elif [ -n "$4" ]; then goal="<= $4"; elif [ -n "$3" ]; then goal=">= $3"; fi
    if [ "$2" != n/a ] && [ "$goal" != - ]; then
        ok=$(awk -v v="$2" -v lo="$3" -v hi="$4" 'BEGIN { print ((lo == "" || v >= lo + 0) && (hi == "" || v <= hi + 0)) ? "met" : "NOT met" }')
    fi
    printf '| %s | %s | %s | %s |\n' "$1" "$2" "$goal" "$ok"
}
echo
echo "| target (ntfslinks json --threads 2) | value | goal | |"
echo "|---|---:|---:|---|"
check "wall / icat raw 0" "$(ratio "$best_raw" "$(value "$OUT" "icat raw 0 (floor)" 3)")" "" 1.5
check "wall / fls -r -p" "$(ratio "$best_raw" "$(value "$OUT" "fls -r -p raw" 3)")" "" 0.2
check "E01 wall / icat E01 0" "$(ratio "$best_e01" "$(value "$OUT" "icat E01 0 (E01 floor)" 3)")" "" 1.3
check "max peak RSS of ntfslinks rows, MiB" "$maxrss" "" 256
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
