#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Golden outputs of ntfslinks (tests/golden/README.md).

Usage: golden.py check|update|threads
  check    run every fixture (every container form) and every hostile case in every format and compare
           the masked output, exit status and stderr byte for byte with tests/golden/expected/
  update   the same runs, writing tests/golden/expected/ afresh (stale files removed)
  threads  the same runs with --threads 1, 2, 3, 8 and 16: every report must be byte-identical
Env: top_srcdir, top_builddir, NTFSLINKS (make check sets them); GOLDEN_ONLY=regex runs only the cases
whose golden name matches; GOLDEN_DIFF_LINES (default 60) lines of each diff shown; GOLDEN_KEEP=1 keeps
the work folder (the hostile corpus and the outputs that differ).

A golden file holds one run: a header (the arguments, the exit status, stderr) and its standard output.
Only what must vary is masked: the run's start and end times. Images are given by paths relative to
the folder ntfslinks runs in, and argv[0] is "ntfslinks", so the command line is stable and pinned too.
The other container forms of a fixture (split raw, E01, multi-segment E01) must give the same volumes as
its first form: their outputs are compared with the first form's golden with only what names the image
masked (the image block, the command line, the text header's first line, the graph's label), and only
their image block is a golden of its own.
"""
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

SRC = os.path.abspath(os.environ.get("top_srcdir", "."))
BUILD = os.path.abspath(os.environ.get("top_builddir", "."))
NTFSLINKS = os.path.abspath(os.environ.get("NTFSLINKS", os.path.join(BUILD, "ntfslinks")))
EXPECTED = os.path.join(SRC, "tests", "golden", "expected")
FIXTURES = os.path.join(BUILD, "tests", "work", "fixtures")
ONLY = os.environ.get("GOLDEN_ONLY")
# every run's hang guard (the hostile case's timeout, else 60 s) times NTFSLINKS_TIMEOUT_SCALE (.ci/run: TSan)
TIMEOUT_SCALE = float(os.environ.get("NTFSLINKS_TIMEOUT_SCALE") or 1)
DIFF_LINES = int(os.environ.get("GOLDEN_DIFF_LINES", "60"))
# the scan's thread count is pinned so that a golden never depends on the machine's cores; the threads
# mode proves that every other count gives the same bytes
THREADS = "4"
THREAD_COUNTS = ("1", "2", "3", "8", "16")
# each format: its name in the golden file and the options that produce it
FORMATS = (
    ("json", ["--format", "json"]),
    ("ndjson", ["--format", "ndjson"]),
    ("text", ["--format", "text"]),
    ("bodyfile", ["--format", "bodyfile"]),
    ("dot", ["--format", "dot"]),
    ("du.json", ["--format", "json", "--du", "--du-depth", "3"]),
    ("du.text", ["--format", "text", "--du", "--du-depth", "3"]),
)
# outputs longer than MAX_INLINE characters are golden as size, SHA-256 and first lines; a run that writes
# more than MAX_OUTPUT bytes is stopped there (its golden says so)
MAX_INLINE = 1 << 20
TIMES = []  # (seconds, run, options) of every ntfslinks run, for the summary
MAX_OUTPUT = 64 << 20
# sanitizer runtimes must not add lines to stderr that depend on the build (LeakSanitizer lists the
# suppressions it used); their reports still reach stderr and fail the comparison
SAN_ENV = {"LSAN_OPTIONS": "print_suppressions=0"}


class Run:
    """One invocation: golden name, folder it runs in, options before the image, the image (relative)."""

    def __init__(self, name, cwd, args, image, timeout=None, output_is_image=False):
        timeout = timeout or 60 * TIMEOUT_SCALE
        self.name, self.cwd, self.args, self.image = name, cwd, list(args), image
        self.timeout, self.output_is_image = timeout, output_is_image


def masked_times(text):
    """Run start and end times masked (the only fields of a report that change from run to run)."""
    return re.sub(r'"(started|finished)":"[^"]*"', r'"\1":"<time>"', text)


def mask_json_value(text, key):
    """Every value of "key": (an object, array or string) in JSON text replaced by "<masked>"."""
    out, pos, dec = [], 0, json.JSONDecoder()
    needle = '"%s":' % key
    while True:
        i = text.find(needle, pos)
        if i < 0:
            out.append(text[pos:])
            return "".join(out)
        j = i + len(needle)
        try:
            _, end = dec.raw_decode(text, j)
        except ValueError:
            end = j
        out.append(text[pos:j] + '"<masked>"')
        pos = end


def mask_image(fmt, text):
    """What names the image (its path, container and segments) masked, for comparing container forms."""
    if fmt.endswith("json"):
        return mask_json_value(mask_json_value(text, "image"), "command_line")
    if fmt.endswith("text"):
        _, sep, rest = text.partition("\n\n")  # the header names the image, its container and segments
        return "<image header masked>" + sep + rest
    if fmt == "dot":
        return re.sub(r'label="ntfslinks: [^"]*"', 'label="ntfslinks: <image>"', text)
    return text


def execute(run, fmt_args, threads=THREADS, cwd=None):
    """Runs ntfslinks (argv[0] "ntfslinks") and returns the golden text: header, then masked stdout."""
    args = ["--threads", threads] + fmt_args + run.args
    if run.output_is_image:
        args += ["-o", run.image]
    args.append(run.image)
    env = dict(os.environ)
    env.pop("COLUMNS", None)  # the text view's default width (100): never the width of the caller's terminal
    for k, v in SAN_ENV.items():
        env[k] = (env[k] + ":" + v) if env.get(k) else v
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as errf:
        p = subprocess.Popen(["ntfslinks"] + args, executable=NTFSLINKS, cwd=cwd or run.cwd, env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errf)
        timed_out = []
        timer = threading.Timer(run.timeout, lambda: (timed_out.append(1), p.kill()))
        timer.start()
        chunks, size, cut = [], 0, False
        while True:
            b = p.stdout.read(1 << 20)
            if not b:
                break
            size += len(b)
            if size > MAX_OUTPUT:  # an output this large is a finding of its own: stop it here
                cut = True
                p.kill()
                break
            chunks.append(b)
        p.stdout.close()
        p.wait()
        timer.cancel()
        errf.seek(0)
        err = errf.read()
    TIMES.append((time.monotonic() - t0, run.name, " ".join(fmt_args)))
    out = b"".join(chunks)
    if cut:
        status, out, err = "stopped: more than %d bytes on stdout" % MAX_OUTPUT, b"", b""
    elif timed_out:
        status = "timed out after %g s" % run.timeout
    else:
        status = str(p.returncode) if p.returncode >= 0 else "signal %d" % -p.returncode
    # the thread count in the command line as the pinned count writes it (the threads mode compares them)
    out = mask_cmd(masked_times(out.decode("utf-8", "backslashreplace")), threads)
    if len(out) > MAX_INLINE:  # large outputs: their size, digest and first lines only
        digest = hashlib.sha256(out.encode("utf-8", "surrogateescape")).hexdigest()
        head_lines = "".join(ln[:200] + ("\n" if len(ln) > 200 else "") for ln in out[:8192].splitlines(True)[:20])
        out = "# %d bytes, sha256 %s; the first lines:\n%s" % (len(out), digest, head_lines)
    err = err.decode("utf-8", "backslashreplace")
    head = "# ntfslinks %s\n# exit: %s\n# stderr:\n%s%s# stdout:\n" % (
        " ".join(args), status, err, "" if err.endswith("\n") or not err else "\n")
    return head, out


def fixture_runs():
    """(primary run, [other container forms]) of every fixture expectation, as fixtures_e2e.sh runs them."""
    result = []
    for sub in ("", "real"):
        d = os.path.join(SRC, "fixtures", sub)
        for f in sorted(os.listdir(d)):
            if not f.endswith(".expect.json"):
                continue
            exp = json.load(open(os.path.join(d, f)))
            files, opts, name = exp.get("files", {}), exp.get("options", []), exp["fixture"]
            cwd = os.path.join(FIXTURES, sub)
            forms = [(form, files[form][:-3] if files[form].endswith(".gz") else files[form])
                     for form in ("raw", "split_raw", "ewf", "ewf_multi") if form in files]
            if forms:
                primary = Run("fixtures/" + name, cwd, opts, forms[0][1])
                others = [Run("fixtures/%s@%s" % (name, form), cwd, opts, img) for form, img in forms[1:]]
                result.append((primary, others))
            if "mft" in files:  # an extracted $MFT is another volume (no boot sector): goldens of its own
                result.append((Run("fixtures/%s@mft" % name, cwd, opts, files["mft"][:-3]), []))
    # a disk without --drive: the letters are inferred
    result.append((Run("fixtures/disk-mbr@noopts", FIXTURES, [], "disk-mbr.raw"), []))
    return result


# virtual disk forms of these fixtures, converted with qemu-img at run time (issue 16): (qemu-img format, file
# suffix, options); VHD with force_size so its size is the raw's, not rounded up to a CHS geometry
VDISK_FIXTURES = ("reparse",)
VDISK_FORMS = (("vpc", "vhd", ["-o", "force_size=on"]), ("vhdx", "vhdx", []), ("vmdk", "vmdk", []),
               ("qcow2", "qcow2", []))


def add_vdisk_forms(groups, work):
    """Appends to the forms of VDISK_FIXTURES their virtual disk conversions (made in work/vdisk; none
    without qemu-img): other container forms of one volume, compared with its first form's goldens."""
    qemu = shutil.which("qemu-img")
    if not qemu:
        print("note: qemu-img not installed: the virtual disk forms are not checked")
        return
    d = os.path.join(work, "vdisk")
    os.makedirs(d, exist_ok=True)
    for primary, others in groups:
        name = primary.name.split("/", 1)[1]
        if name not in VDISK_FIXTURES:
            continue
        for fmt, suffix, opts in VDISK_FORMS:
            img = "%s.%s" % (name, suffix)
            subprocess.run([qemu, "convert", "-q", "-O", fmt] + opts + [os.path.join(primary.cwd, primary.image),
                           os.path.join(d, img)], check=True)
            others.append(Run("fixtures/%s@%s" % (name, suffix), d, primary.args, img))


def hostile_runs(work):
    """Every hostile case of tests/hostile (own copy of the corpus in work), skipped ones left out."""
    corpus = os.path.join(work, "hostile")
    subprocess.run([sys.executable, os.path.join(SRC, "tests", "hostile", "make-corpus.py"), FIXTURES, corpus],
                   check=True, stdout=subprocess.DEVNULL)
    runs, skipped = [], []
    with open(os.path.join(corpus, "manifest.jsonl")) as f:
        for line in f:
            c = json.loads(line)
            if c.get("skip"):
                skipped.append((c["name"], c["skip"]))
                continue
            runs.append(Run("hostile/" + c["name"], corpus, c["args"], c["image"],
                            timeout=c.get("timeout", 60) * TIMEOUT_SCALE,
                            output_is_image=c.get("output_is_image", False)))
    return runs, skipped


def formats_of(run):
    # -o naming the image is refused before any format matters: one run says so
    return FORMATS[:1] if run.output_is_image else FORMATS


def golden_path(name, fmt):
    return os.path.join(EXPECTED, name + "." + fmt)


def show_diff(label, want, got, a="expected", b="got"):
    lines = list(difflib.unified_diff(want.splitlines(True), got.splitlines(True), a, b))
    print("FAIL: %s differs (%d diff lines):" % (label, len(lines)))
    for ln in lines[:DIFF_LINES]:
        sys.stdout.write("    " + (ln if ln.endswith("\n") else ln + "\n"))
    if len(lines) > DIFF_LINES:
        print("    ... (%d more lines)" % (len(lines) - DIFF_LINES))


def read(path):
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except FileNotFoundError:
        return None


def was_stopped(path):
    """True when the golden at path is a run stopped for writing too much (no use repeating it)."""
    g = read(path)
    return g is not None and g.split("\n", 2)[1].startswith("# exit: stopped: ")


def image_block(head, fmt, out):
    """A secondary container form's own golden: its header and what names its image."""
    if fmt == "json":
        m = re.search(r'"image":', out)
        block = ""
        if m:
            try:
                v, _ = json.JSONDecoder().raw_decode(out, m.end())
                block = json.dumps(v, indent=1, sort_keys=True) + "\n"
            except ValueError:
                block = "<no image block>\n"
        return head + block
    return head + out.partition("\n\n")[0] + "\n"


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "check"
    if mode not in ("check", "update", "threads"):
        print(__doc__)
        return 1
    work = os.path.join(BUILD, "tests", "work", "golden" if mode != "threads" else "golden-threads")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    subprocess.run(["bash", os.path.join(SRC, "fixtures", "unpack.sh"), FIXTURES], check=True,
                   stdout=subprocess.DEVNULL)
    hostile, skipped = hostile_runs(work)
    for name, why in skipped:
        print("skip: hostile/%s: %s" % (name, why))
    groups = fixture_runs()
    add_vdisk_forms(groups, work)
    groups += [(r, []) for r in hostile]
    if ONLY:
        groups = [(p, [o for o in others if re.search(ONLY, o.name)]) for p, others in groups
                  if re.search(ONLY, p.name) or any(re.search(ONLY, o.name) for o in others)]
    fail, ok, written = 0, 0, set()
    # hostile cases skipped on the machine that made the goldens (a tool missing, or root), with the reason:
    # where they do run, a missing golden is noted, not failed; their goldens, when made elsewhere, are kept
    skipped_path = os.path.join(EXPECTED, "skipped.txt")
    skipped_where_made = dict(ln.rstrip("\n").split(": ", 1) for ln in open(skipped_path)
                              if ": " in ln) if os.path.exists(skipped_path) else {}

    def compare(label, want, got):
        nonlocal fail, ok
        if want == got:
            ok += 1
            return True
        fail += 1
        if want is None:
            print("FAIL: %s: no golden (run tests/golden/update.sh)" % label)
        else:
            show_diff(label, want, got)
        got_path = os.path.join(work, "got", re.sub(r"[^A-Za-z0-9@._-]+", "_", label))
        os.makedirs(os.path.dirname(got_path), exist_ok=True)
        with open(got_path, "w", encoding="utf-8", newline="") as f:
            f.write(got)
        return False

    def store(path, text):
        written.add(os.path.abspath(path))
        if read(path) != text:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            print("updated: %s" % os.path.relpath(path, SRC))

    for primary, others in groups:
        for fmt, fargs in formats_of(primary):
            path = golden_path(primary.name, fmt)
            if mode == "threads" and was_stopped(path):
                print("note: %s [%s]: its golden run was stopped (output too large); not run per thread count"
                      % (primary.name, fmt))
                continue
            if mode == "threads":
                # without the command line, which names the thread count
                # (every container form: E01 and split raw are read ahead by one thread, raw by each)
                for r in [primary] + others:
                    runs = [(n,) + execute(r, fargs, threads=n) for n in THREAD_COUNTS]
                    base = runs[0][1].split("\n", 1)[1] + runs[0][2]
                    for n, h, o in runs[1:]:
                        compare("%s [%s, --threads %s vs %s]" % (r.name, fmt, n, runs[0][0]),
                                base, h.split("\n", 1)[1] + o)
                continue
            head, out = execute(primary, fargs)
            if mode == "update":
                store(path, head + out)
            elif read(path) is None and primary.name in skipped_where_made:
                print("note: %s: no golden (the case was skipped where the goldens were made: %s)"
                      % (primary.name, skipped_where_made[primary.name]))
            else:
                compare(os.path.relpath(path, SRC), read(path), head + out)
            # the other container forms: the same volumes, byte for byte, with the image masked
            for other in others:
                oh, oo = execute(other, fargs)
                label = "%s [%s] agrees with %s" % (other.name, fmt, primary.name)
                want = "".join(ln for ln in head.splitlines(True)[1:]) + mask_image(fmt, out)
                got = "".join(ln for ln in oh.splitlines(True)[1:]) + mask_image(fmt, oo)
                compare(label, want, got)
                if fmt in ("json", "text"):
                    ipath = golden_path(other.name, fmt + ".image")
                    block = image_block(oh, fmt, oo)
                    if mode == "update":
                        store(ipath, block)
                    else:
                        compare(os.path.relpath(ipath, SRC), read(ipath), block)
    TIMES.sort(reverse=True)
    print("golden %s: %d runs of ntfslinks took %.1f s; the slowest: %s" % (
        mode, len(TIMES), sum(t for t, _, _ in TIMES),
        ", ".join("%s [%s] %.1f s" % (n, o, t) for t, n, o in TIMES[:3])))
    if mode == "update":
        if not ONLY:
            store(skipped_path, "".join("hostile/%s: %s\n" % (n, why) for n, why in skipped
                                        if not os.path.exists(golden_path("hostile/" + n, "json"))))
            keep = tuple(golden_path("hostile/" + n, "") for n, _ in skipped)
            for root, _, files in os.walk(EXPECTED):  # goldens of cases that are gone
                for f in files:
                    p = os.path.abspath(os.path.join(root, f))
                    if p not in written and not p.startswith(keep):
                        os.remove(p)
                        print("removed: %s" % os.path.relpath(p, SRC))
        print("golden: %d files written or unchanged%s" % (
            len(written), "; %d container forms DISAGREE (see above)" % fail if fail else ""))
        return 1 if fail else 0
    if not os.environ.get("GOLDEN_KEEP"):
        shutil.rmtree(work, ignore_errors=True)
    print("golden %s: %d identical, %d differ, %d hostile cases skipped" % (mode, ok, fail, len(skipped)))
    return 1 if fail else 0


def mask_cmd(out, n):
    """The command line of a report run with --threads n, as the pinned count's run writes it."""
    return out.replace('"--threads","%s"' % n, '"--threads","%s"' % THREADS, 1)


if __name__ == "__main__":
    sys.exit(main())
