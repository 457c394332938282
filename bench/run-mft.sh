#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Scaling on extracted $MFT files written by bench/make-mft.py (no FUSE, no root): for each N given,
# bench/cache/mft-N.mft is generated when missing, then measured REPS times, commands interleaved:
#   dd of the file from the page cache (the floor), ntfslinks json --threads 2, ndjson --threads 2,
#   json --threads 1 (-q -o /dev/null).
# Prints medians of wall, CPU (user+sys) and peak RSS, the load when each row started, bytes of peak
# RSS per MFT record and per record in use (stats.records_in_use of the warm-up's JSON report, read from
# its head), make-mft.py's own time when it generated a file (target: >= 1M records per 20 s wall), the
# ratios between the largest and the smallest N (linear growth: 9-11 for 10x), and the targets: peak
# RSS <= 100 bytes per record in use, <= 1 GiB at 10M and more.
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

echo "| N | command | median wall s | median CPU s | median peak RSS MiB | RSS bytes per record | per record in use | loads at start |"
echo "|---:|---|---:|---:|---:|---:|---:|---|"
for N in "$@"; do
    F=$CACHE/mft-$N.mft
    if [ ! -f "$F" ]; then
        log "generating $F ($(df -h "$CACHE" | awk 'NR == 2 { print $4 }') free; load $(cut -d' ' -f1 /proc/loadavg))"
        load=$(cut -d' ' -f1 /proc/loadavg)
        /usr/bin/time -f "%e %U %S" -o "$TMP/gen" /usr/bin/python3 "$HERE/make-mft.py" "$N" "$F"
        awk -v n="$N" -v load="$load" '{ printf "make-mft.py %s: %.1f s wall, %.1f s CPU, %.2f M records per 20 s wall (load %s at start)\n",
            n, $1, $2 + $3, n / 1e6 * 20 / $1, load }' "$TMP/gen" >>"$TMP/gens"
        log "$(tail -1 "$TMP/gens")"
    fi
    : >"$TMP/samples"
    # records in use, from the head of the JSON report (stats come before the items; the rest is cut off)
    inuse=$("$NTFSLINKS" -q --format json "$F" 2>/dev/null | head -c 1048576 | grep -o '"records_in_use":[0-9]*' | head -1 | cut -d: -f2 || true)
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
    [ -n "$inuse" ] || inuse=$recs
    for l in "dd (floor)" "ntfslinks json --threads 2" "ntfslinks ndjson --threads 2" "ntfslinks json --threads 1"; do
        w=$(awk -F'\t' -v l="$l" '$1 == l { print $2 }' "$TMP/samples" | med)
        c=$(awk -F'\t' -v l="$l" '$1 == l { print $3 }' "$TMP/samples" | med)
        r=$(awk -F'\t' -v l="$l" '$1 == l { print $4 }' "$TMP/samples" | med)
        loads=$(awk -F'\t' -v l="$l" '$1 == l { printf "%s ", $5 }' "$TMP/samples")
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$N" "$l" "$w" "$c" "$r" "$inuse" >>"$TMP/all"
        printf '| %s | `%s` | %.3f | %.2f | %.1f | %.0f | %.0f | %s|\n' "$N" "$l" "$w" "$c" "$r" "$(echo "$r * 1048576 / $recs" | bc -l)" \
            "$(echo "$r * 1048576 / $inuse" | bc -l)" "$loads"
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
[ ! -s "$TMP/gens" ] || { echo; sed 's/^/- /' "$TMP/gens"; }
echo
echo "| target | value | goal | |"
echo "|---|---:|---:|---|"
awk -F'\t' '$2 ~ /^ntfslinks/ { b = $5 * 1048576 / $6; if (b > worst[$1]) { worst[$1] = b; at[$1] = $2 } }
    $2 ~ /^ntfslinks/ && $1 >= 10000000 && $5 > big { big = $5; bigat = $1 " " $2 }
    END { for (n in worst) printf "| peak RSS per record in use at %s, worst row (`%s`) | %.0f B | <= 100 | %s |\n", n, at[n], worst[n], (worst[n] <= 100) ? "met" : "NOT met"
          if (big) printf "| peak RSS at >= 10M records, worst row (%s) | %.0f MiB | <= 1024 | %s |\n", bigat, big, (big <= 1024) ? "met" : "NOT met" }' "$TMP/all" | sort -t' ' -k8 -n
if [ $# -ge 2 ]; then
    awk -F'\t' -v lo="$lo" -v hi="$hi" '$2 ~ /^ntfslinks/ && $1 == lo { w[$2] = $3; r[$2] = $5 } $2 ~ /^ntfslinks/ && $1 == hi { W[$2] = $3; R[$2] = $5 }
        END { for (l in w) { f = hi / lo; a = W[l] / w[l]; b = R[l] / r[l]
              printf "| %s/%s wall, `%s` | %.2f | %.1f-%.1f | %s |\n", hi, lo, l, a, 0.9 * f, 1.1 * f, (a >= 0.9 * f && a <= 1.1 * f) ? "met" : "NOT met"
              printf "| %s/%s peak RSS, `%s` | %.2f | <= %.1f | %s |\n", hi, lo, l, b, 1.1 * f, (b <= 1.1 * f) ? "met" : "NOT met" } }' "$TMP/all" | sort
fi
