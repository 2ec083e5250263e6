#!/usr/bin/env python3
"""Independent check of tck/vectors/*.json against tck/SPEC.md, without the Java code.

Python 3 standard library only (section 5 also needs Debian's python3-cryptography, see
check_snapshot_vectors.py). One function per vector file, grouped by SPEC section; each
re-derives every value of its file from the rules in SPEC.md and raises AssertionError on the
first difference.

    python3 tck/check_vectors.py              # check every vector file
    python3 tck/check_vectors.py --self-test  # also prove each check fails on tampered vectors

CHASM_FASTCDC_FIXTURE=path/to/SekienAkashita.jpg enables the fastcdc crate's own vectors
(fastcdc-rs.json); without it that file's fixture cases are reported as skipped.
"""
import copy
import hashlib
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "vectors")
M64 = (1 << 64) - 1


def load(name, vectors_dir=VECTORS):
    with open(os.path.join(vectors_dir, name), encoding="utf-8") as f:
        return json.load(f)


def sha256(b):
    return hashlib.sha256(b).digest()


# ---------------------------------------------------------------------------------------------
# Section 2: chunking (FastCDC 2020, normalisation level 1)
# ---------------------------------------------------------------------------------------------

def gear_table():
    """SPEC 2.2: GEAR[i] = first 8 bytes, big-endian, of MD5 over 64 bytes of value i."""
    return [int.from_bytes(hashlib.md5(bytes([i]) * 64).digest()[:8], "big") for i in range(256)]


# SPEC 2.3: the mask table, index = number of bits (entries 0-4 unused).
MASKS = [
    0, 0, 0, 0, 0,
    0x0000000001804110, 0x0000000001803110, 0x0000000018035100, 0x0000001800035300,
    0x0000019000353000, 0x0000590003530000, 0x0000d90003530000, 0x0000d90103530000,
    0x0000d90303530000, 0x0000d90313530000, 0x0000d90f03530000, 0x0000d90303537000,
    0x0000d90703537000, 0x0000d90707537000, 0x0000d91707537000, 0x0000d91747537000,
    0x0000d91767537000, 0x0000d93767537000, 0x0000d93777537000, 0x0000d93777577000,
    0x0000db3777577000,
]


def check_params(mn, avg, mx):
    """SPEC 2.1 ranges."""
    assert 64 <= mn <= 1 << 20 and 256 <= avg <= 4 << 20 and 1024 <= mx <= 16 << 20, "params range"
    assert mn <= avg <= mx, "params order"


def masks_for(avg):
    """SPEC 2.4: bits = round(log2(avg)); MASK_S = MASKS[bits + 1], MASK_L = MASKS[bits - 1]."""
    # round-half-up of log2 on exact integers: compare avg with 2^(b + 1/2), i.e. avg^2 with 2^(2b+1)
    b = avg.bit_length() - 1
    if avg * avg >= 1 << (2 * b + 1):
        b += 1
    return MASKS[b + 1], MASKS[b - 1]


def cut(data, start, end, mn, avg, mx, gear):
    """SPEC 2.5-2.7, byte by byte. Returns (chunk length, gear value as the crate reports it)."""
    n = end - start
    if n <= mn:
        return n, 0
    center = avg
    if n > mx:
        n = mx
    elif n < center:
        center = n
    mask_s, mask_l = masks_for(avg)
    h = 0
    i = (mn // 2) * 2
    last = (n // 2) * 2
    while i < last:
        h = ((h << 1) + gear[data[start + i]]) & M64
        mask = mask_s if i // 2 < center // 2 else mask_l
        if h & mask == 0:
            # The chunk ends before byte i; the crate's two-bytes-per-step loop holds 2*h at even i.
            return i, ((h << 1) & M64) if i % 2 == 0 else h
        i += 1
    return n, h


def prng_stream(seed, n):
    """SPEC 2.9: SHA-256(seed || u64be(counter)) for counter = 0, 1, ..., first n bytes."""
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += sha256(seed + struct.pack(">Q", counter))
        counter += 1
    return bytes(out[:n])


def chunk_all(data, mn, avg, mx, gear):
    pos, out = 0, []
    while pos < len(data):
        length, g = cut(data, pos, len(data), mn, avg, mx, gear)
        out.append((pos, length, g))
        pos += length
    return out


def check_chunking(vectors_dir=VECTORS):
    v = load("chunking.json", vectors_dir)
    gear = gear_table()
    assert [int(x, 16) for x in v["gear"]] == gear, "gear table"
    assert [int(x, 16) for x in v["masks"]] == MASKS, "mask table"
    n = 2
    for c in v["cases"]:
        name = c["name"]
        mn, avg, mx = c["min"], c["avg"], c["max"]
        check_params(mn, avg, mx)
        data = bytes(c["length"]) if c.get("zeros") else prng_stream(c["seed"].encode("utf-8"), c["length"])
        assert sha256(data).hex() == c["input_sha256"], f"{name}: input"
        got = chunk_all(data, mn, avg, mx, gear)
        want = c["chunks"]
        assert len(got) == len(want), f"{name}: {len(got)} chunks, vector has {len(want)}"
        ids = []
        for (off, length, g), w in zip(got, want):
            assert (off, length) == (w["offset"], w["length"]), f"{name}: chunk at {off}"
            assert "%016x" % g == w["gear"], f"{name}: gear value at {off}"
            cid = sha256(data[off:off + length])
            assert cid.hex() == w["id"], f"{name}: chunk id at {off}"
            ids.append((length, cid))
            n += 1
        assert file_id(ids).hex() == c["file_id"], f"{name}: file id"
        n += 1
    return n, 0


def check_fastcdc_rs(vectors_dir=VECTORS):
    """The Rust fastcdc crate's v2020 test vectors (fixture not shipped: see the file)."""
    v = load("fastcdc-rs.json", vectors_dir)
    gear = gear_table()
    z = v["zeros"]
    assert int(z["crate_hash"]) == int(z["gear"], 16), "zeros: decimal and hex differ"
    zeros = bytes(z["length"])
    for off, length, g in chunk_all(zeros, z["min"], z["avg"], z["max"], gear):
        assert length == z["chunk_length"] and g == int(z["crate_hash"]), f"zeros at {off}"
    n, skipped = 1, 0
    path = os.environ.get("CHASM_FASTCDC_FIXTURE") or os.path.join(vectors_dir, "fixtures", v["fixture"]["name"])
    if not os.path.isfile(path):
        return n, len(v["cases"])
    with open(path, "rb") as f:
        data = f.read()
    assert len(data) == v["fixture"]["size"] and sha256(data).hex() == v["fixture"]["sha256"], "fixture"
    for c in v["cases"]:
        got = chunk_all(data, c["min"], c["avg"], c["max"], gear)
        want = [(w["offset"], w["length"], int(w["crate_hash"])) for w in c["chunks"]]
        assert all(int(w["crate_hash"]) == int(w["gear"], 16) for w in c["chunks"]), c["name"]
        assert got == want, f"{c['name']}: {got} != {want}"
        n += 1
    return n, skipped


# ---------------------------------------------------------------------------------------------
# Section 3: chunk ids and file Merkle trees
# ---------------------------------------------------------------------------------------------

def leaf_hash(offset, length, cid):
    """SPEC 3.3."""
    return sha256(b"\x00" + struct.pack(">QI", offset, length) + cid)


def node_hash(left, right):
    """SPEC 3.4."""
    return sha256(b"\x01" + left + right)


def mth(leaves):
    """SPEC 3.4: RFC 6962 Merkle tree head; SHA-256 of nothing when empty."""
    if not leaves:
        return sha256(b"")
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def leaves_of(chunks):
    out, off = [], 0
    for length, cid in chunks:
        out.append(leaf_hash(off, length, cid))
        off += length
    return out


def file_id(chunks):
    """SPEC 3.5: SHA-256(0x02 || u64 size || u32 count || MTH(leaves))."""
    size = sum(length for length, _ in chunks)
    return sha256(b"\x02" + struct.pack(">QI", size, len(chunks)) + mth(leaves_of(chunks)))


def audit_path(leaves, m):
    """RFC 9162 2.1.3.1."""
    if len(leaves) <= 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return audit_path(leaves[:k], m) + [mth(leaves[k:])]
    return audit_path(leaves[k:], m - k) + [mth(leaves[:k])]


def encode_proof(size, count, index, offset, length, path):
    """SPEC 3.8."""
    return struct.pack(">BBQIIQIB", 1, 1, size, count, index, offset, length, len(path)) + b"".join(path)


def verify_proof(proof, fid, cid):
    """SPEC 3.9 (RFC 9162 2.1.3.2 with the file root of 3.5); raises Reject on failure."""
    if len(proof) < 31:
        raise Reject("corrupt", "proof truncated")
    ver, alg, size, count, index, offset, length, plen = struct.unpack(">BBQIIQIB", proof[:31])
    if ver != 1 or alg != 1 or plen > 32 or len(proof) != 31 + 32 * plen:
        raise Reject("corrupt", "proof header")
    if size >> 63 or offset >> 63 or count >> 31 or index >> 31 or length >> 31:
        raise Reject("corrupt", "proof field range")
    path = [proof[31 + 32 * i: 63 + 32 * i] for i in range(plen)]
    if length == 0 or offset + length > size or index >= count:
        raise Reject("mismatch", "proof fields")
    fn, sn, r = index, count - 1, leaf_hash(offset, length, cid)
    for p in path:
        if sn == 0:
            raise Reject("mismatch", "path too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Reject("mismatch", "path too short")
    if sha256(b"\x02" + struct.pack(">QI", size, count) + r) != fid:
        raise Reject("mismatch", "root")


class Reject(Exception):
    def __init__(self, kind, why):
        super().__init__(f"{kind}: {why}")
        self.kind = kind


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise Reject("corrupt", "truncated")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def u8(self):
        return self.take(1)[0]

    def u16(self):
        return struct.unpack(">H", self.take(2))[0]

    def u32(self):
        v = struct.unpack(">I", self.take(4))[0]
        if v >> 31:
            raise Reject("corrupt", "u32 above 2^31-1")
        return v

    def u64(self):
        v = struct.unpack(">Q", self.take(8))[0]
        if v >> 63:
            raise Reject("corrupt", "u64 above 2^63-1")
        return v

    def remaining(self):
        return len(self.data) - self.pos


def check_rejects(rejects, field, decode):
    """Each must-reject vector fails to decode with the error it names."""
    for rj in rejects:
        try:
            decode(bytes.fromhex(rj[field]))
            got = "accept"
        except Reject as e:
            got = e.kind
        assert got == rj["error"], f"reject {rj['name']}: expected {rj['error']}, got {got}"
    return len(rejects)


def decode_manifest(b):
    """SPEC 3.6-3.7, checks in the order the spec lists them."""
    r = Reader(b)
    if r.u8() != 2:
        raise Reject("corrupt", "kind")
    if r.u8() != 1:
        raise Reject("corrupt", "version")
    if r.u8() != 1:
        raise Reject("corrupt", "hash algorithm")
    count = r.u32()
    if count > 1 << 22:
        raise Reject("limit", "chunk count")
    if r.remaining() != count * 36:
        raise Reject("corrupt", "body size")
    chunks = []
    for _ in range(count):
        length = r.u32()
        if length == 0 or length > 16 << 20:
            raise Reject("corrupt", "chunk length")
        chunks.append((length, r.take(32)))
    return chunks


def encode_manifest(chunks):
    return struct.pack(">BBBI", 2, 1, 1, len(chunks)) + b"".join(struct.pack(">I", l) + c for l, c in chunks)


def apply_manifest_delta(base, delta):
    """SPEC 3.10: the entries (length, chunk id) a delta rebuilds over base's entries."""
    r = Reader(delta)
    if r.u8() != 1:
        raise Reject("corrupt", "version")
    count = r.u32()
    if count > 1 << 22:
        raise Reject("limit", "chunk count")
    out = []
    while r.remaining():
        op = r.u8()
        if op == 1:
            start, n = r.u32(), r.u32()
            if n == 0 or start + n > len(base):
                raise Reject("corrupt", "copy out of the base")
            if len(out) + n > count:
                raise Reject("corrupt", "more entries than the count")
            out.extend(base[start:start + n])
        elif op == 2:
            n = r.u32()
            if n == 0:
                raise Reject("corrupt", "empty insert")
            if len(out) + n > count:
                raise Reject("corrupt", "more entries than the count")
            for _ in range(n):
                length = r.u32()
                out.append((length, r.take(32)))
        else:
            raise Reject("corrupt", "unknown op")
    if len(out) != count:
        raise Reject("corrupt", "fewer entries than the count")
    return out


def check_manifest_delta(vectors_dir=VECTORS):
    """SPEC 3.10: each delta rebuilds its manifest and file id over the base; each malformed one fails as named."""
    v = load("manifest-delta.json", vectors_dir)
    base = decode_manifest(bytes.fromhex(v["base"]))
    n = 0
    for c in v["cases"]:
        chunks = apply_manifest_delta(base, bytes.fromhex(c["delta"]))
        assert encode_manifest(chunks).hex() == c["manifest"], f"manifest delta {c['name']}: rebuilt manifest"
        assert decode_manifest(bytes.fromhex(c["manifest"])) == chunks, f"manifest delta {c['name']}: decodes"
        assert "file:sha256:" + file_id(chunks).hex() == c["file_id"], f"manifest delta {c['name']}: file id"
        n += 1
    for c in v["reject"]:
        try:
            apply_manifest_delta(base, bytes.fromhex(c["encoding"]))
        except Reject as e:
            assert e.kind == c["error"], f"manifest delta {c['name']}: {e.kind}, expected {c['error']}"
            n += 1
            continue
        raise AssertionError(f"manifest delta {c['name']}: accepted")
    return n, 0


def check_file_merkle(vectors_dir=VECTORS):
    v = load("file-merkle.json", vectors_dir)
    n = 0
    for c in v["cases"]:
        name = c["name"]
        chunks = [(w["length"], bytes.fromhex(w["id"])) for w in c["chunks"]]
        assert sum(l for l, _ in chunks) == c["size"], f"{name}: size"
        enc = encode_manifest(chunks)
        assert enc.hex() == c["manifest"], f"{name}: manifest encoding"
        assert decode_manifest(enc) == chunks, f"{name}: manifest decoding"
        fid = file_id(chunks)
        assert fid.hex() == c["file_id"], f"{name}: file id"
        leaves = leaves_of(chunks)
        assert len(c["proofs"]) == len(chunks), f"{name}: proof count"
        off = 0
        for i, (length, cid) in enumerate(chunks):
            proof = encode_proof(c["size"], len(chunks), i, off, length, audit_path(leaves, i))
            assert proof.hex() == c["proofs"][i], f"{name}: proof {i}"
            verify_proof(proof, fid, cid)
            off += length
            n += 1
        n += 2
    return n + check_rejects(v["reject"], "manifest", decode_manifest), 0


# ---------------------------------------------------------------------------------------------
# Section 4: tree encoding
# ---------------------------------------------------------------------------------------------

KINDS = {"file": 1, "directory": 2, "symlink": 3}


def check_name(name):
    """SPEC 4.3."""
    if name in (b"", b".", b"..") or b"/" in name or b"\x00" in name:
        raise Reject("unsafe_path", repr(name))


MODE_MASK = 0o1777  # SPEC 4.4: rwx for all and sticky; never set-user-id or set-group-id


def decode_tree(b, max_entries=1_000_000, max_name=255, max_target=4095):
    """SPEC 4.5-4.6, checks in the order the spec lists them; versions 1 and 2."""
    r = Reader(b)
    if r.u8() != 3:
        raise Reject("corrupt", "kind")
    version = r.u8()
    if version not in (1, 2):
        raise Reject("corrupt", "version")
    count = r.u32()
    if count > max_entries:
        raise Reject("limit", "entries")
    if count * (6 if version == 1 else 17) > r.remaining():
        raise Reject("corrupt", "too short for count")
    if version == 2 and count == 0:
        raise Reject("corrupt", "empty tree under version 2")
    entries, prev = [], None
    for _ in range(count):
        nlen = r.u16()
        if nlen > max_name:
            raise Reject("limit", "name length")
        name = r.take(nlen)
        check_name(name)
        if prev is not None and prev >= name:
            raise Reject("corrupt", "unsorted or duplicate")
        prev = name
        kind = r.u8()
        if kind not in (1, 2, 3):
            raise Reject("corrupt", "entry kind")
        e = {"name": name.hex()}
        if version == 1:
            flags = r.u8()
            if flags not in (0, 1) or (flags == 1 and kind != 1):
                raise Reject("corrupt", "flags")
        else:
            seconds = struct.unpack(">q", r.take(8))[0]
            nanos = r.u32()
            if nanos >= 10 ** 9:
                raise Reject("corrupt", "mtime nanoseconds")
            e["kind"] = {1: "file", 2: "directory", 3: "symlink"}[kind]
            e["mtime_s"], e["mtime_ns"] = seconds, nanos
            if kind != 3:
                mode = r.u16()
                if mode & ~MODE_MASK:
                    raise Reject("corrupt", "mode bits")
                e["mode"] = mode
                flags = 1 if kind == 1 and mode & 0o100 else 0  # the owner's execute bit
        if kind == 1:
            size = r.u64()
            if r.u8() != 1:
                raise Reject("corrupt", "hash algorithm")
            e.update({"kind": "file", "executable": flags == 1, "size": size, "id": r.take(32).hex()})
        elif kind == 2:
            if r.u8() != 1:
                raise Reject("corrupt", "hash algorithm")
            e.update({"kind": "directory", "id": r.take(32).hex()})
        else:
            tlen = r.u16()
            if tlen > max_target:
                raise Reject("limit", "target length")
            target = r.take(tlen)
            if not target or b"\x00" in target:
                raise Reject("unsafe_path", "link target")
            e.update({"kind": "symlink", "target": target.hex()})
        entries.append(e)
    if r.remaining():
        raise Reject("corrupt", "trailing bytes")
    return entries


def encode_tree(entries, version=1):
    """SPEC 4.1-4.2: entries sorted by name bytes; version 2 adds mtime and mode, drops flags."""
    if version == 2:
        assert entries, "an empty tree is encoded as version 1"
    out = struct.pack(">BBI", 3, version, len(entries))
    for e in sorted(entries, key=lambda e: bytes.fromhex(e["name"])):
        name = bytes.fromhex(e["name"])
        kind = KINDS[e["kind"]]
        out += struct.pack(">H", len(name)) + name + bytes([kind])
        if version == 1:
            out += bytes([1 if e.get("executable") else 0])
        else:
            assert 0 <= e["mtime_ns"] < 10 ** 9, "mtime nanoseconds"
            out += struct.pack(">qI", e["mtime_s"], e["mtime_ns"])
            if kind != 3:
                assert not e["mode"] & ~MODE_MASK, "mode bits"
                out += struct.pack(">H", e["mode"])
            if kind == 1:
                assert e["executable"] == bool(e["mode"] & 0o100), "executable is the owner's x bit"
        if kind == 1:
            out += struct.pack(">QB", e["size"], 1) + bytes.fromhex(e["id"])
        elif kind == 2:
            out += b"\x01" + bytes.fromhex(e["id"])
        else:
            t = bytes.fromhex(e["target"])
            out += struct.pack(">H", len(t)) + t
    return out


def check_tree_file(fname, version, vectors_dir):
    v = load(fname, vectors_dir)
    n = 0
    for c in v["cases"]:
        enc = encode_tree(c["entries"], version)
        assert enc.hex() == c["encoding"], f"{c['name']}: encoding"
        assert sha256(enc).hex() == c["id"], f"{c['name']}: id"
        assert decode_tree(enc) == c["entries"], f"{c['name']}: decoding"
        n += 3
    return n + check_rejects(v["reject"], "encoding", decode_tree), 0


def check_tree(vectors_dir=VECTORS):
    return check_tree_file("tree.json", 1, vectors_dir)


def check_tree_v2(vectors_dir=VECTORS):
    return check_tree_file("tree-v2.json", 2, vectors_dir)


# ---------------------------------------------------------------------------------------------
# Section 5: snapshots (check_snapshot_vectors.py)
# ---------------------------------------------------------------------------------------------

def check_snapshot(vectors_dir=VECTORS):
    sys.path.insert(0, HERE)
    import check_snapshot_vectors  # noqa: E402 (needs python3-cryptography)
    return check_snapshot_vectors.check(vectors_dir), 0


# ---------------------------------------------------------------------------------------------
# Sections 7-9: the peer protocol (check_wire_vectors.py)
# ---------------------------------------------------------------------------------------------

def check_wire(vectors_dir=VECTORS):
    sys.path.insert(0, HERE)
    import check_wire_vectors  # noqa: E402 (needs python3-cryptography)
    return check_wire_vectors.check(vectors_dir), 0


# ---------------------------------------------------------------------------------------------
# Section 12: the static export's layout
# ---------------------------------------------------------------------------------------------

def check_static_export(vectors_dir=VECTORS):
    """SPEC 12.1: objects named by their ids' digests, each decoding; exactly the closure of the head's root."""
    v = load("static-export.json", vectors_dir)
    files = {f["path"]: bytes.fromhex(f["bytes"]) for f in v["files"]}
    head = files.pop(".chasm-export/head")
    at = head.index(b"CHSN")
    assert head[at + 5] == 1, "root hash algorithm"
    root = head[at + 6:at + 38].hex()
    length = struct.unpack(">I", head[at - 4:at])[0]
    sys.path.insert(0, HERE)
    import check_snapshot_vectors as sv  # noqa: E402 (needs python3-cryptography)
    public = bytes.fromhex(v["public_key"])
    try:
        fields = sv.verify(head, {sv.key_id(public): public}, 1, 0, 0)
    except sv.Reject as e:
        raise AssertionError(f"head: {e}")
    assert fields["root"] == "sha256:" + root, "root as decoded"
    assert v["snapshot"] == "snapshot:sha256:" + sha256(b"\x04" + head[at:at + length]).hex(), "snapshot id (SPEC 5)"
    assert v["root"] == "tree:sha256:" + root, "root named by the head"
    objects = {}
    for path, b in files.items():
        parts = path.split("/")
        assert len(parts) == 5 and parts[:2] == [".chasm-export", "objects"], f"{path}: not an object path"
        kind, hh, hexid = parts[2:]
        assert hh == hexid[:2], f"{path}: fan-out directory"
        if kind == "tree":
            entries = decode_tree(b)
            assert sha256(b).hex() == hexid, f"{path}: tree id"
        elif kind == "file":
            entries = None
            assert file_id(decode_manifest(b)).hex() == hexid, f"{path}: file id"
        else:
            raise AssertionError(f"{path}: object kind")
        objects[(kind, hexid)] = entries
    need, seen = [("tree", root)], set()
    while need:
        key = need.pop()
        assert key in objects, f"{key} named but not exported"
        seen.add(key)
        for e in objects[key] or []:
            if e["kind"] in ("directory", "file"):
                need.append(("tree" if e["kind"] == "directory" else "file", e["id"]))
    assert seen == set(objects), "objects the head does not name"
    return 1 + len(objects), 0


# ---------------------------------------------------------------------------------------------
# Section 13: Metalink digests and mirror URLs
# ---------------------------------------------------------------------------------------------

def check_metalink(vectors_dir=VECTORS):
    v = load("metalink.json", vectors_dir)
    n = 0
    for d in v["digests"]:
        data = prng_stream(d["seed"].encode(), d["size"])
        assert sha256(data).hex() == d["sha256"], f"metalink {d['seed']}: sha256"
        k = d["piece_length"]
        pieces = [sha256(data[i:i + k]).hex() for i in range(0, len(data), k)]
        assert pieces == d["pieces"], f"metalink {d['seed']}: pieces"
        n += 1
    keep = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    for u in v["urls"]:
        segments = ["".join(chr(b) if b in keep else "%%%02X" % b for b in bytes.fromhex(h)) for h in u["names_hex"]]
        base = u["base"] if u["base"].endswith("/") else u["base"] + "/"
        assert base + "/".join(segments) == u["url"], f"metalink url {u['url']}"
        n += 1
    return n, 0


# ---------------------------------------------------------------------------------------------
# Section 11.19: a mirror's snapshot in a stats batch (protobuf field 11)
# ---------------------------------------------------------------------------------------------

def pb_varint(n):
    n &= M64  # negative int64 values are ten-byte two's complement varints
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb_field(number, wire_type, payload):
    key = pb_varint(number << 3 | wire_type)
    if wire_type == 0:
        return key + pb_varint(payload) if payload else b""
    return key + pb_varint(len(payload)) + payload if payload else b""


def stats_batch_bytes(b, skip=()):
    """The StatsBatch fields the vectors use, in field order (proto3: zero values left out)."""
    out = pb_field(1, 0, b.get("format_version", 0))
    if 2 not in skip:
        out += pb_field(2, 2, bytes.fromhex(b.get("batch_id", "")))
    out += pb_field(3, 2, b.get("mirror_id", "").encode("utf-8"))
    if 7 not in skip:
        out += pb_field(7, 0, b.get("created_unix", 0))
    snap = b.get("mirror_snapshot")
    if snap is not None and 11 not in skip:
        inner = (pb_field(1, 2, snap["repository"].encode("utf-8")) + pb_field(2, 0, snap["sequence"])
                 + pb_field(3, 0, snap["created_unix"]))
        out += pb_varint(11 << 3 | 2) + pb_varint(len(inner)) + inner
    return out


def mirror_snapshot_ok(snap):
    """SPEC 11.19 ranges (the origin name as in 5.3)."""
    r = snap["repository"].encode("utf-8")
    return (1 <= len(r) <= 255 and not any(c < 0x20 or c == 0x7F for c in r)
            and 1 <= snap["sequence"] < 1 << 63 and snap["created_unix"] >= 0)


def check_stats_mirror_snapshot(vectors_dir=VECTORS):
    v = load("stats-mirror-snapshot.json", vectors_dir)
    n = 0
    for c in v["batches"]:
        b = c["batch"]
        assert stats_batch_bytes(b).hex() == c["encoded"], f"mirror snapshot {c['name']}: encoding"
        # SPEC 11.14 with 11.19: the comparison leaves out created_unix and mirror_snapshot.
        digest = sha256(stats_batch_bytes(b, skip=(7, 11))).hex()
        assert digest == c["comparison_sha256"], f"mirror snapshot {c['name']}: comparison digest"
        if "mirror_snapshot" in b:
            assert mirror_snapshot_ok(b["mirror_snapshot"]), f"mirror snapshot {c['name']}: valid"
        n += 1
    first = v["batches"][0]["batch"]
    for c in v["refused"]:
        assert not mirror_snapshot_ok(c["mirror_snapshot"]), f"mirror snapshot refused {c['name']}"
        carrying = dict(first, mirror_snapshot=c["mirror_snapshot"])
        assert stats_batch_bytes(carrying).hex() == c["encoded"], f"mirror snapshot refused {c['name']}: encoding"
        n += 1
    return n, 0



CHECKS = [
    ("chunking.json", check_chunking),
    ("fastcdc-rs.json", check_fastcdc_rs),
    ("file-merkle.json", check_file_merkle),
    ("manifest-delta.json", check_manifest_delta),
    ("tree.json", check_tree),
    ("tree-v2.json", check_tree_v2),
    ("snapshot.json", check_snapshot),
    ("wire.json", check_wire),
    ("static-export.json", check_static_export),


# ---------------------------------------------------------------------------------------------
    ("metalink.json", check_metalink),
    ("stats-mirror-snapshot.json", check_stats_mirror_snapshot),
]


def tampered_copies(doc):
    """Yields copies of a vector document with one value changed, for --self-test."""
    def walk(node, path):
        if isinstance(node, dict):
            for k, val in node.items():
                if k in ("name", "description", "source", "licence", "path_in_source"):
                    continue
                if path and path[0] == "reject" and k in ("manifest", "encoding"):
                    continue  # another malformed encoding may rightly fail the same way
                yield from walk(val, path + [k])
        elif isinstance(node, list):
            for i, val in enumerate(node):
                yield from walk(val, path + [i])
        else:
            yield path, node

    leaves = list(walk(doc, []))
    step = max(1, len(leaves) // 25)
    for path, val in leaves[::step]:
        bad = copy.deepcopy(doc)
        node = bad
        for p in path[:-1]:
            node = node[p]
        if isinstance(val, bool):
            node[path[-1]] = not val
        elif isinstance(val, int):
            node[path[-1]] = val + 1
        elif isinstance(val, str) and val:
            c = val[-1]
            node[path[-1]] = val[:-1] + ("0" if c != "0" else "1")
        else:
            continue
        yield path, bad


def self_test():
    """Every check must fail on a tampered copy of its vectors."""
    import shutil
    import tempfile
    n = 0
    for fname, fn in CHECKS:
        if fname in ("snapshot.json", "wire.json", "fastcdc-rs.json"):
            continue  # snapshot, wire: their own scripts; fastcdc-rs: mostly needs the fixture
        doc = load(fname)
        for path, bad in tampered_copies(doc):
            with tempfile.TemporaryDirectory() as tmp:
                for other in os.listdir(VECTORS):
                    if other.endswith(".json"):
                        shutil.copy(os.path.join(VECTORS, other), tmp)
                with open(os.path.join(tmp, fname), "w", encoding="utf-8") as f:
                    json.dump(bad, f)
                try:
                    fn(tmp)
                except (AssertionError, Reject, KeyError, ValueError):
                    n += 1
                    continue
                raise SystemExit(f"self-test: {fname} passed with {path} tampered")
    return n


def main(argv):
    passed = failed = skipped = 0
    for fname, fn in CHECKS:
        try:
            p, s = fn()
            print(f"{fname}: {p} passed" + (f", {s} skipped (no fixture)" if s else ""))
            passed += p
            skipped += s
        except ImportError as e:
            print(f"{fname}: FAILED (missing module: {e})")
            failed += 1
        except (AssertionError, Reject) as e:
            print(f"{fname}: FAILED: {e}")
            failed += 1
    if "--self-test" in argv:
        n = self_test()
        print(f"self-test: {n} tampered vectors rejected")
        passed += n
    line = f"{passed} passed, {failed} failed"
    print(line + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
