#!/usr/bin/env python3
"""Independent check of tck/vectors/wire.json (SPEC sections 7-9) without the Java code.

Uses the standard library plus Debian's python3-cryptography for Ed25519. Decodes every frame
with a from-scratch protobuf wire-format reader, re-derives id encodings, the handshake
transcripts and proofs (SPEC 8.6-8.8), and the outcome of each framing case (SPEC 7.1-7.6).
Called by check_vectors.py; also runs alone: python3 tck/check_wire_vectors.py
"""
import hashlib
import json
import os
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

BODIES = {"hello": 1, "welcome": 2, "auth": 3, "ready": 4, "request": 5, "reply": 6, "goodbye": 7}


class Malformed(Exception):
    pass


def varint(buf, i):
    shift = value = 0
    while True:
        if i >= len(buf):
            raise Malformed("truncated varint")
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7
        if shift > 63:
            raise Malformed("varint too long")


def fields(buf):
    """Protobuf wire format -> list of (field number, wire type, value); strict."""
    out, i = [], 0
    while i < len(buf):
        tag, i = varint(buf, i)
        field, wt = tag >> 3, tag & 7
        if field == 0:
            raise Malformed("field number 0")
        if wt == 0:
            v, i = varint(buf, i)
        elif wt == 2:
            n, i = varint(buf, i)
            if i + n > len(buf):
                raise Malformed("truncated length-delimited field")
            v, i = buf[i:i + n], i + n
        elif wt == 1:
            v, i = buf[i:i + 8], i + 8
        elif wt == 5:
            v, i = buf[i:i + 4], i + 4
        else:
            raise Malformed("wire type %d" % wt)
        if i > len(buf):
            raise Malformed("truncated fixed field")
        out.append((field, wt, v))
    return out


def field(msg, number):
    vals = [v for f, _, v in fields(msg) if f == number]
    return vals[-1] if vals else b""


def read_frame(data, max_frame):
    """SPEC 7.1-7.6: returns ('frame', body number, payload) | ('eof',) | ('limit',) | ('protocol',)."""
    if len(data) == 0:
        return ("eof",)
    if len(data) < 4:
        return ("protocol",)
    length = int.from_bytes(data[:4], "big")
    if length > max_frame:
        return ("limit",)
    if length == 0:
        return ("protocol",)
    payload = data[4:4 + length]
    if len(payload) < length:
        return ("protocol",)
    try:
        fs = fields(payload)
    except Malformed:
        return ("protocol",)
    known = [(f, wt, v) for f, wt, v in fs if f in BODIES.values() and wt == 2]
    if not known:
        return ("protocol",)
    for f, _, v in known:
        fields(v)  # nested message must be well-formed as well
    return ("frame", known[-1][0], payload)


def check(vectors_dir):
    """Checks wire.json in vectors_dir; returns the number of checks passed."""
    with open(os.path.join(vectors_dir, "wire.json"), encoding="utf-8") as fh:
        v = json.load(fh)
    checks = 0

    # Id encodings (SPEC 9.1, 8.5).
    for e in v["ids"]:
        enc = bytes.fromhex(e["encoded"])
        if "hash" in e:
            digest = hashlib.sha256(e["data_utf8"].encode()).digest()
            assert e["hash"] == "sha256:" + digest.hex(), e
            assert enc == b"\x01" + digest, e
        elif "object_id" in e:
            kind, label, hexd = e["object_id"].split(":")
            assert enc == bytes([e["kind"], 1]) + bytes.fromhex(hexd), e
        else:
            assert enc == b"\x01" + bytes.fromhex(e["node_key"].split(":")[1]), e
        checks += 1

    # Frames (SPEC 7.1).
    for f in v["frames"]:
        raw = bytes.fromhex(f["hex"])
        r = read_frame(raw, 16 << 20)
        assert r[0] == "frame" and r[1] == BODIES[f["body"]], f["name"]
        assert len(raw) == 4 + int.from_bytes(raw[:4], "big"), f["name"]
        checks += 1

    # Held prefix (SPEC 9.17): the offered hash is SHA-256 of the first `length` bytes of the
    # chunk, and prefix || rest hashes to the chunk id.
    byname = {f["name"]: bytes.fromhex(f["hex"]) for f in v["frames"]}
    chunk = next(e for e in v["ids"] if "hash" in e)
    data = chunk["data_utf8"].encode()
    gc = field(field(field(byname["get-chunks-prefix"][4:], 5), 4), 4)
    length = field(gc, 2)
    assert field(gc, 1) in (0, b"") and length == 7 and field(gc, 3) == b"\x01" + hashlib.sha256(data[:length]).digest()
    item = field(field(byname["item-after-prefix"][4:], 6), 3)
    assert field(item, 6) == length and field(item, 4) == len(data) - length
    assert hashlib.sha256(data[:length] + field(item, 2)).digest() == bytes.fromhex(chunk["hash"].split(":")[1])

    # Origin changed (SPEC 9.18): a NOT_FOUND item naming the changed path and the served snapshot.
    item = field(field(byname["item-origin-changed"][4:], 6), 3)
    changed = field(item, 7)
    assert field(item, 5) == 1 and field(item, 2) in (0, b"")
    assert field(changed, 1) == b"pool/main/a/pkg_1.0.deb" and field(changed, 2) == 6
    checks += 1

    # Manifest delta (SPEC 9.21): a GetObjects offering a base for ids[0], and an item flagged as a delta.
    go = field(field(byname["get-objects-manifest-base"][4:], 5), 3)
    offer = field(go, 4)
    assert field(offer, 1) in (0, b"") and field(offer, 2)[0] == 2 and len(field(offer, 2)) == 34, "base: file id of index 0"
    item = field(field(byname["item-manifest-delta"][4:], 6), 3)
    assert field(item, 8) == 1 and field(item, 4) == len(field(item, 2)) and field(item, 2)[0] == 1
    checks += 1

    # Handshake (SPEC 8.4-8.8).
    h = v["handshake"]
    keys = {}
    for side in ("client", "server"):
        sk = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(h[side + "_seed"]))
        pub = sk.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        assert bytes.fromhex(h[side + "_key"]) == b"\x01" + pub, side
        keys[side] = sk
    ck, skey = bytes.fromhex(h["client_key"]), bytes.fromhex(h["server_key"])
    cn, sn = bytes.fromhex(h["client_nonce"]), bytes.fromhex(h["server_nonce"])
    assert len(cn) == 32 and len(sn) == 32

    def transcript(context):
        return context + b"\x00" + bytes([len(ck)]) + ck + bytes([len(skey)]) + skey + cn + sn

    st, ct = transcript(b"chasm-peer-v1 server proof"), transcript(b"chasm-peer-v1 client proof")
    assert st.hex() == h["server_transcript"] and ct.hex() == h["client_transcript"]
    # Ed25519 is deterministic: re-signing must give the recorded proofs.
    assert keys["server"].sign(st).hex() == h["server_proof"]
    assert keys["client"].sign(ct).hex() == h["client_proof"]
    keys["server"].public_key().verify(bytes.fromhex(h["server_proof"]), st)
    keys["client"].public_key().verify(bytes.fromhex(h["client_proof"]), ct)
    frames = {f["body"]: bytes.fromhex(f["hex"]) for f in h["frames"]}
    hello = field(frames["hello"][4:], 1)
    welcome = field(frames["welcome"][4:], 2)
    auth = field(frames["auth"][4:], 3)
    assert field(hello, 1) == 1 and field(hello, 2) == 1, "version range 1..1"
    assert field(hello, 4) == ck and field(hello, 5) == cn
    assert field(welcome, 1) == 1, "version 1 chosen"
    assert field(welcome, 3) == skey and field(welcome, 4) == sn
    assert field(welcome, 5).hex() == h["server_proof"]
    assert field(auth, 1).hex() == h["client_proof"]
    assert read_frame(frames["ready"], 1 << 16)[1] == BODIES["ready"]
    checks += 1

    # Framing outcomes (SPEC 7.2-7.6).
    for c in v["framing"]:
        got = read_frame(bytes.fromhex(c["hex"]), c["max_frame_bytes"])[0]
        assert got == c["outcome"], (c["name"], got)
        checks += 1

    return checks


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        count = check(os.path.join(here, "vectors"))
    except AssertionError as e:
        print("wire: FAILED:", e, file=sys.stderr)
        sys.exit(1)
    print(f"wire: {count} passed, 0 failed")
