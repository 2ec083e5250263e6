#!/usr/bin/env python3
"""Independent verifier of a directory against its signed head snapshot, written from tck/SPEC.md
without the Java code.

    python3 tck/verify_tree.py TREE --state STATEDIR --trust KEY.pub [--trust KEY2.pub --threshold K]

Reads the newest envelope in STATEDIR/snapshots/ (SPEC 5.14: `<sequence, 20 digits>.snapshot`),
checks its signatures against the trusted public key files (one line `ed25519:<hex>`, '#' comments
allowed; SPEC 5.5-5.10), then walks the snapshot's root tree, reading trees and file manifests from
STATEDIR/objects.pack (SPEC 6.6; every object is checked against its id as it is read), and compares
every entry with TREE: kind; for files the size and the file id recomputed from the bytes (FastCDC
with the snapshot's chunking parameters, SPEC 2, and the Merkle file id, SPEC 3); for version-2
trees the mode (& 01777) and the mtime (seconds and nanoseconds; symlinks to the microsecond, SPEC
4.4/4.10); for version-1 files the executable bit; symlink targets (never followed); directories
recursively. An entry of TREE that the snapshot does not name is a difference too, except the state
directory if it is inside TREE and `.chasm-staging`/`.chasm-trees`/`.chasm-export` at the root. A symlink of the
snapshot whose target is absolute or leaves the tree may be absent (SPEC 10.4).

Prints one line `PATH: reason` per differing path and a summary. Exit 0 when TREE matches, 1 when it
differs, 2 on a usage, format or signature error (one-line message on stderr). Needs the standard
library and python3-cryptography (Ed25519).
"""
import argparse
import os
import stat
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import check_vectors as cv  # noqa: E402 (FastCDC, Merkle file id, manifest and tree decoding)

IGNORED_AT_ROOT = (b".chasm-staging", b".chasm-trees", b".chasm-export")  # staging in the tree (MirrorState); the static export (SPEC 12.2)
KIND_NAMES = {"file": "a file", "directory": "a directory", "symlink": "a symlink"}
EMPTY_TREE = struct.pack(">BBI", 3, 1, 0)  # SPEC 4.1a: the empty directory is a version-1 tree
PACK_HEADER = 1 + 1 + 32 + 4
MAX_OBJECT = 64 << 20


class Fatal(Exception):
    """A usage, format or signature error: exit 2."""


# ---------------------------------------------------------------------------------------------
# Trust and the head snapshot (SPEC 5)
# ---------------------------------------------------------------------------------------------

def read_public_key(path):
    try:
        with open(path, "rb") as f:
            data = f.read(64 * 1024 + 1)
    except OSError as e:
        raise Fatal(f"{path}: cannot read public key file: {e.strerror}")
    if len(data) > 64 * 1024:
        raise Fatal(f"{path}: too large for a public key file")
    lines = [l.strip() for l in data.decode("utf-8", "replace").split("\n")]
    lines = [l for l in lines if l and not l.startswith("#")]
    if lines and lines[0] == "chasm-private-key-v1":
        raise Fatal(f"{path}: this is a private key file; pass its .pub file")
    if len(lines) != 1 or not lines[0].startswith("ed25519:"):
        raise Fatal(f"{path}: a public key file must hold one line ed25519:<hex>")
    try:
        raw = bytes.fromhex(lines[0][len("ed25519:"):])
    except ValueError:
        raise Fatal(f"{path}: not a public key: bad hex")
    if len(raw) != 32:
        raise Fatal(f"{path}: an Ed25519 public key is 32 bytes, got {len(raw)}")
    return raw


def head_envelope(state):
    """The newest envelope in STATE/snapshots/ (SnapshotHistory): (sequence, path, bytes)."""
    d = os.path.join(state, "snapshots")
    try:
        names = os.listdir(d)
    except OSError as e:
        raise Fatal(f"{d}: cannot list snapshots: {e.strerror}")
    seqs = []
    for n in names:
        if len(n) == 20 + len(".snapshot") and n.endswith(".snapshot") and n[:20].isdigit():
            seqs.append(int(n[:20]))
    if not seqs:
        raise Fatal(f"{d}: no snapshot envelope (nothing synced or published here?)")
    seq = max(seqs)
    path = os.path.join(d, "%020d.snapshot" % seq)
    with open(path, "rb") as f:
        return seq, path, f.read()


def verify_head(state, key_files, threshold):
    import check_snapshot_vectors as sv  # needs python3-cryptography
    trusted = {}
    for k in key_files:
        raw = read_public_key(k)
        kid = sv.key_id(raw)
        if kid in trusted:
            raise Fatal(f"{k}: the same key is trusted twice")
        trusted[kid] = raw
    if not 1 <= threshold <= len(trusted):
        raise Fatal(f"--threshold must be between 1 and the number of trusted keys ({len(trusted)})")
    seq, path, envelope = head_envelope(state)
    try:
        # Rollback and expiry are the business of a node accepting heads (SPEC 5.11, 5.12): here the
        # question is whether TREE is the signed tree, so only decoding and signatures count.
        fields = sv.verify(envelope, trusted, threshold, 0, 0)
    except sv.Reject as e:
        raise Fatal(f"{path}: {e}")
    if fields["sequence"] != seq:
        raise Fatal(f"{path}: holds sequence {fields['sequence']}, not {seq}")
    if time.time() >= fields["expires"]:
        print(f"verify_tree: warning: snapshot {seq} expired at {fields['expires']} (checked anyway)", file=sys.stderr)
    return fields


# ---------------------------------------------------------------------------------------------
# The object pack (SPEC 6.6)
# ---------------------------------------------------------------------------------------------

class Pack:
    """Records `kind:u8 hash_alg:u8 digest[32] length:u32 bytes`; a torn or damaged tail is ignored."""

    def __init__(self, path):
        self.path = path
        self.offsets = {}
        try:
            self.f = open(path, "rb")
        except OSError as e:
            raise Fatal(f"{path}: cannot open object pack: {e.strerror}")
        size = os.fstat(self.f.fileno()).st_size
        pos = 0
        while pos + PACK_HEADER <= size:
            self.f.seek(pos)
            h = self.f.read(PACK_HEADER)
            kind, alg, n = h[0], h[1], struct.unpack(">I", h[34:38])[0]
            if not 1 <= kind <= 4 or alg != 1 or n > MAX_OBJECT or pos + PACK_HEADER + n > size:
                break
            self.offsets.setdefault((kind, h[2:34]), []).append(pos + PACK_HEADER)
            pos += PACK_HEADER + n

    def read(self, kind, digest, check):
        """The first stored copy of the object that passes `check`, None if the pack has none."""
        copies = self.offsets.get((kind, digest), [])
        for off in copies:
            self.f.seek(off - 4)
            n = struct.unpack(">I", self.f.read(4))[0]
            b = self.f.read(n)
            try:
                out = check(b)
            except cv.Reject:
                continue
            if out is not None:
                return out
        if copies:
            raise Fatal(f"{self.path}: every stored copy of object {kind}:{digest.hex()} fails its id (damaged pack)")
        return None

    def tree(self, digest):
        def check(b):
            return cv.decode_tree(b) if cv.sha256(b) == digest else None
        if cv.sha256(EMPTY_TREE) == digest:
            return []
        t = self.read(3, digest, check)
        if t is None:
            raise Fatal(f"{self.path}: tree sha256:{digest.hex()} of the snapshot is not in the pack")
        return t

    def manifest(self, digest):
        def check(b):
            chunks = cv.decode_manifest(b)
            return chunks if cv.file_id(chunks) == digest else None
        return self.read(2, digest, check)


# ---------------------------------------------------------------------------------------------
# Files (SPEC 2, 3)
# ---------------------------------------------------------------------------------------------

def chunks_of(path, mn, avg, mx, gear):
    """FastCDC chunks of a file as (length, chunk id), reading at most a few MiB at a time."""
    out = []
    with open(path, "rb", buffering=0) as f:
        buf, pos, eof = b"", 0, False
        while True:
            if not eof and len(buf) - pos < mx:
                # A cut depends on the bytes left only up to max (SPEC 2.5): keep max bytes ahead.
                buf = buf[pos:]
                pos = 0
                while len(buf) < max(mx, 4 << 20):
                    more = f.read(max(mx, 4 << 20))
                    if not more:
                        eof = True
                        break
                    buf += more
            if pos >= len(buf):
                return out
            length, _ = cv.cut(buf, pos, len(buf), mn, avg, mx, gear)
            out.append((length, cv.sha256(buf[pos:pos + length])))
            pos += length


def content_problem(path, entry, params, gear, pack):
    chunks = chunks_of(path, *params, gear)
    if cv.file_id(chunks) == bytes.fromhex(entry["id"]):
        return None
    expected = pack.manifest(bytes.fromhex(entry["id"]))
    if expected is None:
        return "content differs from the snapshot's file id"
    off = 0
    for i, (got, want) in enumerate(zip(chunks, expected)):
        if got != want:
            return f"content differs from the snapshot (chunk {i} at byte {off})"
        off += want[0]
    return f"content differs from the snapshot ({len(chunks)} chunks, snapshot has {len(expected)})"


# ---------------------------------------------------------------------------------------------
# The walk (SPEC 4)
# ---------------------------------------------------------------------------------------------

def safe_link(rel, target):
    """SPEC 10.4: a relative target that stays below the root, resolved from the link's directory."""
    if not target or target.startswith(b"/"):
        return False
    depth = rel.count(b"/")
    for c in target.split(b"/"):
        if c in (b"", b"."):
            continue
        if c == b"..":
            if depth == 0:
                return False
            depth -= 1
        else:
            depth += 1
    return True


def kind_of(st):
    if stat.S_ISREG(st.st_mode):
        return "file"
    if stat.S_ISDIR(st.st_mode):
        return "directory"
    if stat.S_ISLNK(st.st_mode):
        return "symlink"
    return {stat.S_IFIFO: "a fifo", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
            stat.S_IFBLK: "a block device"}.get(stat.S_IFMT(st.st_mode), "of an unknown type")


def fmt_time(ns):
    return f"{ns // 10**9}.{ns % 10**9:09d}"


class Walk:
    def __init__(self, root, state, fields, pack, out):
        self.root = root
        self.pack = pack
        self.params = (fields["chunk_min"], fields["chunk_avg"], fields["chunk_max"])
        self.gear = cv.gear_table()
        self.out = out
        self.differences = 0
        self.counts = {"file": 0, "directory": 0, "symlink": 0}
        try:
            s = os.stat(state)
            self.state_id = (s.st_dev, s.st_ino)
        except OSError:
            self.state_id = None

    def report(self, rel, reason):
        self.differences += 1
        self.out.write(os.fsdecode(rel) + ": " + reason + "\n")

    def directory(self, rel, digest):
        entries = self.pack.tree(digest)
        here = os.path.join(self.root, rel) if rel else self.root
        try:
            on_disk = set(os.listdir(here))
        except OSError as e:
            self.report(rel or b".", f"cannot list: {e.strerror}")
            return
        for e in entries:
            name = bytes.fromhex(e["name"])
            on_disk.discard(name)
            self.entry(rel + b"/" + name if rel else name, e)
        for name in sorted(on_disk):
            p = rel + b"/" + name if rel else name
            if not rel and name in IGNORED_AT_ROOT:
                continue
            try:
                st = os.lstat(os.path.join(self.root, p))
            except OSError:
                continue
            if (st.st_dev, st.st_ino) == self.state_id:
                continue
            k = kind_of(st)
            self.report(p, f"not in the snapshot ({KIND_NAMES.get(k, k)})")

    def entry(self, rel, e):
        path = os.path.join(self.root, rel)
        kind = e["kind"]
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            if kind == "symlink" and not safe_link(rel, bytes.fromhex(e["target"])):
                return  # SPEC 10.4: mirrors never create it
            self.report(rel, f"missing ({KIND_NAMES[kind]} in the snapshot)")
            return
        except OSError as err:
            self.report(rel, f"cannot stat: {err.strerror}")
            return
        got = kind_of(st)
        if got != kind:
            self.report(rel, f"is {KIND_NAMES.get(got, got)}, the snapshot has {KIND_NAMES[kind]}")
            return
        self.counts[kind] += 1
        problems = []
        if kind == "symlink":
            target = os.readlink(path)
            if target != bytes.fromhex(e["target"]):
                problems.append(f"link target {os.fsdecode(target)!r}, the snapshot has "
                                f"{os.fsdecode(bytes.fromhex(e['target']))!r}")
        if "mtime_s" in e:  # a version-2 entry: mode and mtime are part of the tree
            if kind != "symlink" and st.st_mode & cv.MODE_MASK != e["mode"]:
                problems.append(f"mode {st.st_mode & cv.MODE_MASK:04o}, the snapshot has {e['mode']:04o}")
            want = e["mtime_s"] * 10**9 + e["mtime_ns"]
            have = st.st_mtime_ns
            if kind == "symlink":
                want, have = want // 1000 * 1000, have // 1000 * 1000  # SPEC 4.4: links to the microsecond
            if have != want:
                problems.append(f"mtime {fmt_time(have)}, the snapshot has {fmt_time(want)}")
        elif kind == "file" and bool(st.st_mode & 0o100) != e["executable"]:
            problems.append(("not executable" if e["executable"] else "executable")
                            + ", the snapshot says otherwise")
        if kind == "file":
            if st.st_size != e["size"]:
                problems.append(f"size {st.st_size}, the snapshot has {e['size']}")
            else:
                try:
                    p = content_problem(path, e, self.params, self.gear, self.pack)
                except OSError as err:
                    p = f"cannot read: {err.strerror}"
                if p:
                    problems.append(p)
        if problems:
            self.report(rel, "; ".join(problems))
        if kind == "directory":
            self.directory(rel, bytes.fromhex(e["id"]))


def main(argv):
    ap = argparse.ArgumentParser(prog="verify_tree.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("tree")
    ap.add_argument("--state", required=True, help="the tree's state directory (objects.pack, snapshots/)")
    ap.add_argument("--trust", action="append", required=True, help="a trusted public key file (repeatable)")
    ap.add_argument("--threshold", type=int, default=1, help="signatures required (default 1)")
    try:
        a = ap.parse_args(argv)
    except SystemExit as e:
        return 0 if e.code == 0 else 2
    try:
        sys.stdout.reconfigure(errors="surrogateescape")
        root = os.fsencode(os.path.abspath(a.tree))
        if not os.path.isdir(root):
            raise Fatal(f"{a.tree}: not a directory")
        fields = verify_head(a.state, a.trust, a.threshold)
        pack = Pack(os.path.join(a.state, "objects.pack"))
        w = Walk(root, a.state, fields, pack, sys.stdout)
        w.directory(b"", bytes.fromhex(fields["root"][len("sha256:"):]))
    except Fatal as e:
        print(f"verify_tree: {e}", file=sys.stderr)
        return 2
    except ImportError as e:
        print(f"verify_tree: missing module ({e}); install python3-cryptography", file=sys.stderr)
        return 2
    c = w.counts
    what = f"{c['file']} files, {c['directory']} directories, {c['symlink']} symlinks"
    if w.differences:
        print(f"FAILED: {w.differences} path(s) differ from snapshot {fields['sequence']} ({what} checked)")
        return 1
    print(f"OK: {a.tree} matches snapshot {fields['sequence']} of {fields['origin']} ({what})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
