#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Scaling on extracted $MFT files written by bench/make-mft.py (no FUSE, no root): for each N given,
# bench/cache/mft-N.mft is generated when missing, then measured REPS times, commands interleaved:
#   dd of the file from the page cache (the floor), ntfslinks json --threads 2, ndjson --threads 2,
#   json --threads 1 (-q -o /dev/null).
# Prints medians of wall, CPU (user+sys) and peak RSS, the load when each row started, bytes of peak
# RSS per record, and the ratios between the largest and the smallest N (linear growth: 9-11 for 10x).
# Also run as `bench/run.sh mft N...`.
#
# Usage: bench/run-mft.sh N [N ...]       (e.g. 1000000 10000000)
# Environment: REPS=3, NTFSLINKS=path (default ./ntfslinks of the repository), BENCH_CACHE=dir,
#   KEEP=0 deletes each generated file after its measurements (a 10M $MFT is 10 GB: check df first)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
REPS=${REPS:-3}
KEEP=${KEEP:-1}
CACHE=${BENCH_CACHE:-$HERE/cache}
NTFSLINKS=${NTFSLINKS:-$TOP/ntfslinks}
[ $# -ge 1 ] || { echo "usage: $0 N [N ...]" >&2; exit 1; }
[ -x "$NTFSLINKS" ] || { echo "run-mft.sh: no ntfslinks at $NTFSLINKS (make, or NTFSLINKS=path)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "run-mft.sh: /usr/bin/time missing: apt-get install time" >&2; exit 1; }
mkdir -p "$CACHE"
TMP=$(mktemp -d /tmp/ntfslinks-bench-mft.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
log() { printf '== %s\n' "$*" >&2; }

# one LABEL CMD...: appends "label wall cpu rss_mib load" to $SAMPLES
one() {
    local label=$1 load
    shift
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%e %U %S %M" -o "$TMP/tv" "$@" >/dev/null 2>"$TMP/err" || log "$label: exit $? $(head -c 200 "$TMP/err")"
    awk -v l="$label" -v load="$load" '{ printf "%s\t%.3f\t%.2f\t%.1f\t%s\n", l, $1, $2 + $3, $4 / 1024, load }' "$TMP/tv" >>"$SAMPLES"
}
med() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "| N | command | median wall s | median CPU s | median peak RSS MiB | RSS bytes per record | loads at start |"
echo "|---:|---|---:|---:|---:|---:|---|"
for N in "$@"; do
    F=$CACHE/mft-$N.mft
    if [ ! -f "$F" ]; then
        log "generating $F ($(df -h "$CACHE" | awk 'NR == 2 { print $4 }') free; load $(cut -d' ' -f1 /proc/loadavg))"
        t0=$(date +%s)
        /usr/bin/python3 "$HERE/make-mft.py" "$N" "$F"
        log "generated in $(( $(date +%s) - t0 )) s"
    fi
    : >"$TMP/samples"
    NL="$NTFSLINKS -q -o /dev/null"
    for i in $(seq 0 "$REPS"); do  # round 0 warms the page cache and is not counted
        SAMPLES=$TMP/samples
        [ "$i" != 0 ] || SAMPLES=$TMP/warm
        one "dd (floor)" dd if="$F" of=/dev/null bs=1M status=none
        one "ntfslinks json --threads 2" $NL --format json --threads 2 "$F"
        one "ntfslinks ndjson --threads 2" $NL --format ndjson --threads 2 "$F"
        one "ntfslinks json --threads 1" $NL --format json --threads 1 "$F"
    done
    recs=$(( $(stat -c %s "$F") / 1024 ))
    for l in "dd (floor)" "ntfslinks json --threads 2" "ntfslinks ndjson --threads 2" "ntfslinks json --threads 1"; do
        w=$(awk -F'\t' -v l="$l" '$1 == l { print $2 }' "$TMP/samples" | med)
        c=$(awk -F'\t' -v l="$l" '$1 == l { print $3 }' "$TMP/samples" | med)
        r=$(awk -F'\t' -v l="$l" '$1 == l { print $4 }' "$TMP/samples" | med)
        loads=$(awk -F'\t' -v l="$l" '$1 == l { printf "%s ", $5 }' "$TMP/samples")
        printf '%s\t%s\t%s\t%s\t%s\n' "$N" "$l" "$w" "$c" "$r" >>"$TMP/all"
        printf '| %s | `%s` | %.3f | %.2f | %.1f | %.0f | %s|\n' "$N" "$l" "$w" "$c" "$r" "$(echo "$r * 1048576 / $recs" | bc -l)" "$loads"
    done
    [ "$KEEP" != 0 ] || { rm -f "$F"; log "deleted $F"; }
done
if [ $# -ge 2 ]; then
    lo=$1 hi=$1
    for N in "$@"; do [ "$N" -lt "$lo" ] && lo=$N; [ "$N" -gt "$hi" ] && hi=$N; done
    echo
    echo "| ratio $hi / $lo | wall | CPU | peak RSS |"
    echo "|---|---:|---:|---:|"
    for l in "dd (floor)" "ntfslinks json --threads 2" "ntfslinks ndjson --threads 2" "ntfslinks json --threads 1"; do
        awk -F'\t' -v l="$l" -v lo="$lo" -v hi="$hi" '$2 == l && $1 == lo { w = $3; c = $4; r = $5 }
            $2 == l && $1 == hi { W = $3; C = $4; R = $5 }
            END { printf "| `%s` | %.2f | %.2f | %.2f |\n", l, W / w, C / c, R / r }' "$TMP/all"
    done
fi
