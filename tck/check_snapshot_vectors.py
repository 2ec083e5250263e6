#!/usr/bin/env python3
"""Independent check of tck/vectors/snapshot.json (SPEC section 5) without the Java code.

Uses the standard library plus Debian's python3-cryptography for Ed25519. Re-derives key ids,
snapshot encodings and ids, and the accept/reject outcome of every case by implementing the
decoding and verification rules of SPEC 5.1-5.13 from scratch. Called by check_vectors.py;
also runs alone: python3 tck/check_snapshot_vectors.py
"""
import hashlib
import json
import os
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MAX_SNAPSHOT = 4096
MAX_SIGS = 16


class Reject(Exception):
    def __init__(self, kind, why):
        super().__init__(f"{kind}: {why}")
        self.kind = kind


def corrupt(why):
    return Reject("corrupt", why)


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise corrupt("truncated")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def u8(self):
        return self.take(1)[0]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def u63(self):
        v = struct.unpack(">Q", self.take(8))[0]
        if v >= 1 << 63:
            raise corrupt("u63 out of range")
        return v

    def hash(self):
        if self.u8() != 1:
            raise corrupt("unknown hash algorithm")
        return "sha256:" + self.take(32).hex()

    def end(self):
        if self.pos != len(self.data):
            raise corrupt("trailing bytes")


def key_id(public_raw):
    return "sha256:" + hashlib.sha256(b"\x01" + public_raw).hexdigest()


def snapshot_id(snapshot_bytes):
    return "sha256:" + hashlib.sha256(b"\x04" + snapshot_bytes).hexdigest()


def decode_snapshot(b):
    r = Reader(b)
    if r.take(4) != b"CHSN":
        raise corrupt("magic")
    if r.u8() != 1:
        raise corrupt("version")
    f = {"root": r.hash()}
    flag = r.u8()
    if flag not in (0, 1):
        raise corrupt("previous flag")
    f["previous"] = r.hash() if flag == 1 else None
    f["sequence"], f["created"], f["expires"] = r.u63(), r.u63(), r.u63()
    n = r.u8()
    try:
        origin = r.take(n).decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise corrupt("origin utf-8")
    if n == 0 or any(ord(c) < 0x20 or ord(c) == 0x7F for c in origin):
        raise corrupt("origin")
    f["origin"] = origin
    f["chunk_min"], f["chunk_avg"], f["chunk_max"] = r.u32(), r.u32(), r.u32()
    r.end()
    if f["sequence"] < 1 or (f["sequence"] == 1) != (f["previous"] is None):
        raise corrupt("sequence/previous")
    if f["expires"] <= f["created"]:
        raise corrupt("expiry not after creation")
    mn, av, mx = f["chunk_min"], f["chunk_avg"], f["chunk_max"]
    if not (64 <= mn <= 1 << 20 and 256 <= av <= 4 << 20 and 1024 <= mx <= 16 << 20 and mn <= av <= mx):
        raise corrupt("chunk sizes")
    return f


def decode_envelope(b):
    r = Reader(b)
    if r.take(4) != b"CHSE":
        raise corrupt("envelope magic")
    if r.u8() != 1:
        raise corrupt("envelope version")
    n = r.u32()
    if n > MAX_SNAPSHOT:
        raise corrupt("snapshot too large")
    snap = r.take(n)
    fields = decode_snapshot(snap)
    count = r.u8()
    if not 1 <= count <= MAX_SIGS:
        raise corrupt("signature count")
    sigs = []
    for _ in range(count):
        if r.u8() != 1:
            raise corrupt("signature algorithm")
        kid = r.hash()
        sig = r.take(64)
        if sigs and bytes.fromhex(sigs[-1][0][7:]) >= bytes.fromhex(kid[7:]):
            raise corrupt("signatures unsorted or duplicated")
        sigs.append((kid, sig))
    r.end()
    return snap, fields, sigs


def verify(envelope, trusted, threshold, now, last_accepted):
    snap, fields, sigs = decode_envelope(envelope)
    good = set()
    for kid, sig in sigs:
        if kid not in trusted:
            raise Reject("signature", "untrusted key")
        try:
            Ed25519PublicKey.from_public_bytes(trusted[kid]).verify(sig, snap)
        except InvalidSignature:
            raise Reject("signature", "bad signature")
        good.add(kid)
    if len(good) < threshold:
        raise Reject("signature", "below threshold")
    if fields["sequence"] <= last_accepted:
        raise Reject("rollback", "sequence")
    if now >= fields["expires"]:
        raise Reject("expired", "expired")
    return fields


def check(vectors_dir):
    """Returns the number of checks passed; raises AssertionError on the first mismatch."""
    with open(os.path.join(vectors_dir, "snapshot.json")) as f:
        v = json.load(f)
    n = 0
    keys = []
    for k in v["keys"]:
        raw = bytes.fromhex(k["public"])
        assert key_id(raw) == k["key_id"], f"key id of {k['public']}"
        keys.append((k["key_id"], raw))
        n += 1
    for s in v["snapshots"]:
        b = bytes.fromhex(s["bytes"])
        assert snapshot_id(b) == s["id"], "snapshot id"
        assert decode_snapshot(b) == s["fields"], f"fields of {s['id']}"
        n += 2
    for c in v["cases"]:
        trusted = dict(keys[i] for i in c["trusted"])
        try:
            verify(bytes.fromhex(c["envelope"]), trusted, c["threshold"], c["now"], c["last_accepted"])
            got = "accept"
        except Reject as e:
            got = e.kind
        assert got == c["expect"], f"case {c['name']}: expected {c['expect']}, got {got}"
        n += 1
    return n


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    count = check(os.path.join(here, "vectors"))
    print(f"snapshot: {count} passed, 0 failed")
    sys.exit(0)
