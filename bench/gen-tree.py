#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Fill a mounted (ntfs-3g) NTFS volume with a volume-shaped tree for the benchmark.

Usage:
  gen-tree.py plan  N                      print the plan summary (directories, files, names)
  gen-tree.py dirs  MOUNT N                make every directory (run once, before the writers)
  gen-tree.py files MOUNT N WORKER WORKERS fill the leaf directories with WORKER = k mod WORKERS
  gen-tree.py delete MOUNT N               delete file 1 of every 50th leaf (after all writers)

The plan is a pure function of N (seeded PRNG per directory), so several writer processes
agree on which files exist everywhere without talking to each other:

  \\Windows\\System32\\...               so ntfslinks infers C: for absolute targets
  \\tNN\\dNNNNN\\                        leaf directories of 200-400 files, 50 leaves per tNN
      <stem>NNNN.<ext>                  sizes: 1/4 empty, 1/2 1-600 bytes (resident), 1/4 0.6-4 KiB
      lnk-KKKKK-NNNN.<ext>              1 file in 10 of the previous leaf, hard-linked once more here
      shared-KKKKK-M.dll                names of the many-link files (20-50 names) of other leaves
      junction-KKKKK                    junction to another leaf (1 in 10: a missing directory)
      symlink-KKKKK.txt                 symlink to a file of another leaf: absolute or relative;
                                        1 in 10 to a missing file, 1 in 50 to a deleted file
                                        (file 1 of leaves 7, 57, 107, ..., deleted last)

Reparse buffers come from fixtures/reparse.py (imported, not copied) and are written through the
system.ntfs_reparse_data extended attribute.
"""
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
import reparse  # noqa: E402  (fixtures/reparse.py)

LEAVES_PER_TOP = 50
STEMS = ["report", "notes", "setup", "lib", "data", "image", "cache", "log", "module", "page"]
EXTS = [".txt", ".dll", ".log", ".dat", ".json", ".png", ".xml", ".exe"]
BLOB = random.Random(12345).randbytes(8192)
SYSTEM_RECORDS = 64  # mkntfs' system files and reserved records, with some slack


class Leaf:
    """What one leaf directory holds; a pure function of (N's plan, index)."""

    def __init__(self, k):
        rng = random.Random(1_000_003 * k + 17)
        self.k = k
        self.nfiles = rng.randint(200, 400)
        self.files = []  # (name, size)
        for i in range(self.nfiles):
            name = "%s%04d%s" % (rng.choice(STEMS), i, rng.choice(EXTS))
            r = rng.random()
            if r < 0.25:
                size = 0
            elif r < 0.75:
                size = rng.randint(1, 600)
            else:
                size = rng.randint(601, 4096)
            self.files.append((name, size))
        # 1 in 10 files (not file 0, the symlinks' target, nor 1, maybe deleted) gets a second name
        self.linked = [i for i in range(2, self.nfiles) if rng.random() < 0.1]
        # 1 leaf in 8 has a file with 20-50 names in other leaves
        self.many = rng.randint(20, 50) if rng.random() < 0.125 else 0
        self.many_seed = rng.randrange(1 << 30)
        self.deleted = k % 50 == 7  # file 1 is deleted after the tree is written
        self.junction_stale = rng.random() < 0.1
        self.junction_off = rng.randint(1, 97)
        r = rng.random()
        self.symlink_kind = "stale" if r < 0.1 else ("relative" if r < 0.55 else "absolute")
        self.symlink_off = rng.randint(1, 97)

    def records(self):
        # the directory, its files, a junction and a symlink, and the extension records
        # that 20-50 names need ($FILE_NAME attributes of ~150 bytes, ~6 to a record)
        return 1 + self.nfiles + 2 + (1 + (self.many + 5) // 6 if self.many else 0)


def top_name(k):
    return "t%02d" % (k // LEAVES_PER_TOP)


def leaf_rel(k):
    return "%s\\d%05d" % (top_name(k), k)


def leaf_path(mnt, k):
    return os.path.join(mnt, top_name(k), "d%05d" % k)


def plan(n):
    """Number of leaves so that the records add up to about n."""
    total, k = SYSTEM_RECORDS + 8, 0
    while total < n:
        total += Leaf(k).records()
        k += 1
    return k, total


def make_dirs(mnt, n):
    nleaves, _ = plan(n)
    for d in ["Windows", "Windows/System32", "Windows/System32/drivers", "Windows/Temp", "Users", "Users/Public"]:
        os.makedirs(os.path.join(mnt, d), exist_ok=True)
    with open(os.path.join(mnt, "Windows/System32/notepad.exe"), "wb") as f:
        f.write(b"MZ" + BLOB[:2046])
    for t in range((nleaves + LEAVES_PER_TOP - 1) // LEAVES_PER_TOP):
        os.makedirs(os.path.join(mnt, "t%02d" % t), exist_ok=True)
    for k in range(nleaves):
        os.makedirs(leaf_path(mnt, k), exist_ok=True)


def write_file(path, size, off):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    if size:
        os.write(fd, BLOB[off : off + size])
    os.close(fd)


def fill(mnt, n, worker, workers):
    nleaves, _ = plan(n)
    start = last = time.time()
    done_files = 0
    mine = range(worker, nleaves, workers)
    for idx, k in enumerate(mine):
        leaf = Leaf(k)
        d = leaf_path(mnt, k)
        for i, (name, size) in enumerate(leaf.files):
            write_file(os.path.join(d, name), size, (i * 37) % 4096)
        # second names, in the next leaf
        nxt = leaf_path(mnt, (k + 1) % nleaves)
        for i in leaf.linked:
            name = leaf.files[i][0]
            os.link(os.path.join(d, name), os.path.join(nxt, "lnk-%05d-%s" % (k, name)))
        # many names, spread over other leaves
        if leaf.many:
            rng = random.Random(leaf.many_seed)
            src = os.path.join(d, "shared-%05d-0.dll" % k)
            write_file(src, 3000, 100)
            for m in range(1, leaf.many + 1):
                other = rng.randrange(nleaves)
                os.link(src, os.path.join(leaf_path(mnt, other), "shared-%05d-%d.dll" % (k, m)))
        # junction to another leaf's directory (or a missing one)
        tk = (k + leaf.junction_off) % nleaves
        tgt = "C:\\" + leaf_rel(tk) + ("-gone" if leaf.junction_stale else "")
        j = os.path.join(d, "junction-%05d" % k)
        os.mkdir(j)
        os.setxattr(j, reparse.XATTR, reparse.junction("\\??\\" + tgt, tgt))
        # symbolic link to a file of another leaf
        sk = (k + leaf.symlink_off) % nleaves
        other = Leaf(sk)
        s = os.path.join(d, "symlink-%05d.txt" % k)
        write_file(s, 0, 0)
        if leaf.symlink_kind == "relative" and k % 50 != 3:
            rel = "..\\..\\%s\\%s" % (leaf_rel(sk), other.files[0][0])
            buf = reparse.symlink(rel, rel, True)
        else:
            if k % 50 == 3:
                # point at the deleted file 1 of the nearest leaf that deletes one
                sk = (sk // 50) * 50 + 7
                if sk >= nleaves:
                    sk = 7 if nleaves > 7 else sk % nleaves
                fname = Leaf(sk).files[1][0]
            elif leaf.symlink_kind == "stale":
                fname = "missing-%05d.txt" % k
            else:
                fname = other.files[0][0]
            tgt = "C:\\%s\\%s" % (leaf_rel(sk), fname)
            buf = reparse.symlink("\\??\\" + tgt, tgt, False)
        os.setxattr(s, reparse.XATTR, buf)
        done_files += leaf.nfiles + 2
        now = time.time()
        if now - last >= 10 or idx == len(mine) - 1:
            last = now
            print("   writer %d/%d: %d/%d leaves, %d files, %.0f files/s"
                  % (worker + 1, workers, idx + 1, len(mine), done_files, done_files / max(now - start, 1e-9)),
                  file=sys.stderr, flush=True)


def delete(mnt, n):
    """Run after every writer: a freed record is reused by the next file created, so deleting
    last keeps the deleted records (and the paths they name) for the stale-link reasons."""
    nleaves, _ = plan(n)
    for k in range(7, nleaves, 50):
        os.unlink(os.path.join(leaf_path(mnt, k), Leaf(k).files[1][0]))


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    cmd = argv[1]
    if cmd == "plan":
        n = int(argv[2])
        nleaves, total = plan(n)
        files = sum(Leaf(k).nfiles for k in range(nleaves))
        print("leaves=%d files=%d estimated_records=%d" % (nleaves, files, total))
    elif cmd == "dirs":
        make_dirs(argv[2], int(argv[3]))
    elif cmd == "delete":
        delete(argv[2], int(argv[3]))
    elif cmd == "files":
        fill(argv[2], int(argv[3]), int(argv[4]), int(argv[5]))
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
