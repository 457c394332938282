#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Build, once, the benchmark NTFS image with about N MFT records, and the same image as E01:
#   bench/cache/ntfs-N.raw    bare NTFS volume (sparse file)
#   bench/cache/ntfs-N.E01    the same bytes as EnCase 6 E01 (fast deflate, 2 GiB segments)
# The tree (see bench/gen-tree.py): leaf directories of 200-400 small files, 1 file in 10 with a
# second name in another directory, some files with 20-50 names, a junction and a symbolic link
# in every leaf (some stale), written through ntfs-3g (FUSE); reparse buffers come from
# fixtures/reparse.py via the system.ntfs_reparse_data extended attribute.
#
# Usage: sudo bench/make-image.sh N            (e.g. 100000, 1000000)
# Environment: WRITERS (parallel writer processes, default 2), BENCH_CACHE (default bench/cache)
#
# Idempotent and restartable: a finished output is never rebuilt; each output is built under a
# temporary name and renamed when complete, so an interrupted run leaves no half image under the
# final name and the next run starts that step again (the raw image is kept if only the E01 was
# interrupted). ntfs-3g writes ~3,000-7,000 files a second with 2 writers (2 cores): 100k records
# take 20-60 s, 1M records 3-8 minutes, plus ~10 s / ~1-2 min for the E01.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
N=${1:-}
case $N in
    '' | *[!0-9]*) echo "usage: $0 N   (about N MFT records, e.g. 100000)" >&2; exit 1 ;;
esac
WRITERS=${WRITERS:-2}
CACHE=${BENCH_CACHE:-$HERE/cache}
PY=/usr/bin/python3
GEN="$PY $HERE/gen-tree.py"
RAW=$CACHE/ntfs-$N.raw
E01=$CACHE/ntfs-$N.E01

log() { printf '== [%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ -f "$RAW" ] && [ -f "$E01" ]; then
    log "already built: $RAW $E01"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "make-image.sh: must run as root (mounts with ntfs-3g)" >&2
    exit 1
fi
for t in truncate mkntfs ntfs-3g ewfacquire "$PY"; do
    command -v "$t" >/dev/null || { echo "make-image.sh: missing tool $t (apt-get install ntfs-3g ewf-tools python3)" >&2; exit 1; }
done
mkdir -p "$CACHE"

MNT=
PIDS=()
cleanup() {
    rc=$?
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    if [ -n "$MNT" ]; then
        if mountpoint -q "$MNT" 2>/dev/null; then
            umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null || true
        fi
        rmdir "$MNT" 2>/dev/null || true
    fi
    [ "$rc" = 0 ] || log "FAILED (rc=$rc); rerun to resume: finished outputs are kept, unfinished ones rebuilt"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T0=$(date +%s)

if [ ! -f "$RAW" ]; then
    # 1 KiB records, ~1/4 of the files non-resident (<= 4 KiB), directory indexes: ~6 KiB per
    # record is generous; the file is sparse, so only what ntfs-3g writes takes disk space
    SIZE=$(( N * 6 * 1024 ))
    [ "$SIZE" -ge $(( 512 * 1024 * 1024 )) ] || SIZE=$(( 512 * 1024 * 1024 ))
    log "plan for N=$N: $($GEN plan "$N")"
    TMP=$RAW.tmp
    rm -f "$TMP"
    truncate -s "$SIZE" "$TMP"
    log "mkntfs: $TMP ($(( SIZE / 1024 / 1024 )) MiB sparse)"
    mkntfs -F -Q -q -L "BENCH$N" "$TMP" >"$TMP.mkntfs.log" 2>&1 || { cat "$TMP.mkntfs.log" >&2; exit 1; }
    rm -f "$TMP.mkntfs.log"
    MNT=$(mktemp -d /tmp/ntfslinks-bench-mnt.XXXXXX)
    ntfs-3g -o big_writes,noatime "$TMP" "$MNT"
    log "directories"
    $GEN dirs "$MNT" "$N"
    log "files: $WRITERS writer(s)"
    for w in $(seq 0 $(( WRITERS - 1 ))); do
        $GEN files "$MNT" "$N" "$w" "$WRITERS" &
        PIDS+=($!)
    done
    for p in "${PIDS[@]}"; do wait "$p"; done
    PIDS=()
    log "deletions"
    $GEN delete "$MNT" "$N"
    log "unmounting (ntfs-3g flushes its caches)"
    sync
    umount "$MNT"
    rmdir "$MNT"
    MNT=
    sync
    mv "$TMP" "$RAW"
    log "raw image done: $RAW ($(du -h "$RAW" | cut -f1) on disk) in $(( $(date +%s) - T0 )) s"
fi

if [ ! -f "$E01" ]; then
    T1=$(date +%s)
    EWFTMP=$CACHE/.ewf-$N.tmp
    rm -rf "$EWFTMP"
    mkdir -p "$EWFTMP"
    log "E01: ewfacquire (fast deflate, 2 GiB segments)"
    ewfacquire -u -q -t "$EWFTMP/ntfs-$N" -c deflate:fast -S 2GiB -f encase6 -m fixed -M logical \
        -C "NTFSLINKS-BENCH" -e "bench/make-image.sh" -E "BENCH-$N" \
        -D "ntfslinks benchmark volume, ~$N MFT records" -N "built by bench/make-image.sh" \
        "$RAW" >"$EWFTMP/ewfacquire.log" 2>&1 || { cat "$EWFTMP/ewfacquire.log" >&2; exit 1; }
    rm -f "$CACHE/ntfs-$N".E?? "$CACHE/ntfs-$N".E[A-Z]?
    # every segment but the first, then the first: its presence means the set is complete
    for f in "$EWFTMP/ntfs-$N".*; do
        case $f in *.E01 | *.log) ;; *) mv "$f" "$CACHE/" ;; esac
    done
    mv "$EWFTMP/ntfs-$N.E01" "$E01"
    rm -rf "$EWFTMP"
    log "E01 done: $(ls "$CACHE/ntfs-$N".E* | tr '\n' ' ')($(du -ch "$CACHE/ntfs-$N".E* | tail -1 | cut -f1)) in $(( $(date +%s) - T1 )) s"
fi
log "finished in $(( $(date +%s) - T0 )) s"
