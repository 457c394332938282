#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seeds of the `analysis` family (tests/fuzz/fuzz_analysis.c): the $MFT region of each
fixture volume, records 0 up to the last one in use (at most MAX_RECORDS), in on-disk form (update
sequences applied). fuzz_analysis lays the input at cluster 4 of a volume with 4 KiB clusters, so $MFT's
own $DATA in record 0 (and in its $MFTMirr copy, record 0 of the input) is pointed at cluster 4 with the
length of the seed; everything else is as Windows, ntfs-3g or mkntfs wrote it.

Usage: gen_analysis_corpus.py FIXTURES_DIR OUTDIR    (FIXTURES_DIR: unpacked by fixtures/unpack.sh)
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hostile"))
import ntfsedit as E  # noqa: E402

MAX_RECORDS = 160
HARNESS_CLUSTER, HARNESS_MFT_LCN, HARNESS_RECORD = 4096, 4, 1024
# (seed name, image, byte offset of the NTFS volume in it)
SOURCES = [
    ("reparse", "reparse.raw", 0),
    ("hardlinks", "hardlinks.raw", 0),
    ("clusters64k", "clusters64k.raw", 0),
    ("clusters2m", "clusters2m.raw", 0),
    ("win10_lastaccess", "real/ntfs-lastaccess.raw", 65536),
    ("win10_ptrn", "real/ntfs-ptrn.raw", 65536),
    ("win10_si_vs_fn", "real/ntfs-si-vs-fn.raw", 65536),
]


def mft_region(path, offset):
    """The $MFT bytes (records 0..last in use, at most MAX_RECORDS) of the volume at offset."""
    with open(path, "rb") as f:
        f.seek(offset)
        boot = f.read(512)
        cs, mft_lcn = E.boot_geometry(boot)
        f.seek(offset + mft_lcn * cs)
        rs = struct.unpack_from("<I", f.read(32), 28)[0]   # record 0's allocated size
        assert rs == HARNESS_RECORD, "%s: %d-byte records" % (path, rs)
        f.seek(offset + mft_lcn * cs)
        runs = E.Volume(f.read(rs), mft_file=True).record(0).attr(E.AT_DATA).runlist()
        out = bytearray()
        for vcn, lcn, ln in runs:
            assert lcn is not None
            f.seek(offset + lcn * cs)
            out += f.read(min(ln * cs, MAX_RECORDS * rs - len(out)))
            if len(out) >= MAX_RECORDS * rs:
                break
    vol = E.Volume(bytearray(out), mft_file=True)
    last = max(n for n in range(len(out) // rs) if E.Record(vol, n).in_use)
    return bytearray(out[:(last + 1) * rs])


def point_mft_at_harness(region):
    """Rewrites record 0's $DATA (and its sizes) to one run at the harness's cluster 4 of this length."""
    vol = E.Volume(region, mft_file=True)
    r0 = vol.record(0)
    a = r0.attr(E.AT_DATA)
    clusters = (len(region) + HARNESS_CLUSTER - 1) // HARNESS_CLUSTER
    r0.set_runlist(a, E.encode_pair(clusters, HARNESS_MFT_LCN))
    struct.pack_into("<QQ", r0.buf, a.off + 16, 0, clusters - 1)   # first and last VCN
    struct.pack_into("<QQQ", r0.buf, a.off + 40, clusters * HARNESS_CLUSTER, len(region), len(region))
    r0.write()
    return vol.data


fx, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
for name, image, offset in SOURCES:
    path = os.path.join(fx, image)
    if not os.path.exists(path):
        print("skip %s: %s missing" % (name, path))
        continue
    region = point_mft_at_harness(mft_region(path, offset))
    with open(os.path.join(out, "seed_%s_mft.bin" % name), "wb") as f:
        f.write(region)
    print("%s: %d records" % (name, len(region) // HARNESS_RECORD))
