#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Mutation test: flips random bytes in the $MFT region of a fixture and checks that ntfslinks ends in a
documented way on every mutant: exit 0 (a valid JSON report, run.complete true) or 3 (partial: run.complete
false and one warning line) or 2, never a signal, a timeout, another status or a sanitizer report.

Usage: mutate.py NTFSLINKS FIXTURES_DIR WORKDIR
Env: MUTATE_SEED (default 20260601; the per-case seed is SEED+i, so a case can be replayed alone),
     MUTATE_CASES (default 300), MUTATE_JOBS (default: CPUs), MUTATE_TIMEOUT (seconds, default 30),
     MUTATE_ONLY=i (run case i only). Failing mutants are kept in WORKDIR/failures/ with the command line.
"""
import concurrent.futures
import json
import os
import random
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ntfsedit as E  # noqa: E402

ntfslinks, fx, work = sys.argv[1:4]
seed = int(os.environ.get("MUTATE_SEED", "20260601"))
ncases = int(os.environ.get("MUTATE_CASES", "300"))
jobs = int(os.environ.get("MUTATE_JOBS", str(os.cpu_count() or 2)))
limit = float(os.environ.get("MUTATE_TIMEOUT", "30"))
only = os.environ.get("MUTATE_ONLY")
os.makedirs(work, exist_ok=True)
fail_dir = os.path.join(work, "failures")

# Targets: a bare volume (the $MFT region found through record 0's runlist; record 0 and $MFTMirr are
# in play too, so fallbacks get exercised) and the extracted $MFT of the same volume.
with open(os.path.join(fx, "reparse.raw"), "rb") as f:
    raw = f.read()
vol = E.Volume(raw)
regions = [(lcn * vol.cluster_size, ln * vol.cluster_size) for _, lcn, ln in vol.mft_runs]
with open(os.path.join(fx, "reparse.mft"), "rb") as f:
    mft = f.read()
TARGETS = [("raw", raw, regions, vol.record_size), ("mft", mft, [(0, len(mft))], len(mft) and 1024)]
INTERESTING = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE, 0x10, 0x18, 0x20, 0x30, 0x40]


def mutate(i):
    """Returns (target name, list of (offset, new byte)) for case i."""
    rnd = random.Random(seed + i)
    name, data, regs, rs = TARGETS[i % len(TARGETS)]
    edits = []
    for _ in range(rnd.choice([1, 1, 2, 4, 8, 16, 64])):
        start, length = rnd.choice(regs)
        off = start + rnd.randrange(length)
        if rnd.random() < 0.6:  # aim at headers: the first 256 bytes of a record hold most lengths and offsets
            rec = (off - start) // rs
            off = start + rec * rs + rnd.randrange(min(256, rs))
        how = rnd.random()
        old = data[off]
        new = old ^ (1 << rnd.randrange(8)) if how < 0.4 else rnd.choice(INTERESTING) if how < 0.8 else rnd.randrange(256)
        edits.append((off, new))
    return name, edits


def workcopy(slot, name):
    path = os.path.join(work, "mutant-%d.%s" % (slot, name))
    src = dict((t[0], t[1]) for t in TARGETS)[name]
    if not os.path.exists(path) or os.path.getsize(path) != len(src):
        with open(path, "wb") as f:  # sparse copy
            for off in range(0, len(src), 65536):
                c = src[off:off + 65536]
                if c.count(0) == len(c):
                    f.seek(len(c), 1)
                else:
                    f.write(c)
            f.truncate(len(src))
    return path


def run(i, slot):
    name, edits = mutate(i)
    src = dict((t[0], t[1]) for t in TARGETS)[name]
    path = workcopy(slot, name)
    fd = os.open(path, os.O_WRONLY)
    try:
        for off, new in edits:
            os.pwrite(fd, bytes([new]), off)
        out = path + ".json"
        try:
            p = subprocess.run([ntfslinks, "-q", "--threads", "2", "-o", out, path], capture_output=True,
                               timeout=limit)
            status, err = p.returncode, p.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            status, err = "timeout", ""
        problem = None
        if status == "timeout":
            problem = "timed out after %gs" % limit
        elif status < 0:
            problem = "killed by signal %d" % -status
        elif status not in (0, 2, 3):
            problem = "exit status %d" % status
        elif "Sanitizer" in err or "runtime error:" in err:
            problem = "sanitizer report"
        elif status in (0, 3):
            try:
                with open(out) as f:
                    rep = json.load(f)
                if any(v.get("anomalies") for v in rep.get("volumes", [])):
                    err = "anomalies\n" + err
                if rep.get("run", {}).get("complete") is not (status == 0):
                    problem = "exit %d but run.complete is %s" % (status, rep.get("run", {}).get("complete"))
                elif status == 3 and err.count("warning: partial scan") != 1:
                    problem = "exit 3 without exactly one 'partial scan' warning line"
            except (OSError, ValueError) as e:
                problem = "exit %d but no valid JSON report (%s)" % (status, e)
        if problem:
            os.makedirs(fail_dir, exist_ok=True)
            keep = os.path.join(fail_dir, "case-%d.%s" % (i, name))
            shutil.copyfile(path, keep)
            with open(keep + ".txt", "w") as f:
                f.write("MUTATE_SEED=%d MUTATE_ONLY=%d: %s\n%s %s\n\n%s" % (seed, i, problem, ntfslinks, keep, err))
        return i, name, status, problem, err
    finally:
        for off, _ in edits:  # restore the pristine bytes for the next case in this slot
            os.pwrite(fd, src[off:off + 1], off)
        os.close(fd)


cases = [int(only)] if only else list(range(ncases))
statuses = {}
failures = noticed = 0
with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
    # slot = worker-private copy: case i uses slot i % jobs, and cases of one slot run one after another
    def lane(slot):
        return [run(i, slot) for i in cases[slot::jobs]]
    for results in ex.map(lane, range(min(jobs, len(cases)))):
        for i, name, status, problem, err in results:
            statuses[status] = statuses.get(status, 0) + 1
            noticed += status == 2 or err.startswith("anomalies\n")
            if problem:
                failures += 1
                print("FAIL: case %d (%s, MUTATE_SEED=%d MUTATE_ONLY=%d): %s" % (i, name, seed, i, problem))
                print("\n".join("    " + l for l in err.splitlines()[:30]))
print("mutate: %d cases from seed %d, exit statuses %s, %d noticed the damage (exit 2 or anomalies), %d failure(s)%s" %
      (len(cases), seed, json.dumps({str(k): v for k, v in sorted(statuses.items(), key=str)}), noticed, failures,
       " (kept in %s)" % fail_dir if failures else ""))
sys.exit(1 if failures else 0)
