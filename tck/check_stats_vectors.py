#!/usr/bin/env python3
"""Re-derives tck/vectors/stats-batch-id.json (SPEC section 11.1),
tck/vectors/stats-windows.json (section 11.4: the day, ISO week and month of a time, and their
labels) and tck/vectors/stats-client-hash.json (section 11.6: SipHash-2-4 of client addresses)
without the Java code."""
import datetime, hashlib, json, struct, sys, os

def batch_id(mirror, coverage, periods, part=0, parts=1):
    m = mirror.encode("utf-8")
    out = b"chasm-stats-batch-v1\0" + struct.pack(">I", len(m)) + m + struct.pack(">I", len(coverage))
    for c in sorted(coverage, key=lambda c: (c["file_identity"], c["start"])):
        out += bytes.fromhex(c["file_identity"]) + struct.pack(">QQ", c["start"], c["end"])
    ps = sorted({(p["granularity"], p["period_start"]) for p in periods})
    out += struct.pack(">I", len(ps))
    for g, s in ps:
        out += struct.pack(">Bq", g, s)
    if parts > 1:
        out += struct.pack(">II", part, parts)
    return hashlib.sha256(out).hexdigest()

def windows(t):
    """The windows holding Unix time t: (granularity, period_start, label) for DAY, WEEK, MONTH."""
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).date()
    epoch = datetime.date(1970, 1, 1)
    day = (d - epoch).days * 86400
    monday = d - datetime.timedelta(days=d.weekday())
    iso = d.isocalendar()
    first = d.replace(day=1)
    return {"day": {"start": day, "label": d.isoformat()},
            "week": {"start": (monday - epoch).days * 86400, "label": f"{iso[0]:04d}-W{iso[1]:02d}"},
            "month": {"start": (first - epoch).days * 86400, "label": f"{d.year:04d}-{d.month:02d}"}}

WINDOW_TIMES = [0, 86399, 345600, 1732406400, 1735516800, 1735689599, 1735689600, 1709164800,
                1798761599, 1798761600, 1802217599, 1802217600, 1793664000, 1794182400, 4102444799]

M64 = (1 << 64) - 1

def siphash24(key, msg):
    """SipHash-2-4 (Aumasson and Bernstein 2012) of msg under a 16-byte key, as an integer."""
    def rotl(x, b):
        return ((x << b) | (x >> (64 - b))) & M64
    k0, k1 = struct.unpack("<QQ", key)
    v = [k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d, k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573]
    def sipround():
        v[0] = (v[0] + v[1]) & M64; v[1] = rotl(v[1], 13) ^ v[0]; v[0] = rotl(v[0], 32)
        v[2] = (v[2] + v[3]) & M64; v[3] = rotl(v[3], 16) ^ v[2]
        v[0] = (v[0] + v[3]) & M64; v[3] = rotl(v[3], 21) ^ v[0]
        v[2] = (v[2] + v[1]) & M64; v[1] = rotl(v[1], 17) ^ v[2]; v[2] = rotl(v[2], 32)
    n = len(msg)
    words = n // 8
    for i in range(words + 1):
        if i < words:
            m = struct.unpack_from("<Q", msg, 8 * i)[0]
        else:
            m = int.from_bytes(msg[8 * words:], "little") | ((n & 0xff) << 56)
        v[3] ^= m
        sipround(); sipround()
        v[0] ^= m
    v[2] ^= 0xff
    for _ in range(4):
        sipround()
    return v[0] ^ v[1] ^ v[2] ^ v[3]

def client_hash(key, address):
    """The value a sketch gets for a client address (0 is reserved for "window closed")."""
    h = siphash24(key, address)
    return h if h != 0 else 1

CLIENT_CASES = [("000102030405060708090a0b0c0d0e0f", "192.0.2.1"),
                ("000102030405060708090a0b0c0d0e0f", "198.51.100.254"),
                ("000102030405060708090a0b0c0d0e0f", "2001:db8::1"),
                ("000102030405060708090a0b0c0d0e0f", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
                ("8f1ec3a1d27b5a0c94e6f03b7a2d5c18", "192.0.2.1"),
                ("8f1ec3a1d27b5a0c94e6f03b7a2d5c18", "10.0.0.8"),
                ("8f1ec3a1d27b5a0c94e6f03b7a2d5c18", "mirror-client.example.net"),
                ("8f1ec3a1d27b5a0c94e6f03b7a2d5c18", "a-host-name-longer-than-sixty-four-bytes.clients.example.university.edu"),
                ("ffffffffffffffffffffffffffffffff", "-")]

def check_client_hash():
    v = json.load(open(vectors_path("stats-client-hash.json")))
    bad = 0
    for case in v["reference"]:
        got = siphash24(bytes.fromhex(case["key"]), bytes.fromhex(case["input"])).to_bytes(8, "little").hex()
        if got != case["output"]:
            print(f"MISMATCH SipHash reference input {case['input']}: {got} != {case['output']}")
            bad += 1
    for case in v["client_hashes"]:
        got = "%016x" % client_hash(bytes.fromhex(case["key"]), case["address"].encode("ascii"))
        if got != case["value"]:
            print(f"MISMATCH client hash of {case['address']}: {got} != {case['value']}")
            bad += 1
    n = len(v["reference"]) + len(v["client_hashes"])
    print(f"stats client hash vectors: {n - bad} passed, {bad} failed")
    return bad

def vectors_path(name):
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors", name)

def main():
    v = json.load(open(vectors_path("stats-batch-id.json")))
    bad = 0
    for case in v["cases"]:
        got = batch_id(case["mirror_id"], case["coverage"], case["periods"], case.get("part", 0), case.get("parts", 1))
        if got != case["batch_id"]:
            print(f"MISMATCH {case['name']}: {got} != {case['batch_id']}")
            bad += 1
    print(f"stats batch id vectors: {len(v['cases']) - bad} passed, {bad} failed")
    w = json.load(open(vectors_path("stats-windows.json")))
    wbad = 0
    for case in w["cases"]:
        got = windows(case["unix"])
        if got != case["windows"]:
            print(f"MISMATCH windows of {case['unix']}: {got} != {case['windows']}")
            wbad += 1
    print(f"stats window vectors: {len(w['cases']) - wbad} passed, {wbad} failed")
    cbad = check_client_hash()
    sys.exit(1 if bad or wbad or cbad else 0)

if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--print-client-hash":
        # argv[2]: the 64 outputs of vectors_sip64 in the reference's vectors.h, as 16 hex digits each.
        outputs = open(sys.argv[2]).read().split()
        key = bytes(range(16)).hex()
        ref = [{"key": key, "input": bytes(range(i)).hex(), "output": o} for i, o in enumerate(outputs)]
        cli = [{"key": k, "address": a, "value": "%016x" % client_hash(bytes.fromhex(k), a.encode("ascii"))}
               for k, a in CLIENT_CASES]
        head = {"description": "The keyed client hash of tck/SPEC.md 11.6 as the reference agent computes it: SipHash-2-4 with "
                "a window's 128-bit secret as key (k0 = its first 8 bytes, k1 = the next 8, little-endian) over the address "
                "bytes as the log has them; the 64-bit result (0 becomes 1) is what the HLL sketch is updated with. "
                "`reference`: the 64 SipHash-2-4 vectors of the reference implementation (vectors_sip64 in vectors.h of "
                "https://github.com/veorq/SipHash: key 00..0f, input the bytes 00..i-1, output the 8 result bytes "
                "little-endian; input 00..0e is the example of the SipHash paper, appendix A). `client_hashes`: addresses "
                "under sample keys, value as 16 hex digits of the unsigned 64-bit result. Generated by "
                "tck/check_stats_vectors.py --print-client-hash; checked by SipHashTest and this script."}
        lines = ["{", ' "description": ' + json.dumps(head["description"]) + ",", ' "reference": [']
        lines += ["  " + json.dumps(c) + ("," if i + 1 < len(ref) else "") for i, c in enumerate(ref)]
        lines += [" ],", ' "client_hashes": [']
        lines += ["  " + json.dumps(c) + ("," if i + 1 < len(cli) else "") for i, c in enumerate(cli)]
        lines += [" ]", "}"]
        print("\n".join(lines))
        sys.exit(0)
    if len(sys.argv) > 1 and sys.argv[1] == "--print":
        f1 = "11" * 32; f2 = "a0" * 32
        cases = [
            {"name": "one file, one hour", "mirror_id": "mirror.example.org",
             "coverage": [{"file_identity": f1, "start": 0, "end": 4096}],
             "periods": [{"granularity": 1, "period_start": 1732406400}, {"granularity": 2, "period_start": 1732406400}]},
            {"name": "two files, unsorted input", "mirror_id": "m\u00fcnster",
             "coverage": [{"file_identity": f2, "start": 100, "end": 200}, {"file_identity": f1, "start": 5, "end": 6}],
             "periods": [{"granularity": 2, "period_start": 1732406400}, {"granularity": 1, "period_start": 1732410000},
                         {"granularity": 1, "period_start": 1732406400}]},
            {"name": "empty coverage", "mirror_id": "x", "coverage": [], "periods": []},
            {"name": "part 2 of 3", "mirror_id": "mirror.example.org", "part": 2, "parts": 3,
             "coverage": [{"file_identity": f1, "start": 0, "end": 4096}],
             "periods": [{"granularity": 1, "period_start": 1732410000}]},
            {"name": "hour, day, ISO week and month rows", "mirror_id": "mirror.example.org",
             "coverage": [{"file_identity": f1, "start": 0, "end": 4096}],
             "periods": [{"granularity": 4, "period_start": 1730419200}, {"granularity": 3, "period_start": 1732492800},
                         {"granularity": 2, "period_start": 1732579200}, {"granularity": 1, "period_start": 1732579200}]},
        ]
        for c in cases:
            c["batch_id"] = batch_id(c["mirror_id"], c["coverage"], c["periods"], c.get("part", 0), c.get("parts", 1))
        print(json.dumps({"description": "Stats batch ids (tck/SPEC.md 11.1). Generated by tck/check_stats_vectors.py --print; checked by StatsBatchesTest and this script.",
                          "cases": cases}, indent=1, ensure_ascii=False))
    elif len(sys.argv) > 1 and sys.argv[1] == "--print-windows":
        cases = [{"unix": t, "windows": windows(t)} for t in WINDOW_TIMES]
        print(json.dumps({"description": "The UTC day, ISO 8601 week (Monday 00:00) and calendar month holding a Unix time: period_start of the DAY, WEEK and MONTH rows (tck/SPEC.md 11.4) and the labels of `chasm stats scan --json`. Generated by tck/check_stats_vectors.py --print-windows; checked by StatsWindowsTest and this script.",
                          "cases": cases}, indent=1))
    else:
        main()
