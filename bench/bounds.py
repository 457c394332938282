#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The resource bounds of issue 10 (driven by bench/bounds.sh): runs the named resource cases of the hostile
corpus (tests/hostile/make-corpus.py) and a control pair for path length, measures each run's wall time,
CPU time, peak RSS (wait4's rusage of the child) and report size, and the rate at which the report is
written, and checks the targets:

  - every case <= 5 s wall and <= 256 MiB peak RSS on this 2-core machine;
  - memory never grows with the length of one path: a chain of nested directories uses no more memory
    than the same records side by side in the root (PATH_SLACK_MIB of slack);
  - reports are written at >= 200 MB/s (for reports of at least RATE_MIN_MB: smaller ones are written in a
    few milliseconds, too short to time).

The report goes to a pipe this script reads: its bytes are counted and the time the first bytes arrive is
noted. ntfslinks writes nothing before the analysis is complete (cli/main.c), so first byte to end of file
is the time spent writing the report; the write rate is bytes over that time.

Usage: bounds.py NTFSLINKS CORPUS_DIR CONTROL_DIR RESULTS_MD
Env: BOUNDS_ONLY=regex (cases to run), BOUNDS_TIMEOUT=120 (hang guard, s), BOUNDS_MEM_GUARD_MIB=4096
     (address-space limit of each run, so an unfixed case fails instead of exhausting the machine),
     BOUNDS_REPS=1 (runs per case; the median wall time and the largest peak RSS are kept),
     BOUNDS_WRITE=1 (0: print the table, leave RESULTS.md alone).
Exit status: 0 every target met and every case present, 1 otherwise.
"""
import json
import os
import re
import resource
import signal
import statistics
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "hostile"))
import ntfsedit as E  # noqa: E402

# The resource cases of issue 10 (items 1-6), by the names the helpers give them in make-corpus.py.
CASES = [
    ("claims_2p26_records", "item 5: 1 MiB image, boot sector 512 TiB, $MFT claims 2^26 records"),
    ("claims_2p32_records", "item 5: the same claiming 2^32 records"),
    ("mft_16k_extensions", "item 6: $MFT's attribute list names 16,000 extension records"),
    ("same_name_320k", "item 6: 320,000 names \"a\" in one directory"),
    ("symlink_cycles_2000", "item 6: 2,000 links through a 4,089-component cycle and 63 symlinks"),
    ("deep_dirs_16k", "item 6: 16,000 nested directories, 255-unit names"),
    ("deep_dirs_1000_bodyfile", "item 6: bodyfile of a 1 MiB $MFT with 1,000 such levels"),
    ("du_mft_4k", "item 1: --du on the first 4 KiB of an extracted $MFT"),
    ("du_real_4_records", "item 1: --du on a real volume whose $MFT holds 4 records"),
    ("resolve_no_root", "item 2: relative symlink to . in a 2-record $MFT"),
    ("mft_file_nonresident_sd", "item 3: extracted $MFT with non-resident $SECURITY_DESCRIPTORs"),
    ("sparse_overflow_upcase", "item 4: $UpCase's run of 2^52 sparse 4 KiB clusters"),
    ("sparse_overflow_sds", "item 4: $Secure:$SDS run of 2^62 sparse 2 KiB clusters"),
    ("sparse_overflow_2m", "item 4: 2^43 sparse clusters of 2 MiB"),
]
WALL_MAX = 5.0
RSS_MAX_MIB = 256.0
RATE_MIN = 200.0          # MB/s (10^6 bytes)
RATE_MIN_MB = 16.0        # reports smaller than this are not timed
PATH_SLACK_MIB = 16.0
CONTROL_N = 16000
CONTROL_NAME_UNITS = 255
CONTROL_FILES = 2000      # files with two names each (hard-link sets: the JSON report writes their paths)
CONTROL_FILE_UNITS = 100

ntfslinks, corpus, control_dir, results = sys.argv[1:5]
only = os.environ.get("BOUNDS_ONLY", "")
guard = float(os.environ.get("BOUNDS_TIMEOUT", "120"))
mem_guard = int(os.environ.get("BOUNDS_MEM_GUARD_MIB", "4096")) << 20
reps = max(1, int(os.environ.get("BOUNDS_REPS", "1")))
write_md = os.environ.get("BOUNDS_WRITE", "1") != "0"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def limit_child():
    """In the child: its own process group (the hang guard kills it whole) and the address-space guard."""
    os.setpgrp()
    resource.setrlimit(resource.RLIMIT_AS, (mem_guard, mem_guard))


def run_once(args):
    """Runs ntfslinks with args, the report on a pipe read here. Returns a dict of measurements."""
    rfd, wfd = os.pipe()
    try:
        import fcntl
        fcntl.fcntl(rfd, 1031, 1 << 20)  # F_SETPIPE_SZ: 1 MiB, so the reader is not the bottleneck
    except OSError:
        pass
    t0 = time.monotonic()
    p = subprocess.Popen([ntfslinks] + args, stdin=subprocess.DEVNULL, stdout=wfd, stderr=subprocess.PIPE,
                         preexec_fn=limit_child)
    os.close(wfd)
    got = {"bytes": 0, "first": None}

    def reader():
        while True:
            b = os.read(rfd, 1 << 20)
            if not b:
                break
            if got["first"] is None:
                got["first"] = time.monotonic()
            got["bytes"] += len(b)
        got["eof"] = time.monotonic()
    err = []
    th = threading.Thread(target=reader)
    th_err = threading.Thread(target=lambda: err.append(p.stderr.read()))
    th.start()
    th_err.start()
    timed_out = []

    def kill():
        timed_out.append(True)
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    timer = threading.Timer(guard, kill)
    timer.start()
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.monotonic()
    timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    th.join()
    th_err.join()
    os.close(rfd)
    stderr = err[0].decode("utf-8", "replace") if err else ""
    write_s = got["eof"] - got["first"] if got["first"] is not None else 0.0
    return {"wall": t1 - t0, "cpu": ru.ru_utime + ru.ru_stime, "rss_mib": ru.ru_maxrss / 1024.0,
            "bytes": got["bytes"], "write_s": write_s, "exit": p.returncode, "timeout": bool(timed_out),
            "stderr": stderr}


def measure(args):
    runs = [run_once(args) for _ in range(reps)]
    r = dict(runs[0])
    r["wall"] = statistics.median(x["wall"] for x in runs)
    r["cpu"] = statistics.median(x["cpu"] for x in runs)
    r["rss_mib"] = max(x["rss_mib"] for x in runs)
    r["write_s"] = statistics.median(x["write_s"] for x in runs)
    r["timeout"] = any(x["timeout"] for x in runs)
    return r


def make_linked_file(number, parent, names):
    """A 1 KiB FILE record of a file with one $FILE_NAME (POSIX) per name, all in directory `parent`."""
    b = bytearray(E.make_record(number, 1024, parent, names[0], is_dir=False))
    usa_off, usa_count = 0x30, 1024 // 512 + 1
    for i in range(1, usa_count):  # undo the fixups of make_record, add the names, redo them
        b[i * 512 - 2:i * 512] = b[usa_off + 2 * i:usa_off + 2 * i + 2]
    first_attr = struct.unpack_from("<H", b, 20)[0]
    off = first_attr + 72                               # past $STANDARD_INFORMATION: the first $FILE_NAME
    off += struct.unpack_from("<I", b, off + 4)[0]      # past it: the end marker
    for k, name in enumerate(names[1:], start=2):
        nm = name.encode("utf-16-le")
        fn = bytearray(66) + nm
        struct.pack_into("<Q", fn, 0, (1 << 48) | parent)
        struct.pack_into("<I", fn, 56, 0x20)
        fn[64], fn[65] = len(nm) // 2, 0
        alen = (24 + len(fn) + 7) & ~7
        struct.pack_into("<IIBBHHHIHBB", b, off, E.AT_FILE_NAME, alen, 0, 0, 0, 0, k, len(fn), 24, 1, 0)
        b[off + 24:off + 24 + len(fn)] = fn
        off += alen
    struct.pack_into("<II", b, off, E.AT_END, 0)
    assert off + 8 <= 1024 - 2
    struct.pack_into("<I", b, 24, off + 8)
    struct.pack_into("<H", b, 0x12, len(names))         # link count
    struct.pack_into("<H", b, 0x28, len(names) + 1)     # next attribute id
    for i in range(1, usa_count):
        b[usa_off + 2 * i:usa_off + 2 * i + 2] = b[i * 512 - 2:i * 512]
        struct.pack_into("<H", b, i * 512 - 2, 1)
    return bytes(b)


def build_controls():
    """Two extracted $MFTs with the same 16 system records, CONTROL_N directories with 255-unit names and
    CONTROL_FILES files of two names each spread over those directories: in one, each directory is in the
    previous one (a chain), in the other all are in the root (flat). Same records, same name bytes; only the
    length of the paths differs."""
    os.makedirs(control_dir, exist_ok=True)
    out = {}
    for kind in ("chain", "flat"):
        path = os.path.join(control_dir, "path_%s_%d.mft" % (kind, CONTROL_N))
        want = (16 + CONTROL_N + CONTROL_FILES) * 1024
        if not os.path.exists(path) or os.path.getsize(path) != want:
            with open(path + ".tmp", "wb") as f:
                f.write(E.make_record(0, 1024, 5, "$MFT", is_dir=False))
                for n in range(1, 16):
                    f.write(E.make_record(n, 1024, 5, "." if n == 5 else "$meta%d" % n, is_dir=(n == 5)))
                for n in range(16, 16 + CONTROL_N):
                    name = ("d%d-" % n).ljust(CONTROL_NAME_UNITS, "x")
                    parent = 5 if kind == "flat" or n == 16 else n - 1
                    f.write(E.make_record(n, 1024, parent, name))
                step = CONTROL_N // CONTROL_FILES
                for k in range(CONTROL_FILES):
                    n = 16 + CONTROL_N + k
                    names = [("f%d-%s-" % (n, c)).ljust(CONTROL_FILE_UNITS, "y") for c in "ab"]
                    f.write(make_linked_file(n, 16 + step * k + step - 1, names))
            os.replace(path + ".tmp", path)
        out[kind] = path
    return out


def fmt_bytes(n):
    return "{:,}".format(n)


def main():
    manifest = {}
    with open(os.path.join(corpus, "manifest.jsonl")) as f:
        for line in f:
            m = json.loads(line)
            manifest[m["name"]] = m
    rows, missing, problems = [], [], []
    for name, what in CASES:
        if only and not re.search(only, name):
            continue
        m = manifest.get(name)
        if m is None:
            missing.append(name)
            continue
        if m.get("skip"):
            rows.append((name, what, None, "skipped: " + m["skip"]))
            continue
        image = os.path.join(corpus, m["image"])
        args = ["-q"] + list(m.get("args", [])) + [image]
        log("bounds: %s: ntfslinks %s" % (name, " ".join(args[:-1] + [m["image"]])))
        r = measure(args)
        r["expected_exit"] = r["exit"] in m.get("exit", [r["exit"]])
        rows.append((name, what, r, None))
    controls = []
    if not only or re.search(only, "path_control"):
        c = build_controls()
        for kind in ("flat", "chain"):
            for fmt in ("json", "bodyfile"):
                label = "path_%s_%dk_%s" % (kind, CONTROL_N // 1000, fmt)
                args = ["-q", "--format", fmt, c[kind]]
                log("bounds: %s: ntfslinks %s" % (label, " ".join(args)))
                r = measure(args)
                r["expected_exit"] = r["exit"] == 0
                controls.append((label, kind, fmt, r))
    return rows, missing, controls


def check(r):
    """Target verdicts of one measured run: list of strings that are not met."""
    bad = []
    if r["timeout"]:
        bad.append("hang guard (%g s)" % guard)
    elif r["exit"] < 0:
        bad.append("killed by signal %d" % -r["exit"])
    if r["wall"] > WALL_MAX:
        bad.append("wall > %g s" % WALL_MAX)
    if r["rss_mib"] > RSS_MAX_MIB:
        bad.append("RSS > %g MiB" % RSS_MAX_MIB)
    if "out of memory" in r["stderr"] or "Cannot allocate" in r["stderr"]:
        bad.append("out of memory under the %d MiB guard" % (mem_guard >> 20))
    rate = rate_of(r)
    if rate is not None and rate < RATE_MIN:
        bad.append("write < %g MB/s" % RATE_MIN)
    if not r.get("expected_exit", True):
        bad.append("unexpected exit status")
    return bad


def rate_of(r):
    if r["bytes"] < RATE_MIN_MB * 1e6 or r["write_s"] <= 0:
        return None
    return r["bytes"] / 1e6 / r["write_s"]


def row_md(label, r, bad):
    rate = rate_of(r)
    return "| `%s` | %s | %.2f | %.2f | %.1f | %s | %s | %s |" % (
        label, "timeout" if r["timeout"] else r["exit"], r["wall"], r["cpu"], r["rss_mib"], fmt_bytes(r["bytes"]),
        "%.0f" % rate if rate is not None else "-", "met" if not bad else "NOT met: " + "; ".join(bad))


def render(rows, missing, controls, verdicts):
    rev = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip() or "unknown"
    load = open("/proc/loadavg").read().split()[:3]
    out = ["## Hostile-image bounds (bench/bounds.sh)", "",
           "Issue 10's resource cases from `tests/hostile/make-corpus.py`, runs of `ntfslinks -q ARGS IMAGE`"
           " (the case's own arguments), the report on a pipe that `bounds.py` reads. Measured %s UTC, binary %s"
           " (worktree HEAD %s), %d cores, load at start %s, %d run(s) per case (median wall, largest RSS)."
           % (time.strftime("%Y-%m-%d %H:%M", time.gmtime()), ntfslinks, rev, os.cpu_count() or 0, " ".join(load),
              reps), "",
           "Targets: each case <= %g s wall and <= %g MiB peak RSS; reports of at least %g MB written at >= %g MB/s"
           " (write rate = report bytes / time from the report's first byte to its end: ntfslinks writes nothing"
           " before the analysis is done); memory does not grow with the length of one path (control pair below)."
           " Each run has a %g s hang guard and a %d MiB address-space guard." %
           (WALL_MAX, RSS_MAX_MIB, RATE_MIN_MB, RATE_MIN, guard, mem_guard >> 20), "",
           "| case | exit | wall s | CPU s | peak RSS MiB | report bytes | write MB/s | targets |",
           "|---|---:|---:|---:|---:|---:|---:|---|"]
    for name, what, r, skip in rows:
        if r is None:
            out.append("| `%s` | - | - | - | - | - | - | %s |" % (name, skip))
        else:
            out.append(row_md(name, r, verdicts[name]))
    if missing:
        out += ["", "Not in the corpus yet (not run): " + ", ".join("`%s`" % m for m in missing) + "."]
    out += ["", "What each case is:", ""]
    out += ["- `%s`: %s" % (name, what) for name, what, _, _ in rows]
    if controls:
        out += ["", "Path length control: two extracted `$MFT`s of %d directories with %d-unit names, one a chain "
                "(each directory in the previous one: the deepest path is %d components, capped at 32,767 UTF-16 "
                "units when the cap is in), one flat (all in the root), and %d files with two %d-unit names each "
                "spread over those directories (hard-link sets, so the JSON report writes their paths). Same "
                "records and name bytes, only the path length differs; the chain may use at most %g MiB more than "
                "the flat volume." % (CONTROL_N, CONTROL_NAME_UNITS, CONTROL_N, CONTROL_FILES, CONTROL_FILE_UNITS,
                                      PATH_SLACK_MIB), "",
                "| control | exit | wall s | CPU s | peak RSS MiB | report bytes | write MB/s | targets |",
                "|---|---:|---:|---:|---:|---:|---:|---|"]
        for label, kind, fmt, r in controls:
            out.append(row_md(label, r, verdicts[label]))
    return "\n".join(out) + "\n"


BEGIN, END = "<!-- bounds.sh: begin -->", "<!-- bounds.sh: end -->"


def write_results(section):
    text = open(results).read() if os.path.exists(results) else "# Benchmark results\n"
    block = BEGIN + "\n" + section + END + "\n"
    if BEGIN in text and END in text:
        a, b = text.index(BEGIN), text.index(END) + len(END)
        text = text[:a] + block.rstrip("\n") + text[b:]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    with open(results + ".tmp", "w") as f:
        f.write(text)
    os.replace(results + ".tmp", results)


rows, missing, controls = main()
verdicts = {}
failed = bool(missing)
for name, what, r, skip in rows:
    if r is not None:
        verdicts[name] = check(r)
        failed |= bool(verdicts[name])
ctl = {(kind, fmt): r for _, kind, fmt, r in controls}
for label, kind, fmt, r in controls:
    verdicts[label] = check(r)
    if kind == "chain" and ("flat", fmt) in ctl:
        grow = r["rss_mib"] - ctl[("flat", fmt)]["rss_mib"]
        if grow > PATH_SLACK_MIB:
            verdicts[label].append("RSS %.1f MiB over the flat volume's (path length costs memory)" % grow)
    failed |= bool(verdicts[label])
for name, what, r, skip in rows:
    if r is not None and verdicts[name]:
        log("bounds: %s: NOT met: %s%s" % (name, "; ".join(verdicts[name]),
                                           ("\n    " + r["stderr"].strip().replace("\n", "\n    ")[:600]) if r["stderr"].strip() else ""))
section = render(rows, missing, controls, verdicts)
print(section)
if missing:
    log("bounds: not in the corpus yet: " + ", ".join(missing))
if write_md:
    write_results(section)
    log("bounds: table written to %s" % results)
sys.exit(1 if failed else 0)
